import { execFile } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parseArgs } from 'util';
import { agreementKey, compareKeys, multisetDiff, withoutOurSuppressions } from '../harness/agreement';
import { cratesOfManifest, CrateDescription } from '../../server/src/core/workspace/discover';
import { CargoOracleRun, prepareCrateCopy, runCargoOracle } from './cargo-oracle';
import {
  ensureDebianCrates,
  findDebianCrate,
  DebianCrate,
  installedDebianCrates,
  rustFilesUnder,
} from './debian-crates';
import { moduleAgreement, ModuleAgreement } from './module-agreement';
import { crateNamesOf, WORKSPACE_CRATES } from './workspaces';

/**
 * `npm run parity:real`: the real-crate agreement run. For each crate named below, Debian's source is
 * copied, built with cargo offline (default features) to ask rustc and clippy for their FFI findings, and
 * checked by `ffi-guard check` (the built CLI) with the same features and build-script cfgs; the two are
 * compared by (file, line, lint) exactly as the differential test compares fixtures, and the files rustc
 * read for the crate with those we load for it (`./module-agreement`). Not part of CI: it takes long. Run
 * it before submitting a change to the analysis.
 *
 * Usage: node out/test/bench/parity-real.js [--only a,b | --workspace-crates | --workspaces W,… | --registry]
 * [--all-features] [--writes-ffi] [--jobs N] [--timeout SECONDS]
 * `--workspace-crates`: instead of these, the crates of the benchmark's workspaces (`./workspaces`), large
 * application crates among them: what they show is mostly the files' agreement, rustc finding nothing there.
 * `--workspaces untuned,untuned-2`: the crates of the named workspaces, those measured only when named too.
 * `--registry`: every crate whose source Debian's registry holds on this machine (installs nothing).
 * `--all-features`: cargo builds each crate with every feature on (ours then checks with the features cargo
 * reports it used, as always); a crate whose features do not all build together is skipped.
 * `--writes-ffi`: of those, only the crates whose sources write an FFI word (`writesFfi`): with `--registry`,
 * every crate of the registry where rustc and we can disagree on findings, in a fraction of the time.
 */

const REPO = path.resolve(__dirname, '..', '..', '..');
const CLI = path.join(REPO, 'bin', 'ffi-guard.js');
const WORK = path.join(REPO, '.bench', 'parity');

/**
 * FFI-heavy crates that Debian packages (bookworm): `-sys` bindings, libc and the crates that wrap it, and
 * safe wrappers over C libraries. Each is `librust-<name>-dev`.
 */
