import { createHash } from 'crypto';
import * as path from 'path';
import type {
  CheckDiagnostic,
  CheckJson,
  CrateAbi,
  ShardCrate,
  ShardData,
  ShardSkipped,
} from '../../../protocol/check';
import { crateAbi, linkNames } from './abi/link-surface';
import { dynamicImports } from './abi/dynamic-imports';
import type { Finding } from './analysis/findings';
import type { Settings } from './config';
import { diagnosticRenderer } from './check-json';
import { ownCopy } from './syntax/own-copy';
import { checkEachCrate, relevanceOf, RunFiles, RunOutline } from './project';
import { TOOL_VERSION } from './version';
import type { CrateDescription } from './workspace/discover';
import type { RelevanceIndex } from './workspace/relevance';
import { moduleFileCandidates } from './workspace/crates';
import type { LoadedCrate } from './workspace/loaded-crate';
import type { ExternalAbi } from './abi/cross-crate';

/**
 * The map step of `ffi-guard check`: a run over some paths checks a share of the crates (all of them
 * unsharded; with `--shard I/N`, the I-th of N shares balanced by size, which every runner computes the
 * same without talking to the others) and prints what they report, with what the reduce step needs to
 * combine the shares into what one unsharded run prints (protocol/check.ts `ShardData`; core/merge.ts).
 */

/** `--shard I/N`: the I-th of N shares (1 ≤ I ≤ N). */
export interface ShardSpec {
  index: number;
  count: number;
}

/** What a run's share of the crates reports, before the reduce step. */
export interface CheckRun {
  /** What `check --format json` prints for this share (no cross-crate check has run yet). */
  json: CheckJson;
  /** What the reduce step needs of this share. */
  shard: ShardData;
  /** Nothing of the whole run could be read: it has no crate, or no file found could be read. */
  nothingRead: boolean;
}

export interface RunOptions {
  /** The share to check; the whole run when absent. */
  shard?: ShardSpec;
  /** Build the ABI surface of the share's crates, for the cross-crate checks of the reduce step. */
  surface: boolean;
  /**
   * With `surface`, in an unsharded run whose cross-crate checks all read pairs alone
   * (`CrossCrateCheck.readsPairsOnly`): build every export, and only the imports whose link name an
   * export of the run or of these libraries (`check --against`) has. A shard builds every symbol: which
   * ones the merge pairs depends on the other shards.
   */
  pairedWith?: readonly ExternalAbi[];
  /** Told after each crate is loaded (see `LoadOptions.progress`). */
  progress?: (cratesLoaded: number) => void;
  /** Told once the files are scanned, before any crate is loaded: how much the run parses up front. */
  planned?: (workload: Workload) => void;
  /**
   * Told after each parse (a file, a piece of one, a macro's expansion): the command line caps V8's young
   * generation then, which can double twice while one crate loads (server/src/v8-heap.ts).
   */
  parsed?: () => void;
}

/** What a run knows of its work once every file is scanned. */
export interface Workload {
  /**
   * The bytes of the files the relevance index has parsed up front (what lazy loading adds is not known
   * yet); null when every module is loaded, with no index to tell.
   */
  upFrontBytes: number | null;
}

/** A crate as the split weighs it: its root path (which breaks ties) and the bytes it may cover. */
export interface WeighedCrate {
  root: string;
  size: number;
}

/**
 * Split crates into `count` shares balanced by size: the largest first, each to the lightest share
 * (the lowest-numbered among equals), ties between crates broken by root path, then by place. Returns
 * each share's crate indices, in crate order; a share may be empty when there are fewer crates than
 * shares. No share weighs more than the mean plus the largest crate.
 */
export function partitionCrates(crates: readonly WeighedCrate[], count: number): number[][] {
  const order = crates
    .map((_, i) => i)
    .sort((a, b) => {
      const x = crates[a];
      const y = crates[b];
      if (x.size !== y.size) return y.size - x.size;
      if (x.root !== y.root) return x.root < y.root ? -1 : 1;
      return a - b;
    });
  const shares: number[][] = Array.from({ length: count }, () => []);
  const loads = new Array<number>(count).fill(0);
  for (const i of order) {
    let lightest = 0;
    for (let s = 1; s < count; s++) if (loads[s] < loads[lightest]) lightest = s;
    shares[lightest].push(i);
    loads[lightest] += crates[i].size;
  }
  return shares.map((share) => share.sort((a, b) => a - b));
}

/**
 * Check a share of the crates under `paths` (the whole run unless `options.shard` says which), with
 * paths printed by `rel`. Only the share's crates are loaded and checked: which crates the run has is
 * known from the manifests and the files' text, before any crate is loaded.
 */
