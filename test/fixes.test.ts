import * as assert from 'assert';
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { tempDir } from './harness/tmp';
import { writeFixes } from '../server/src/cli-fix';
import { runFixes } from '../server/src/core/fix-all';
import { defaultSettings } from '../server/src/core/config';
import { applyEdits, Fix } from '../server/src/core/fixes/edits';
import { fixesFor } from '../server/src/core/fixes/fixes';
import { FIX_IMPLEMENTATIONS } from '../server/src/core/fixes/registry';
import { CONVERTERS } from '../server/src/core/fixes/converters';
import { RULES } from '../server/src/core/analysis/rules';
import { checkPaths } from '../server/src/core/project';
import { buildSurface } from '../server/src/core/abi/report';
import { cHeader } from '../server/src/core/abi/header';
import { readDirectives } from './harness/expectations';
import { FIXTURES_DIR } from './harness/fixtures';
import { toolVersion } from './harness/rustc';
import { AnalysisHost } from '../server/src/core/host';
import { loadParser } from '../server/src/core/syntax/parse';
import { codeActionsFor } from '../server/src/lsp/code-actions';

/**
 * Quick fixes as before → after pairs (test/fixtures-fix/<case>/before.rs and after.rs, exact text), each
 * fixed file compiled with rustc denying the FFI lints; fixing twice equals fixing once; no function is
 * lost. Then every compiling parity fixture, fixed, must still compile. `UPDATE_SNAPSHOTS=1` rewrites
 * the after.rs files (review the diff). A case whose before.rs starts with `// fix-choose: <text>` lines
 * applies, for each finding, the fix whose title contains one of those texts (the alternatives that
 * `ffi-guard fix` never picks), else the preferred one. Where clippy-driver runs, the fixed file has no
 * more `clippy::missing_safety_doc` errors than the original. A case about one shim converter
 * (server/src/core/fixes/converters/<name>.ts) is named for it, `<name>` or `<name>-…`; every converter
 * has one.
 */

const REPO = path.resolve(__dirname, '..', '..');
const CASES = path.join(REPO, 'test', 'fixtures-fix');

function crateDir(source: string, edition: string): string {
  const dir = tempDir('ffi-guard-fix-');
  fs.mkdirSync(path.join(dir, 'src'));
  fs.writeFileSync(
    path.join(dir, 'Cargo.toml'),
    `[package]\nname = "fixcase"\nversion = "0.1.0"\nedition = "${edition}"\n`,
  );
  fs.writeFileSync(path.join(dir, 'src', 'lib.rs'), source);
  return dir;
}

function rustcErrors(file: string, edition: string, deny: boolean): string[] {
  const args = [
    '--edition',
    edition,
    '--crate-type=lib',
    '--emit=metadata',
    '--error-format=json',
    '-o',
    path.join(path.dirname(file), 'out.rmeta'),
  ];
  if (deny) args.push('-D', 'improper_ctypes_definitions', '-D', 'improper_ctypes');
  try {
    execFileSync('rustc', [...args, file], { stdio: ['ignore', 'pipe', 'pipe'] });
    return [];
  } catch (e) {
    const stderr = String((e as { stderr?: Buffer }).stderr ?? '');
    return stderr
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as { level: string; message: string })
      .filter((d) => d.level === 'error' && !d.message.startsWith('aborting'))
      .map((d) => d.message);
  }
}

/** Functions defined, and symbols exported (`#[no_mangle] fn x` or `export_name = "x"`), in a text. */
function surfaceOf(text: string): { fns: Set<string>; symbols: Set<string> } {
  const fns = new Set([...text.matchAll(/\bfn\s+([A-Za-z_]\w*)/g)].map((m) => m[1]));
  const symbols = new Set([
    ...[...text.matchAll(/export_name\s*=\s*"([^"]+)"/g)].map((m) => m[1]),
    ...[
      ...text.matchAll(
        /no_mangle\)?\]\s*(?:\/\/[^\n]*\n\s*)*(?:pub\s+)?(?:unsafe\s+)?(?:extern\s+"[^"]*"\s+)?fn\s+([A-Za-z_]\w*)/g,
      ),
    ].map((m) => m[1]),
  ]);
  return { fns, symbols };
}

