import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { runCli, tempTree } from './harness/cli';
import { tempDir } from './harness/tmp';
import { writeFileAtomic } from '../server/src/cli-write';
import { DiskTexts, FixBudget, FixRun, MAX_FIXES_PER_PLACE, runFixes } from '../server/src/core/fix-all';
import type { Finding } from '../server/src/core/analysis/findings';
import { writeFixes } from '../server/src/cli-fix';
import { defaultSettings } from '../server/src/core/config';
import { fixesFor } from '../server/src/core/fixes/fixes';
import { checkPaths } from '../server/src/core/project';
import { AnalysisHost } from '../server/src/core/host';
import { loadParser } from '../server/src/core/syntax/parse';

/**
 * `ffi-guard fix` against a hostile repository (issue 16, "data loss and writes outside the workspace"):
 * it reads modules wherever links and `#[path]` lead, as rustc does, but writes only inside the
 * workspace, says what it left out and why, and names every file it wrote; it never rewrites a file it
 * could not read as UTF-8; it refuses what would compile differently per platform or need `std` where
 * there is none; and every file the command line writes is written atomically. The before → after
 * cases of the same attacks (byte-order mark, CRLF, comments, parameter names, `no_std`, `mod std`,
 * ABIs) are in test/fixtures-fix/attack-*.
 */

const MANIFEST = '[package]\nname = "victimized"\nversion = "0.1.0"\nedition = "2021"\n';
const STR_EXPORT = (name: string): string =>
  `#[no_mangle]\npub extern "C" fn ${name}(s: &str) -> usize {\n    s.len()\n}\n`;

/** A workspace `ws/` beside a folder `outside/` it must not write to. */
function layout(files: Record<string, string>): { root: string; ws: string; outside: string } {
  const root = tempTree(files, 'ffi-guard-fixsafe-');
  return { root, ws: path.join(root, 'ws'), outside: path.join(root, 'outside') };
}

