import { spawn } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import type * as SmolToml from 'smol-toml' with { 'resolution-mode': 'import' };
import { DEBIAN_REGISTRY } from './debian-crates';
import { OracleRun, readDiagnostic, RustcDiagnostic } from '../harness/rustc';

/**
 * rustc's (and clippy's) FFI findings on a real crate, built the way its users build it: `cargo clippy`
 * offline against Debian's registry, default features, lib and bins. The crate is a copy in a folder of
 * ours: Debian's sources are never written.
 */

/** What cargo said about the crate under test (its dependencies' diagnostics are not kept). */
export interface CargoOracleRun extends OracleRun {
  /** The features cargo enabled on the crate. */
  features: string[];
  /** What the crate's build script printed as `cargo:rustc-cfg`. */
  cfgs: string[];
  /** Every source file rustc read for the crate's built targets (from its dep-info), absolute. */
  compiledFiles: Set<string>;
  /** The build failed: why, in one line; null when it finished. */
  failure: string | null;
}

// smol-toml ships its types as an ES module; its CommonJS build is what loads here (as in core/workspace/toml).
// eslint-disable-next-line @typescript-eslint/no-require-imports
const toml = require('smol-toml') as typeof SmolToml;

type Table = Record<string, unknown>;

const DEPENDENCY_TABLES = ['dependencies', 'build-dependencies', 'build_dependencies'];

/** The dependency tables of a manifest, including `[target.'cfg(…)'.dependencies]`. */
function dependencyTables(manifest: Table): Table[] {
  const tables = DEPENDENCY_TABLES.map((k) => manifest[k] as Table | undefined);
  for (const t of Object.values((manifest.target as Table | undefined) ?? {}))
    tables.push(...DEPENDENCY_TABLES.map((k) => (t as Table)[k] as Table | undefined));
  return tables.filter((t): t is Table => !!t);
}

/** The optional dependencies that the `default` feature turns on, following features through features. */
function depsEnabledByDefault(features: Record<string, string[]>, optional: Set<string>): Set<string> {
  const enabled = new Set<string>();
  const seen = new Set<string>();
  const queue = features.default ? ['default'] : [];
  for (let f = queue.shift(); f !== undefined; f = queue.shift()) {
    if (seen.has(f)) continue;
    seen.add(f);
    for (const entry of features[f] ?? []) {
      if (entry.startsWith('dep:')) enabled.add(entry.slice(4));
      else if (entry.includes('/')) {
        const dep = entry.split('/')[0];
        if (!dep.endsWith('?')) {
          if (optional.has(dep)) enabled.add(dep);
          if (features[dep]) queue.push(dep);
        }
      } else if (features[entry]) queue.push(entry);
      else if (optional.has(entry)) enabled.add(entry);
    }
  }
  return enabled;
}

/**
 * The crate's manifest made buildable from Debian's registry, which holds only what the crate needs with
 * its default features: dev-dependencies dropped (`cargo check` builds no tests, yet the lockfile would
 * want them), and optional dependencies the default features leave off dropped with the feature entries
 * that name them. The features of the build stay exactly those of a normal default build.
 */
export function pruneManifest(text: string): string {
  const manifest = toml.parse(text) as Table;
  delete manifest['dev-dependencies'];
  delete manifest['dev_dependencies'];
  for (const t of Object.values((manifest.target as Table | undefined) ?? {})) {
    delete (t as Table)['dev-dependencies'];
    delete (t as Table)['dev_dependencies'];
  }
  const features = (manifest.features as Record<string, string[]> | undefined) ?? {};
  const optional = new Set<string>();
  for (const table of dependencyTables(manifest))
    for (const [name, spec] of Object.entries(table))
      if (typeof spec === 'object' && spec !== null && (spec as Table).optional === true) optional.add(name);
  const keep = depsEnabledByDefault(features, optional);
  const dropped = new Set([...optional].filter((d) => !keep.has(d)));
  for (const table of dependencyTables(manifest)) for (const d of dropped) delete table[d];
  const namesDropped = (entry: string): boolean => {
    const dep = entry.startsWith('dep:') ? entry.slice(4) : entry.split('/')[0].replace(/\?$/, '');
    return dropped.has(dep);
  };
  for (const [f, entries] of Object.entries(features)) features[f] = entries.filter((e) => !namesDropped(e));
  // A crate of its own, never a member of some workspace above the temporary folder.
  manifest.workspace = {};
  return toml.stringify(manifest);
}

/** Copy a Debian crate into `into` (a folder of ours) and point cargo at Debian's registry, offline. */
export function prepareCrateCopy(source: string, into: string): string {
  const dir = path.join(into, path.basename(source));
  fs.cpSync(source, dir, { recursive: true });
  const manifest = path.join(dir, 'Cargo.toml');
  fs.chmodSync(dir, 0o755);
  fs.writeFileSync(manifest, pruneManifest(fs.readFileSync(manifest, 'utf8')));
  fs.rmSync(path.join(dir, 'Cargo.lock'), { force: true });
  fs.mkdirSync(path.join(into, '.cargo'), { recursive: true });
  fs.writeFileSync(
    path.join(into, '.cargo', 'config.toml'),
    `[source.crates-io]\nreplace-with = "debian"\n\n[source.debian]\ndirectory = "${DEBIAN_REGISTRY}"\n\n[net]\noffline = true\n`,
  );
  return dir;
}

interface CargoMessage {
  reason: string;
  package_id?: string;
  manifest_path?: string;
  message?: RustcDiagnostic & { rendered?: string };
  features?: string[];
  filenames?: string[];
  cfgs?: string[];
  success?: boolean;
}