/** `// fix-choose: text` lines at the top of a case. */
function chosenFixes(text: string): string[] {
  const out: string[] = [];
  for (const line of text.split('\n')) {
    const m = /^\/\/\s*fix-choose:\s*(.+)$/.exec(line.trim());
    if (m) out.push(m[1].trim());
    else if (line.trim() && !line.trim().startsWith('//')) break;
  }
  return out;
}

/** Like `ffi-guard fix`, but preferring the fixes whose titles contain one of `choose`. Returns how many it applied. */
async function runChosen(dir: string, choose: string[]): Promise<number> {
  const overlay = new Map<string, string>();
  const done = new Set<string>();
  let applied = 0;
  for (let round = 0; round < 100; round++) {
    const result = await checkPaths([dir], dir, defaultSettings(), overlay);
    let picked = null;
    for (const f of result.findings) {
      const key = `${f.rule}|${f.origin.file}|${f.symbol}|${f.typeName}`;
      if (done.has(key)) continue;
      const textOf = (file: string): string | undefined => overlay.get(file) ?? result.cache.peek(file)?.text;
      const all = fixesFor(f, { textOf, edition: f.target?.ctx.crate.edition ?? '2021' }).filter((x) => x.edits.length);
      const fix = all.find((x) => choose.some((c) => x.title.includes(c))) ?? all.find((x) => x.preferred);
      if (fix) {
        picked = { key, fix };
        break;
      }
    }
    if (!picked) break;
    done.add(picked.key);
    const files = new Set(picked.fix.edits.map((e) => e.file));
    for (const file of files) {
      const before = overlay.get(file) ?? fs.readFileSync(file, 'utf8');
      overlay.set(
        file,
        applyEdits(
          before,
          picked.fix.edits.filter((e) => e.file === file),
        ),
      );
    }
    applied++;
  }
  for (const [file, text] of overlay) fs.writeFileSync(file, text);
  return applied;
}

