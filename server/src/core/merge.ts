import type {
  CheckDiagnostic,
  CheckJson,
  CheckSeverity,
  CheckSkipped,
  CrateAbi,
  ShardData,
} from '../../../protocol/check';
import { CROSS_CRATE_CHECKS, CrossCrateCheck, ExternalAbi, runCrossCrateChecks } from './abi/cross-crate';
import { artifactPath, sarifLog, SarifLog, sarifResult, SarifResult, SarifRule, SarifRun } from './abi/sarif';
import { TOOL_VERSION } from './version';
import type { CheckRun } from './shard';

/**
 * The reduce step of `ffi-guard check`: the shares of a run (core/shard.ts) combined into what one
 * unsharded run prints, and the cross-crate checks run over the union of their ABI surfaces.
 * `ffi-guard check` reduces its one share; `ffi-guard merge` reduces the outputs of `check --shard`,
 * JSON or SARIF, after making sure they are the shares of one run.
 *
 * What one run prints, and so what the reduce rebuilds: findings sorted by file (the run's order of
 * files), position and rule, then by the crate that reported them; a finding two crates report (a file
 * a library and a binary share) only once, for the first of them; `skipped` with the run's problems
 * first, then unreadable files in file order, then crates the checker failed on.
 */

/** Outputs that cannot be merged, and why: exit status 2. */
export class MergeError extends Error {}

/** The output of a share, as read back: where it came from, its data for the merge, its findings. */
export interface ShareOutput<T> {
  /** Where it was read from, for messages. */
  source: string;
  toolVersion: string;
  shard: ShardData;
  /** Its diagnostics (JSON) or results (SARIF), in order. */
  items: T[];
}

/** What a run prints once reduced, and how it ends. */
export interface Reduced<T> {
  items: T[];
  filesScanned: number;
  skipped: CheckSkipped[];
  /** Nothing could be read: exit status 2. */
  nothingRead: boolean;
}

/** Where a finding sorts, and what makes two the same finding. */
interface Placement {
  file: string;
  line: number;
  column: number;
  rule: string;
  /** What two crates reporting the same finding share (checkCrates's key, in rustc positions); made when asked. */
  key(): string;
}

/** A finding placed among the run's: its file's sort key, the crate that reported it and its place there. */
interface Placed<T> {
  item: T;
  at: Placement;
  fileKey: string;
  crate: number;
  seq: number;
}

/** `check` without `--shard`: the whole run is one share, reduced as `merge` reduces many. */
export function reduceRun(
  run: CheckRun,
  checks: readonly CrossCrateCheck[] = CROSS_CRATE_CHECKS,
  external: readonly ExternalAbi[] = [],
): {
  json: CheckJson;
  nothingRead: boolean;
} {
  const reduced = reduceShares(
    [{ source: 'check', toolVersion: run.json.tool.version, shard: run.shard, items: run.json.diagnostics }],
    placeDiagnostic,
    (d) => d,
    checks,
    external,
  );
  return { json: jsonOf(run.json.tool, reduced), nothingRead: reduced.nothingRead };
}

/** What `merge` prints, and the severities that decide its exit status. */
export interface Merged {
  format: 'json' | 'sarif';
  output: CheckJson | SarifLog;
  severities: CheckSeverity[];
  nothingRead: boolean;
}

/**
 * Merge the outputs of `check --shard I/N` (parsed JSON, each with the name it was read from) into
 * what one unsharded run prints, in `format` (default: the inputs' format; JSON can be printed as
 * SARIF, not the other way). Throws a `MergeError` that says why they do not merge.
 */
