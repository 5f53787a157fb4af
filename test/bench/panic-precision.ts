import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parseArgs } from 'util';
import type { CheckDiagnostic } from '../../protocol/check';
import { prepareCrateCopy, runCargoOracle } from './cargo-oracle';
import { ensureDebianCrates, findDebianCrate, DebianCrate } from './debian-crates';
import { inUnbuiltTarget, PARITY_CRATES, runOurs, writeSettings } from './parity-real';
import { prng } from '../harness/prng';

/**
 * `npm run precision:panic`: how often `panic-across-ffi` is right on real code. Every crate of the
 * real-crate agreement run is built by cargo (for its features and build-script cfgs, exactly as there)
 * and checked by the built CLI; every `panic-across-ffi` finding in a target cargo builds is collected,
 * counted per crate, and a seeded sample of them is printed with the lines it points at. The verdicts on
 * the sample, read by hand, are in panic-precision.json; the precision is measured against them, and a
 * sampled finding without a verdict is listed (a change of the rule shows up as new, unclassified ones).
 *
 * Usage: node out/test/bench/panic-precision.js [--seed N] [--sample K] [--only a,b] [--reuse]
 *   --reuse: sample the findings of the last run (.bench/panic-precision/findings.json) instead of a new run.
 */

const REPO = path.resolve(__dirname, '..', '..', '..');
const WORK = path.join(REPO, '.bench', 'panic-precision');
/** The shared target folder of the agreement run: dependencies already compiled there serve here too. */
const TARGET = path.join(REPO, '.bench', 'parity', 'target-0');
/** The committed verdicts (the source file, not its copy in out/). */
export const CLASSIFICATION_FILE = path.join(REPO, 'test', 'bench', 'panic-precision.json');

/** A `panic-across-ffi` finding on a real crate, paths relative to the crate's folder. */
export interface PanicFinding {
  crate: string;
  version: string;
  file: string;
  line: number;
  symbol: string;
  /** What panics at the reported place: `.unwrap()`, `indexing`, `panic!`… */
  what: string;
  /** The other places of the same body that can panic. */
  related: { file: string; line: number; what: string }[];
}

/** One verdict, read by hand from the code. */
export interface Verdict {
  crate: string;
  file: string;
  line: number;
  symbol: string;
  /** True: a panic really can happen there and unwind into the `extern` function. */
  verdict: boolean;
  reason: string;
}

export interface Classification {
  /** What counted as a true positive, in words. */
  truePositive: string;
  seed: number;
  sample: number;
  /** The ffi-guard commit and date the sample was drawn and read on. */
  measuredAt: string;
  entries: Verdict[];
}

/** The identity of a finding across runs: crate, file, line, function. */
export const findingKey = (f: { crate: string; file: string; line: number; symbol: string }): string =>
  `${f.crate}|${f.file}|${f.line}|${f.symbol}`;

/** `k` findings drawn without replacement, independent of the order they were found in; in key order. */
export function drawSample<T extends PanicFinding>(findings: T[], k: number, seed: number): T[] {
  const pool = [...findings].sort((a, b) =>
    findingKey(a) < findingKey(b) ? -1 : findingKey(a) > findingKey(b) ? 1 : 0,
  );
  const next = prng(seed);
  const n = Math.min(k, pool.length);
  for (let i = 0; i < n; i++) {
    const j = i + Math.floor(next() * (pool.length - i));
    [pool[i], pool[j]] = [pool[j], pool[i]];
  }
  return pool.slice(0, n).sort((a, b) => (findingKey(a) < findingKey(b) ? -1 : 1));
}

