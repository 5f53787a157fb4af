import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { defaultSettings } from '../../server/src/core/config';
import { runFixes } from '../../server/src/core/fix-all';
import { AnalysisHost } from '../../server/src/core/host';
import { checkPaths } from '../../server/src/core/project';
import { loadParser } from '../../server/src/core/syntax/parse';
import { runCli } from '../harness/cli';
import { tempDir } from '../harness/tmp';
import { prng } from '../harness/prng';

/**
 * The fuzz harness (`npm run fuzz -- --iterations N --seed S [--cli K] [--rustc R] [--budget MS]
 * [--progress P]`): mutants of the repository's Rust fixtures and of real crates
 * (`/usr/share/cargo/registry`, when present), fed to the core (`check`), to `fix` in a temporary copy,
 * to the editor's host API, and every K-th one to the command line. What must hold for every mutant: no
 * exception, no run over the budget (2 s), every finding's range inside its document, every applied fix's
 * edits non-overlapping, fixing the fixed output finding nothing more to fix, and (every R-th mutant) the
 * fixed output compiling with rustc where the mutant did. Problems are printed with the seed and iteration that
 * reproduce them; the exit status is 1 when there is any.
 */

export interface FuzzOptions {
  iterations: number;
  seed: number;
  /** Run the command line on every `cliEvery`-th mutant (0: never). */
  cliEvery: number;
  /** Milliseconds one mutant may take in any one of the runs. */
  budgetMs: number;
  /** Compile every `rustcEvery`-th mutant with rustc and, where it compiles, its fixed output too (0: never). */
  rustcEvery?: number;
  /** Run only this iteration (the others are generated, not run) and keep its file: a problem's reproducer. */
  only?: number;
  /** Log a progress line every this many mutants (0 or absent: never). */
  progressEvery?: number;
  log?: (line: string) => void;
}

export interface FuzzProblem {
  iteration: number;
  mutation: string;
  source: string;
  problem: string;
}

export interface FuzzReport {
  mutants: number;
  findings: number;
  fixesApplied: number;
  /** Mutants that compiled and were fixed, whose fixed output was compiled too. */
  compiled: number;
  slowest: { ms: number; iteration: number; what: string };
  problems: FuzzProblem[];
  seconds: number;
}

const REPO = path.resolve(__dirname, '..', '..', '..');
const REGISTRY = '/usr/share/cargo/registry';

function rsFiles(dir: string, out: string[], limit: number): void {
  let entries: fs.Dirent[];
  try {
    entries = fs.readdirSync(dir, { withFileTypes: true });
  } catch {
    return;
  }
  for (const e of entries.sort((a, b) => (a.name < b.name ? -1 : 1))) {
    if (out.length >= limit) return;
    const full = path.join(dir, e.name);
    if (e.isDirectory() && e.name !== 'target') rsFiles(full, out, limit);
    else if (e.isFile() && e.name.endsWith('.rs') && fs.statSync(full).size < 40_000) out.push(full);
  }
}

/** The seed texts: every fixture, and the `src/lib.rs` of up to 200 real crates (sorted, so stable). */
export function corpus(): { name: string; text: string }[] {
  const files: string[] = [];
  for (const d of ['test/fixtures', 'test/fixtures-fix', 'test/fixtures-abi', 'test/fixtures-fix-abi', 'examples'])
    rsFiles(path.join(REPO, d), files, 5000);
  if (fs.existsSync(REGISTRY)) {
    let crates = 0;
    for (const c of fs.readdirSync(REGISTRY).sort()) {
      const lib = path.join(REGISTRY, c, 'src', 'lib.rs');
      if (crates >= 200) break;
      try {
        if (fs.statSync(lib).size < 40_000) {
          files.push(lib);
          crates++;
        }
      } catch {
        // no src/lib.rs
      }
    }
  }
  return files.map((f) => ({ name: path.relative(REPO, f), text: fs.readFileSync(f, 'utf8') }));
}

type Mutation = (text: string, rnd: () => number) => string | Buffer;

const at = (text: string, rnd: () => number): number => Math.floor(rnd() * (text.length + 1));
const tokenAt = (text: string, rnd: () => number): [number, number] => {
  const re = /[A-Za-z_][A-Za-z0-9_]*|\d+|"(?:[^"\\\n]|\\.)*"|\S/g;
  const tokens = [...text.matchAll(re)];
  if (!tokens.length) return [0, 0];
  const t = tokens[Math.floor(rnd() * tokens.length)];
  return [t.index, t.index + t[0].length];
};
const insert =
  (s: string): Mutation =>
  (text, rnd) => {
    const i = at(text, rnd);
    return text.slice(0, i) + s + text.slice(i);
  };