export const PARITY_CRATES = [
  // libc and its close users
  'libc',
  'nix',
  'errno',
  'memchr',
  'socket2',
  'rustix',
  'linux-raw-sys',
  'getrandom',
  'libloading',
  'signal-hook',
  'signal-hook-registry',
  'mio',
  'termios',
  'terminal_size',
  'termion',
  'atty',
  'os_pipe',
  'xattr',
  'memmap2',
  'fs2',
  'users',
  'hostname',
  'iana-time-zone',
  'num_cpus',
  'filetime',
  'fd-lock',
  'inotify',
  'inotify-sys',
  'sd-notify',
  'libmount',
  'sys-info',
  'syslog',
  'wait-timeout',
  'backtrace',
  'dirs-sys',
  'dirs-sys-next',
  'libsystemd',
  // compression
  'bzip2-sys',
  'bzip2',
  'libz-sys',
  'flate2',
  'zstd-sys',
  'zstd-safe',
  'zstd',
  'lzma-sys',
  'xz2',
  // crypto, network, storage
  'openssl-sys',
  'openssl',
  'curl-sys',
  'curl',
  'libgit2-sys',
  'git2',
  'libssh2-sys',
  'libnghttp2-sys',
  'libdbus-sys',
  'dbus',
  'libsqlite3-sys',
  'rusqlite',
  'libudev-sys',
  'libudev',
  'pcre2-sys',
  'pcre2',
  'onig-sys',
  'onig',
  'libsodium-sys',
  'nettle-sys',
  'gpgme-sys',
  'libgpg-error-sys',
  'gettext-sys',
  'seccomp-sys',
  'selinux-sys',
  'pam-sys',
  'pcsc-sys',
  'pq-sys',
  'lmdb-sys',
  'zmq-sys',
  'netlink-sys',
  'jemalloc-sys',
  'capstone-sys',
  'libsensors-sys',
  'lua52-sys',
  'xxhash-c-sys',
  'libslirp-sys',
  'hidapi-sys',
  'pyo3-ffi',
  'clang-sys',
  // GNOME, graphics, sound
  'glib-sys',
  'gobject-sys',
  'gio-sys',
  'gdk-pixbuf-sys',
  'cairo-sys-rs',
  'pango-sys',
  'pangocairo-sys',
  'atk-sys',
  'gdk-sys',
  'gtk-sys',
  'graphene-sys',
  'gdk4-sys',
  'gsk4-sys',
  'gtk4-sys',
  'harfbuzz-sys',
  'freetype-sys',
  'servo-fontconfig-sys',
  'yeslogic-fontconfig-sys',
  'expat-sys',
  'xkbcommon-sys',
  'wayland-sys',
  'alsa-sys',
  'libpulse-sys',
  'gstreamer-sys',
  'gstreamer-base-sys',
  'gstreamer-audio-sys',
  'gstreamer-video-sys',
  // safe wrappers: callbacks and trampolines (`extern "C" fn` generic over closures), handles, statics
  'glib',
  'gio',
  'cairo-rs',
  'pango',
  'pangocairo',
  'gdk-pixbuf',
  'atk',
  'gdk',
  'gtk',
  'graphene-rs',
  'gdk4',
  'gtk4',
  'freetype-rs',
  'harfbuzz-rs',
  'pyo3',
  'ring',
  'tree-sitter',
  'pcsc',
  'capstone',
  'gpgme',
  'nettle',
  'gettext-rs',
  'selinux',
  'zmq',
  'procfs',
  'sysinfo',
  'libc-print',
  'x11rb',
  'xcb',
  'xkbcommon',
  'wayland-client',
  'khronos-egl',
  'glutin',
  'cpal',
];

/** One finding of `ffi-guard check --format json`, as much of it as the comparison reads. */
export interface OurDiagnostic {
  file: string;
  line: number;
  rustcLint: string | null;
}

/** The agreement on one crate, or why it was not compared. */
interface CrateResult {
  name: string;
  version: string | null;
  skipped: string | null;
  rustc: number;
  ours: number;
  matched: number;
  missing: string[];
  extra: string[];
  /** Findings of ours in targets cargo does not build (tests, examples, benches): not compared. */
  notBuilt: number;
  /** `ffi-guard check` crashed or timed out on a crate cargo built: a disagreement, never a skip. */
  oursFailed: string | null;
  /** The files rustc read against those we load (null when the comparison did not run). */
  modules: ModuleAgreement | null;
  cargoMs: number;
  oursMs: number;
}

function skippedResult(name: string, version: string | null, why: string, cargoMs = 0): CrateResult {
  return {
    name,
    version,
    skipped: why,
    rustc: 0,
    ours: 0,
    matched: 0,
    missing: [],
    extra: [],
    notBuilt: 0,
    oursFailed: null,
    modules: null,
    cargoMs,
    oursMs: 0,
  };
}

/** What `ffi-guard check` answered: its findings, or why it gave none. */
export type OursRun = { diagnostics: OurDiagnostic[]; failure: null } | { diagnostics: null; failure: string };

/** The line of a crash report that says what happened (V8's `FATAL ERROR`, or the first line). */
function crashLine(stderr: string): string {
  const lines = stderr.split('\n').map((l) => l.trim());
  return lines.find((l) => l.startsWith('FATAL ERROR')) ?? lines.find((l) => l && !l.startsWith('<---')) ?? '';
}

/** `ffi-guard check DIR --format json` with a config file, through the built CLI. */
export function runOurs(dir: string, config: string, timeoutMs: number): Promise<OursRun> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [CLI, 'check', '.', '--format', 'json', '--config', config],
      { cwd: dir, maxBuffer: 512 * 1024 * 1024, timeout: timeoutMs, killSignal: 'SIGKILL' },
      (err, stdout, stderr) => {
        const fail = (failure: string): void => resolve({ diagnostics: null, failure });
        if (err?.killed) return fail(`did not finish within ${Math.round(timeoutMs / 1000)} s`);
        // Exit 1 means findings at error severity: still a complete answer.
        if (err && err.code !== 1) return fail(crashLine(stderr) || err.message);
        try {
          resolve({ diagnostics: (JSON.parse(stdout) as { diagnostics: OurDiagnostic[] }).diagnostics, failure: null });
        } catch (e) {
          fail(`unreadable output: ${(e as Error).message}`);
        }
      },
    );
  });
}