/** The problems of a classification file: empty when it is well-formed. */
export function classificationProblems(c: unknown): string[] {
  const problems: string[] = [];
  const o = c as Partial<Classification> | null;
  if (!o || typeof o !== 'object') return ['not a JSON object'];
  if (typeof o.truePositive !== 'string' || !o.truePositive.trim()) problems.push('`truePositive` is not described');
  if (!Number.isInteger(o.seed)) problems.push('`seed` is not an integer');
  if (!Number.isInteger(o.sample) || (o.sample ?? 0) <= 0) problems.push('`sample` is not a positive integer');
  if (typeof o.measuredAt !== 'string' || !o.measuredAt.trim()) problems.push('`measuredAt` is missing');
  if (!Array.isArray(o.entries)) return [...problems, '`entries` is not a list'];
  const seen = new Set<string>();
  o.entries.forEach((e: Partial<Verdict>, i) => {
    const at = `entry ${i + 1}`;
    if (typeof e.crate !== 'string' || !e.crate) problems.push(`${at}: no crate`);
    if (typeof e.file !== 'string' || !e.file.endsWith('.rs')) problems.push(`${at}: no .rs file`);
    if (!Number.isInteger(e.line) || (e.line ?? 0) < 1) problems.push(`${at}: no line`);
    if (typeof e.symbol !== 'string' || !e.symbol) problems.push(`${at}: no symbol`);
    if (typeof e.verdict !== 'boolean') problems.push(`${at}: the verdict is not true or false`);
    if (typeof e.reason !== 'string' || e.reason.trim().length < 10) problems.push(`${at}: no reason for the verdict`);
    const key = findingKey(e as Verdict);
    if (seen.has(key)) problems.push(`${at}: ${key} is classified twice`);
    seen.add(key);
  });
  return problems;
}

/** The precision of the sample against the verdicts, and the sampled findings without one. */
export function measure(
  sample: PanicFinding[],
  entries: Verdict[],
): { truePositives: number; falsePositives: number; unclassified: PanicFinding[]; precision: number | null } {
  const byKey = new Map(entries.map((e) => [findingKey(e), e]));
  let truePositives = 0;
  let falsePositives = 0;
  const unclassified: PanicFinding[] = [];
  for (const f of sample) {
    const v = byKey.get(findingKey(f));
    if (!v) unclassified.push(f);
    else if (v.verdict) truePositives++;
    else falsePositives++;
  }
  const judged = truePositives + falsePositives;
  return { truePositives, falsePositives, unclassified, precision: judged ? truePositives / judged : null };
}

/** `.unwrap()` out of "… can panic here (.unwrap()) …" or "can also panic here (indexing)". */
const whatOf = (message: string): string => /panic here \(([^)]*\)?)\)/.exec(message)?.[1] ?? '?';

/** The crate's `panic-across-ffi` findings in the targets cargo builds, with its features and cfgs. */
async function findingsOf(crate: DebianCrate, name: string, timeoutMs: number): Promise<PanicFinding[] | string> {
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'ffi-guard-panic-'));
  try {
    const dir = prepareCrateCopy(crate.dir, scratch);
    const oracle = await runCargoOracle(dir, TARGET, timeoutMs);
    if (oracle.failure) return `cargo: ${oracle.failure}`;
    const config = path.join(scratch, 'ffi-guard-panic.toml');
    writeSettings(config, oracle);
    const run = await runOurs(dir, config, timeoutMs);
    if (run.failure !== null) return `ffi-guard check: ${run.failure}`;
    return (run.diagnostics as unknown as CheckDiagnostic[])
      .filter((d) => d.rule === 'panic-across-ffi' && !inUnbuiltTarget(dir, path.resolve(dir, d.file), oracle))
      .map((d) => ({
        crate: name,
        version: crate.version,
        file: path.normalize(d.file),
        line: d.line,
        symbol: d.symbol ?? '?',
        what: whatOf(d.message),
        related: (d.related ?? []).map((r) => ({
          file: path.normalize(r.file),
          line: r.line,
          what: whatOf(r.message),
        })),
      }));
  } finally {
    fs.rmSync(scratch, { recursive: true, force: true });
  }
}

/** A source line of the crate as Debian ships it (the copy checked was identical), trimmed. */
function sourceLine(f: { crate: string }, file: string, line: number): string {
  const crate = findDebianCrate(f.crate);
  try {
    return crate ? (fs.readFileSync(path.join(crate.dir, file), 'utf8').split('\n')[line - 1] ?? '').trim() : '';
  } catch {
    return '';
  }
}

