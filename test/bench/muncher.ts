import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import type { ChildUsage } from './usage-on-exit';

/**
 * `node out/test/bench/muncher.js [--sizes 50,100,200,400] [--cli bundle|compiled]`: whether expanding a
 * recursive macro stays linear in what it writes. A "tt-muncher" (compiler_builtins' `intrinsics!`) writes
 * one item per level and hands the rest of its input to the call that ends its expansion: up to 161b9d3 each
 * level wrote that rest out as text and read it back, and `check` of one 400-function call took 2.1 s and
 * peaked at 433 MB (this script copied into that checkout's `out/test/bench/`, `--cli compiled`). Past 512
 * functions the expansion stops as at any depth: 128 levels in each of four passes (workspace/crates.ts).
 *
 * Each crate is generated under `.bench/muncher/N` (once): one `intrinsics!` call of N exported functions,
 * which the macro writes with `#[no_mangle]`; under `.bench/muncher/N-lifetimes` the same functions each
 * taking a `&'static u32` (a lifetime is no token the lexer reads alone: such a rest was written out and
 * parsed whole at every level), and under `.bench/muncher/N-first` a macro that hands its rest on before it
 * writes its function. Timed in a child process, median of three runs, with its peak memory.
 */

const ROOT = path.resolve(__dirname, '..', '..', '..');
const CLIS = {
  bundle: path.join(__dirname, 'bundled-cli.js'),
  compiled: path.join(ROOT, 'bin', 'ffi-guard.js'),
};
const USAGE_HOOK = path.join(__dirname, 'usage-on-exit.js');

/** The ways a muncher is measured: its rest handed on last or first, and what its functions take. */
type Shape = 'plain' | 'lifetimes' | 'first';

const SHAPES: Record<Shape, string> = {
  plain: 'plain functions',
  lifetimes: "each function taking a `&'static u32`",
  first: 'the call that hands the rest on written first, before the function',
};

/** compiler_builtins' shape: one function per level, the rest handed on through `$crate::` (or first). */
function macroOf(shape: Shape): string {
  const call = '$crate::intrinsics! { $($rest)* }';
  const item = `$(#[$attr])*
        #[no_mangle]
        pub extern $abi fn $name( $($argname: $ty),* ) $(-> $ret)? {
            $($body)*
        }`;
  return `macro_rules! intrinsics {
    () => ();
    (
        $(#[$attr:meta])*
        pub extern $abi:tt fn $name:ident( $($argname:ident: $ty:ty),* ) $(-> $ret:ty)? {
            $($body:tt)*
        }
        $($rest:tt)*
    ) => (
        ${shape === 'first' ? `${call}\n        ${item}` : `${item}\n        ${call}`}
    );
}
`;
}

/** The crate of one call of `count` functions, generated once (a stamp records that it is complete). */
function crate(count: number, shape: Shape): string {
  const dir = path.join(ROOT, '.bench', 'muncher', shape === 'plain' ? String(count) : `${count}-${shape}`);
  const stamp = path.join(dir, '.generated');
  if (fs.existsSync(stamp)) return dir;
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(path.join(dir, 'src'), { recursive: true });
  fs.writeFileSync(
    path.join(dir, 'Cargo.toml'),
    `[package]\nname = "muncher${count}"\nversion = "0.1.0"\nedition = "2021"\n`,
  );
  const functions = Array.from({ length: count }, (_, i) =>
    shape === 'lifetimes'
      ? `    pub extern "C" fn f${i}(a: &'static u32, b: u32) -> u32 {\n        *a + b + ${i}\n    }\n`
      : `    pub extern "C" fn f${i}(a: u32, b: u32) -> u32 {\n        a + b + ${i}\n    }\n`,
  );
  fs.writeFileSync(path.join(dir, 'src', 'lib.rs'), `${macroOf(shape)}\nintrinsics! {\n${functions.join('')}}\n`);
  fs.writeFileSync(stamp, '');
  return dir;
}

/** The median wall time of three `check DIR --format json` runs, the largest peak memory, and the functions exported. */
function measure(cli: string, dir: string): { ms: number; peakMb: number; exported: number } {
  const times: number[] = [];
  let peakKb = 0;
  let exported = 0;
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'ffi-guard-muncher-'));
  const usageFile = path.join(scratch, 'usage.json');
  try {
    for (let round = 0; round < 3; round++) {
      const started = process.hrtime.bigint();
      const run = spawnSync(process.execPath, ['--require', USAGE_HOOK, cli, 'check', dir, '--format', 'json'], {
        encoding: 'utf8',
        maxBuffer: 1 << 30,
        env: { ...process.env, FFI_GUARD_BENCH_USAGE: usageFile },
      });
      times.push(Number(process.hrtime.bigint() - started) / 1e6);
      if (run.status !== 0 && run.status !== 1) throw new Error(`check ${dir} failed: ${run.stderr}`);
      peakKb = Math.max(peakKb, (JSON.parse(fs.readFileSync(usageFile, 'utf8')) as ChildUsage).maxRssKb);
    }
    // What the expansion exported, as the header the same crate gets lists it.
    const header = spawnSync(process.execPath, [cli, 'header', dir], { encoding: 'utf8', maxBuffer: 1 << 30 });
    exported = (header.stdout.match(/^uint32_t f\d+\(/gm) ?? []).length;
  } finally {
    fs.rmSync(scratch, { recursive: true, force: true });
  }
  return { ms: [...times].sort((a, b) => a - b)[1], peakMb: peakKb / 1024, exported };
}

function main(args: string[]): void {
  const option = (name: string): string | undefined => {
    const i = args.indexOf(name);
    return i >= 0 ? args[i + 1] : undefined;
  };
  const sizes = (option('--sizes') ?? '50,100,200,400').split(',').map(Number);
  const which = option('--cli') ?? 'bundle';
  if (which !== 'bundle' && which !== 'compiled') throw new Error(`--cli bundle|compiled, not ${which}`);
  const cli = CLIS[which];
  if (which === 'bundle' && !fs.existsSync(path.join(ROOT, 'dist', 'cli.js')))
    throw new Error('dist/cli.js is missing: `npm run bundle` writes it');
  for (const shape of Object.keys(SHAPES) as Shape[]) {
    console.log(`${SHAPES[shape]}:`);
    const rows = sizes.map((count) => ({ count, ...measure(cli, crate(count, shape)) }));
    for (const { count, ms, peakMb, exported } of rows)
      console.log(
        `${String(count).padStart(5)} functions: ${ms.toFixed(0).padStart(6)} ms, peak ${peakMb.toFixed(0)} MB, ` +
          `${exported} exported`,
      );
    const [first, last] = [rows[0], rows[rows.length - 1]];
    console.log(
      `time, ${last.count} against ${first.count} functions: ${(last.ms / first.ms).toFixed(2)}x ` +
        `(${(last.count / first.count).toFixed(0)}x is linear; the start-up, the same in both, makes it less)`,
    );
  }
}

main(process.argv.slice(2));