/** A TOML string literal. */
const tomlString = (s: string): string => JSON.stringify(s);

/**
 * Our settings for the crate: exactly the features cargo enabled (its list holds `default` and what that
 * turned on, so our own default resolution is switched off) and the cfgs its build script printed.
 */
export function writeSettings(file: string, oracle: CargoOracleRun): void {
  const list = (xs: string[]): string => `[${xs.map(tomlString).join(', ')}]`;
  fs.writeFileSync(file, `noDefaultFeatures = true\nfeatures = ${list(oracle.features)}\ncfg = ${list(oracle.cfgs)}\n`);
}

/**
 * Whether a file belongs to a target that `cargo check` does not build: a test, an example or a bench. A
 * file cargo compiled is built, wherever it is; any other is unbuilt when it lies in `tests/`, `examples/`,
 * `benches/`, or the folder of a `[[test]]`, `[[example]]` or `[[bench]]` target's root (nix's
 * `test/test.rs`), unless that folder also holds the root of the library, a binary or the build script.
 */
export function inUnbuiltTarget(dir: string, file: string, oracle: CargoOracleRun): boolean {
  if (oracle.compiledFiles.has(file)) return false;
  return unbuiltFolders(dir).some((folder) => file.startsWith(folder + path.sep));
}

/** The folders of a package's test, example and bench targets (see `inUnbuiltTarget`). */
export function unbuiltFolders(dir: string): string[] {
  const folders = new Set(['tests', 'examples', 'benches'].map((d) => path.join(dir, d)));
  let targets: CrateDescription[] = [];
  try {
    targets = cratesOfManifest(path.join(dir, 'Cargo.toml'));
  } catch {
    // A manifest we cannot read: cargo's default folders only.
  }
  const unbuilt = new Set<string>(['test', 'example', 'bench']);
  for (const t of targets) if (unbuilt.has(t.target)) folders.add(path.dirname(t.rootFile));
  const builtRoots = targets.filter((t) => !unbuilt.has(t.target)).map((t) => path.dirname(t.rootFile));
  return [...folders].filter((f) => !builtRoots.some((b) => b === f || b.startsWith(f + path.sep)));
}

/**
 * clippy's lints that reach past the boundary (`missing_safety_doc` on every public `unsafe fn`,
 * `not_unsafe_ptr_arg_deref` on every public function) are compared one way: each of our findings that
 * claims one must be clippy's too, and clippy's others are not ours to report.
 */
const CLAIMED_ONLY = new Set(['clippy::missing_safety_doc', 'clippy::not_unsafe_ptr_arg_deref']);

/** Their keys as compared with ours: all of rustc's and `no_mangle_with_rust_abi`'s, and of `CLAIMED_ONLY` those we claim. */
function comparedTheirs(theirs: string[], ours: string[]): string[] {
  const claimedOnly = (key: string): boolean => CLAIMED_ONLY.has(key.slice(key.lastIndexOf(' ') + 1));
  const full = theirs.filter((k) => !claimedOnly(k));
  const claimed = multisetDiff(ours.filter(claimedOnly), multisetDiff(ours.filter(claimedOnly), theirs));
  return [...full, ...claimed];
}

