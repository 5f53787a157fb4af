import * as assert from 'assert';
import { spawnSync } from 'child_process';
import { knownTargets, makeCfgEnv } from '../server/src/core/syntax/cfg';
import { TARGET_CFG } from '../server/src/core/syntax/target-cfg';
import { REPO, runCli, tempTree } from './harness/cli';
import type { ReportData } from '../protocol/report';
import * as fs from 'fs';
import * as path from 'path';
import { dataModel, dataModelTargets } from '../server/src/core/analysis/data-model';
import { tempDir } from './harness/tmp';
import { checkPaths } from '../server/src/core/project';
import { defaultSettings } from '../server/src/core/config';
import { surfaceReport } from '../server/src/lsp/surface';

const LAYOUT_FIXTURE = path.join(REPO, 'test', 'fixtures-targets', 'lib.rs');

/** Whether `clang` (the cross C compiler for every target, with `-ffreestanding`) is installed. */
function hasClang(): boolean {
  return !spawnSync('clang', ['--version']).error;
}

/** The generated header plus a `_Static_assert` of every reported type's size, alignment and field offsets. */
function layoutAsserts(header: string, report: ReportData): string {
  const lines = [header, '#include <stddef.h>'];
  for (const t of report.types) {
    if (!t.cName || t.size === null || t.align === null) continue;
    lines.push(`_Static_assert(sizeof(${t.cName}) == ${t.size}, "size of ${t.name}");`);
    lines.push(`_Static_assert(_Alignof(${t.cName}) == ${t.align}, "alignment of ${t.name}");`);
    for (const f of t.fields)
      if (f.offset !== null)
        lines.push(`_Static_assert(offsetof(${t.cName}, ${f.name}) == ${f.offset}, "offset of ${t.name}.${f.name}");`);
  }
  return lines.join('\n') + '\n';
}

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

  it('has a data model for every target with a cfg table', () => {
    assert.deepStrictEqual(dataModelTargets().sort(), knownTargets().sort());
  });

  for (const target of knownTargets()) {
    it(`the header's types have the sizes, alignments and offsets the report says, by ${target}'s C compiler`, async function () {
      if (!hasClang()) return this.skip();
      const header = await runCli(['header', LAYOUT_FIXTURE, '--target', target]);
      assert.strictEqual(header.code, 0, header.stderr);
      const report = await runCli(['report', '--format', 'json', LAYOUT_FIXTURE, '--target', target]);
      const data = JSON.parse(report.stdout) as ReportData;
      assert.strictEqual(data.target, target);
      assert.ok(data.types.filter((t) => t.size !== null).length >= 6, 'every fixture type has a layout');
      const file = path.join(tempDir(), 'layout.c');
      fs.writeFileSync(file, layoutAsserts(header.stdout, data));
      const cc = spawnSync(
        'clang',
        [`--target=${target}`, '-ffreestanding', '-std=c11', '-fsyntax-only', '-Werror', file],
        { encoding: 'utf8' },
      );
      assert.strictEqual(cc.status, 0, cc.stderr);
    });
  }

  /** The GNU compilers of the targets Debian packages one for (scripts/setup-oracles.sh installs them). */
  const GNU: Record<string, string[]> = {
    'x86_64-unknown-linux-gnu': ['gcc'],
    'i686-unknown-linux-gnu': ['gcc', '-m32'],
    'x86_64-pc-windows-gnu': ['x86_64-w64-mingw32-gcc'],
    'aarch64-unknown-linux-gnu': ['aarch64-linux-gnu-gcc'],
  };
  for (const [target, [compiler, ...flags]] of Object.entries(GNU)) {
    it(`the same layouts compile with ${target}'s GNU compiler (${[compiler, ...flags].join(' ')})`, async function () {
      if (spawnSync(compiler, ['--version']).error) return this.skip();
      const header = await runCli(['header', LAYOUT_FIXTURE, '--target', target]);
      const report = await runCli(['report', '--format', 'json', LAYOUT_FIXTURE, '--target', target]);
      const file = path.join(tempDir(), 'layout.c');
      fs.writeFileSync(file, layoutAsserts(header.stdout, JSON.parse(report.stdout) as ReportData));
      const cc = spawnSync(compiler, [...flags, '-ffreestanding', '-std=c11', '-fsyntax-only', '-Werror', file], {
        encoding: 'utf8',
      });
      assert.strictEqual(cc.status, 0, cc.stderr);
    });
  }

  it('the data models differ where C compilers say they do', async () => {
    const layout = async (target: string, name = 'Mixed'): Promise<[number | null, number | null]> => {
      const run = await runCli(['report', '--format', 'json', LAYOUT_FIXTURE, '--target', target]);
      const t = (JSON.parse(run.stdout) as ReportData).types.find((x) => x.name === name)!;
      return [t.size, t.align];
    };
    const mixed = (target: string): Promise<[number | null, number | null]> => layout(target);
    assert.deepStrictEqual(await mixed('x86_64-unknown-linux-gnu'), [64, 8]);
    assert.deepStrictEqual(await layout('x86_64-unknown-linux-gnu', 'Longs'), [16, 8]);
    assert.deepStrictEqual(await layout('x86_64-pc-windows-msvc', 'Longs'), [8, 4]); // `long` is 4 bytes
    assert.deepStrictEqual(await mixed('i686-unknown-linux-gnu'), [40, 4]); // `u64`, `f64` 4-aligned
    assert.deepStrictEqual(await mixed('i686-pc-windows-msvc'), [48, 8]); // …but 8-aligned on Windows
    assert.strictEqual(dataModel('aarch64-unknown-linux-gnu').cCharSigned, false);
    assert.strictEqual(dataModel('aarch64-apple-darwin').cCharSigned, true);
  });

  it('a baseline records its target; diff says when it compares two targets', async () => {
    const dir = tempDir();
    const out = path.join(dir, 'abi.txt');
    assert.strictEqual(
      (await runCli(['snapshot', LAYOUT_FIXTURE, '--out', out, '--target', 'i686-pc-windows-gnu'])).code,
      0,
    );
    assert.match(fs.readFileSync(out, 'utf8'), /^target i686-pc-windows-gnu$/m);
    const same = await runCli(['diff', LAYOUT_FIXTURE, '--baseline', out, '--target', 'i686-pc-windows-gnu']);
    assert.strictEqual(same.code, 0, same.stdout);
    assert.ok(!same.stdout.includes('note:'));
    const other = await runCli(['diff', LAYOUT_FIXTURE, '--baseline', out]);
    assert.match(
      other.stdout,
      /note: the baseline was written for i686-pc-windows-gnu, this run is for x86_64-unknown-linux-gnu/,
    );
    assert.strictEqual(other.code, 1, 'Mixed changes size: a breaking change');
  });

  it("the editor's report follows the target setting too", async () => {
    const target = 'i686-unknown-linux-gnu';
    const result = await checkPaths([LAYOUT_FIXTURE], REPO, { ...defaultSettings(), target });
    const view = { crates: result.crates, findings: result.findings, roots: [REPO], textOf: () => undefined };
    const sizeOfMixed = (report: ReportData): number | null => report.types.find((t) => t.name === 'Mixed')!.size;
    const answer = surfaceReport({ ...view, target }, null);
    assert.strictEqual(answer.report.target, target);
    assert.strictEqual(sizeOfMixed(answer.report), 40);
    assert.strictEqual(sizeOfMixed(surfaceReport(view, null).report), 64);
  });
});