export async function runCheck(
  paths: string[],
  cwd: string,
  settings: Settings,
  rel: (file: string) => string,
  options: RunOptions,
): Promise<CheckRun> {
  const spec = options.shard ?? { index: 1, count: 1 };
  rel = memoised(rel);
  let plan: RunPlan | undefined;
  let render: ((f: Finding) => CheckDiagnostic) | undefined;
  const crateIndex = new Map<CrateDescription, number>();
  const reported: Reported[] = [];
  const repeats = new Repeats(reported);
  const surface: CrateAbi[] = [];
  const paired =
    options.surface && options.pairedWith && !options.shard ? new PairedSurfaces(options.pairedWith) : null;
  const firstWithRoot = new Map<string, number>();
  const outline = await checkEachCrate(
    paths,
    cwd,
    settings,
    {
      progress: options.progress,
      parsed: options.parsed,
      again: paired
        ? {
            crates: () => paired.incomplete().map((i) => plan!.crates[i]),
            visit: (loaded) => {
              const index = crateIndex.get(loaded.description)!;
              const at = surface.findIndex((s) => s.crate === index);
              surface[at] = paired.build(loaded, index, rel);
            },
          }
        : undefined,
      share: (crates, run) => {
        plan = planRun(crates, run, spec, rel, !!options.shard);
        crates.forEach((c, i) => crateIndex.set(c, i));
        render = diagnosticRenderer(run.cache, rel);
        options.planned?.({ upFrontBytes: upFrontBytes(run.relevance) });
        return plan.share.map((i) => crates[i]);
      },
    },
    (loaded, findings) => {
      const index = crateIndex.get(loaded.description);
      if (index === undefined || !render) throw new Error('a crate outside the plan of the run');
      const root = loaded.crate.rootFile;
      if (!firstWithRoot.has(root)) firstWithRoot.set(root, index);
      for (const f of findings ?? []) {
        if (!repeats.keep(f, root)) continue;
        const { start, end } = f.origin.span;
        reported.push({ file: f.origin.file, start, end, root, diagnostic: render(f), crate: index });
      }
      if (paired) surface.push(paired.build(loaded, index, rel));
      else if (options.surface) surface.push(crateAbi(loaded, index, rel));
    },
  );
  if (!plan) throw new Error('checkEachCrate did not ask for the share of the crates');
  // As checkCrates sorts them (analysis/findings.ts compareFindings; the sort is stable).
  const kept = reported
    .filter((r) => outline.requested.has(r.file))
    .sort(
      (a, b) => compareText(a.file, b.file) || a.start - b.start || compareText(a.diagnostic.rule, b.diagnostic.rule),
    );
  const json: CheckJson = {
    version: 1,
    tool: { name: 'ffi-guard', version: TOOL_VERSION },
    filesScanned: outline.filesScanned.length,
    diagnostics: kept.map((r) => r.diagnostic),
    skipped: outline.skipped.map((s) => ({ file: rel(s.file), reason: s.reason })),
  };
  return {
    json,
    shard: shardData({ ...outline, kept, surface, firstWithRoot }, plan, spec, paths, settings, cwd, rel),
    nothingRead: plan.nothingToRead && (outline.skipped.length > 0 || paths.length > 0),
  };
}

/** See `Workload.upFrontBytes`. */
function upFrontBytes(relevance: RelevanceIndex | undefined): number | null {
  if (!relevance) return null;
  let bytes = 0;
  for (const file of relevance.needed()) bytes += relevance.bytesOf(file) ?? 0;
  return bytes;
}

/**
 * The symbols of each crate that an unsharded run's cross-crate checks can pair, when they read pairs
 * alone: every export, and each import whose link name an export of the run or of a library outside it
 * has. A crate's symbols are built as it is checked, with the exports known so far (its own and those
 * of the crates before it); an import left out whose name a later crate exports makes its crate
 * `incomplete`, to be loaded again and built once more with every export known.
 */
class PairedSurfaces {
  /** The link names exported so far, and by the libraries outside the run. */
  private readonly exported = new Set<string>();
  /** The crates (by index) that left out an import, by its link name. */
  private readonly leftOut = new Map<string, Set<number>>();

  constructor(external: readonly ExternalAbi[]) {
    for (const lib of external) for (const s of lib.symbols) if (s.direction === 'export') this.exported.add(s.name);
  }

