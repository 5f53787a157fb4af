import { createHash } from 'crypto';
import type { CheckDiagnostic, CheckJson, ShardCrate, ShardData, ShardSkipped } from '../../../protocol/check';
import { crateAbi } from './abi/link-surface';
import type { Finding } from './analysis/findings';
import type { Settings } from './config';
import { fixesFor } from './fixes/fixes';
import { checkPaths, crateCoverage, LoadedCrate, ProjectResult, RunFiles } from './project';
import { LineIndex } from './syntax/positions';
import type { SourceCache } from './workspace/crates';
import { TOOL_VERSION } from './version';

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
  /** Nothing of the whole run could be read (the paths hold no readable file any crate covers). */
  nothingRead: boolean;
}

export interface RunOptions {
  /** The share to check; the whole run when absent. */
  shard?: ShardSpec;
  /** Build the ABI surface of the share's crates, for the cross-crate checks of the reduce step. */
  surface: boolean;
}

/** The share of a run a crate is weighed for: its root (ties are broken by it) and the bytes it may cover. */
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
 * paths printed by `rel`. Every crate is loaded, since the share is computed from all of them; only
 * the share's crates are checked and count as scanned.
 */
export async function runCheck(
  paths: string[],
  cwd: string,
  settings: Settings,
  rel: (file: string) => string,
  options: RunOptions,
): Promise<CheckRun> {
  const spec = options.shard ?? { index: 1, count: 1 };
  let plan: RunPlan | undefined;
  const result = await checkPaths(paths, cwd, settings, undefined, {
    checkOnly: (crates, run) => {
      plan = planRun(crates, run, spec, rel);
      return plan.share.map((i) => crates[i]);
    },
  });
  if (!plan) throw new Error('checkPaths did not ask which crates to check');
  return {
    json: checkJson(result, rel),
    shard: shardData(result, plan, spec, paths, settings, rel, options),
    nothingRead: plan.nothingRead,
  };
}

/** What the run found and which crates are this share's, decided before any crate is checked. */
interface RunPlan {
  crates: LoadedCrate[];
  described: ShardCrate[];
  share: number[];
  /** Every requested file (absolute), in the order findings sort by. */
  files: string[];
  nothingRead: boolean;
}

function planRun(crates: LoadedCrate[], run: RunFiles, spec: ShardSpec, rel: (file: string) => string): RunPlan {
  const sizes = new Map<string, number>();
  const sizeOf = (file: string): number => {
    let size = sizes.get(file);
    if (size === undefined) {
      size = Buffer.byteLength(run.cache.text(file) ?? '', 'utf8');
      sizes.set(file, size);
    }
    return size;
  };
  const readable = new Set<string>();
  const described = crates.map(({ crate, description }): ShardCrate => {
    const covered = crateCoverage(crate, run.files);
    for (const f of covered) if (run.cache.text(f) !== null) readable.add(f);
    return {
      name: crate.name,
      target: description.target,
      root: rel(crate.rootFile),
      size: covered.reduce((sum, f) => sum + sizeOf(f), 0),
    };
  });
  return {
    crates,
    described,
    share: partitionCrates(described, spec.count)[spec.index - 1],
    // Findings sort by absolute path (analysis/findings.ts), so the reduce step sorts by this list's order.
    files: [...run.requested].sort(),
    nothingRead: !run.files.some((f) => readable.has(f)),
  };
}

function shardData(
  result: ProjectResult,
  plan: RunPlan,
  spec: ShardSpec,
  paths: string[],
  settings: Settings,
  rel: (file: string) => string,
  options: RunOptions,
): ShardData {
  const files = plan.files.map(rel);
  const fileIndex = new Map(plan.files.map((f, i) => [f, i]));
  const crateIndex = new Map(plan.crates.map((c, i) => [c, i]));
  const indexOf = (c: LoadedCrate | undefined): number => {
    const i = c && crateIndex.get(c);
    if (i === undefined) throw new Error('a finding reported by no crate of the run');
    return i;
  };
  const skipped = result.skipped.map((s): ShardSkipped => {
    const entry: ShardSkipped = { file: rel(s.file), reason: s.reason, kind: s.kind };
    if (s.kind === 'internal') entry.crate = plan.share.find((i) => plan.crates[i].crate.rootFile === s.file);
    return entry;
  });
  return {
    format: 1,
    index: spec.index,
    count: spec.count,
    paths,
    configuration: digest(settings),
    rules: settings.rules,
    files,
    crates: plan.described,
    share: plan.share,
    scanned: result.filesScanned.map((f) => {
      const i = fileIndex.get(f);
      if (i === undefined) throw new Error(`scanned a file the run did not request: ${f}`);
      return i;
    }),
    reportedBy: result.findings.map((f) => indexOf(result.reportedBy.get(f))),
    skipped,
    surface: options.surface ? plan.share.map((i) => crateAbi(plan.crates[i], i, rel)) : [],
  };
}

/** `check --format json` for what a run's crates found. */
function checkJson(result: ProjectResult, rel: (file: string) => string): CheckJson {
  const positionOf = positionsIn(result.cache);
  return {
    version: 1,
    tool: { name: 'ffi-guard', version: TOOL_VERSION },
    filesScanned: result.filesScanned.length,
    diagnostics: result.findings.map((f): CheckDiagnostic => ({
      file: rel(f.origin.file),
      ...positionOf(f),
      rule: f.rule,
      severity: f.severity,
      message: f.message,
      rustcLint: f.rustcLint,
      symbol: f.symbol,
      fixes: fixesFor(f, {
        textOf: (file) => result.cache.peek(file)?.text,
        edition: f.target?.ctx.crate.edition ?? '2021',
      }).map((x) => x.title),
    })),
    skipped: result.skipped.map((s) => ({ file: rel(s.file), reason: s.reason })),
  };
}

/** Positions of findings as rustc counts them (1-based, columns in Unicode scalar values), one index per file. */
function positionsIn(
  cache: SourceCache,
): (f: Finding) => Pick<CheckDiagnostic, 'line' | 'column' | 'endLine' | 'endColumn'> {
  const indexes = new Map<string, LineIndex>();
  return (f) => {
    let index = indexes.get(f.origin.file);
    if (!index) {
      index = new LineIndex(cache.peek(f.origin.file)?.text ?? '');
      indexes.set(f.origin.file, index);
    }
    const s = index.rustcPosition(f.origin.span.start);
    const e = index.rustcPosition(f.origin.span.end);
    return { line: s.line, column: s.column, endLine: e.line, endColumn: e.column };
  };
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
