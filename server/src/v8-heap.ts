import * as v8 from 'v8';
import * as vm from 'vm';
import type { Workload } from './core/shard';

/**
 * How each entry point sizes V8's heap for its work: the language server for a life as long as the
 * editor's, `check` for one run.
 */

/**
 * V8 lets the heap grow to several times what is live before a full collection, so a peak depends on when
 * that comes. The server lives as long as the editor, and a keystroke in an exported signature re-checks
 * the crate: a few megabytes of short-lived objects each time (its peak was 250 to 305 MB over three runs
 * of `npm run bench:lsp -- --workspace application-like-2`, against 300 MB targeted). A `check` that parses
 * megabytes keeps items alive while it makes garbage (the FFI-dense workspace peaked at 350 to 530 MB).
 * Letting the heap grow by half instead keeps the server near 180 MB and that check near 290 MB, at no
 * measured cost in time (docs/performance.md).
 */
export function limitHeapGrowth(): void {
  v8.setFlagsFromString(`--heap-growing-percent=${LIMITED_GROWTH_PERCENT}`);
}

const LIMITED_GROWTH_PERCENT = 50;
/** V8's own (`node --v8-options`): its heuristics decide. */
const DEFAULT_GROWTH_PERCENT = 0;

/**
 * V8 doubles its young generation each time enough of what it allocates survives, up to 32 MB, and does
 * not give it back. A `check` that parses little (the files of an application are mostly only scanned:
 * 0.2 MB parsed up front of the bench's 17 and 18 MB application-like workspaces) gains no time from a
 * larger one, and its peak memory held 10 to 18 MB more: 105 to 114 MB against 95 to 105 MB kept at the
 * first size (`npm run bench`, docs/performance.md). A run that parses megabytes up front (bindings, `-sys`
 * crates: 8 and 15 MB) keeps items alive across many scavenges, and with a small young generation its
 * time grew by up to a tenth: there it grows as V8 decides.
 */
const PARSE_HEAVY_BYTES = 4 * 1024 * 1024;

/** V8's own factor (`node --v8-options`). */
const DEFAULT_GROWTH_FACTOR = 2;

/**
 * How large a parse-heavy run lets its young generation grow: half of V8's largest (two semi-spaces of 16 MB).
 * Five alternated runs each of `check --format json`, capped and not (the commit before): the FFI-dense
 * workspace peaked at 196 to 202 MB against 221 to 252 MB, in 4.9 to 5.2 s against 4.8 to 5.1 s; bindings at
 * 178 to 205 MB against 228 to 230 MB, in 3.8 to 3.9 s both; the FFI monorepo at 221 to 261 MB against 256 to
 * 281 MB, 3% slower (docs/performance.md). V8 reads `--max-semi-space-size` only when it makes the heap, so
 * the growth is stopped instead, once a parse ends at this size: checked after each crate loaded, it doubled
 * twice within one of bindings' crates.
 */
const YOUNG_GENERATION_CAP = 16 * 1024 * 1024;

/** The young generation's growth: held, let go, and held again once it reaches `YOUNG_GENERATION_CAP`. */
class YoungGeneration {
  private growing = false;

  grow(): void {
    v8.setFlagsFromString(`--semi-space-growth-factor=${DEFAULT_GROWTH_FACTOR}`);
    this.growing = true;
  }

  hold(): void {
    v8.setFlagsFromString('--semi-space-growth-factor=1');
    this.growing = false;
  }

  /** Called between pieces of work (each parse): a check of the size, when it may still grow. */
  capped(): void {
    if (this.growing && youngGenerationBytes() >= YOUNG_GENERATION_CAP) this.hold();
  }
}

function youngGenerationBytes(): number {
  return v8.getHeapSpaceStatistics().find((s) => s.space_name === 'new_space')?.space_size ?? 0;
}

/**
 * The heap of one `check`: limited growth (`limitHeapGrowth`), and the young generation kept at its first
 * size until the run knows its workload (`planned`), which lets a parse-heavy run's grow again, up to a cap
 * (`parsed`, after each parse). `restore` puts V8's own rules back, for what runs after in the process.
 */
export function heapForCheck(): { planned: (workload: Workload) => void; parsed: () => void; restore: () => void } {
  const young = new YoungGeneration();
  limitHeapGrowth();
  young.hold();
  return {
    planned: ({ upFrontBytes }) => {
      if (upFrontBytes === null || upFrontBytes > PARSE_HEAVY_BYTES) young.grow();
    },
    parsed: () => young.capped(),
    restore: () => {
      young.grow();
      v8.setFlagsFromString(`--heap-growing-percent=${DEFAULT_GROWTH_PERCENT}`);
    },
  };
}

/**
 * A full collection, now. Opening a document re-checks its crates and leaves V8 a collection to finish: left
 * to V8, it ran during the first keystrokes typed after (a mark of 5 to 9 ms, and the main thread shared
 * with its marking meanwhile), the slowest of the 60 typed into a comment of protobuf's `descriptor.rs` in
 * most runs of `npm run bench:lsp -- --workspace application-like-3` (15 to 24 ms). Collected before the
 * document's diagnostics are sent, it makes the open slower by one collection of the server's heap (the
 * open has 2 s, a keystroke 15 ms: docs/performance.md). V8 offers a collection on demand only through
 * `--expose-gc`, in contexts made after it.
 */
export function collectGarbageNow(): void {
  if (collect === undefined) {
    try {
      v8.setFlagsFromString('--expose-gc');
      collect = vm.runInNewContext('gc') as () => void;
    } catch {
      collect = null;
    }
  }
  collect?.();
}

let collect: (() => void) | null | undefined;
