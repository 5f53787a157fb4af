import { spawn } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
// The core's entry points the bench calls in-process: kept here, in one place.
import { defaultSettings } from '../../server/src/core/config';
import { loadParser } from '../../server/src/core/syntax/parse';
import { runFixes } from '../../server/src/core/fix-all';
import { checkPaths } from '../../server/src/core/project';
import { benchWorkspaces, BenchWorkspace } from './workspaces';
import type { ChildUsage } from './usage-on-exit';

/**
 * `npm run bench`: the cost of a full `ffi-guard check` against merely parsing the same files with
 * tree-sitter, with the ratios taken in one run. On a generated corpus (in-process), and on three real
 * workspaces assembled from Debian's crate sources (`./workspaces`), or any folder given by its path: there
 * `check` runs as the built CLI
 * in a child process, so its peak memory can be read and set against an empty run's. Later work must not
 * raise these ratios; issue 11's targets are set in them.
 * Usage: node out/test/bench/bench.js [--crates N (0: no corpus)] [--rounds N] [--timeout SECONDS] [--cli bundle|compiled]
 *          [--workspaces application-like,application-like-2,application-like-3,application-like-4,bindings,ffi-dense,ffi-monorepo,untuned,untuned-2,untuned-3,DIR… | --no-workspaces]
 */

const ROOT = path.resolve(__dirname, '..', '..', '..');
const CORPUS = path.join(ROOT, '.bench', 'corpus');
/**
 * The CLI that `check` is measured through: by default the bundle that ships (dist/cli.js, which
 * `npm run bench` writes first); `--cli compiled` for the compiled out/ a clone's bin/ffi-guard.js runs.
 */
const CLIS = {
  bundle: path.join(__dirname, 'bundled-cli.js'),
  compiled: path.join(ROOT, 'bin', 'ffi-guard.js'),
};
let CLI = CLIS.bundle;
const USAGE_HOOK = path.join(__dirname, 'usage-on-exit.js');

/** A small deterministic PRNG, so every run measures the same corpus. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

const PARAM_TYPES = [
  'u32',
  'i64',
  '*const c_char',
  '&str',
  'String',
  '&[u8]',
  'Option<&Handle>',
  'Option<u32>',
  'char',
  'Handle',
  'Plain',
  '*mut Plain',
  'Vec<u8>',
  'Cb',
  'f64',
  'bool',
  'Wrapper<u32>',
  'Wrapper<String>',
  '(u8, u8)',
  'Box<Handle>',
];

function generateCrate(dir: string, index: number, random: () => number): void {
  const pick = <T>(xs: T[]): T => xs[Math.floor(random() * xs.length)];
  fs.mkdirSync(path.join(dir, 'src'), { recursive: true });
  fs.writeFileSync(
    path.join(dir, 'Cargo.toml'),
    `[package]\nname = "bench_${index}"\nversion = "0.1.0"\nedition = "2021"\n`,
  );
  const types = `use std::ffi::c_char;\n\n#[repr(C)]\npub struct Handle { pub id: u64, pub flags: u32 }\n\npub struct Plain { pub name: String }\n\n#[repr(C)]\npub struct Wrapper<T> { pub value: T }\n\npub type Cb = extern "C" fn(*const c_char, u32) -> i32;\n`;
  fs.writeFileSync(path.join(dir, 'src', 'types.rs'), types);
  const modules = 6;
  let lib = '#![allow(dead_code, unused)]\nuse std::ffi::c_char;\npub mod types;\n';
  for (let m = 0; m < modules; m++) lib += `pub mod api${m};\n`;
  fs.writeFileSync(path.join(dir, 'src', 'lib.rs'), lib);
  for (let m = 0; m < modules; m++) {
    let text = `//! Generated module ${m}.\nuse crate::types::*;\nuse std::ffi::c_char;\n\n`;
    for (let f = 0; f < 60; f++) {
      const params = Array.from({ length: 1 + Math.floor(random() * 4) }, (_, i) => `p${i}: ${pick(PARAM_TYPES)}`).join(
        ', ',
      );
      const body = Array.from(
        { length: 3 + Math.floor(random() * 12) },
        (_, i) => `    let v${i} = ${i} + ${Math.floor(random() * 100)};`,
      ).join('\n');
      text += `/// Function ${f} of module ${m}.\n#[no_mangle]\npub extern "C" fn m${m}_f${f}(${params}) -> ${pick(['u32', 'i32', '()', 'String', 'Option<u32>'])} {\n${body}\n    todo!()\n}\n\n`;
    }
    text += `extern "C" {\n${Array.from({ length: 20 }, (_, i) => `    fn import_${m}_${i}(x: ${pick(PARAM_TYPES)}) -> i32;`).join('\n')}\n}\n`;
    fs.writeFileSync(path.join(dir, 'src', `api${m}.rs`), text);
  }
}

function generateCorpus(crates: number): string[] {
  fs.rmSync(CORPUS, { recursive: true, force: true });
  const random = rng(42);
  for (let i = 0; i < crates; i++) generateCrate(path.join(CORPUS, `crate${i}`), i, random);
  const files: string[] = [];
  const walk = (d: string): void => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const full = path.join(d, e.name);
      if (e.isDirectory()) walk(full);
      else if (e.name.endsWith('.rs')) files.push(full);
    }
  };
  walk(CORPUS);
  return files;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

type Parser = Awaited<ReturnType<typeof loadParser>>;

/** Parse every text once with the grammar (trees freed at once): the floor a check is measured against. */
function parseAll(parser: Parser, texts: string[]): number {
  const t = process.hrtime.bigint();
  for (const text of texts) parser.parse(text)?.delete();
  return Number(process.hrtime.bigint() - t) / 1e6;
}