export const MUTATIONS: Record<string, Mutation> = {
  truncate: (text, rnd) => text.slice(0, at(text, rnd)),
  'delete-token': (text, rnd) => {
    const [s, e] = tokenAt(text, rnd);
    return text.slice(0, s) + text.slice(e);
  },
  'duplicate-token': (text, rnd) => {
    const [s, e] = tokenAt(text, rnd);
    return text.slice(0, e) + ' ' + text.slice(s, e) + text.slice(e);
  },
  'insert-brace': insert('{'),
  'insert-quote': insert('"'),
  'insert-attribute': insert('#['),
  'insert-extern': insert(' extern "C" '),
  bom: (text) => '\uFEFF' + text,
  crlf: (text) => text.replace(/\r?\n/g, '\r\n'),
  'non-ascii': (text, rnd) => insert(['é', '∀', '𝕏', '\u200b', 'ﬁ'][Math.floor(rnd() * 5)])(text, rnd),
  'invalid-utf8': (text, rnd) => {
    const i = at(text, rnd);
    return Buffer.concat([Buffer.from(text.slice(0, i)), Buffer.from([0xc3, 0x28, 0xff]), Buffer.from(text.slice(i))]);
  },
  'huge-line': (text, rnd) => insert(['a', '"', '(', 'x!', ' '][Math.floor(rnd() * 5)].repeat(50_000))(text, rnd),
};

/** Whether rustc compiles a file as a library (metadata only: no code generation). */
export function compiles(file: string): boolean {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'ffi-guard-fuzz-rustc-'));
  try {
    execFileSync(
      'rustc',
      [
        '--edition',
        '2021',
        '--crate-type',
        'lib',
        '--emit',
        'metadata',
        '--cap-lints',
        'allow',
        '--out-dir',
        out,
        file,
      ],
      { stdio: 'ignore', timeout: 60_000 },
    );
    return true;
  } catch {
    return false;
  } finally {
    fs.rmSync(out, { recursive: true, force: true });
  }
}

function checkRanges(
  findings: { origin: { file: string; span: { start: number; end: number } } }[],
  texts: Map<string, string>,
): string | null {
  for (const f of findings) {
    const text = texts.get(f.origin.file);
    if (text === undefined) continue;
    const { start, end } = f.origin.span;
    if (!(start >= 0 && start <= end && end <= text.length))
      return `finding range ${start}..${end} outside ${path.basename(f.origin.file)} (${text.length} characters)`;
  }
  return null;
}

