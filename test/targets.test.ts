import * as assert from 'assert';
import { spawnSync } from 'child_process';
import { knownTargets, makeCfgEnv } from '../server/src/core/syntax/cfg';
import { TARGET_CFG } from '../server/src/core/syntax/target-cfg';
import { REPO, runCli, tempTree } from './harness/cli';
import type { ReportData } from '../protocol/report';

/** `rustc --print cfg --target T`, or null when rustc is not installed. */
function rustcCfg(target: string): string[] | null {
  const run = spawnSync('rustc', ['--print', 'cfg', '--target', target], { encoding: 'utf8' });
  if (run.error) return null;
  assert.strictEqual(run.status, 0, run.stderr);
  return run.stdout.split('\n').filter((l) => l);
}

describe('targets: #[cfg] per target', function () {
  this.timeout(60000);

  it('supports the targets of the second wave', () => {
    for (const t of [
      'x86_64-unknown-linux-gnu',
      'aarch64-unknown-linux-gnu',
      'x86_64-apple-darwin',
      'aarch64-apple-darwin',
      'x86_64-pc-windows-msvc',
      'x86_64-pc-windows-gnu',
      'i686-pc-windows-msvc',
      'i686-pc-windows-gnu',
      'i686-unknown-linux-gnu',
      'wasm32-unknown-unknown',
      'armv7-unknown-linux-gnueabihf',
    ])
      assert.ok(knownTargets().includes(t), t);
  });

  for (const target of knownTargets()) {
    it(`our cfg table for ${target} is what \`rustc --print cfg --target ${target}\` prints`, function () {
      const rustc = rustcCfg(target);
      if (!rustc) return this.skip();
      assert.deepStrictEqual([...TARGET_CFG[target]], rustc);
    });
  }

  it('evaluates names and key="value" pairs from the table', () => {
    const win = makeCfgEnv({ features: [], target: 'i686-pc-windows-msvc' });
    assert.ok(win.names.has('windows') && !win.names.has('unix'));
    assert.ok(win.pairs.has('target_pointer_width=32') && win.pairs.has('target_env=msvc'));
    const wasm = makeCfgEnv({ features: ['x'], target: 'wasm32-unknown-unknown' });
    assert.ok(wasm.pairs.has('panic=abort') && wasm.pairs.has('target_family=wasm') && wasm.pairs.has('feature=x'));
    // Not a cfg rustc sets (it sets `panic="unwind"`).
    assert.ok(!makeCfgEnv({ features: [] }).names.has('panic_unwind'));
  });

  it('--target decides which `#[cfg]` items the report holds', async () => {
    const dir = tempTree({
      'lib.rs': [
        '#[cfg(windows)] #[no_mangle] pub extern "C" fn on_windows() {}',
        '#[cfg(unix)] #[no_mangle] pub extern "C" fn on_unix() {}',
        '#[cfg(target_arch = "arm")] #[no_mangle] pub extern "C" fn on_arm() {}',
        '',
      ].join('\n'),
    });
    const symbols = async (...flags: string[]): Promise<string[]> => {
      const run = await runCli(['report', '--format', 'json', 'lib.rs', ...flags], dir);
      assert.strictEqual(run.code, 0, run.stderr);
      return (JSON.parse(run.stdout) as ReportData).symbols.map((s) => s.name).sort();
    };
    assert.deepStrictEqual(await symbols(), ['on_unix']);
    assert.deepStrictEqual(await symbols('--target', 'i686-pc-windows-gnu'), ['on_windows']);
    assert.deepStrictEqual(await symbols('--target=armv7-unknown-linux-gnueabihf'), ['on_arm', 'on_unix']);
    const bad = await runCli(['report', '--target', 'sparc-sun-solaris'], REPO);
    assert.strictEqual(bad.code, 2);
    assert.match(bad.stderr, /invalid target `sparc-sun-solaris` \(expected x86_64-unknown-linux-gnu, /);
  });
});