export function mergeOutputs(
  inputs: { source: string; value: unknown }[],
  format: 'json' | 'sarif' | undefined,
  checks: readonly CrossCrateCheck[] = CROSS_CRATE_CHECKS,
): Merged {
  if (!inputs.length) throw new MergeError('no output to merge');
  const read = inputs.map(({ source, value }) => readOutput(source, value));
  const mixed = read.find((r) => r.format !== read[0].format);
  if (mixed)
    throw new MergeError(
      `${read[0].output.source} is ${formatName(read[0].format)} and ${mixed.output.source} is ${formatName(mixed.format)}: run every shard with the same --format`,
    );
  if (read[0].format === 'sarif' && format === 'json')
    throw new MergeError(
      'the shards printed SARIF, which lacks what the JSON holds (severities, fixes, skipped files): run them with --format json',
    );
  if (read[0].format === 'json') {
    const shares = read.map((r) => r.output as ShareOutput<CheckDiagnostic>);
    checkShares(shares);
    const reduced = reduceShares(shares, placeDiagnostic, (d) => d, checks);
    const json = jsonOf({ name: 'ffi-guard', version: shares[0].toolVersion }, reduced);
    return {
      format: format ?? 'json',
      output: format === 'sarif' ? sarifLog(json.diagnostics, shares[0].toolVersion) : json,
      severities: json.diagnostics.map((d) => d.severity),
      nothingRead: reduced.nothingRead,
    };
  }
  const shares = read.map((r) => r.output as ShareOutput<SarifResult>);
  const logs = read.map((r) => r.log!);
  checkShares(shares);
  const rules = mergeRules(logs.map((l) => l.runs[0].tool.driver.rules));
  const ruleIndex = new Map(rules.map((r, i) => [r.id, i]));
  const reduced = reduceShares(shares, placeResult, (d) => sarifResult(d, ruleIndex.get(d.rule)), checks);
  const first = logs[0].runs[0];
  const run: SarifRun = {
    tool: { driver: { ...first.tool.driver, rules } },
    columnKind: first.columnKind,
    results: reduced.items.map((r) => ({ ...r, ruleIndex: ruleIndex.get(r.ruleId) })),
  };
  return {
    format: 'sarif',
    output: { $schema: logs[0].$schema, version: '2.1.0', runs: [run] },
    severities: reduced.items.map((r) => (r.level === 'note' ? 'info' : r.level)),
    nothingRead: reduced.nothingRead,
  };
}

function jsonOf(tool: CheckJson['tool'], reduced: Reduced<CheckDiagnostic>): CheckJson {
  return {
    version: 1,
    tool,
    filesScanned: reduced.filesScanned,
    diagnostics: reduced.items,
    skipped: reduced.skipped,
  };
}

function formatName(format: 'json' | 'sarif'): string {
  return format === 'json' ? 'JSON' : 'SARIF';
}

/**
 * Combine the shares of one run: each finding once (for the first crate that reports it), in the
 * order one run sorts them, with the cross-crate checks' findings among them; the files scanned by
 * any share; the skipped entries of all.
 */
export function reduceShares<T>(
  shares: ShareOutput<T>[],
  place: (item: T) => Placement,
  render: (d: CheckDiagnostic) => T,
  checks: readonly CrossCrateCheck[],
  external: readonly ExternalAbi[] = [],
): Reduced<T> {
  const run = shares[0].shard;
  const keys = new Map<string, string>();
  for (const { source, shard } of shares)
    for (const [file, key] of Object.entries(shard.sortKeys)) {
      if ((keys.get(file) ?? key) !== key) throw new MergeError(`${source} places ${file} unlike the other shards`);
      keys.set(file, key);
    }
  const keyOf = (file: string, source: string): string => {
    const key = keys.get(file);
    if (key === undefined) throw new MergeError(`${source} reports a finding in ${file}, a file its run did not check`);
    return key;
  };
  // checkCrates tells crates apart by their root: two targets of one root file report as one.
  const firstWithRoot = new Map<string, number>();
  run.crates.forEach((c, i) => firstWithRoot.set(c.root, firstWithRoot.get(c.root) ?? i));
  const ownerOf = (crate: number): number => firstWithRoot.get(run.crates[crate].root)!;

  const placed: Placed<T>[] = [];
  for (const { source, shard, items } of shares) {
    if (shard.reportedBy.length !== items.length)
      throw new MergeError(
        `${source} is damaged: it names the crates of ${shard.reportedBy.length} of ${items.length} findings`,
      );
    items.forEach((item, seq) => {
      const at = place(item);
      placed.push({ item, at, fileKey: keyOf(at.file, source), crate: shard.reportedBy[seq], seq });
    });
  }
  // Only findings at one place (rule, file, line, column) can be one finding that several crates report: the
  // key, which holds the message, is made for those alone, not for every finding of the run.
  const atPlace = new Map<string, Placed<T> | Placed<T>[]>();
  for (const p of placed) {
    const where = `${p.at.rule}\n${p.at.file}\n${p.at.line}\n${p.at.column}`;
    const same = atPlace.get(where);
    if (!same) atPlace.set(where, p);
    else if (Array.isArray(same)) same.push(p);
    else atPlace.set(where, [same, p]);
  }
  const dropped = new Set<Placed<T>>();
  for (const same of atPlace.values()) {
    if (!Array.isArray(same)) continue;
    const keys = same.map((p) => p.at.key());
    const owner = new Map<string, number>();
    same.forEach((p, i) => owner.set(keys[i], Math.min(owner.get(keys[i]) ?? Infinity, ownerOf(p.crate))));
    same.forEach((p, i) => {
      if (owner.get(keys[i]) !== ownerOf(p.crate)) dropped.add(p);
    });
  }
  const kept = placed.filter((p) => !dropped.has(p));

  const surfaces: CrateAbi[] = shares.flatMap((s) => s.shard.surface).sort((a, b) => a.crate - b.crate);
  runCrossCrateChecks({ crates: run.crates, surfaces, external }, run.rules, checks).forEach((d, seq) => {
    const fileKey = keys.get(d.file);
    // Like a crate's findings, only those in the files the run was asked about.
    if (fileKey === undefined) return;
    const item = render(d);
    kept.push({ item, at: place(item), fileKey, crate: run.crates.length, seq });
  });
  kept.sort(
    (a, b) =>
      compareText(a.fileKey, b.fileKey) ||
      a.at.line - b.at.line ||
      a.at.column - b.at.column ||
      compareText(a.at.rule, b.at.rule) ||
      a.crate - b.crate ||
      a.seq - b.seq,
  );

  const skipped = mergeSkipped(shares, keys);
  const unread = new Set(skipped.unreadFiles);
  const scanned = new Set<number>();
  for (const { shard } of shares) for (const i of shard.scanned) if (!unread.has(run.files[i])) scanned.add(i);
  return {
    items: kept.map((p) => p.item),
    filesScanned: scanned.size,
    skipped: skipped.entries,
    nothingRead: scanned.size === 0 && (skipped.entries.length > 0 || run.paths.length > 0),
  };
}