const mb = (bytes: number): string => (bytes / 1024 / 1024).toFixed(2);

/** The generated corpus, checked in-process: the ratio the bench has reported from the start. */
async function benchCorpus(parser: Parser, crates: number, rounds: number): Promise<void> {
  const files = generateCorpus(crates);
  const texts = files.map((f) => fs.readFileSync(f, 'utf8'));
  const bytes = texts.reduce((n, t) => n + Buffer.byteLength(t), 0);
  const parseTimes: number[] = [];
  const checkTimes: number[] = [];
  let findings = 0;
  for (let r = 0; r < rounds; r++) {
    parseTimes.push(parseAll(parser, texts));
    const t = process.hrtime.bigint();
    const result = await checkPaths([CORPUS], ROOT, defaultSettings());
    checkTimes.push(Number(process.hrtime.bigint() - t) / 1e6);
    findings = result.findings.length;
    result.cache.dispose();
  }
  const parseMs = median(parseTimes);
  const checkMs = median(checkTimes);
  console.log(`corpus: ${crates} crates, ${files.length} files, ${mb(bytes)} MB; ${findings} findings`);
  console.log(
    `tree-sitter parse only:  ${parseMs.toFixed(0)} ms (${(bytes / 1024 / 1024 / (parseMs / 1000)).toFixed(1)} MB/s)`,
  );
  console.log(
    `ffi-guard check (full):  ${checkMs.toFixed(0)} ms (${(bytes / 1024 / 1024 / (checkMs / 1000)).toFixed(1)} MB/s)`,
  );
  console.log(`ratio check / parse:     ${(checkMs / parseMs).toFixed(2)}x  (median of ${rounds} rounds, same run)`);
  // `ffi-guard fix` checks again after each round of fixes: its cost in checks of the same crate.
  const crate = path.join(CORPUS, 'crate0');
  let t = process.hrtime.bigint();
  (await checkPaths([crate], ROOT, defaultSettings())).cache.dispose();
  const oneCheckMs = Number(process.hrtime.bigint() - t) / 1e6;
  t = process.hrtime.bigint();
  const run = await runFixes([crate], ROOT, defaultSettings());
  const fixMs = Number(process.hrtime.bigint() - t) / 1e6;
  console.log(`ffi-guard fix (crate0):  ${fixMs.toFixed(0)} ms for ${run.applied.length} fixes, not written`);
  console.log(`ratio fix / check:       ${(fixMs / oneCheckMs).toFixed(1)}x  (same crate, same run)`);
}