describe('fix safety: writes stop at the workspace root', function () {
  this.timeout(120_000);

  it('a module file that is a symbolic link out of the workspace is checked, not written, and the fix says why', async () => {
    const { ws, outside } = layout({
      'ws/Cargo.toml': MANIFEST,
      'ws/src/lib.rs': `mod m;\n${STR_EXPORT('own')}`,
      'outside/m.rs': STR_EXPORT('linked'),
    });
    fs.symlinkSync(path.join(outside, 'm.rs'), path.join(ws, 'src', 'm.rs'));
    const check = await runCli(['check', '.'], ws);
    assert.match(check.stdout, /src\/m\.rs:2:\d+: warning\[str-type\]: .*`linked`/, 'the linked module is checked');
    const r = await runCli(['fix', '.'], ws);
    assert.strictEqual(fs.readFileSync(path.join(outside, 'm.rs'), 'utf8'), STR_EXPORT('linked'), 'not written');
    assert.match(r.stdout, /^fixed src\/lib\.rs: str-type \(own\)/m);
    assert.match(
      r.stdout,
      /^left out src\/m\.rs: str-type \(linked\): .*: src\/m\.rs: it is outside the workspace \(it resolves to .*outside.m\.rs\)/m,
    );
    assert.deepStrictEqual(
      r.stdout.split('\n').filter((l) => l.startsWith('wrote ')),
      ['wrote src/lib.rs'],
    );
    assert.ok(fs.lstatSync(path.join(ws, 'src', 'm.rs')).isSymbolicLink(), 'the link is still a link');
  });

  it("the editor's fix all leaves out a module linked from outside its workspace folders, as `fix` does", async () => {
    const { ws, outside } = layout({
      'ws/Cargo.toml': MANIFEST,
      'ws/src/lib.rs': `mod m;\n${STR_EXPORT('own')}`,
      'outside/m.rs': STR_EXPORT('linked'),
    });
    fs.symlinkSync(path.join(outside, 'm.rs'), path.join(ws, 'src', 'm.rs'));
    const host = new AnalysisHost(await loadParser(), defaultSettings(), [ws]);
    host.indexAll();
    const run = await host.fixAll();
    assert.deepStrictEqual([...run.changed.keys()], [path.join(ws, 'src', 'lib.rs')]);
    assert.deepStrictEqual(
      run.leftOut.map((l) => [l.finding.symbol, /outside the workspace/.test(l.reason)]),
      [['linked', true]],
    );
  });

  it('a fix whose edit lands in a `#[path]` module outside the workspace is left out; the rest is applied', async () => {
    const { ws, outside } = layout({
      'ws/Cargo.toml': MANIFEST,
      'ws/src/lib.rs': [
        '#[path = "../../outside/t.rs"]',
        'mod t;',
        '#[no_mangle]',
        'pub extern "C" fn area(r: t::Rect) -> u32 {',
        '    r.w * r.h',
        '}',
        STR_EXPORT('own'),
      ].join('\n'),
      'outside/t.rs': 'pub struct Rect {\n    pub w: u32,\n    pub h: u32,\n}\n',
    });
    const before = fs.readFileSync(path.join(outside, 't.rs'), 'utf8');
    const r = await runCli(['fix', '.'], ws);
    assert.strictEqual(fs.readFileSync(path.join(outside, 't.rs'), 'utf8'), before, 'the outside file is untouched');
    assert.match(
      r.stdout,
      /^left out src\/lib\.rs: unspecified-layout \(area\): .*: \.\.\/outside\/t\.rs: it is outside/m,
    );
    assert.match(r.stdout, /^fixed src\/lib\.rs: str-type \(own\)/m);
    assert.match(fs.readFileSync(path.join(ws, 'src', 'lib.rs'), 'utf8'), /fn own_ffi/);
  });

  it('a link inside the workspace to a file inside it is written through, and stays a link', async () => {
    const ws = tempTree({ 'Cargo.toml': MANIFEST, 'src/lib.rs': 'mod m;\n', 'shared/m.rs': STR_EXPORT('shared') });
    fs.symlinkSync(path.join(ws, 'shared', 'm.rs'), path.join(ws, 'src', 'm.rs'));
    const r = await runCli(['fix', '.'], ws);
    assert.match(r.stdout, /^wrote src\/m\.rs$/m);
    assert.ok(fs.lstatSync(path.join(ws, 'src', 'm.rs')).isSymbolicLink());
    assert.match(fs.readFileSync(path.join(ws, 'shared', 'm.rs'), 'utf8'), /fn shared_ffi/);
  });

  it('a module folder reached through a symbolic link to a directory is checked', async () => {
    const { ws, outside } = layout({
      'ws/Cargo.toml': MANIFEST,
      'ws/src/lib.rs': 'mod ffi;\n',
      'outside/ffi/mod.rs': 'mod inner;\n',
      'outside/ffi/inner.rs': STR_EXPORT('deep'),
    });
    fs.symlinkSync(path.join(outside, 'ffi'), path.join(ws, 'src', 'ffi'));
    const r = await runCli(['check', '.'], ws);
    assert.match(r.stdout, /src\/ffi\/inner\.rs:2:\d+: warning\[str-type\]: .*`deep`/);
    assert.match(r.stdout, /in 3 files/);
  });

  it('a symbolic link loop (a folder linking to its parent) ends the scan', async () => {
    const ws = tempTree({ 'Cargo.toml': MANIFEST, 'src/lib.rs': STR_EXPORT('f') });
    fs.symlinkSync('..', path.join(ws, 'src', 'up'));
    fs.symlinkSync('.', path.join(ws, 'src', 'here'));
    const r = await runCli(['check', '.'], ws);
    assert.match(r.stdout, /1 warning in 1 file\n$/);
  });
});