/** Build, check and compare one crate. */
async function compareCrate(
  crate: DebianCrate,
  targetDir: string,
  timeoutMs: number,
  cargoFlags: readonly string[],
): Promise<CrateResult> {
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'ffi-guard-parity-'));
  try {
    const dir = prepareCrateCopy(crate.dir, scratch);
    let t = Date.now();
    const oracle = await runCargoOracle(dir, targetDir, timeoutMs, cargoFlags);
    const cargoMs = Date.now() - t;
    if (oracle.failure) return skippedResult(crate.name, crate.version, oracle.failure, cargoMs);
    const clippy = oracle.findings.filter((f) => f.lint.startsWith('clippy::'));
    const theirFindings = [
      ...oracle.findings.filter((f) => !f.lint.startsWith('clippy::')),
      ...withoutOurSuppressions(clippy),
    ];
    const allTheirs = theirFindings.map((f) => agreementKey(path.relative(dir, f.file), f.line, f.lint));
    const config = path.join(scratch, 'ffi-guard-parity.toml');
    writeSettings(config, oracle);
    t = Date.now();
    const run = await runOurs(dir, config, timeoutMs);
    const oursMs = Date.now() - t;
    if (run.failure !== null)
      return {
        ...skippedResult(crate.name, crate.version, '', cargoMs),
        skipped: null,
        rustc: allTheirs.length,
        oursFailed: run.failure,
        oursMs,
      };
    const diagnostics = run.diagnostics.filter((d) => d.rustcLint !== null);
    const built = diagnostics.filter((d) => !inUnbuiltTarget(dir, path.resolve(dir, d.file), oracle));
    const ours = built.map((d) => agreementKey(path.normalize(d.file), d.line, d.rustcLint!));
    const theirs = comparedTheirs(allTheirs, ours);
    const { matched, missing, extra } = compareKeys(theirs, ours);
    const modules = await moduleAgreement(dir, config, oracle.compiledFiles);
    const explain = (key: string): string =>
      `${key} — ${theirFindings.find((f) => agreementKey(path.relative(dir, f.file), f.line, f.lint) === key)?.message}`;
    return {
      name: crate.name,
      version: crate.version,
      skipped: null,
      rustc: theirs.length,
      ours: ours.length,
      matched: matched.length,
      missing: missing.map(explain),
      extra,
      notBuilt: diagnostics.length - built.length,
      oursFailed: null,
      modules,
      cargoMs,
      oursMs,
    };
  } finally {
    fs.rmSync(scratch, { recursive: true, force: true });
  }
}

/** Both sides answered, and alike: the same findings, from the same files. */
const agrees = (r: CrateResult): boolean =>
  !r.oursFailed && !r.missing.length && !r.extra.length && !r.modules?.onlyRustc.length && !r.modules?.onlyOurs.length;

function printResult(r: CrateResult): void {
  const id = `${r.name} ${r.version ?? ''}`.trim();
  const times = ` [cargo ${(r.cargoMs / 1000).toFixed(1)} s, ffi-guard ${(r.oursMs / 1000).toFixed(1)} s]`;
  if (r.skipped) {
    console.log(`skip  ${id}: ${r.skipped}`);
    return;
  }
  if (r.oursFailed) {
    console.log(`FAIL  ${id}: rustc ${r.rustc}; ffi-guard check failed: ${r.oursFailed}${times}`);
    return;
  }
  console.log(
    `${agrees(r) ? 'ok  ' : 'DIFF'}  ${id}: rustc ${r.rustc}, ours ${r.ours}, matched ${r.matched}, missing ${r.missing.length}, extra ${r.extra.length}` +
      `${r.notBuilt ? ` (${r.notBuilt} of ours in unbuilt tests/examples/benches, not compared)` : ''}${times}`,
  );
  for (const m of r.missing) console.log(`        rustc only: ${m}`);
  for (const e of r.extra) console.log(`        ours only:  ${e}`);
  for (const f of r.modules?.onlyRustc ?? []) console.log(`        read by rustc only: ${f}`);
  for (const f of r.modules?.onlyOurs ?? []) console.log(`        loaded by us only:  ${f}`);
}

function printSummary(results: CrateResult[], startedMs: number): void {
  const compared = results.filter((r) => !r.skipped);
  const agreed = compared.filter(agrees);
  const sum = (f: (r: CrateResult) => number): number => compared.reduce((n, r) => n + f(r), 0);
  console.log('');
  console.log(
    `crates compared: ${compared.length}; agreeing 100%: ${agreed.length}; skipped: ${results.length - compared.length}`,
  );
  console.log(
    `findings: rustc ${sum((r) => r.rustc)}, ours ${sum((r) => r.ours)}, matched ${sum((r) => r.matched)}, ` +
      `missing ${sum((r) => r.missing.length)}, extra ${sum((r) => r.extra.length)}`,
  );
  const disagreeing = compared.filter((r) => !agrees(r) && !r.oursFailed);
  if (disagreeing.length)
    console.log(
      `disagreeing: ${disagreeing.map((r) => `${r.name} (-${r.missing.length} +${r.extra.length})`).join(', ')}`,
    );
  for (const r of compared.filter((x) => x.oursFailed)) console.log(`ffi-guard failed: ${r.name}: ${r.oursFailed}`);
  for (const r of results.filter((x) => x.skipped)) console.log(`skipped: ${r.name}: ${r.skipped}`);
  console.log(
    `runtime: ${((Date.now() - startedMs) / 1000).toFixed(0)} s (cargo ${(sum((r) => r.cargoMs) / 1000).toFixed(0)} s, ` +
      `ffi-guard ${(sum((r) => r.oursMs) / 1000).toFixed(0)} s)`,
  );
}