/** One `ffi-guard check PATH --format json` through the built CLI in a child: wall time, peak memory, output. */
interface CliCheck {
  ms: number;
  maxRssKb: number;
  filesScanned: number;
  findings: number;
  /** The check crashed or timed out: what it said (V8's `FATAL ERROR` line), and nothing else is known. */
  failure: string | null;
}

/** The peak resident memory so far of a live process (Linux's `VmHWM`), in kB; 0 once it is gone. */
function peakRssKbOf(pid: number | undefined): number {
  try {
    const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
    return Number(/^VmHWM:\s+(\d+)/m.exec(status)?.[1] ?? 0);
  } catch {
    return 0;
  }
}

function cliCheck(target: string, timeoutMs: number): Promise<CliCheck> {
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'ffi-guard-bench-'));
  const outFile = path.join(scratch, 'check.json');
  const usageFile = path.join(scratch, 'usage.json');
  const out = fs.openSync(outFile, 'w');
  const env = { ...process.env, FFI_GUARD_BENCH_USAGE: usageFile };
  const started = process.hrtime.bigint();
  const child = spawn(process.execPath, ['--require', USAGE_HOOK, CLI, 'check', target, '--format', 'json'], {
    cwd: ROOT,
    env,
    stdio: ['ignore', out, 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (b: Buffer) => (stderr += b.toString()));
  // A crashed child writes no usage: its peak is then the last high-water mark read while it lived.
  let polledPeakKb = 0;
  const poll = setInterval(() => (polledPeakKb = Math.max(polledPeakKb, peakRssKbOf(child.pid))), 250);
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  return new Promise<CliCheck>((resolve, reject) => {
    child.on('close', (code, signal) => {
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      clearInterval(poll);
      clearTimeout(timer);
      fs.closeSync(out);
      try {
        // 0 clean, 1 findings at error severity: both are complete runs.
        if (code !== 0 && code !== 1) {
          const fatal = stderr.split('\n').find((l) => l.startsWith('FATAL ERROR'));
          const failure =
            signal === 'SIGKILL' ? `no result within ${(timeoutMs / 1000).toFixed(0)} s` : (fatal ?? `exit ${code}`);
          resolve({ ms, maxRssKb: polledPeakKb, filesScanned: 0, findings: 0, failure });
          return;
        }
        const usage = JSON.parse(fs.readFileSync(usageFile, 'utf8')) as ChildUsage;
        const json = JSON.parse(fs.readFileSync(outFile, 'utf8')) as { filesScanned: number; diagnostics: unknown[] };
        resolve({
          ms,
          maxRssKb: usage.maxRssKb,
          filesScanned: json.filesScanned,
          findings: json.diagnostics.length,
          failure: null,
        });
      } catch (e) {
        reject(e instanceof Error ? e : new Error(String(e)));
      } finally {
        fs.rmSync(scratch, { recursive: true, force: true });
      }
    });
  });
}

/** The baseline of a CLI run: `check` of one empty file (start-up, grammar, nothing to analyse); medians. */
async function emptyRun(rounds: number, timeoutMs: number): Promise<CliCheck> {
  const dir = path.join(ROOT, '.bench', 'empty');
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, 'empty.rs');
  fs.writeFileSync(file, '');
  const runs: CliCheck[] = [];
  for (let r = 0; r < rounds; r++) runs.push(await cliCheck(file, timeoutMs));
  if (runs.some((r) => r.failure)) throw new Error(`ffi-guard check of an empty file failed: ${runs[0].failure}`);
  return { ...runs[0], ms: median(runs.map((r) => r.ms)), maxRssKb: median(runs.map((r) => r.maxRssKb)) };
}

/**
 * One real workspace: parse every file in-process, check it through the CLI, alternately; the two ratios
 * from the medians. A check that crashes or times out ends the rounds: it is reported with what is known.
 */