/**
 * The skipped entries of all shares, as one run lists them: the run's own problems (every share has
 * them), then files that could not be read or parsed in file order, then the crates the checker
 * failed on in crate order.
 */
function mergeSkipped(
  shares: ShareOutput<unknown>[],
  keys: Map<string, string>,
): { entries: CheckSkipped[]; unreadFiles: string[] } {
  const paths = shares[0].shard.skipped.filter((s) => s.kind === 'path');
  const unread = new Map<string, CheckSkipped>();
  const internal: { entry: CheckSkipped; crate: number }[] = [];
  for (const { shard } of shares)
    for (const s of shard.skipped) {
      if (s.kind === 'unread' && !unread.has(`${s.file}\n${s.reason}`))
        unread.set(`${s.file}\n${s.reason}`, { file: s.file, reason: s.reason });
      if (s.kind === 'internal' || s.kind === 'limit')
        internal.push({ entry: { file: s.file, reason: s.reason }, crate: s.crate ?? shard.crates.length });
    }
  const unreadEntries = [...unread.values()].sort((a, b) =>
    compareText(keys.get(a.file) ?? a.file, keys.get(b.file) ?? b.file),
  );
  return {
    entries: [
      ...paths.map((s) => ({ file: s.file, reason: s.reason })),
      ...unreadEntries,
      ...internal.sort((a, b) => a.crate - b.crate).map((i) => i.entry),
    ],
    unreadFiles: unreadEntries.map((e) => e.file),
  };
}

/** Strings in code-unit order, as `<` compares them (analysis/findings.ts sorts so). */
function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function placeDiagnostic(d: CheckDiagnostic): Placement {
  return {
    file: d.file,
    line: d.line,
    column: d.column,
    rule: d.rule,
    key: () => [d.rule, d.file, d.line, d.column, d.endLine, d.endColumn, d.message].join('\n'),
  };
}

function placeResult(r: SarifResult): Placement {
  const location = r.locations[0].physicalLocation;
  const region = location.region;
  const file = artifactPath(location.artifactLocation.uri);
  return {
    file,
    line: region.startLine,
    column: region.startColumn,
    rule: r.ruleId,
    key: () =>
      [r.ruleId, file, region.startLine, region.startColumn, region.endLine, region.endColumn, r.message.text].join(
        '\n',
      ),
  };
}

/** The rules of several runs, each once, in the order they first appear. */
function mergeRules(lists: SarifRule[][]): SarifRule[] {
  const seen = new Map<string, SarifRule>();
  for (const list of lists) for (const r of list) if (!seen.has(r.id)) seen.set(r.id, r);
  return [...seen.values()];
}

/**
 * Make sure the outputs are the shares of one run: made by this version of the tool, with one
 * configuration, over the same paths and files, each share once and none missing.
 */