  build(loaded: LoadedCrate, index: number, rel: (file: string) => string): CrateAbi {
    // Most crates of a run export nothing and import nothing another exports: told from their items alone.
    const named = linkNames(loaded.crate);
    if (!named.mayExport && !named.imports.some((name) => this.exported.has(name))) {
      const dynamic = dynamicImports(loaded).map((d) => d.name);
      if (!dynamic.some((name) => this.exported.has(name))) {
        this.leave(index, [...named.imports, ...dynamic]);
        return { crate: index, symbols: [] };
      }
    }
    let left: string[] = [];
    const pick = (name: string, direction: 'export' | 'import'): boolean => {
      if (direction === 'export' || this.exported.has(name)) return true;
      left.push(name);
      return false;
    };
    let abi = crateAbi(loaded, index, rel, pick);
    for (const s of abi.symbols) if (s.direction === 'export') this.exported.add(s.name);
    // An import of a name the crate itself exports: built now, while the crate is loaded.
    if (left.some((name) => this.exported.has(name))) {
      left = [];
      abi = crateAbi(loaded, index, rel, pick);
    }
    this.leave(index, left);
    return abi;
  }

  private leave(index: number, names: readonly string[]): void {
    for (const name of names) {
      let crates = this.leftOut.get(name);
      // Kept for the rest of the run: not a slice of the crate's text, which would keep the text.
      if (!crates) this.leftOut.set(ownCopy(name), (crates = new Set()));
      crates.add(index);
    }
  }

  /** The crates that left out an import whose name a crate after them exports, in crate order. */
  incomplete(): number[] {
    const out = new Set<number>();
    for (const [name, crates] of this.leftOut) if (this.exported.has(name)) for (const i of crates) out.add(i);
    return [...out].sort((a, b) => a - b);
  }
}

/**
 * checkCrates's choice among repeats: a finding two crates report in a file they share is kept for the
 * first crate (by root) that reports it; a crate's own repeats are all kept. Findings are told apart
 * (by rule, place and message) only in the files that crates of more than one root report in: the
 * findings of the others are kept at once, without a key held for each.
 */
class Repeats {
  /** The root that reported first in each file. */
  private readonly firstRoot = new Map<string, string>();
  /** Of a file that crates of several roots report in: the root that reported each finding first, by key. */
  private readonly owners = new Map<string, Map<string, string>>();

  /** `kept`: the findings kept so far, which the first findings of another root in their file are told from. */
  constructor(private readonly kept: readonly Reported[]) {}

  keep(f: Finding, root: string): boolean {
    const file = f.origin.file;
    const first = this.firstRoot.get(file);
    if (first === undefined) this.firstRoot.set(file, root);
    let owners = this.owners.get(file);
    if (!owners) {
      if (first === undefined || first === root) return true;
      owners = new Map();
      for (const r of this.kept)
        if (r.file === file) {
          const key = repeatKey(r.diagnostic.rule, r.start, r.end, r.diagnostic.message);
          if (!owners.has(key)) owners.set(key, r.root);
        }
      this.owners.set(file, owners);
    }
    const key = repeatKey(f.rule, f.origin.span.start, f.origin.span.end, f.message);
    const owner = owners.get(key) ?? root;
    owners.set(key, owner);
    return owner === root;
  }
}

function repeatKey(rule: string, start: number, end: number, message: string): string {
  return `${rule}|${start}|${end}|${message}`;
}

/** A finding a crate of the run reported, as printed, with what places it among the others. */
interface Reported {
  /** Its file's absolute path. */
  file: string;
  /** Where it starts and ends in its file (UTF-16 offsets). */
  start: number;
  end: number;
  /** The root of the crate that reported it. */
  root: string;
  diagnostic: CheckDiagnostic;
  /** The index of the crate that reported it among the run's. */
  crate: number;
}

/** What a run checked, as the reduce step needs it. */
interface RunResult extends RunOutline {
  /** The findings printed, in order. */
  kept: Reported[];
  /** The ABI surface of each crate of the share, in load order (when asked for). */
  surface: CrateAbi[];
  /** The index of the first crate of the share loaded from each root. */
  firstWithRoot: Map<string, number>;
}

/** `rel` computed once per file (every finding of a file names it). */
function memoised(rel: (file: string) => string): (file: string) => string {
  const known = new Map<string, string>();
  return (file) => {
    let out = known.get(file);
    if (out === undefined) known.set(file, (out = rel(file)));
    return out;
  };
}

/** Strings in code-unit order, as `<` compares them. */
function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** What the run found and which crates are this share's, decided before any crate is loaded. */
interface RunPlan {
  /** Every crate of the run, in load order. */
  crates: CrateDescription[];
  described: ShardCrate[];
  share: number[];
  /** Every `.rs` file found under the paths. */
  files: readonly string[];
  /** No crate, or no file found could be read. */
  nothingToRead: boolean;
}

/**
 * `weigh`: work out each crate's size, which splits the run into shares (a shard prints them); an
 * unsharded run is one share and prints none, so its crates weigh nothing.
 */