async function benchWorkspace(
  parser: Parser,
  w: BenchWorkspace,
  rounds: number,
  empty: CliCheck,
  timeoutMs: number,
): Promise<void> {
  const texts = w.files.map((f) => fs.readFileSync(f, 'utf8'));
  const parseTimes: number[] = [];
  const checks: CliCheck[] = [];
  for (let r = 0; r < rounds && !checks.some((c) => c.failure); r++) {
    parseTimes.push(parseAll(parser, texts));
    checks.push(await cliCheck(w.dir, timeoutMs));
  }
  const parseMs = median(parseTimes);
  const failed = checks.find((c) => c.failure);
  const done = failed ? [failed] : checks;
  const checkMs = median(done.map((c) => c.ms));
  const rssKb = median(done.map((c) => c.maxRssKb));
  const aboveEmpty = (rssKb - empty.maxRssKb) * 1024;
  const atLeast = failed ? '> ' : '';
  console.log('');
  console.log(
    `${w.name} workspace: ${w.crates.length} crates, ${w.files.length} files, ${mb(w.bytes)} MB of .rs` +
      (failed ? '' : `; ${checks[0].filesScanned} files scanned, ${checks[0].findings} findings`),
  );
  console.log(`  tree-sitter parse only (in-process):  ${parseMs.toFixed(0)} ms`);
  if (failed) console.log(`  ffi-guard check FAILED after ${(failed.ms / 1000).toFixed(0)} s: ${failed.failure}`);
  console.log(
    `  ffi-guard check (CLI, wall):          ${atLeast}${checkMs.toFixed(0)} ms, peak RSS ${atLeast}${mb(rssKb * 1024)} MB`,
  );
  console.log(
    `  ratio check / parse:                  ${atLeast}${(checkMs / parseMs).toFixed(2)}x  ` +
      (failed ? '(the check did not finish)' : `(median of ${rounds} rounds, same run)`),
  );
  console.log(
    `  memory (peak - empty run) / source:   ${atLeast}${(aboveEmpty / w.bytes).toFixed(1)}x  (${mb(aboveEmpty)} MB for ${mb(w.bytes)} MB)`,
  );
}

/** The machine the figures were taken on. */
function describeMachine(): string {
  const cpus = os.cpus();
  return (
    `machine: ${cpus[0]?.model.trim() ?? 'unknown CPU'}, ${cpus.length} cores, ` +
    `${(os.totalmem() / 1024 ** 3).toFixed(0)} GB; Node ${process.version}; ${os.type()} ${os.release()}`
  );
}

async function main(): Promise<void> {
  const arg = (name: string, fallback: number): number => {
    const i = process.argv.indexOf(name);
    return i >= 0 ? Number(process.argv[i + 1]) : fallback;
  };
  const listArg = (name: string): string[] | undefined => {
    const i = process.argv.indexOf(name);
    return i >= 0 ? process.argv[i + 1].split(',').filter(Boolean) : undefined;
  };
  const crates = arg('--crates', 20);
  const rounds = arg('--rounds', 3);
  const timeoutMs = arg('--timeout', 900) * 1000;
  const cli = process.argv.includes('--cli') ? process.argv[process.argv.indexOf('--cli') + 1] : 'bundle';
  if (cli !== 'bundle' && cli !== 'compiled') throw new Error(`--cli bundle|compiled, not ${cli}`);
  CLI = CLIS[cli];
  const workspacesMeasured = !process.argv.includes('--no-workspaces');
  if (workspacesMeasured && cli === 'bundle' && !fs.existsSync(path.join(ROOT, 'dist', 'cli.js')))
    throw new Error('dist/cli.js is missing: `npm run bundle` writes it (`npm run bench` does)');
  console.log(describeMachine());
  console.log(
    cli === 'bundle'
      ? 'CLI measured: dist/cli.js, the bundle the npm package ships (`--cli compiled` for out/)'
      : 'CLI measured: bin/ffi-guard.js running the compiled out/',
  );
  const parser = await loadParser();
  if (!Number.isInteger(crates) || crates < 0)
    throw new Error(`--crates takes a count (0 leaves the corpus out), not ${crates}`);
  if (crates > 0) await benchCorpus(parser, crates, rounds);
  if (process.argv.includes('--no-workspaces')) return;
  const workspaces = benchWorkspaces(listArg('--workspaces'));
  const empty = await emptyRun(rounds, timeoutMs);
  console.log('');
  console.log(
    `empty run (check of one empty file, CLI): ${empty.ms.toFixed(0)} ms, peak RSS ${mb(empty.maxRssKb * 1024)} MB`,
  );
  for (const w of workspaces) await benchWorkspace(parser, w, rounds, empty, timeoutMs);
}

main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