function printFinding(f: PanicFinding, verdict: Verdict | undefined): void {
  const judged = verdict ? ` [${verdict.verdict ? 'true' : 'FALSE'}: ${verdict.reason}]` : ' [unclassified]';
  console.log(`${f.crate} ${f.version} ${f.file}:${f.line} fn ${f.symbol} — ${f.what}${judged}`);
  console.log(`    ${f.line} | ${sourceLine(f, f.file, f.line)}`);
  for (const r of f.related)
    console.log(`    also ${r.what} at ${r.file}:${r.line} | ${sourceLine(f, r.file, r.line)}`);
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      seed: { type: 'string', default: '1' },
      sample: { type: 'string', default: '40' },
      only: { type: 'string' },
      reuse: { type: 'boolean', default: false },
      timeout: { type: 'string', default: '1200' },
    },
  });
  const seed = Number(values.seed);
  const k = Number(values.sample);
  if (!Number.isInteger(seed)) throw new Error(`--seed must be an integer, not ${values.seed}`);
  if (!Number.isInteger(k) || k < 1) throw new Error(`--sample must be a positive integer, not ${values.sample}`);
  const saved = path.join(WORK, 'findings.json');
  let findings: PanicFinding[] = [];
  if (values.reuse) {
    if (!fs.existsSync(saved)) throw new Error(`--reuse: no earlier run at ${saved}`);
    findings = JSON.parse(fs.readFileSync(saved, 'utf8')) as PanicFinding[];
  } else {
    const names = values.only ? values.only.split(',').map((s) => s.trim()) : PARITY_CRATES;
    const unknown = ensureDebianCrates(names);
    for (const name of names) {
      const crate = unknown.has(name) ? null : findDebianCrate(name);
      const got = crate ? await findingsOf(crate, name, Number(values.timeout) * 1000) : 'not packaged by Debian here';
      if (typeof got === 'string') console.log(`skip  ${name}: ${got}`);
      else findings.push(...got);
    }
    fs.mkdirSync(WORK, { recursive: true });
    fs.writeFileSync(saved, JSON.stringify(findings, null, 2) + '\n');
  }
  const perCrate = new Map<string, number>();
  for (const f of findings) perCrate.set(f.crate, (perCrate.get(f.crate) ?? 0) + 1);
  console.log(`panic-across-ffi findings: ${findings.length} in ${perCrate.size} crate(s)`);
  for (const [crate, n] of [...perCrate].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)))
    console.log(`  ${String(n).padStart(5)}  ${crate}`);
  const sample = drawSample(findings, k, seed);
  const classification = fs.existsSync(CLASSIFICATION_FILE)
    ? (JSON.parse(fs.readFileSync(CLASSIFICATION_FILE, 'utf8')) as Classification)
    : null;
  const problems = classificationProblems(classification ?? {});
  if (classification && problems.length) throw new Error(`${CLASSIFICATION_FILE}: ${problems.join('; ')}`);
  const verdicts = new Map((classification?.entries ?? []).map((e) => [findingKey(e), e]));
  console.log(`\nsample: ${sample.length} finding(s), seed ${seed}`);
  for (const f of sample) printFinding(f, verdicts.get(findingKey(f)));
  if (!classification) {
    console.log(`\nno verdicts yet: classify the sample in ${path.relative(REPO, CLASSIFICATION_FILE)}`);
    return;
  }
  const m = measure(sample, classification.entries);
  console.log(
    `\nprecision: ${m.precision === null ? 'n/a' : `${(m.precision * 100).toFixed(1)}%`} ` +
      `(true ${m.truePositives}, false ${m.falsePositives}, unclassified ${m.unclassified.length} of ${sample.length})`,
  );
  for (const f of m.unclassified) console.log(`  unclassified: ${f.crate} ${f.file}:${f.line} fn ${f.symbol}`);
}

if (require.main === module)
  main().catch((e: unknown) => {
    console.error((e as Error).message ?? e);
    process.exitCode = 1;
  });