/** The source files named in rustc's dep-info (`target: dep dep …` lines, spaces escaped). */
function depInfoFiles(depFile: string): string[] {
  if (!fs.existsSync(depFile)) return [];
  const files: string[] = [];
  for (const line of fs.readFileSync(depFile, 'utf8').split('\n')) {
    const colon = line.indexOf(': ');
    if (colon < 0 || line.startsWith('#')) continue;
    for (const f of line.slice(colon + 2).split(/(?<!\\) /)) if (f.trim()) files.push(f.replace(/\\ /g, ' '));
  }
  return files;
}

/**
 * The dep-info file rustc wrote beside an artifact (`deps/libfoo-hash.rmeta` → `deps/foo-hash.d`). A build
 * script's artifact is a copy named by cargo (`build/foo-hash/build-script-main`), beside the one rustc
 * wrote and its dep-info (`build_script_main-hash.d`), the only `.d` file of that folder.
 */
function depInfoOf(artifact: string): string {
  const dir = path.dirname(artifact);
  const base = path
    .basename(artifact)
    .replace(/^lib/, '')
    .replace(/\.[a-z]+$/, '');
  const beside = path.join(dir, `${base}.d`);
  if (fs.existsSync(beside) || !base.startsWith('build-script-')) return beside;
  const scripts = fs.readdirSync(dir).filter((f) => f.startsWith('build_script_') && f.endsWith('.d'));
  return scripts.length === 1 ? path.join(dir, scripts[0]) : beside;
}

/** The clippy lints the oracle warns on: those our rules can claim (`rustcLint`), every other one off. */
export const ORACLE_CLIPPY_LINTS = [
  'clippy::no_mangle_with_rust_abi',
  'clippy::missing_safety_doc',
  'clippy::not_unsafe_ptr_arg_deref',
];

/**
 * Build the crate copy at `dir` with `cargo clippy` (rustc's lints plus `ORACLE_CLIPPY_LINTS`), niced, one
 * job, into `targetDir` (shared between crates so dependencies compile once). Lints of the crate are capped
 * at warnings so `#![deny(…)]` does not stop the build.
 */
export function runCargoOracle(
  dir: string,
  targetDir: string,
  timeoutMs: number,
  /** What cargo is asked to build besides the defaults (`--all-features`). */
  cargoFlags: readonly string[] = [],
): Promise<CargoOracleRun> {
  const manifest = path.join(dir, 'Cargo.toml');
  const args = [
    '-n',
    '10',
    'cargo',
    'clippy',
    '--offline',
    ...cargoFlags,
    '--message-format=json',
    '-j',
    '1',
    '--manifest-path',
    manifest,
    '--',
    '--cap-lints=warn',
    '-A',
    'clippy::all',
    ...ORACLE_CLIPPY_LINTS.flatMap((lint) => ['-W', lint]),
  ];
  const env = { ...process.env, CARGO_TARGET_DIR: targetDir, CARGO_TERM_COLOR: 'never', RUSTFLAGS: '' };
  return new Promise((resolve) => {
    const child = spawn('nice', args, { cwd: path.dirname(dir), env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (b: Buffer) => (stdout += b.toString()));
    child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const run = readCargoMessages(stdout, manifest);
      if (signal) run.failure = `cargo did not finish within ${Math.round(timeoutMs / 1000)} s`;
      else if (code !== 0 && !run.failure) run.failure = firstCargoError(stderr) ?? `cargo exited with ${code}`;
      resolve(run);
    });
  });
}

/** Sort cargo's JSON lines into the crate's findings, features, cfgs and files. */
function readCargoMessages(stdout: string, manifest: string): CargoOracleRun {
  const run: CargoOracleRun = {
    findings: [],
    errors: [],
    features: [],
    cfgs: [],
    compiledFiles: new Set(),
    failure: null,
  };
  const dir = path.dirname(manifest);
  const messages = stdout
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as CargoMessage);
  const ours = new Set(messages.filter((m) => m.manifest_path === manifest).map((m) => m.package_id));
  const compileErrors: string[] = [];
  for (const m of messages) {
    if (m.reason === 'compiler-message' && m.message) {
      if (m.manifest_path === manifest) readDiagnostic(m.message, dir, run);
      else if (m.message.level === 'error') compileErrors.push(m.message.message);
    } else if (m.reason === 'compiler-artifact' && m.manifest_path === manifest) {
      for (const f of m.features ?? []) if (!run.features.includes(f)) run.features.push(f);
      for (const a of m.filenames ?? [])
        for (const f of depInfoFiles(depInfoOf(a))) run.compiledFiles.add(path.resolve(dir, f));
    } else if (m.reason === 'build-script-executed' && ours.has(m.package_id)) {
      run.cfgs.push(...(m.cfgs ?? []));
    } else if (m.reason === 'build-finished' && m.success === false) {
      const what = run.errors[0] ?? compileErrors[0];
      run.failure = what ? `does not compile: ${what}` : 'the build failed';
    }
  }
  if (fs.existsSync(path.join(dir, 'build.rs'))) run.compiledFiles.add(path.join(dir, 'build.rs'));
  return run;
}

/** The first `error:` line cargo printed (a resolution or build-script failure), shortened. */
function firstCargoError(stderr: string): string | null {
  const lines = stderr.split('\n');
  const i = lines.findIndex((l) => l.startsWith('error'));
  if (i < 0) return null;
  const detail = lines
    .slice(i, i + 4)
    .map((l) => l.trim())
    .filter(Boolean)
    .join(' ');
  return detail.length > 240 ? `${detail.slice(0, 237)}…` : detail;
}