function checkShares(shares: ShareOutput<unknown>[]): void {
  const [first] = shares;
  for (const s of shares)
    if (s.toolVersion !== TOOL_VERSION)
      throw new MergeError(
        `${s.source} was made by ffi-guard ${s.toolVersion}, and this is ffi-guard ${TOOL_VERSION}: check and merge with one version`,
      );
  for (const s of shares.slice(1)) {
    const a = first.shard;
    const b = s.shard;
    const pair = `${first.source} and ${s.source}`;
    if (a.configuration !== b.configuration)
      throw new MergeError(
        `${pair} were checked with different configurations (rules, exclude, features, target… differ): check every shard with the same configuration`,
      );
    if (JSON.stringify(a.paths) !== JSON.stringify(b.paths))
      throw new MergeError(
        `${pair} were checked over different paths (${describePaths(a.paths)} and ${describePaths(b.paths)})`,
      );
    if (JSON.stringify(a.files) !== JSON.stringify(b.files) || JSON.stringify(a.crates) !== JSON.stringify(b.crates))
      throw new MergeError(
        `${pair} were checked over different files or crates: check every shard in the same checkout, from the same directory`,
      );
    if (a.count !== b.count)
      throw new MergeError(
        `${first.source} is shard ${a.index}/${a.count} and ${s.source} is shard ${b.index}/${b.count}`,
      );
  }
  const count = first.shard.count;
  const byIndex = new Map<number, string>();
  for (const s of shares) {
    const other = byIndex.get(s.shard.index);
    if (other !== undefined) throw new MergeError(`${other} and ${s.source} are both shard ${s.shard.index}/${count}`);
    byIndex.set(s.shard.index, s.source);
  }
  const missing = Array.from({ length: count }, (_, i) => i + 1).filter((i) => !byIndex.has(i));
  if (missing.length)
    throw new MergeError(
      `shard${missing.length > 1 ? 's' : ''} ${missing.map((i) => `${i}/${count}`).join(', ')} missing: merge the outputs of every shard`,
    );
  const owners = new Array<number>(first.shard.crates.length).fill(0);
  for (const s of shares) for (const c of s.shard.share) owners[c] = (owners[c] ?? 0) + 1;
  if (owners.length !== first.shard.crates.length || owners.some((n) => n !== 1))
    throw new MergeError('the shards do not split the crates between them: each crate must be checked by exactly one');
}

function describePaths(paths: string[]): string {
  return paths.length ? paths.map((p) => `\`${p}\``).join(' ') : 'the current directory';
}

/** An input recognised: its format, what the merge needs of it, and the SARIF log it came from. */
interface ReadOutput {
  format: 'json' | 'sarif';
  output: ShareOutput<CheckDiagnostic> | ShareOutput<SarifResult>;
  log?: SarifLog;
}

function readOutput(source: string, value: unknown): ReadOutput {
  if (!isObject(value)) throw notOurs(source);
  if (value.version === 1 && Array.isArray(value.diagnostics) && isObject(value.tool)) {
    const json = value as unknown as CheckJson;
    return {
      format: 'json',
      output: {
        source,
        toolVersion: String(json.tool.version),
        shard: shardDataOf(source, value.shard),
        items: json.diagnostics,
      },
    };
  }
  if (value.version === '2.1.0' && Array.isArray(value.runs)) {
    const log = value as unknown as SarifLog;
    if (log.runs.length !== 1 || !isObject(log.runs[0]) || log.runs[0].tool?.driver?.name !== 'ffi-guard')
      throw new MergeError(`${source} is SARIF, but not the one run of \`ffi-guard check --format sarif\``);
    const run = log.runs[0];
    return {
      format: 'sarif',
      output: {
        source,
        toolVersion: String(run.tool.driver.version),
        shard: shardDataOf(source, run.properties?.shard),
        items: run.results,
      },
      log,
    };
  }
  throw notOurs(source);
}

function notOurs(source: string): MergeError {
  return new MergeError(`${source} is neither the JSON nor the SARIF that \`ffi-guard check\` prints`);
}

function shardDataOf(source: string, value: unknown): ShardData {
  if (value === undefined)
    throw new MergeError(
      `${source} is the output of a run without --shard: merge combines the outputs of \`ffi-guard check --shard I/N\``,
    );
  const ok =
    isObject(value) &&
    value.format === 1 &&
    Number.isInteger(value.index) &&
    Number.isInteger(value.count) &&
    typeof value.configuration === 'string' &&
    isObject(value.rules) &&
    isObject(value.sortKeys) &&
    ['paths', 'files', 'crates', 'share', 'scanned', 'reportedBy', 'skipped', 'surface'].every((k) =>
      Array.isArray(value[k]),
    );
  if (!ok) throw new MergeError(`${source} carries shard data this version of ffi-guard does not read`);
  return value as unknown as ShardData;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
