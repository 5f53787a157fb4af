import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';

/**
 * `node out/test/bench/many-packages.js [--sizes 250,500,1000,2000] [--cli bundle|compiled]`: whether
 * `ffi-guard check` stays linear in the number of packages. A monorepo can hold thousands; any step that
 * compares every package with every other, or every file with every package, shows here as a time per
 * package that grows with their number: at 9ff7291 it rose from 1.03 ms at 500 packages to 1.29 ms at
 * 2,000 (every file was compared with every package's folder), where it now falls to 0.66 ms as the start-up
 * is spread over more packages.
 *
 * Each workspace is generated under `.bench/many-packages/N` (once): N packages of three files (`crates/*`),
 * every seventh exporting a C function that takes a `#[repr(C)]` struct of its own and a `&str` (a finding);
 * the structs of all packages share one name (a type's name defined in every package), and each package has
 * a macro, a test module and a path dependency on the package before it. Timed in a child process, as
 * `npm run bench` times a workspace.
 */

const ROOT = path.resolve(__dirname, '..', '..', '..');
const CLIS = {
  bundle: path.join(__dirname, 'bundled-cli.js'),
  compiled: path.join(ROOT, 'bin', 'ffi-guard.js'),
};

/** What one package holds: its manifest and its three files. */
function packageFiles(i: number): Record<string, string> {
  const exported = i % 7 === 0;
  const dependency = i % 10 ? `c${i - 1} = { path = "../c${i - 1}" }\n` : '';
  return {
    'Cargo.toml': `[package]\nname = "c${i}"\nversion = "0.1.0"\nedition = "2021"\n\n[dependencies]\n${dependency}`,
    'src/lib.rs':
      'mod inner;\npub mod util;\n\n#[cfg(test)]\nmod tests {\n    #[test]\n    fn t() {}\n}\n\n' +
      (exported
        ? `#[no_mangle]\npub extern "C" fn f${i}(x: inner::Point, name: &str) -> u32 {\n    x.a\n}\n`
        : 'pub fn g() -> u32 {\n    1\n}\n'),
    'src/inner/mod.rs':
      '#[repr(C)]\npub struct Point {\n    pub a: u32,\n    pub b: u32,\n}\n\n' +
      'macro_rules! one {\n    () => {\n        1\n    };\n}\n\npub fn h() -> u32 {\n    one!()\n}\n',
    'src/util.rs': 'pub fn u() -> String {\n    String::new()\n}\n'.repeat(20),
  };
}

/** The workspace of `count` packages, generated once (a stamp records that it is complete). */
function workspace(count: number): string {
  const dir = path.join(ROOT, '.bench', 'many-packages', String(count));
  const stamp = path.join(dir, '.generated');
  if (fs.existsSync(stamp)) return dir;
  fs.rmSync(dir, { recursive: true, force: true });
  for (let i = 0; i < count; i++)
    for (const [file, text] of Object.entries(packageFiles(i))) {
      const at = path.join(dir, 'crates', `c${i}`, file);
      fs.mkdirSync(path.dirname(at), { recursive: true });
      fs.writeFileSync(at, text);
    }
  fs.writeFileSync(path.join(dir, 'Cargo.toml'), '[workspace]\nresolver = "2"\nmembers = ["crates/*"]\n');
  fs.writeFileSync(stamp, '');
  return dir;
}

/** The median wall time of three `check DIR --format json` runs, and the number of findings. */
function timeCheck(cli: string, dir: string): { ms: number; findings: number } {
  const times: number[] = [];
  let findings = 0;
  for (let round = 0; round < 3; round++) {
    const started = process.hrtime.bigint();
    const run = spawnSync(process.execPath, [cli, 'check', dir, '--format', 'json'], {
      encoding: 'utf8',
      maxBuffer: 1 << 30,
    });
    times.push(Number(process.hrtime.bigint() - started) / 1e6);
    if (run.status !== 0 && run.status !== 1) throw new Error(`check ${dir} failed: ${run.stderr}`);
    findings = (JSON.parse(run.stdout) as { diagnostics: unknown[] }).diagnostics.length;
  }
  return { ms: [...times].sort((a, b) => a - b)[1], findings };
}

function main(args: string[]): void {
  const option = (name: string): string | undefined => {
    const i = args.indexOf(name);
    return i >= 0 ? args[i + 1] : undefined;
  };
  const sizes = (option('--sizes') ?? '250,500,1000,2000').split(',').map(Number);
  const which = option('--cli') ?? 'bundle';
  if (which !== 'bundle' && which !== 'compiled') throw new Error(`--cli bundle|compiled, not ${which}`);
  const cli = CLIS[which];
  if (which === 'bundle' && !fs.existsSync(path.join(ROOT, 'dist', 'cli.js')))
    throw new Error('dist/cli.js is missing: `npm run bundle` writes it');
  const rows = sizes.map((count) => ({ count, ...timeCheck(cli, workspace(count)) }));
  for (const { count, ms, findings } of rows)
    console.log(
      `${String(count).padStart(6)} packages: ${ms.toFixed(0).padStart(6)} ms, ` +
        `${(ms / count).toFixed(2)} ms per package, ${findings} findings`,
    );
  const [first, last] = [rows[0], rows[rows.length - 1]];
  console.log(
    `time per package, ${last.count} against ${first.count} packages: ` +
      `${(last.ms / last.count / (first.ms / first.count)).toFixed(2)}x (1 is linear; the fixed start-up cost makes it less)`,
  );
}

main(process.argv.slice(2));