/** `clippy::missing_safety_doc` errors in a file, or null without clippy-driver. */
function missingSafetyDocs(file: string, edition: string): number | null {
  const args = [
    '--edition',
    edition,
    '--crate-type=lib',
    '--emit=metadata',
    '--error-format=json',
    '-o',
    path.join(path.dirname(file), 'clippy.rmeta'),
  ];
  args.push('-A', 'clippy::all', '-D', 'clippy::missing_safety_doc', file);
  try {
    execFileSync('clippy-driver', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    return 0;
  } catch (e) {
    const err = e as { stderr?: Buffer; code?: string };
    if (err.code === 'ENOENT') return null;
    return String(err.stderr ?? '')
      .split('\n')
      .filter((l) => l.startsWith('{') && l.includes('missing_safety_doc') && l.includes('"level":"error"')).length;
  }
}

describe('fixes: the rules declare them, the fixes stage implements them', () => {
  it('every fix id a rule declares has an implementation', () => {
    const missing = RULES.flatMap((r) =>
      r.fixes.filter((id) => !(id in FIX_IMPLEMENTATIONS)).map((id) => `${r.id}: ${id}`),
    );
    assert.deepStrictEqual(missing, []);
  });

  it('every implementation is declared by some rule', () => {
    const declared = new Set(RULES.flatMap((r) => r.fixes));
    assert.deepStrictEqual(
      Object.keys(FIX_IMPLEMENTATIONS).filter((id) => !declared.has(id as keyof typeof FIX_IMPLEMENTATIONS)),
      [],
    );
  });

  it('no rule declares a fix twice', () => {
    assert.deepStrictEqual(
      RULES.filter((r) => new Set(r.fixes).size !== r.fixes.length).map((r) => r.id),
      [],
    );
  });
});

describe('fixes: every shim converter has its own before → after case', () => {
  const CONVERTER_DIR = path.join(REPO, 'server', 'src', 'core', 'fixes', 'converters');

  it('every converter module is in the table, under its own name', () => {
    const modules = fs
      .readdirSync(CONVERTER_DIR)
      .filter((f) => f.endsWith('.ts') && f !== 'index.ts' && f !== 'converter.ts')
      .map((f) => f.slice(0, -3))
      .sort();
    assert.deepStrictEqual(CONVERTERS.map((c) => c.name).sort(), modules);
  });

  it('every converter has a case in test/fixtures-fix named for it (its name, or its name and a dash)', () => {
    const names = CONVERTERS.map((c) => c.name);
    // A case belongs to the longest converter name it starts with: `slice-list-…` is slice-list's, not slice's.
    const owner = (dir: string): string | undefined =>
      names.filter((n) => dir === n || dir.startsWith(`${n}-`)).sort((a, b) => b.length - a.length)[0];
    const covered = new Set(fs.readdirSync(CASES).map(owner));
    assert.deepStrictEqual(
      names.filter((n) => !covered.has(n)),
      [],
    );
  });
});

describe('fixes: before → after, compiled', function () {
  this.timeout(120_000);
  let rustc: string | null = null;
  before(async () => {
    rustc = await toolVersion('rustc');
  });

  for (const name of fs.readdirSync(CASES).sort()) {
    it(name, async function () {
      if (!rustc) assert.fail('rustc not found: the fix tests compile their output');
      const beforeText = fs.readFileSync(path.join(CASES, name, 'before.rs'), 'utf8');
      const edition = readDirectives(beforeText).edition;
      const dir = crateDir(beforeText, edition);
      const lib = path.join(dir, 'src', 'lib.rs');
      const compiledBefore = rustcErrors(lib, edition, false).length === 0;
      const safetyBefore = compiledBefore ? missingSafetyDocs(lib, edition) : null;
      const choose = chosenFixes(beforeText);
      if (choose.length) {
        assert.ok((await runChosen(dir, choose)) > 0, 'some fix applies');
      } else {
        const run = await runFixes([dir], dir, defaultSettings());
        assert.ok(run.applied.length > 0, 'some fix applies');
        writeFixes(run);
      }
      const afterText = fs.readFileSync(lib, 'utf8');
      const snapshot = path.join(CASES, name, 'after.rs');
      if (process.env.UPDATE_SNAPSHOTS) fs.writeFileSync(snapshot, afterText);
      assert.ok(
        fs.existsSync(snapshot),
        `${name} has no after.rs: review the output of UPDATE_SNAPSHOTS=1 npm test and commit it`,
      );
      assert.strictEqual(afterText, fs.readFileSync(snapshot, 'utf8'), 'the fixed text is the reviewed snapshot');
      assert.deepStrictEqual(
        rustcErrors(lib, edition, true),
        [],
        `the fixed file builds with -D improper_ctypes*${compiledBefore ? '' : ' (the original did not even build)'}`,
      );
      if (safetyBefore !== null) {
        const safetyAfter = missingSafetyDocs(lib, edition);
        assert.ok(
          safetyAfter !== null && safetyAfter <= safetyBefore,
          `no generated unsafe fn lacks a # Safety section (${safetyAfter} > ${safetyBefore})`,
        );
      }
      const again = await runFixes([dir], dir, defaultSettings());
      assert.strictEqual(again.applied.length, 0, 'fixing twice equals fixing once');
      const was = surfaceOf(beforeText);
      const now = surfaceOf(afterText);
      for (const f of was.fns) assert.ok(now.fns.has(f), `function ${f} is still there`);
      for (const s of was.symbols) assert.ok(now.symbols.has(s), `symbol ${s} is still exported`);
    });
  }

  it('the shims work from C: build the fixed crate as a cdylib, call it through the generated header', async function () {
    if (!rustc) assert.fail('rustc not found');
    const abi = path.join(REPO, 'test', 'fixtures-fix-abi');
    const dir = crateDir(fs.readFileSync(path.join(abi, 'lib.rs'), 'utf8'), '2021');
    writeFixes(await runFixes([dir], dir, defaultSettings()));
    const lib = path.join(dir, 'src', 'lib.rs');
    assert.deepStrictEqual(rustcErrors(lib, '2021', true), []);
    execFileSync(
      'rustc',
      ['--edition', '2021', '--crate-type=cdylib', '--crate-name', 'fixed', '-o', path.join(dir, 'libfixed.so'), lib],
      { stdio: 'pipe' },
    );
    const surface = await checkPaths([dir], dir, defaultSettings());
    fs.writeFileSync(
      path.join(dir, 'generated.h'),
      cHeader(
        buildSurface(surface.crates, surface.findings, (f) => f),
        'generated',
      ),
    );
    fs.copyFileSync(path.join(abi, 'main.c'), path.join(dir, 'main.c'));
    execFileSync(
      'cc',
      ['-std=c99', '-Wall', '-Werror', '-o', path.join(dir, 'main'), path.join(dir, 'main.c'), `-L${dir}`, '-lfixed'],
      {
        cwd: dir,
        stdio: 'pipe',
      },
    );
    const output = execFileSync(path.join(dir, 'main'), {
      env: { ...process.env, LD_LIBRARY_PATH: dir },
      encoding: 'utf8',
    });
    assert.strictEqual(output, fs.readFileSync(path.join(abi, 'expected.txt'), 'utf8'));
  });

  it('offers no shim for a function also used as a function pointer, and says why', async function () {
    const source = [
      '#[no_mangle]',
      'pub extern "C" fn on_event(label: &str) {',
      '    let _ = label;',
      '}',
      '',
      'pub fn register() -> extern "C" fn(&str) {',
      '    on_event',
      '}',
      '',
    ].join('\n');
    const fixes = await fixesOf(source, 'on_event');
    assert.ok(!fixes.some((f) => f.title.includes('shim')), `no shim: ${fixes.map((f) => f.title).join(', ')}`);
    const explanation = fixes.find((f) => f.explanation)?.explanation ?? '';
    assert.match(explanation, /also used as a function pointer/);
  });

  /** The fixes of the finding on `symbol` in a one-file crate. */
  async function fixesOf(source: string, symbol: string): Promise<Fix[]> {
    const dir = crateDir(source, '2021');
    const result = await checkPaths([dir], dir, defaultSettings());
    const finding = result.findings.find((f) => f.symbol === symbol && f.target?.site.kind === 'signature');
    assert.ok(finding, `${symbol} is reported`);
    return fixesFor(finding, { textOf: (file) => result.cache.peek(file)?.text, edition: '2021' });
  }

  it('says why there is no shim: a trait fixes the signature, a macro writes the function', async () => {
    const trait = await fixesOf(
      [
        'pub trait Sink {',
        '    extern "C" fn put(&self, s: &str);',
        '}',
        'pub struct S;',
        'impl Sink for S {',
        '    extern "C" fn put(&self, s: &str) {}',
        '}',
      ].join('\n'),
      'put',
    );
    assert.ok(!trait.some((f) => f.title.includes('shim')));
    assert.match(trait.find((f) => f.explanation)!.explanation!, /belongs to a trait/);
    const macro = await fixesOf(
      [
        'macro_rules! export {',
        '    ($n:ident) => {',
        '        #[no_mangle]',
        '        pub extern "C" fn $n(s: &str) {}',
        '    };',
        '}',
        'export!(from_macro);',
      ].join('\n'),
      'from_macro',
    );
    assert.match(macro.find((f) => f.explanation)!.explanation!, /written by a macro/);
  });

  it('offers catch_unwind (preferred), C-unwind, an explanation and a suppression comment for a panic; each works', async () => {
    const source = [
      '#[no_mangle]',
      'pub extern "C" fn first_byte(p: *const u8, n: usize) -> u8 {',
      '    let bytes = unsafe { std::slice::from_raw_parts(p, n) };',
      '    bytes[0]',
      '}',
      '',
    ].join('\n');
    const dir = crateDir(source, '2021');
    const result = await checkPaths([dir], dir, defaultSettings());
    const finding = result.findings.find((f) => f.rule === 'panic-across-ffi');
    assert.ok(finding, 'the indexing is reported');
    const fixes = fixesFor(finding, { textOf: (file) => result.cache.peek(file)?.text, edition: '2021' });
    assert.deepStrictEqual(
      fixes.map((f) => [f.title.replace(/ \(.*/, ''), f.preferred]),
      [
        ['Wrap the body in `std::panic::catch_unwind` and return `0` on a panic', true],
        ['Declare it `extern "C-unwind"`', false],
        ['Explain how to fix this by hand', false],
        ['Silence `panic-across-ffi` on this line, with a reason', false],
      ],
    );
    assert.match(fixes[2].explanation!, /catch_unwind/);
    const lib = path.join(dir, 'src', 'lib.rs');
    for (const fix of [fixes[0], fixes[1], fixes[3]]) {
      fs.writeFileSync(lib, applyEdits(source, fix.edits));
      const again = await checkPaths([dir], dir, defaultSettings());
      assert.ok(!again.findings.some((f) => f.rule === 'panic-across-ffi'), `${fix.title} leaves no finding`);
      assert.deepStrictEqual(rustcErrors(lib, '2021', true), [], `${fix.title} compiles`);
    }
  });

  it('a repr(C) struct with a Rust-ABI fn field gets no handle shim: the field becomes extern "C" fn', async () => {
    const source = [
      '#[repr(C)]',
      'pub struct Ops {',
      '    pub apply: fn(u32) -> u32,',
      '}',
      '',
      '#[no_mangle]',
      'pub extern "C" fn ops_run(ops: Ops, x: u32) -> u32 {',
      '    (ops.apply)(x)',
      '}',
      '',
    ].join('\n');
    const fixes = await fnFieldFixes(source);
    assert.ok(!fixes.some((f) => /shim|handle/.test(f.title)), fixes.map((f) => f.title).join(' | '));
    const preferred = fixes.find((f) => f.preferred)!;
    assert.strictEqual(preferred.title, 'Make the field `apply` of `Ops` an `extern "C" fn`');
    assert.match(applyEdits(source, preferred.edits), /pub apply: extern "C" fn\(u32\) -> u32,/);
  });

  /** The fixes of the `rust-fn-pointer` finding on `ops_run` in a one-file crate. */
  async function fnFieldFixes(source: string): Promise<Fix[]> {
    const dir = crateDir(source, '2021');
    const result = await checkPaths([dir], dir, defaultSettings());
    const finding = result.findings.find((f) => f.rule === 'rust-fn-pointer' && f.symbol === 'ops_run');
    assert.ok(finding, 'ops_run is reported');
    return fixesFor(finding, { textOf: (file) => result.cache.peek(file)?.text, edition: '2021' });
  }

  it('explains the extern "C" fn field, and why it was not done, where a store cannot be rewritten', async () => {
    const table = (store: string, extra: string[] = []): string =>
      [
        '#[repr(C)]',
        'pub struct Ops {',
        '    pub apply: fn(u32) -> u32,',
        '}',
        'fn double(x: u32) -> u32 {',
        '    x * 2',
        '}',
        `pub fn make() -> Ops {`,
        `    Ops { apply: ${store} }`,
        '}',
        ...extra,
        '#[no_mangle]',
        'pub extern "C" fn ops_run(ops: Ops, x: u32) -> u32 {',
        '    (ops.apply)(x)',
        '}',
        '',
      ].join('\n');
    const cases: [string, string[], RegExp][] = [
      ['|x| x + 1', [], /`\|x\| x \+ 1` \(line 9\) is not a function of the crate named by its path/],
      [
        'double',
        ['pub fn rust_table() -> fn(u32) -> u32 {', '    double', '}'],
        /`double` is also used as a value \(.*line 12\)/,
      ],
    ];
    for (const [store, extra, why] of cases) {
      const fixes = await fnFieldFixes(table(store, extra));
      assert.ok(!fixes.some((f) => f.preferred && f.edits.length), fixes.map((f) => f.title).join(' | '));
      const explained = fixes.find((f) => f.explanation)!.explanation!;
      assert.match(explained, /field `apply` of `Ops`.*`extern "C" fn\(…\)` where `Ops` is defined/);
      assert.match(explained, /functions stored into it/);
      assert.match(explained, why);
    }
    // Through an alias, which other fields or items may share: explained, not rewritten.
    const aliased = await fnFieldFixes(
      table('double').replace('pub apply: fn(u32) -> u32,', 'pub apply: Op,') + 'pub type Op = fn(u32) -> u32;\n',
    );
    assert.ok(!aliased.some((f) => f.preferred && f.edits.length));
  });

  it('makes a fn field extern "C" with the function stored into it in a module file no check had loaded', async () => {
    if (!rustc) assert.fail('rustc not found');
    const lib = [
      'mod tables;',
      '',
      '#[repr(C)]',
      'pub struct Ops {',
      '    pub apply: fn(u32) -> u32,',
      '}',
      '',
      'pub use tables::make;',
      '',
      '#[no_mangle]',
      'pub extern "C" fn ops_run(ops: Ops, x: u32) -> u32 {',
      '    (ops.apply)(x)',
      '}',
      '',
    ].join('\n');
    const tables = [
      'use crate::Ops;',
      '',
      'fn double(x: u32) -> u32 {',
      '    x * 2',
      '}',
      '',
      'pub fn make() -> Ops {',
      '    Ops { apply: double }',
      '}',
      '',
    ].join('\n');
    const setUp = (): string => {
      const dir = crateDir(lib, '2021');
      fs.writeFileSync(path.join(dir, 'src', 'tables.rs'), tables);
      return dir;
    };
    // The editor's quick fix reads the module from disk too.
    const editor = setUp();
    const host = new AnalysisHost(await loadParser(), defaultSettings(), [editor]);
    host.indexAll();
    const file = path.join(editor, 'src', 'lib.rs');
    const actions = codeActionsFor(
      host.actionableFindings(file),
      file,
      { start: { line: 10, character: 0 }, end: { line: 10, character: 60 } },
      [],
      host.fixTexts(),
    );
    const preferred = actions.find((a) => a.isPreferred);
    assert.strictEqual(
      preferred?.title,
      'Make the field `apply` of `Ops` an `extern "C" fn`, and `double` (stored into it) `extern "C"`',
    );
    assert.strictEqual(Object.keys(preferred.edit!.changes!).length, 2, 'lib.rs and tables.rs');
    // `ffi-guard fix` the same; the result builds.
    const dir = setUp();
    writeFixes(await runFixes([dir], dir, defaultSettings()));
    assert.match(fs.readFileSync(path.join(dir, 'src', 'lib.rs'), 'utf8'), /pub apply: extern "C" fn\(u32\) -> u32,/);
    assert.match(fs.readFileSync(path.join(dir, 'src', 'tables.rs'), 'utf8'), /^extern "C" fn double\(x: u32\)/m);
    assert.deepStrictEqual(rustcErrors(path.join(dir, 'src', 'lib.rs'), '2021', true), []);
  });

  it('mirrors a by-value struct with a char field defined in another file; not one whose fields it cannot set', async () => {
    if (!rustc) assert.fail('rustc not found');
    const glyph = ['#[repr(C)]', 'pub struct Glyph {', '    pub code: char,', '    pub width: u8,', '}', ''].join('\n');
    const lib = [
      'pub mod glyph;',
      '',
      '#[no_mangle]',
      'pub extern "C" fn glyph_width(g: glyph::Glyph) -> u32 {',
      '    u32::from(g.width) * g.code.len_utf8() as u32',
      '}',
      '',
    ].join('\n');
    const dir = crateDir(lib, '2021');
    fs.writeFileSync(path.join(dir, 'src', 'glyph.rs'), glyph);
    writeFixes(await runFixes([dir], dir, defaultSettings()));
    const fixed = fs.readFileSync(path.join(dir, 'src', 'lib.rs'), 'utf8');
    assert.match(fixed, /pub unsafe extern "C" fn glyph_width_ffi\(g: GlyphC, out: \*mut u32\) -> i32/);
    assert.match(fixed, /impl std::convert::TryFrom<GlyphC> for crate::glyph::Glyph/);
    assert.strictEqual(
      fs.readFileSync(path.join(dir, 'src', 'glyph.rs'), 'utf8'),
      glyph,
      'the struct is left as it is',
    );
    assert.deepStrictEqual(rustcErrors(path.join(dir, 'src', 'lib.rs'), '2021', true), []);
    // Private fields: the shim's module could not build the struct from its mirror.
    const closed = crateDir(lib, '2021');
    fs.writeFileSync(path.join(closed, 'src', 'glyph.rs'), glyph.replace(/pub (code|width)/g, '$1'));
    const result = await checkPaths([closed], closed, defaultSettings());
    const finding = result.findings.find((f) => f.symbol === 'glyph_width' && f.rule === 'char-type')!;
    const fixes = fixesFor(finding, { textOf: (file) => result.cache.peek(file)?.text, edition: '2021' });
    assert.ok(!fixes.some((f) => /GlyphC|handle/.test(f.title)), fixes.map((f) => f.title).join(' | '));
  });

  it('keeps the finding when a fix cannot be planned, and says why', async () => {
    const dir = crateDir(['#[no_mangle]', 'pub extern "C" fn f(s: &str) {}', ''].join('\n'), '2021');
    const result = await checkPaths([dir], dir, defaultSettings());
    const finding = result.findings.find((f) => f.rule === 'str-type')!;
    const fixes = fixesFor(finding, {
      textOf: () => {
        throw new Error('disk on fire');
      },
      edition: '2021',
    });
    assert.strictEqual(fixes.length, 1);
    assert.match(fixes[0].explanation!, /internal error.*disk on fire/);
  });

  it('shims a function named by a raw identifier (`r#loop`): the keyword `loop` is not a use of it', async () => {
    const fixes = await fixesOf(
      [
        '#[no_mangle]',
        'pub extern "C" fn r#loop(s: &str) -> usize {',
        '    loop {',
        '        return s.len();',
        '    }',
        '}',
      ].join('\n'),
      'r#loop',
    );
    assert.ok(fixes[0].preferred && fixes[0].title.includes('shim `loop_ffi`'), fixes.map((f) => f.title).join(', '));
  });

  it('every fix of every compiling fixture keeps it compiling, and leaves nothing fixable', async function () {
    if (!rustc) assert.fail('rustc not found');
    const failures: string[] = [];
    // With every rule on, whatever rules the fixture's expectations are about.
    const files = ['parity', 'parity-extra', 'parity-real', 'beyond'].flatMap((sub) =>
      fs
        .readdirSync(path.join(FIXTURES_DIR, sub))
        .filter((f) => f.endsWith('.rs'))
        .map((f) => path.join(sub, f)),
    );
    for (const name of files) {
      const text = fs.readFileSync(path.join(FIXTURES_DIR, name), 'utf8');
      const d = readDirectives(text);
      if (d.noRustc || d.features.length) continue;
      const crate = crateDir(text, d.edition);
      const lib = path.join(crate, 'src', 'lib.rs');
      if (rustcErrors(lib, d.edition, false).length) continue;
      const run = await runFixes([crate], crate, defaultSettings());
      writeFixes(run);
      const errors = rustcErrors(lib, d.edition, false);
      if (errors.length) failures.push(`${name}: ${errors[0]}`);
      const result = await checkPaths([crate], crate, defaultSettings());
      for (const f of result.findings) {
        const textOf = (file: string): string | undefined => result.cache.peek(file)?.text;
        if (fixesFor(f, { textOf, edition: d.edition }).some((x) => x.preferred && x.edits.length))
          failures.push(`${name}: still fixable after fixing: ${f.rule} ${f.symbol}`);
      }
      const was = surfaceOf(text);
      const now = surfaceOf(fs.readFileSync(lib, 'utf8'));
      for (const fn of was.fns) if (!now.fns.has(fn)) failures.push(`${name}: lost fn ${fn}`);
    }
    assert.deepStrictEqual(failures, []);
  });
});