describe('fix safety: what is analysed is what is written', function () {
  this.timeout(120_000);

  it('a module that is not valid UTF-8 is skipped with a message and left byte for byte', async () => {
    const bytes = Buffer.concat([Buffer.from('// caf'), Buffer.from([0xe9]), Buffer.from('\n' + STR_EXPORT('latin1'))]);
    const ws = tempTree({ 'Cargo.toml': MANIFEST, 'src/lib.rs': `mod m;\n${STR_EXPORT('own')}`, 'src/m.rs': bytes });
    const r = await runCli(['fix', '.'], ws);
    assert.ok(fs.readFileSync(path.join(ws, 'src', 'm.rs')).equals(bytes), 'the bytes are unchanged');
    assert.match(r.stdout, /^src\/m\.rs: skipped: not valid UTF-8/m);
    assert.deepStrictEqual(
      r.stdout.split('\n').filter((l) => l.startsWith('wrote ')),
      ['wrote src/lib.rs'],
    );
  });

  it('a file whose text on disk is not the text that was checked (changed meanwhile) is not edited', () => {
    const ws = tempTree({ 'src/lib.rs': '\uFEFFpub fn f() {}\n' });
    const file = path.join(ws, 'src', 'lib.rs');
    const disk = new DiskTexts(ws);
    assert.strictEqual(disk.problem(file, 'pub fn f() {}\n'), null, 'the text without its byte-order mark is the same');
    assert.ok(disk.bom.has(file));
    assert.match(new DiskTexts(ws).problem(file, 'pub fn g() {}\n') ?? '', /changed on disk/);
  });

  it('a byte-order mark is written back, and --dry-run shows the same edits as the write', async () => {
    const text = '\uFEFFpub struct P {\n    x: u32,\n}\n#[no_mangle]\npub extern "C" fn f(p: P) -> u32 {\n    p.x\n}\n';
    const ws = tempTree({ 'Cargo.toml': MANIFEST, 'src/lib.rs': text });
    const dry = await runCli(['fix', '.', '--dry-run'], ws);
    assert.match(dry.stdout, /\+#\[repr\(transparent\)\]\n pub struct P \{/);
    await runCli(['fix', '.'], ws);
    assert.strictEqual(
      fs.readFileSync(path.join(ws, 'src', 'lib.rs'), 'utf8'),
      '\uFEFF#[repr(transparent)]\npub struct P {\n    x: u32,\n}\n#[no_mangle]\npub extern "C" fn f(p: P) -> u32 {\n    p.x\n}\n',
    );
  });
});

describe('fix safety: fixes that would not compile, or not the same everywhere, are left out with a reason', function () {
  this.timeout(120_000);

  async function refusal(source: string, symbol: string): Promise<string> {
    const ws = tempTree({ 'Cargo.toml': MANIFEST, 'src/lib.rs': source });
    const run = await runFixes([ws], ws, defaultSettings(), { writableRoot: ws });
    assert.deepStrictEqual(
      run.applied.map((a) => a.finding.symbol),
      [],
      'nothing is applied',
    );
    assert.strictEqual(fs.readFileSync(path.join(ws, 'src', 'lib.rs'), 'utf8'), source);
    const result = await checkPaths([ws], ws, defaultSettings());
    const finding = result.findings.find((f) => f.symbol === symbol && f.target?.site.kind === 'signature');
    assert.ok(finding, `${symbol} is reported`);
    const fixes = fixesFor(finding, { textOf: (f) => result.cache.peek(f)?.text, edition: '2021' });
    assert.ok(!fixes.some((f) => f.preferred), fixes.map((f) => f.title).join(', '));
    return fixes
      .map((f) => f.explanation ?? '')
      .filter(Boolean)
      .join('\n');
  }

  it('a function written in several #[cfg] variants is not fixed on one platform only', async () => {
    const why = await refusal(
      [
        '#[cfg(unix)]',
        '#[no_mangle]',
        'pub extern "C" fn open_path(p: &str) -> i32 {',
        '    p.len() as i32',
        '}',
        '',
        '#[cfg(windows)]',
        '#[no_mangle]',
        'pub extern "C" fn open_path(p: &str) -> i32 {',
        '    -(p.len() as i32)',
        '}',
        '',
      ].join('\n'),
      'open_path',
    );
    assert.match(why, /several `#\[cfg\]` variants.*different ABI on each platform/);
  });

  it('a Rust-ABI export written in several #[cfg] variants does not get `extern "C"` on one of them', async () => {
    const source = '#[cfg(unix)]\n#[no_mangle]\npub fn tick() {}\n#[cfg(not(unix))]\n#[no_mangle]\npub fn tick() {}\n';
    const ws = tempTree({ 'Cargo.toml': MANIFEST, 'src/lib.rs': source });
    const run = await runFixes([ws], ws, defaultSettings(), { writableRoot: ws });
    assert.strictEqual(run.applied.length, 0);
    const result = await checkPaths([ws], ws, defaultSettings());
    const finding = result.findings.find((f) => f.symbol === 'tick');
    assert.ok(finding, 'tick is reported');
    const fixes = fixesFor(finding, { textOf: (f) => result.cache.peek(f)?.text, edition: '2021' });
    assert.ok(fixes.some((f) => /several `#\[cfg\]` variants/.test(f.explanation ?? '')));
  });

  it('a type written in several #[cfg] variants does not get a repr on one of them (a pointer to it may cross)', async () => {
    const source = [
      '#[cfg(unix)]',
      'pub struct Handle {',
      '    fd: i32,',
      '}',
      '#[cfg(not(unix))]',
      'pub struct Handle {',
      '    raw: u64,',
      '}',
      '#[no_mangle]',
      'pub extern "C" fn close_handle(h: Handle) {',
      '    let _ = h;',
      '}',
      '',
    ].join('\n');
    const ws = tempTree({ 'Cargo.toml': MANIFEST, 'src/lib.rs': source });
    const run = await runFixes([ws], ws, defaultSettings(), { writableRoot: ws });
    // A shim passing it behind a pointer (the same ABI on every platform) is fine; a repr on one variant is not.
    assert.ok(run.applied.length > 0 && !run.applied.some((a) => /repr/.test(a.fix.title)));
    assert.ok(!/repr/.test([...run.changed.values()].join('')), 'no repr is written');
    const result = await checkPaths([ws], ws, defaultSettings());
    const finding = result.findings.find((f) => f.symbol === 'close_handle');
    assert.ok(finding, 'close_handle is reported');
    const fixes = fixesFor(finding, { textOf: (f) => result.cache.peek(f)?.text, edition: '2021' });
    assert.ok(
      fixes.some((f) => /`Handle` is written in several `#\[cfg\]` variants/.test(f.explanation ?? '')),
      fixes.map((f) => f.title).join(', '),
    );
  });

  it('in a #![no_std] crate a shim that needs alloc or std is not generated, and the reason says so', async () => {
    const why = await refusal(
      '#![no_std]\n#[no_mangle]\npub extern "C" fn name(id: u32) -> &\'static str {\n    if id == 0 { "zero" } else { "other" }\n}\n',
      'name',
    );
    assert.match(why, /`#!\[no_std\]`.*needs `[^`]+`, which `core` does not have/);
  });
});

describe('fix safety: every file the command line writes is written atomically', () => {
  it('a write replaces the file whole, keeps its permissions, and leaves no temporary file', () => {
    const dir = tempDir();
    const file = path.join(dir, 'report.md');
    fs.writeFileSync(file, 'old');
    fs.chmodSync(file, 0o640);
    writeFileAtomic(file, 'new text');
    assert.strictEqual(fs.readFileSync(file, 'utf8'), 'new text');
    assert.strictEqual(fs.statSync(file).mode & 0o777, 0o640);
    assert.deepStrictEqual(fs.readdirSync(dir), ['report.md']);
  });

  it('a write that fails (the target is a folder) leaves the old content and no temporary file', () => {
    const dir = tempDir();
    fs.mkdirSync(path.join(dir, 'out.h'));
    fs.writeFileSync(path.join(dir, 'out.h', 'keep'), 'kept');
    assert.throws(() => writeFileAtomic(path.join(dir, 'out.h'), 'header'));
    assert.deepStrictEqual(fs.readdirSync(dir), ['out.h']);
    assert.strictEqual(fs.readFileSync(path.join(dir, 'out.h', 'keep'), 'utf8'), 'kept');
  });

  it('a write to a symbolic link writes where it points, and the link stays', () => {
    const dir = tempDir();
    fs.writeFileSync(path.join(dir, 'real.json'), '{}');
    fs.symlinkSync('real.json', path.join(dir, 'link.json'));
    writeFileAtomic(path.join(dir, 'link.json'), '{"a":1}');
    assert.ok(fs.lstatSync(path.join(dir, 'link.json')).isSymbolicLink());
    assert.strictEqual(fs.readFileSync(path.join(dir, 'real.json'), 'utf8'), '{"a":1}');
  });

  it('a fixed file that cannot be written is listed with the reason, and the others are still written', () => {
    const dir = tempDir();
    const good = path.join(dir, 'good.rs');
    const gone = path.join(dir, 'removed-folder', 'gone.rs');
    fs.writeFileSync(good, 'old');
    const run = {
      changed: new Map([
        [gone, 'fixed'],
        [good, 'fixed'],
      ]),
      bom: new Set([good]),
    } as unknown as FixRun;
    const { written, failed } = writeFixes(run);
    assert.deepStrictEqual(written, [good]);
    assert.deepStrictEqual(
      failed.map((f) => f.file),
      [gone],
    );
    assert.match(failed[0].reason, /ENOENT/);
    assert.strictEqual(fs.readFileSync(good, 'utf8'), '\uFEFFfixed');
  });

  it('report --out, header --out and snapshot --out write through it (no temporary file is left)', async () => {
    const ws = tempTree({
      'Cargo.toml': MANIFEST,
      'src/lib.rs': '#[no_mangle]\npub extern "C" fn f(x: u32) -> u32 {\n    x\n}\n',
    });
    const out = tempDir();
    for (const [args, name] of [
      [['report', '.', '--out'], 'abi.md'],
      [['header', '.', '--out'], 'abi.h'],
      [['snapshot', '.', '--out'], 'abi.json'],
    ] as const) {
      const target = path.join(out, name);
      fs.writeFileSync(target, 'stale');
      const r = await runCli([...args, target], ws);
      assert.strictEqual(r.code, 0, r.stderr);
      assert.notStrictEqual(fs.readFileSync(target, 'utf8'), 'stale');
    }
    assert.deepStrictEqual(fs.readdirSync(out).sort(), ['abi.h', 'abi.json', 'abi.md']);
  });
});

describe('fix safety: fixes that do not converge stop', () => {
  it('a finding fixed again and again is left out with a reason, not fixed until memory runs out', () => {
    const finding = {
      rule: 'str-type',
      origin: { file: '/ws/src/lib.rs', span: { start: 10, end: 14 } },
      symbol: 'f',
      typeName: '&str',
    } as unknown as Finding;
    const budget = new FixBudget();
    for (let i = 0; i < MAX_FIXES_PER_PLACE; i++) {
      assert.strictEqual(budget.refusal(finding), null, `fix ${i + 1} is allowed`);
      budget.spend(finding);
    }
    assert.match(budget.refusal(finding) ?? '', /fixed 6 times in this run and remains: the fixes do not converge/);
    // Its place moved (the fixes added code above it): still the same finding.
    const moved = { ...finding, origin: { ...finding.origin, span: { start: 900, end: 904 } } };
    assert.notStrictEqual(budget.refusal(moved), null);
    // Another finding of the same function is counted apart.
    assert.strictEqual(budget.refusal({ ...finding, typeName: 'String' }), null);
  });
});