/**
 * Whether a crate's sources write an FFI word anywhere (comments included): `extern "…"`, `extern {`,
 * `no_mangle`, `export_name` or `repr(C`. Most crates of the registry write none, and rustc and we agree on
 * them by finding nothing; these are the ones where the two can disagree on findings. A crate not installed
 * is kept (it is installed, or reported as missing, later).
 */
function writesFfi(name: string): boolean {
  const crate = findDebianCrate(name);
  if (!crate) return true;
  return rustFilesUnder(crate.dir).some((file) => FFI_WORD.test(fs.readFileSync(file, 'latin1')));
}

const FFI_WORD = /\bextern\s*["{]|\bno_mangle\b|\bexport_name\b|\brepr\s*\(\s*C\b/;

async function main(): Promise<void> {
  const started = Date.now();
  const { values } = parseArgs({
    options: {
      only: { type: 'string' },
      'workspace-crates': { type: 'boolean', default: false },
      workspaces: { type: 'string' },
      registry: { type: 'boolean', default: false },
      'all-features': { type: 'boolean', default: false },
      'writes-ffi': { type: 'boolean', default: false },
      jobs: { type: 'string', default: '1' },
      timeout: { type: 'string', default: '1200' },
    },
  });
  const listed = values.only
    ? values.only
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean)
    : values.registry
      ? installedDebianCrates()
      : values.workspaces
        ? [...new Set(values.workspaces.split(',').flatMap((w) => crateNamesOf(w.trim())))]
        : values['workspace-crates']
          ? [...new Set(Object.values(WORKSPACE_CRATES).flat())]
          : PARITY_CRATES;
  const names = values['writes-ffi'] ? listed.filter(writesFfi) : listed;
  const jobs = Math.max(1, Number(values.jobs) || 1);
  const cargoFlags = values['all-features'] ? ['--all-features'] : [];
  const timeoutMs = Number(values.timeout) * 1000;
  const unknown = ensureDebianCrates(names);
  const results: CrateResult[] = [];
  const queue = [...names];
  console.log(
    `real-crate agreement: ${names.length} crate(s), ${jobs} job(s), rustc and clippy through cargo` +
      (cargoFlags.length ? `, every feature on` : ''),
  );
  const worker = async (w: number): Promise<void> => {
    // A target folder per worker: cargo locks it, and dependencies compiled once serve the next crates.
    const targetDir = path.join(WORK, `target-${w}`);
    for (let name = queue.shift(); name !== undefined; name = queue.shift()) {
      const crate = findDebianCrate(name);
      const result = unknown.has(name)
        ? skippedResult(name, null, 'not packaged by Debian here')
        : !crate
          ? skippedResult(name, null, 'not in /usr/share/cargo/registry after installing')
          : await compareCrate(crate, targetDir, timeoutMs, cargoFlags).catch((e: unknown) =>
              skippedResult(name, crate.version, (e as Error).message.split('\n')[0]),
            );
      // Listed as named here, even where Debian's folder spells the crate otherwise (`onig_sys`).
      results.push({ ...result, name });
      printResult(results[results.length - 1]);
    }
  };
  await Promise.all(Array.from({ length: jobs }, (_, w) => worker(w)));
  results.sort((a, b) => names.indexOf(a.name) - names.indexOf(b.name));
  fs.mkdirSync(WORK, { recursive: true });
  fs.writeFileSync(path.join(WORK, 'last-run.json'), JSON.stringify(results, null, 2) + '\n');
  printSummary(results, started);
}

// Run as a script; imported (by panic-precision.ts) for the crate list and how a crate is checked.
if (require.main === module)
  main().catch((e: unknown) => {
    console.error(e);
    process.exitCode = 1;
  });
