import * as path from 'path';
import { PerformanceObserver } from 'perf_hooks';
import * as v8 from 'v8';
import { defaultSettings } from '../../server/src/core/config';
import { AnalysisHost } from '../../server/src/core/host';
import { loadParser } from '../../server/src/core/syntax/parse';
import { limitHeapGrowth } from '../../server/src/v8-heap';
import { allocationsOf, totalOf } from './heap-sampling';
import { BAD_EXPORT, chooseEditingPlan, TARGET_LINES } from './lsp-places';
import { benchWorkspaces } from './workspaces';

/**
 * Typing into the document `npm run bench:lsp` opens, in this process, without a client: each keystroke's
 * time in the analysis alone, and what the garbage collector did meanwhile, in the comment, the function
 * body and the exported signature that bench types into, then the bad export it inserts. The end-to-end
 * bench measures what an editor waits for; this one tells how much of a slow keystroke is a collection, and
 * whether what typing allocates outlives it (the large-object space growing keystroke after keystroke).
 *
 * With `--allocations [N]`, V8's sampling heap profiler runs while each place is typed into, and what each
 * keystroke allocated is printed, with the N places that allocated most (5 by default). With `--each`, every
 * keystroke is printed: its time, the collections that started during it, and the old generation's size after
 * it (a slow keystroke with no long pause of its own is one a marking cycle ran beside).
 *
 *   node out/test/bench/typing-heap.js [--workspace NAME|DIR (application-like-3)] [--keystrokes N (60)] [--allocations [N (5)]] [--each]
 */

interface Options {
  workspace: string;
  keystrokes: number;
  /** The allocation sites printed for each place typed into (0: the sampling profiler does not run). */
  allocations: number;
  /** Whether every keystroke is printed, with the collections during it. */
  each: boolean;
}

const USAGE = 'usage: typing-heap.js [--workspace NAME|DIR] [--keystrokes N] [--allocations [N]] [--each]';

function parseOptions(argv: string[]): Options {
  const options: Options = { workspace: 'application-like-3', keystrokes: 60, allocations: 0, each: false };
  for (let i = 0; i < argv.length; i++) {
    const value = argv[i + 1];
    if (argv[i] === '--each') options.each = true;
    else if (argv[i] === '--allocations') options.allocations = Number(value) > 0 ? Number(argv[++i]) : 5;
    else if (argv[i] === '--workspace' && value) options.workspace = argv[++i];
    else if (argv[i] === '--keystrokes' && Number(value) > 0) options.keystrokes = Number(argv[++i]);
    else throw new Error(`unknown argument ${argv[i]}\n${USAGE}`);
  }
  return options;
}

function printAllocations(bySite: Map<string, number>, count: number, sites: number): void {
  const kb = (bytes: number): string => `${(bytes / count / 1024).toFixed(0)} kB`;
  const total = totalOf(bySite);
  console.log(`  allocated: ${kb(total)} a keystroke, most by`);
  for (const [site, bytes] of [...bySite].sort((a, b) => b[1] - a[1]).slice(0, sites))
    console.log(`    ${kb(bytes).padStart(7)}  ${site}`);
}

const MB = 1024 * 1024;

function spaceUsedMb(name: string): number {
  const space = v8.getHeapSpaceStatistics().find((s) => s.space_name === name);
  return (space?.space_used_size ?? 0) / MB;
}

function largeObjectsMb(): number {
  return spaceUsedMb('large_object_space');
}

/** One keystroke: when it started and ended (`performance.now()`), and the old generation after it. */
interface Keystroke {
  started: number;
  ended: number;
  oldMb: number;
}

/** Each keystroke on a line: its time, the collections that started during it, the old generation after it. */
function printEach(keystrokes: Keystroke[], pauses: { kind: string; ms: number; at: number }[]): void {
  for (const [i, k] of keystrokes.entries()) {
    const during = pauses
      .filter((p) => p.at >= k.started && p.at < k.ended)
      .map((p) => `${p.kind} ${p.ms.toFixed(1)}`)
      .join(', ');
    const ms = (k.ended - k.started).toFixed(1).padStart(7);
    console.log(`  ${String(i + 1).padStart(3)} ${ms} ms  old ${k.oldMb.toFixed(0).padStart(4)} MB  ${during}`);
  }
}