/** Run the harness; never throws for a mutant (a throw is a problem it reports). */
export async function fuzz(options: FuzzOptions): Promise<FuzzReport> {
  const started = Date.now();
  const rnd = prng(options.seed);
  const seeds = corpus();
  const names = Object.keys(MUTATIONS);
  const parser = await loadParser();
  const report: FuzzReport = {
    mutants: 0,
    findings: 0,
    fixesApplied: 0,
    compiled: 0,
    slowest: { ms: 0, iteration: -1, what: '' },
    problems: [],
    seconds: 0,
  };
  // A reproducer's folder is kept; the others are removed when the process exits.
  const root =
    options.only !== undefined ? fs.mkdtempSync(path.join(os.tmpdir(), 'ffi-guard-fuzz-')) : tempDir('ffi-guard-fuzz-');
  const settings = defaultSettings();
  let host: AnalysisHost | undefined;
  for (let i = 0; i < options.iterations; i++) {
    const seed = seeds[Math.floor(rnd() * seeds.length)];
    // One to three mutations on top of each other.
    const applied: string[] = [];
    let mutant: string | Buffer = seed.text;
    for (let k = 1 + Math.floor(rnd() * 3); k > 0; k--) {
      const name = names[Math.floor(rnd() * names.length)];
      applied.push(name);
      mutant = MUTATIONS[name](typeof mutant === 'string' ? mutant : mutant.toString('latin1'), rnd);
    }
    const mutation = applied.join('+');
    // A reproducer: every mutant up to this one is generated (the generator's state depends on them), one is run.
    if (options.only !== undefined && i !== options.only) continue;
    const problem = (what: string): void => {
      report.problems.push({ iteration: i, mutation, source: seed.name, problem: what });
      options.log?.(`problem: iteration ${i} (${mutation} of ${seed.name}): ${what}`);
    };
    const dir = path.join(root, String(i));
    fs.mkdirSync(dir);
    const file = path.join(dir, 'lib.rs');
    fs.writeFileSync(file, mutant);
    if (options.only !== undefined) options.log?.(`mutant ${i} (${mutation} of ${seed.name}) kept at ${file}`);
    const timed = async <T>(what: string, run: () => Promise<T> | T): Promise<T | undefined> => {
      const t = Date.now();
      try {
        return await run();
      } catch (e) {
        problem(`${what} threw: ${(e as Error).stack?.split('\n').slice(0, 3).join(' | ')}`);
        return undefined;
      } finally {
        const ms = Date.now() - t;
        if (ms > report.slowest.ms)
          report.slowest = { ms, iteration: i, what: `${what} (${mutation} of ${seed.name})` };
        if (ms > options.budgetMs) problem(`${what} took ${ms} ms`);
      }
    };
    report.mutants++;
    const result = await timed('check', () => checkPaths([dir], dir, settings));
    if (result) {
      report.findings += result.findings.length;
      const internal = result.skipped.find((s) => s.kind === 'internal');
      if (internal) problem(`check: ${internal.reason}`);
      const texts = new Map<string, string>();
      const text = result.cache.text(file);
      if (text !== null) texts.set(file, text);
      const bad = checkRanges(result.findings, texts);
      if (bad) problem(`check: ${bad}`);
    }
    const fixed = await timed('fix', () => runFixes([dir], dir, settings));
    if (fixed) {
      report.fixesApplied += fixed.applied.length;
      // Each fix's own edits (rounds of `fix` edit successive texts: only one fix's offsets are comparable).
      for (const { fix, finding } of fixed.applied) {
        const edits = [...fix.edits].sort((a, b) => a.start - b.start || a.end - b.end);
        for (let e = 1; e < edits.length; e++)
          if (edits[e].file === edits[e - 1].file && edits[e].start < edits[e - 1].end)
            problem(
              `fix for ${finding.rule}: overlapping edits at ${edits[e - 1].start}..${edits[e - 1].end} and ${edits[e].start}..${edits[e].end}`,
            );
      }
      const out = fixed.changed.get(file);
      if (out !== undefined && options.rustcEvery && i % options.rustcEvery === 0 && compiles(file)) {
        report.compiled++;
        const copy = path.join(dir, 'fixed.rs');
        fs.writeFileSync(copy, out);
        if (!compiles(copy)) problem('fix: the input compiled, the fixed output does not');
      }
      if (out !== undefined) {
        const again = await timed('fix of the fixed output', () =>
          runFixes([dir], dir, settings, { overlay: new Map([[file, out]]) }),
        );
        if (again && again.applied.length)
          problem(
            `fix is not idempotent: fixing the fixed output applies ${again.applied.map((a) => a.finding.rule).join(', ')}`,
          );
      }
    }
    await timed('host', () => {
      // One host for the whole run, moved from folder to folder, as an editor's server lives on.
      // Moving the roots indexes them (as a new host would).
      host ??= new AnalysisHost(parser, settings, []);
      host.setRoots([dir]);
      const text = typeof mutant === 'string' ? mutant : mutant.toString('utf8');
      const found = host.update(file, text).get(file) ?? [];
      const bad = checkRanges(found, new Map([[file, text]]));
      if (bad) problem(`host: ${bad}`);
      host.close(file);
    });
    if (options.cliEvery && i % options.cliEvery === 0) {
      const run = await timed('cli', () => runCli(['check', '.', '--format', 'json'], dir));
      if (run) {
        if (/internal error/.test(run.stderr + run.stdout)) problem(`cli: internal error: ${run.stderr.slice(0, 200)}`);
        try {
          JSON.parse(run.stdout);
        } catch {
          problem(`cli: output is not JSON: ${run.stdout.slice(0, 200)}`);
        }
      }
    }
    if (options.only === undefined) fs.rmSync(dir, { recursive: true, force: true });
    if (options.progressEvery && (i + 1) % options.progressEvery === 0)
      options.log?.(
        `progress: ${i + 1} mutants in ${((Date.now() - started) / 1000).toFixed(0)} s, ${report.findings} findings, ` +
          `${report.fixesApplied} fixes, slowest ${report.slowest.ms} ms, ${report.problems.length} problem(s)`,
      );
  }
  if (options.only === undefined) fs.rmSync(root, { recursive: true, force: true });
  report.seconds = (Date.now() - started) / 1000;
  return report;
}

function argValue(argv: string[], name: string, fallback: number): number {
  const i = argv.indexOf(name);
  if (i < 0) return fallback;
  const n = Number(argv[i + 1]);
  if (!Number.isInteger(n) || n < 0) throw new Error(`${name} expects a whole number`);
  return n;
}

async function main(argv: string[]): Promise<number> {
  const options: FuzzOptions = {
    iterations: argValue(argv, '--iterations', 300),
    seed: argValue(argv, '--seed', 1),
    cliEvery: argValue(argv, '--cli', 25),
    budgetMs: argValue(argv, '--budget', 2000),
    progressEvery: argValue(argv, '--progress', 500),
    rustcEvery: argValue(argv, '--rustc', 20),
    only: argv.includes('--only') ? argValue(argv, '--only', 0) : undefined,
    log: (line) => process.stdout.write(line + '\n'),
  };
  const r = await fuzz(options);
  process.stdout.write(
    `${r.mutants} mutants (seed ${options.seed}) in ${r.seconds.toFixed(1)} s: ${r.findings} findings, ` +
      `${r.fixesApplied} fixes applied, ${r.compiled} fixed outputs compiled with rustc, slowest ${r.slowest.ms} ms (${r.slowest.what}), ${r.problems.length} problem(s)\n`,
  );
  return r.problems.length ? 1 : 0;
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => (process.exitCode = code),
    (e) => {
      process.stderr.write(`fuzz: ${(e as Error).message}\n`);
      process.exitCode = 2;
    },
  );
}
