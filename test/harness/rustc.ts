import { execFile } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import type { Directives } from './expectations';

/** A lint rustc (or clippy) reported: where, and which lint. */
export interface OracleFinding {
  file: string;
  line: number;
  lint: string;
  message: string;
}

export const ORACLE_LINTS = new Set([
  'improper_ctypes',
  'improper_ctypes_definitions',
  'no_mangle_generic_items',
  'clippy::no_mangle_with_rust_abi',
  'clippy::not_unsafe_ptr_arg_deref',
  'clippy::missing_safety_doc',
]);

/** Whether a compiler binary runs here; the differential test refuses to pass without one. */
export function toolVersion(tool: string): Promise<string | null> {
  return new Promise((resolve) => {
    execFile(tool, ['--version'], (err, stdout) => resolve(err ? null : stdout.trim()));
  });
}

export interface OracleRun {
  findings: OracleFinding[];
  /** rustc found errors: the file does not compile, so it says nothing about lints. */
  errors: string[];
}

/**
 * Run rustc (or clippy-driver, warning on `clippyLints`) on a crate root the way RULES.md says, and keep
 * the FFI lints.
 */
export function runOracle(
  tool: 'rustc' | 'clippy-driver',
  root: string,
  d: Directives,
  clippyLints: readonly string[] = ['clippy::no_mangle_with_rust_abi'],
): Promise<OracleRun> {
  // Never `-o /dev/null`: run as root, rustc replaces the device with a regular file.
  const outDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ffi-guard-rustc-'));
  const args = [
    '--edition',
    d.edition,
    '--crate-type=lib',
    '--emit=metadata',
    '--error-format=json',
    '--cap-lints=warn',
    '-o',
    path.join(outDir, 'out.rmeta'),
  ];
  for (const f of d.features) args.push('--cfg', `feature="${f}"`);
  if (tool === 'clippy-driver') for (const lint of clippyLints) args.push('-W', lint);
  args.push(root);
  return new Promise((resolve) => {
    execFile(tool, args, { cwd: path.dirname(root), maxBuffer: 64 * 1024 * 1024 }, (_err, _stdout, stderr) => {
      const run: OracleRun = { findings: [], errors: [] };
      for (const line of stderr.split('\n')) {
        if (line.startsWith('{')) readDiagnostic(JSON.parse(line) as RustcDiagnostic, path.dirname(root), run);
      }
      fs.rmSync(outDir, { recursive: true, force: true });
      resolve(run);
    });
  });
}

/** One diagnostic of rustc's `--error-format=json` (cargo wraps the same object in `compiler-message`). */
export interface RustcDiagnostic {
  level: string;
  message: string;
  code: { code: string } | null;
  spans: { is_primary: boolean; file_name: string; line_start: number }[];
}

/**
 * Keep what the oracle says in one diagnostic: an error, or an FFI lint at its primary span. File names
 * are resolved against `dir`, the folder rustc (or cargo) ran in.
 */
export function readDiagnostic(d: RustcDiagnostic, dir: string, into: OracleRun): void {
  if (d.level === 'error') into.errors.push(d.message);
  const code = d.code?.code;
  if (!code || !ORACLE_LINTS.has(code)) return;
  const span = d.spans.find((s) => s.is_primary);
  if (!span) return;
  into.findings.push({
    file: path.resolve(dir, span.file_name),
    line: span.line_start,
    lint: code,
    message: d.message,
  });
}
