import * as assert from 'assert';
import { spawnSync } from 'child_process';
import { knownTargets, makeCfgEnv } from '../server/src/core/syntax/cfg';
import { TARGET_CFG } from '../server/src/core/syntax/target-cfg';
import { REPO, runCli, tempTree } from './harness/cli';
import type { ReportData } from '../protocol/report';
import * as fs from 'fs';
import * as path from 'path';
import { dataModel, dataModelTargets } from '../server/src/core/analysis/data-model';
import { layoutOf } from '../server/src/core/analysis/layout';
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

  it('a baseline records its target; diff builds for it, and says when told to compare two targets', async () => {
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
    // Without --target, diff builds for the target the baseline records.
    const recorded = await runCli(['diff', LAYOUT_FIXTURE, '--baseline', out]);
    assert.strictEqual(recorded.code, 0, recorded.stdout);
    assert.strictEqual(recorded.stdout, 'no ABI changes\n');
    const other = await runCli(['diff', LAYOUT_FIXTURE, '--baseline', out, '--target', 'x86_64-unknown-linux-gnu']);
    assert.match(
      other.stdout,
      /note: the baseline was written for i686-pc-windows-gnu, this run is for x86_64-unknown-linux-gnu/,
    );
    assert.strictEqual(other.code, 1, 'Mixed changes size: a breaking change');
  });

  it('the baseline spells `c_char` and `c_long` as rustc does for its target (format version 3 where that differs)', async () => {
    const dir = tempDir();
    const snapshot = async (target: string): Promise<string> => {
      const out = path.join(dir, `${target}.ffi-abi`);
      const run = await runCli(['snapshot', LAYOUT_FIXTURE, '--out', out, '--target', target]);
      assert.strictEqual(run.code, 0, run.stderr);
      return fs.readFileSync(out, 'utf8');
    };
    const field = (text: string, name: string): string =>
      new RegExp(`^field Mixed\\.${name}: (\\S+)`, 'm').exec(text)![1];
    const host = await snapshot('x86_64-unknown-linux-gnu');
    assert.deepStrictEqual([host.split('\n')[0], field(host, 'h'), field(host, 'c')], ['ffi-abi 1', 'i8', 'i64']);
    // `char` is unsigned on ARM Linux: rustc's `c_char` is `u8` there (core::ffi), and `c_long` is 4 bytes on 32-bit ARM.
    const aarch64 = await snapshot('aarch64-unknown-linux-gnu');
    assert.deepStrictEqual(
      [aarch64.split('\n')[0], field(aarch64, 'h'), field(aarch64, 'c')],
      ['ffi-abi 3', 'u8', 'i64'],
    );
    const arm = await snapshot('armv7-unknown-linux-gnueabihf');
    assert.deepStrictEqual([field(arm, 'h'), field(arm, 'c')], ['u8', 'i32']);
    const windows = await snapshot('x86_64-pc-windows-msvc');
    assert.deepStrictEqual(
      [windows.split('\n')[0], field(windows, 'h'), field(windows, 'c')],
      ['ffi-abi 3', 'i8', 'i32'],
    );
    assert.match(windows, /^fn take_all\(Mixed, \*const Nested, Callback\) -> i32 {2}/m);
    assert.match(windows, /^field Callback\.f: Option<extern "C" fn\(i32\) -> u32>/m);
    // Apple's AArch64 keeps a signed `char`: spelled as on x86_64 Linux, so still version 1.
    const apple = await snapshot('aarch64-apple-darwin');
    assert.deepStrictEqual([apple.split('\n')[0], field(apple, 'h')], ['ffi-abi 1', 'i8']);
  });

  it('diff against a baseline written before version 3 compares it in its own spelling', async () => {
    const dir = tempDir();
    const out = path.join(dir, 'abi.ffi-abi');
    await runCli(['snapshot', LAYOUT_FIXTURE, '--out', out, '--target', 'armv7-unknown-linux-gnueabihf']);
    // What an older ffi-guard wrote for that target: `c_char` as `i8`, `c_long` as `i64`, version 1.
    const legacy = fs
      .readFileSync(out, 'utf8')
      .replace(/^ffi-abi 3$/m, 'ffi-abi 1')
      .replace(/^(field Mixed\.h: )u8/m, '$1i8')
      .replace(/\bi32\b/g, 'i64')
      .replace(/^(field Longs\.b: )u32/m, '$1u64')
      .replace('-> u32>', '-> u64>');
    fs.writeFileSync(out, legacy);
    const run = await runCli(['diff', LAYOUT_FIXTURE, '--baseline', out]);
    assert.strictEqual(run.stdout, 'no ABI changes\n');
    assert.strictEqual(run.code, 0);
  });

  it('snapshot --target A --target B records both targets in one baseline; diff compares each', async () => {
    const dir = tempTree({
      'lib.rs': [
        'use std::ffi::c_long;',
        '#[repr(C)] pub struct Rec { pub a: u32, pub b: c_long }',
        '#[no_mangle] pub extern "C" fn rec_get(r: *const Rec) -> u32 { unsafe { (*r).a } }',
        '#[cfg(windows)] #[no_mangle] pub extern "C" fn only_windows() {}',
        '',
      ].join('\n'),
    });
    const baseline = path.join(dir, 'abi.ffi-abi');
    const snap = await runCli(
      [
        'snapshot',
        'lib.rs',
        '--out',
        baseline,
        '--target',
        'x86_64-unknown-linux-gnu',
        '--target',
        'i686-pc-windows-msvc',
      ],
      dir,
    );
    assert.strictEqual(snap.code, 0, snap.stderr);
    assert.strictEqual(
      snap.stdout,
      'wrote the ABI baseline of 2 targets to abi.ffi-abi: x86_64-unknown-linux-gnu, 1 symbol(s) and 1 type(s); i686-pc-windows-msvc, 2 symbol(s) and 1 type(s)\n',
    );
    const text = fs.readFileSync(baseline, 'utf8');
    assert.strictEqual(text.split('\n')[0], 'ffi-abi 3');
    assert.deepStrictEqual(
      text.split('\n').filter((l) => l.startsWith('target ')),
      ['target x86_64-unknown-linux-gnu', 'target i686-pc-windows-msvc'],
    );
    // Each target's facts after its own `target` line.
    const windows = text.slice(text.indexOf('target i686-pc-windows-msvc'));
    assert.match(windows, /^fn only_windows\(\)/m);
    assert.match(windows, /^type Rec struct {2}repr=C size=8 align=4$/m);
    assert.ok(!text.slice(0, text.indexOf('target i686')).includes('only_windows'));

    const clean = await runCli(['diff', 'lib.rs', '--baseline', baseline], dir);
    assert.strictEqual(
      clean.stdout,
      'target x86_64-unknown-linux-gnu:\nno ABI changes\ntarget i686-pc-windows-msvc:\nno ABI changes\n',
    );
    assert.strictEqual(clean.code, 0);
    // `c_long` → `i64`: nothing on x86_64 Linux, where `c_long` is `i64`; breaking on Windows.
    fs.writeFileSync(
      path.join(dir, 'lib.rs'),
      fs.readFileSync(path.join(dir, 'lib.rs'), 'utf8').replace('b: c_long', 'b: i64'),
    );
    const changed = await runCli(['diff', 'lib.rs', '--baseline', baseline], dir);
    assert.strictEqual(changed.code, 1, changed.stdout);
    const [linux, win] = changed.stdout.split('target i686-pc-windows-msvc:\n');
    assert.strictEqual(linux, 'target x86_64-unknown-linux-gnu:\nno ABI changes\n');
    assert.match(win, /^breaking: field Rec\.b: type changed from `i32` to `i64`/m);
    // One target of the baseline, asked for by name.
    const one = await runCli(['diff', 'lib.rs', '--baseline', baseline, '--target', 'x86_64-unknown-linux-gnu'], dir);
    assert.deepStrictEqual([one.code, one.stdout], [0, 'no ABI changes\n']);
    const missing = await runCli(['diff', 'lib.rs', '--baseline', baseline, '--target', 'aarch64-apple-darwin'], dir);
    assert.strictEqual(missing.code, 2);
    assert.strictEqual(
      missing.stderr,
      'error: abi.ffi-abi records no ABI for aarch64-apple-darwin (it records x86_64-unknown-linux-gnu, i686-pc-windows-msvc); write one with `ffi-guard snapshot --target aarch64-apple-darwin`\n',
    );
  });

  /** What rustc itself says of a type's alignment for a target: `align_of` evaluated by `rustc --target T` (no std needed). */
  function rustcAlignments(target: string, types: string[]): Map<string, number> | null {
    const dir = tempDir();
    const file = path.join(dir, 'align.rs');
    const lines = [
      '#![feature(no_core, lang_items, intrinsics, rustc_attrs)]',
      '#![allow(internal_features)]',
      '#![no_core]',
      '#![crate_type = "lib"]',
      '#[lang = "pointee_sized"] pub trait PointeeSized {}',
      '#[lang = "meta_sized"] pub trait MetaSized: PointeeSized {}',
      '#[lang = "sized"] pub trait Sized: MetaSized {}',
      '#[lang = "copy"] pub trait Copy {}',
      '#[rustc_intrinsic] pub const fn align_of<T>() -> usize;',
      // Each alignment as the length of an array type that does not match: rustc prints the length.
      ...types.map((t, i) => `pub const A${i}: [(); 0] = [(); align_of::<${t}>()];`),
    ];
    fs.writeFileSync(file, lines.join('\n') + '\n');
    // RUSTC_BOOTSTRAP: `no_core` on the stable compiler, as the other targets' std is not installed here. Never
    // `-o /dev/null`: run as root, rustc replaced the device with a regular file, which then handed what was
    // written to it to every later reader (cargo's probe of rustc among them).
    const out = path.join(dir, 'align.rmeta');
    const run = spawnSync('rustc', ['--target', target, '--emit=metadata', '-o', out, file], {
      encoding: 'utf8',
      env: { ...process.env, RUSTC_BOOTSTRAP: '1' },
    });
    if (run.error) return null;
    const found = [...run.stderr.matchAll(/found one with a size of (\d+)/g)].map((m) => Number(m[1]));
    assert.strictEqual(found.length, types.length, run.stderr);
    return new Map(types.map((t, i) => [t, found[i]]));
  }

  for (const target of knownTargets()) {
    it(`the data model's alignments are rustc's own for ${target} (i128, u64, f64, usize)`, function () {
      this.timeout(60000);
      const prims = ['i128', 'u128', 'i64', 'u64', 'f64', 'usize'];
      const rustc = rustcAlignments(target, prims);
      if (!rustc) return this.skip();
      const model = dataModel(target);
      const ours = new Map(prims.map((p) => [p, layoutOf({ k: 'prim', name: p }, model)!.align]));
      assert.deepStrictEqual(ours, rustc);
    });
  }

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