/** V8's collection kinds as `perf_hooks` numbers them. */
const GC_KIND: Record<number, string> = {
  1: 'scavenge',
  2: 'minor mark-sweep',
  4: 'full',
  8: 'incremental marking',
  16: 'weak callbacks',
};

/**
 * Each of `count` changes made by `change(i)`, timed, and the collections made meanwhile (and, when
 * `allocations` is not 0, that many of the sites that allocated most), printed under `what`.
 */
async function timed(
  what: string,
  count: number,
  change: (i: number) => void,
  allocations = 0,
  each = false,
): Promise<void> {
  const pauses: { kind: string; ms: number; at: number }[] = [];
  const observer = new PerformanceObserver((list) => {
    for (const e of list.getEntries()) {
      const kind = (e as unknown as { detail?: { kind?: number } }).detail?.kind ?? 0;
      pauses.push({ kind: GC_KIND[kind] ?? `kind ${kind}`, ms: e.duration, at: e.startTime });
    }
  });
  observer.observe({ entryTypes: ['gc'] });
  const times: number[] = [];
  const keystrokes: Keystroke[] = [];
  const largeBefore = largeObjectsMb();
  const typing = async (): Promise<void> => {
    for (let i = 0; i < count; i++) {
      const started = performance.now();
      change(i);
      const ended = performance.now();
      times.push(ended - started);
      if (each) keystrokes.push({ started, ended, oldMb: spaceUsedMb('old_space') });
      // The event loop turns between keystrokes, as in the server (and the observer is told of collections).
      await new Promise((r) => setImmediate(r));
    }
  };
  const allocated = allocations ? await allocationsOf(typing) : (await typing(), null);
  observer.disconnect();
  const sorted = [...times].sort((a, b) => a - b);
  const q = (p: number): string => sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))].toFixed(2);
  const byKind = new Map<string, number[]>();
  for (const p of pauses) byKind.set(p.kind, [...(byKind.get(p.kind) ?? []), p.ms]);
  const gcs = [...byKind]
    .map(([kind, ms]) => `${ms.length} ${kind} (longest ${Math.max(...ms).toFixed(1)} ms)`)
    .join(', ');
  console.log(
    `${what}: ${count} × p50 ${q(0.5)} ms, p99 ${q(0.99)} ms, longest ${sorted[sorted.length - 1].toFixed(2)} ms`,
  );
  console.log(`  collections: ${gcs || 'none'}`);
  console.log(`  large-object space: ${largeBefore.toFixed(1)} → ${largeObjectsMb().toFixed(1)} MB`);
  if (allocated) printAllocations(allocated, count, allocations);
  if (each) printEach(keystrokes, pauses);
}

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  // As the server sets it (server.ts).
  limitHeapGrowth();
  const [w] = benchWorkspaces([options.workspace]);
  const parser = await loadParser();
  const plan = await chooseEditingPlan(parser, w.dir, w.files, TARGET_LINES);
  console.log(`${w.name}: typing into ${path.relative(w.dir, plan.file)} (${plan.lines} lines)`);
  const host = new AnalysisHost(parser, defaultSettings(), [w.dir]);
  host.indexAll();
  host.update(plan.file, plan.text);
  for (const at of [plan.comment, plan.body, plan.signature])
    await timed(
      at.what,
      options.keystrokes,
      (i) => {
        const where = { line: at.line, character: at.character + i };
        host.change(plan.file, [{ range: { start: where, end: where }, text: 'x' }]);
      },
      options.allocations,
      options.each,
    );
  const end = { line: plan.end.line, character: plan.end.character };
  await timed('the bad export inserted', 1, () =>
    host.change(plan.file, [{ range: { start: end, end }, text: BAD_EXPORT }]),
  );
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : String(e));
  process.exitCode = 1;
});