function planRun(
  crates: CrateDescription[],
  run: RunFiles,
  spec: ShardSpec,
  rel: (file: string) => string,
  weigh: boolean,
): RunPlan {
  const relevance = weigh ? (run.relevance ?? relevanceOf([...run.files], run.cache)) : null;
  const found = new Set(run.files);
  const sizes = new Map<string, number>();
  const sizeOf = (index: RelevanceIndex, file: string): number => {
    let size = sizes.get(file);
    if (size === undefined) {
      size = index.bytesOf(file) ?? Buffer.byteLength(run.cache.text(file) ?? '', 'utf8');
      sizes.set(file, size);
    }
    return size;
  };
  const described = crates.map((c): ShardCrate => ({
    name: c.name,
    target: c.target,
    root: rel(c.rootFile),
    size: relevance ? moduleFiles(c.rootFile, relevance, found).reduce((sum, f) => sum + sizeOf(relevance, f), 0) : 0,
  }));
  return {
    crates,
    described,
    share: partitionCrates(described, spec.count)[spec.index - 1],
    files: run.files,
    nothingToRead: !crates.length || !run.files.some((f) => run.cache.text(f) !== null),
  };
}

/**
 * The files found that a crate's `mod` declarations may reach from its root, read from the text (a
 * `mod` in a comment counts; `#[path]` is not followed): what the crate is weighed by, without loading it.
 */
function moduleFiles(root: string, relevance: RelevanceIndex, found: ReadonlySet<string>): string[] {
  const reached = new Set(found.has(root) ? [root] : []);
  const queue = [{ file: root, childDir: path.dirname(root) }];
  for (let next = queue.pop(); next; next = queue.pop())
    for (const name of relevance.modulesOf(next.file) ?? [])
      for (const file of moduleFileCandidates(next.childDir, name)) {
        if (!found.has(file) || reached.has(file)) continue;
        reached.add(file);
        const isModRs = path.basename(file) === 'mod.rs';
        queue.push({ file, childDir: isModRs ? path.dirname(file) : file.slice(0, -'.rs'.length) });
      }
  return [...reached];
}

function shardData(
  result: RunResult,
  plan: RunPlan,
  spec: ShardSpec,
  paths: string[],
  settings: Settings,
  cwd: string,
  rel: (file: string) => string,
): ShardData {
  const fileIndex = new Map(plan.files.map((f, i) => [f, i]));
  // Findings sort by absolute path (analysis/findings.ts); the merge sorts by these keys, which compare alike.
  const keyOf = sortKey(cwd, plan.files);
  const requested = new Map([...result.requested].map((f) => [rel(f), f]));
  const sortKeys: Record<string, string> = {};
  const named = [
    ...result.kept.map((r) => r.file),
    ...result.skipped.filter((s) => s.kind === 'unread').map((s) => s.file),
    ...result.surface.flatMap((c) => c.symbols.map((s) => requested.get(s.file))),
  ];
  for (const file of named) if (file !== undefined && result.requested.has(file)) sortKeys[rel(file)] = keyOf(file);
  return {
    format: 1,
    index: spec.index,
    count: spec.count,
    paths,
    configuration: digest(settings),
    rules: settings.rules,
    files: plan.files.map(rel),
    crates: plan.described,
    share: plan.share,
    scanned: result.filesScanned.map((f) => fileIndex.get(f)!),
    sortKeys,
    reportedBy: result.kept.map((r) => r.crate),
    skipped: result.skipped.map((s): ShardSkipped => {
      const entry: ShardSkipped = { file: rel(s.file), reason: s.reason, kind: s.kind };
      if (s.kind === 'internal' || s.kind === 'limit') {
        const crate = result.firstWithRoot.get(s.file);
        if (crate !== undefined) entry.crate = crate;
      }
      return entry;
    }),
    surface: result.surface,
  };
}

/**
 * Keys that compare as absolute paths do, without naming the folder the run is in: a file under the
 * folder holding the current directory and every file found is keyed by its path from there; one
 * outside (an `include!` of a file above) by its absolute path, marked to sort before or after them.
 */
function sortKey(cwd: string, files: readonly string[]): (file: string) => string {
  let base = cwd;
  const holds = (dir: string, file: string): boolean => file.startsWith(dir.endsWith(path.sep) ? dir : dir + path.sep);
  for (const f of files) while (!holds(base, f) && path.dirname(base) !== base) base = path.dirname(base);
  const prefix = base.endsWith(path.sep) ? base : base + path.sep;
  return (file) => (file.startsWith(prefix) ? `=${file.slice(prefix.length)}` : `${file < prefix ? '<' : '>'}${file}`);
}

/** A short digest of a value, the same for equal values whatever the order of their keys. */
function digest(value: unknown): string {
  return createHash('sha256').update(canonicalJson(value)).digest('hex').slice(0, 16);
}

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object')
    return `{${Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonicalJson((value as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  return JSON.stringify(value) ?? 'null';
}
