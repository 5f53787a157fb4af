import * as assert from 'assert';
import { codeOnly, delimitedEnd, scanFile } from '../server/src/core/syntax/scan';
import { RelevanceIndex } from '../server/src/core/workspace/relevance';
import * as fs from 'fs';
import * as path from 'path';
import { defaultSettings } from '../server/src/core/config';
import { checkPaths, DiskSource, relevanceOf } from '../server/src/core/project';
import { checkJson } from '../server/src/core/check-json';
import { loadParser } from '../server/src/core/syntax/parse';
import { runCheck } from '../server/src/core/shard';
import { SourceCache } from '../server/src/core/workspace/crates';
import { loadFixtureCrates } from './harness/fixtures';
import { tempDir } from './harness/tmp';

/**
 * Which files are parsed up front, decided from their text alone: `packages`, the folders of the Cargo
 * packages; `readAgain`, whether the index may read a file's text again.
 */
function neededOf(
  files: Record<string, string>,
  {
    readAgain = true,
    packages = [],
    buildOutput,
  }: { readAgain?: boolean; packages?: string[]; buildOutput?: boolean } = {},
): string[] {
  const index = new RelevanceIndex(packages, (file) => (readAgain ? (files[file] ?? null) : null), { buildOutput });
  for (const [file, text] of Object.entries(files)) index.update(file, text);
  return [...index.needed()].sort();
}

describe('scan: a file read as tokens, not parsed', () => {
  it('tells a boundary extern from extern crate and the keyword quoted as a token', () => {
    const boundary = (text: string): boolean => scanFile(text).mentionsBoundary;
    assert.ok(boundary('pub extern "C" fn f() {}'));
    assert.ok(boundary('extern /* the ABI */ "system" fn f() {}'));
    assert.ok(boundary('extern fn f() {}'));
    assert.ok(boundary('extern {\n fn g(); }'));
    assert.ok(boundary('macro_rules! m { ($abi:literal) => { extern $abi fn f() {} } }'));
    assert.ok(boundary('#[cfg_attr(unix, no_mangle)] fn f() {}'));
    assert.ok(!boundary('extern crate libc;'));
    assert.ok(!boundary('let t: Token![extern] = parse()?;'));
    assert.ok(!boundary('fn externally() {}'));
  });

  it('takes `export_name` for a boundary where an attribute may set it, not where code names a variable so', () => {
    const boundary = (text: string): boolean => scanFile(text).mentionsBoundary;
    assert.ok(boundary('#[export_name = "x"] pub fn f() {}'));
    assert.ok(boundary('#[unsafe(export_name = "x")] pub fn f() {}'));
    assert.ok(boundary('#[cfg_attr(all(unix, feature = "c"), export_name = "x")] pub fn f() {}'));
    assert.ok(boundary('#[\n    export_name\n    = "x"\n]\npub fn f() {}'));
    assert.ok(boundary('macro_rules! m { ($n:expr) => { #[export_name = $n] pub fn f() {} } }'));
    assert.ok(boundary('m!(export_name = "x");'), 'an attribute a macro may write from its arguments');
    assert.ok(boundary('m! { export_name = "x" fn f() }'));
    // cbindgen's code generator: none of these exports anything.
    assert.ok(!boundary('let export_name = path.name().to_owned();'));
    assert.ok(!boundary('fn export_name(&self) -> &str { &self.name }'));
    assert.ok(!boundary('self.export_name = name;'));
    assert.ok(!boundary('if (export_name == other) {}'));
  });

  it('does not take a word in a comment or a literal for code', () => {
    const boundary = (text: string): boolean => scanFile(text).mentionsBoundary;
    assert.ok(!boundary('// pub extern "C" fn f() {}'));
    assert.ok(!boundary('/* #[no_mangle] */ fn f() {}'));
    assert.ok(!boundary('/// Calls `extern "C" fn` pointers.\nfn f() {}'));
    assert.ok(!boundary('let s = "#[no_mangle] pub extern fn foo() {}";'));
    assert.ok(!boundary('let s = r#"extern "C" {}"#;'));
    assert.ok(boundary('let s = "a"; pub extern "C" fn f() {}'), 'code after a literal still counts');
    assert.ok(boundary('let c = \'"\'; pub extern "C" fn f() {}'), 'a quote in a character literal');
  });

  it('finds the end of a macro body past brackets in strings, characters, comments and raw strings', () => {
    const end = (text: string): string => text.slice(0, delimitedEnd(text, 0));
    assert.strictEqual(end('{ "}" } rest'), '{ "}" }');
    assert.strictEqual(end("{ '}' '\\'' } rest"), "{ '}' '\\'' }");
    assert.strictEqual(end("{ fn f<'a>(x: &'a u8) {} } rest"), "{ fn f<'a>(x: &'a u8) {} }");
    assert.strictEqual(end('{ // }\n } rest'), '{ // }\n }');
    assert.strictEqual(end('{ /* } /* } */ } */ } rest'), '{ /* } /* } */ } */ }');
    assert.strictEqual(end('{ r#"}"# br"}" r#type } rest'), '{ r#"}"# br"}" r#type }');
    assert.strictEqual(end('{ never closed'), '{ never closed', 'unbalanced: to the end, never cut short');
  });

  it('finds in a file without boundary words, macros or block comments what the exact scan finds', () => {
    // A word in a line comment that forces the exact scan, and changes nothing else it finds.
    const exact = (text: string): string => `${text}\n// extern`;
    const found = (text: string): string[][] => {
      const scan = scanFile(text);
      return [[...scan.typeNames], [...scan.modNames], [...scan.macroCalls], scan.wordsBeforeAs.split('\n')];
    };
    for (const text of [
      'struct A; enum B {} mod c; type D = u8; trait E {} union F { x: u8 }',
      'let s = "struct Hidden; fix!()"; m!(1); n ! (2); let b = x != y; struct r#Raw;',
      'let r = r#"a " struct Hidden; "#; let q = br"struct Hidden2"; struct After;',
      "let c = '\"'; struct AfterQuote; let d = '\\''; struct AfterEscape; fn f<'a>(x: &'a u8) {}",
      "let e = '\\u{1F600}'; let g = '\\x7f'; let h = '😀'; struct Last; use crate::f as g;",
      'let s = "unterminated struct Never',
    ])
      assert.deepStrictEqual(found(text), found(exact(text)), text);
  });

  it('blanks comments and the contents of literals, keeping every place where it was', () => {
    const cases: [string, string][] = [
      ['a /* b /* c */ d */ e', 'a                   e'],
      ['a /* b */ c // d\ne', 'a         c     \ne'],
      ['s("x\\"y") r#"q"#', 's("    ") r    #'],
      ["br\"b\" c'\\'' '😀' f<'a>", "br  \" c'  ' '  ' f<'a>"],
      ['let s = "never closed', 'let s = "            '],
      ['cr"c" x', 'cr" " x'],
    ];
    for (const [text, code] of cases) assert.strictEqual(codeOnly(text), code, text);
  });

  it('reads the module paths that #[path] and cfg_attr may set, telling those inside inline modules', () => {
    const paths = (text: string): string[] | null =>
      scanFile(text).modulePaths?.map((p) => [...p.inlineModules, p.path].join('/')) ?? null;
    assert.deepStrictEqual(paths('#[path = "a.rs"]\nmod a;\n#[path="b/c.rs"] mod c;'), ['a.rs', 'b/c.rs']);
    assert.deepStrictEqual(
      paths('#[cfg_attr(unix, path = "unix.rs")]\n#[cfg_attr(windows, path = "windows.rs")]\nmod sys;'),
      ['unix.rs', 'windows.rs'],
      'every path a cfg_attr may set, whichever cfg holds',
    );
    assert.deepStrictEqual(paths('#[cfg_attr(feature = "]", path = "x.rs")]\nmod x;'), ['x.rs']);
    assert.strictEqual(paths('#[cfg_attr(unix, path = concat!("a", ".rs"))]\nmod x;'), null, 'not a literal');
    assert.strictEqual(paths('#[path = "a\\u{62}.rs"]\nmod x;'), null, 'an escape');
    assert.deepStrictEqual(paths('#[cfg_attr(unix, derive(Debug))]\nstruct S;\nfn f() { let path = 1; }'), []);
    assert.deepStrictEqual(
      paths(
        '#[path = "a.rs"]\nmod a;\nmod inline {\n    #[path = "b.rs"]\n    mod b;\n}\n#[cfg(test)]\nmod tests {\n}',
      ),
      ['a.rs', 'inline/b.rs'],
    );
    assert.strictEqual(
      paths('#[path = "dir"]\nmod inline {\n    #[path = "b.rs"]\n    mod b;\n}'),
      null,
      'its own path',
    );
    // No `]` ends these: each may reach the `path =` at the end (found in one pass, not one per `cfg_attr(`).
    assert.strictEqual(paths(`${'cfg_attr()'.repeat(50_000)} fn f() { let path = 1; }`), null);
    // Paths and inline modules met in one sweep, not each path against every module.
    const many = paths(`${'#[path = "x.rs"] mod x;\n'.repeat(50_000)}${'mod a { fn f() {} }\n'.repeat(50_000)}`);
    assert.strictEqual(many?.length, 50_000);
    assert.ok(many.every((p) => p === 'x.rs'));
  });

  it('tells the macro calls that every boundary word stands inside, or that one stands outside them', () => {
    const callers = (text: string): string[] | null => {
      const names = scanFile(text).boundaryCallers;
      return names && [...names].sort();
    };
    assert.deepStrictEqual(callers('fn gen() -> T { quote! { extern "C" { fn f(); } } }'), ['quote']);
    assert.deepStrictEqual(
      callers('fn g() { let a = q::quote!(#[no_mangle] f); wrap![outer!{ extern "C" fn h() {} }]; }'),
      ['outer', 'quote', 'wrap'],
      'every call around a word, a path by its last name',
    );
    assert.deepStrictEqual(callers('macro_rules! m { () => { extern "C" { fn f(); } } }'), null, 'in the rules');
    assert.deepStrictEqual(callers('fn f() { m!(1); }\nextern "C" { fn g(); }'), null, 'after a call');
    assert.deepStrictEqual(callers('fn f() { if !(a) { extern "C" fn g() {} } }'), null, '`if !(` is no call');
    assert.deepStrictEqual(callers('fn f() { let s = "quote!("; }\nextern "C" { fn g(); }'), null);
    assert.deepStrictEqual(
      callers('fn f() { let s = ")"; m!{ extern "C" fn g() {} } }'),
      ['m'],
      'brackets in literals do not count',
    );
    assert.deepStrictEqual(callers('fn f() { $m!(extern "C" fn g() {}) }'), ['$'], "a fragment's call");
    // Each call is counted once, however many words it holds (not once per word and per call around it).
    const deep = `${'q! {'.repeat(999)}${' extern "C" fn f(); '.repeat(100_000)}${'}'.repeat(999)}`;
    assert.deepStrictEqual(callers(deep), ['q']);
  });

  it('tells an include! of OUT_DIR, found only after a build, from one whose path it cannot read', () => {
    const of = (text: string): [boolean, boolean, readonly string[]] => {
      const scan = scanFile(text);
      return [scan.includesBuildOutput, scan.includesUnknown, scan.includeTargets];
    };
    assert.deepStrictEqual(of('include!(concat!(env!("OUT_DIR"), "/bindings.rs"));'), [true, false, []]);
    assert.deepStrictEqual(of('include! ( concat! ( env! ( "OUT_DIR" ) , "/b.rs" , ) , );'), [true, false, []]);
    // Paths `includedFile` reads without a build, or that this test does not read: not told apart.
    assert.deepStrictEqual(of('include!(concat!(env!("CARGO_MANIFEST_DIR"), "/b.rs"));'), [false, true, []]);
    assert.deepStrictEqual(of('include!(concat!(env!("OUT_DIR"), "/gen/", "b.rs"));'), [false, true, []]);
    assert.deepStrictEqual(of('include!(concat!(env!("OUT_DIR"), /* generated */ "/b.rs"));'), [false, true, []]);
    assert.deepStrictEqual(of('include!(bindings_path!());'), [false, true, []]);
    assert.deepStrictEqual(of('include!("table.rs");'), [false, false, ['table.rs']]);
    assert.deepStrictEqual(of('// include!(concat!(env!("OUT_DIR"), "/b.rs"));'), [false, false, []]);
  });

  it('marks a macro as writing a boundary from its own rules only', () => {
    const macros = scanFile(
      'macro_rules! plain { () => { 1 } }\nmacro_rules! export { () => { #[no_mangle] extern "C" fn f() {} } }',
    ).macros;
    assert.deepStrictEqual(
      macros.map((m) => [m.name, m.writesBoundary]),
      [
        ['plain', false],
        ['export', true],
      ],
    );
  });
});

describe('relevance: which files are parsed up front', () => {
  it('a file that writes a boundary word, and not one that only has extern crate', () => {
    assert.deepStrictEqual(
      neededOf({
        'a.rs': 'pub extern "C" fn f() {}',
        'b.rs': '#[unsafe(no_mangle)]\npub fn g() {}',
        'c.rs': '#[export_name = "h"] fn h() {}',
        'd.rs': 'extern crate libc;\npub struct Plain;',
        'e.rs': 'fn main() { let x = 1; }',
      }),
      ['a.rs', 'b.rs', 'c.rs'],
    );
  });

  it('includes, macro definitions, and the files naming a macro that writes a boundary', () => {
    assert.deepStrictEqual(
      neededOf({
        'lib.rs': 'include!(concat!(env!("OUT_DIR"), "/bindings.rs"));',
        'macros.rs': 'macro_rules! export { ($n:ident) => { #[no_mangle] pub extern "C" fn $n() {} } }',
        'wrap.rs': 'macro_rules! wrap { ($n:ident) => { export!($n); } }',
        'user.rs': 'wrap!(hello);',
        'other.rs': 'fn f() { println!("no boundary here"); }',
      }),
      ['lib.rs', 'macros.rs', 'user.rs', 'wrap.rs'],
    );
  });

  it('a file that names a macro only as part of a longer word is not needed', () => {
    assert.deepStrictEqual(
      neededOf({
        'm.rs': 'macro_rules! ex { () => { extern "C" { fn f(); } } }',
        'n.rs': 'fn next() { let exit = 1; }',
      }),
      ['m.rs'],
    );
  });

  it('a macro definition no needed file invokes waits; one a needed file invokes does not', () => {
    assert.deepStrictEqual(
      neededOf({
        'lib.rs': 'pub extern "C" fn f() -> u32 { helper!() }',
        'helpers.rs': 'macro_rules! helper { () => { 1 } }',
        'unused.rs': 'macro_rules! unused { () => { 2 } }',
      }),
      ['helpers.rs', 'lib.rs'],
    );
  });

  it("a macro definition of another package is not needed for a file's invocations", () => {
    const packages = ['/w/a', '/w/b', '/w/a/src/nested'];
    const files: Record<string, string> = {
      '/w/a/src/lib.rs': 'pub extern "C" fn f() -> u32 { helper!() }',
      '/w/a/src/helpers.rs': 'macro_rules! helper { () => { 1 } }',
      '/w/a/src/nested/mod.rs': 'macro_rules! helper { () => { 4 } }',
      '/w/b/src/lib.rs': 'macro_rules! helper { () => { 2 } }',
      '/w/loose.rs': 'macro_rules! helper { () => { 3 } }',
    };
    assert.deepStrictEqual(
      neededOf(files, { readAgain: false, packages }),
      ['/w/a/src/helpers.rs', '/w/a/src/lib.rs', '/w/a/src/nested/mod.rs', '/w/loose.rs'],
      'its own package, a package nested in its folder and files outside every package may define what it ' +
        'invokes; package b may not',
    );
  });

  it('a boundary word only inside the arguments of macro calls that are never expanded needs no parse', () => {
    const packages = ['/w/gen', '/w/other', '/w/maker'];
    const files: Record<string, string> = {
      '/w/gen/src/codegen.rs': 'fn emit() -> TokenStream { quote! { extern "C" { fn f(); } } }',
      '/w/gen/src/local.rs': 'fn g() { local! { #[no_mangle] pub extern "C" fn h() {} } }',
      '/w/gen/src/macros.rs': 'macro_rules! local { ($($t:tt)*) => { $($t)* } }',
      '/w/gen/src/both.rs': 'fn i() { quote! { extern "C" fn a(); } }\nextern "C" { fn j(); }',
      '/w/gen/src/cfg.rs': 'cfg_if! { if #[cfg(unix)] { extern "C" { fn k(); } } }',
      '/w/gen/src/fragment.rs': 'macro_rules! apply { ($m:ident) => { $m! { extern "C" { fn l(); } } } }',
      '/w/other/src/lib.rs': 'fn m() { other_local! { extern "C" fn n() {} } }',
      '/w/gen/src/other_macros.rs': 'macro_rules! other_local { ($($t:tt)*) => { $($t)* } }',
      '/w/maker/src/lib.rs': 'macro_rules! make { ($n:ident) => { macro_rules! $n { ($($t:tt)*) => { $($t)* } } } }',
      '/w/maker/src/made.rs': 'fn o() { passthrough! { extern "C" fn p() {} } }',
    };
    assert.deepStrictEqual(
      neededOf(files, { readAgain: false, packages }),
      [
        '/w/gen/src/both.rs',
        '/w/gen/src/cfg.rs',
        '/w/gen/src/fragment.rs',
        '/w/gen/src/local.rs',
        '/w/gen/src/macros.rs',
        '/w/maker/src/made.rs',
      ],
      "quote! is defined nowhere; local! is gen's own; other_local! is gen's, not other's; maker's own macro " +
        'defines macros the text does not name',
    );
  });

  it("decides which macros produce within the packages that may share a crate, as rustc expands a crate's own", () => {
    // ring's `dispatch!` writes `extern`; tracing's `event!` only names a closure parameter `dispatch`.
    const packages = ['/w/ring', '/w/tracing', '/w/tracing/examples/nested'];
    const files: Record<string, string> = {
      '/w/ring/src/lib.rs': 'macro_rules! dispatch { ($f:ident) => { extern "C" { fn $f(); } } }',
      '/w/tracing/src/macros.rs': 'macro_rules! event { () => { get_default(|dispatch| dispatch.event()) } }',
      '/w/tracing/src/lib.rs': 'pub fn f() { event!(); }',
      '/w/tracing/src/ffi.rs': 'macro_rules! export { ($f:ident) => { #[no_mangle] pub extern "C" fn $f() {} } }',
      '/w/tracing/examples/nested/main.rs': 'export!(g);',
      '/w/loose.rs': 'dispatch!(h);',
    };
    assert.deepStrictEqual(
      neededOf(files, { readAgain: false, packages }),
      ['/w/loose.rs', '/w/ring/src/lib.rs', '/w/tracing/examples/nested/main.rs', '/w/tracing/src/ffi.rs'],
      "tracing's `event!` calls are not needed; a package nested in tracing's folder sees tracing's producing " +
        "macros, and a file outside every package may be of ring's crate",
    );
  });

  it('names a producing macro where it may be renamed or handed to a macro that invokes it', () => {
    const producer = 'macro_rules! export { ($n:ident) => { #[no_mangle] pub extern "C" fn $n() {} } }';
    assert.deepStrictEqual(
      neededOf({
        'p.rs': producer,
        'word.rs': 'fn f() { let export = 1; }',
        'renamed.rs': 'use crate::export as e;\ne!(g);',
        'apply.rs': 'macro_rules! apply { ($m:ident) => { $m!(h); } }',
        'handed.rs': 'apply!(export);',
        'other.rs': 'apply!(unrelated);',
      }),
      ['apply.rs', 'handed.rs', 'p.rs', 'renamed.rs'],
    );
  });

  it('takes a call to a higher-order macro to hand it a producing macro when the text cannot be read again', () => {
    const files = {
      'p.rs': 'macro_rules! export { ($n:ident) => { #[no_mangle] pub extern "C" fn $n() {} } }',
      'apply.rs': 'macro_rules! apply { ($m:ident) => { $m!(h); } }',
      'other.rs': 'apply!(unrelated); // export',
    };
    assert.deepStrictEqual(neededOf(files), ['p.rs']);
    assert.deepStrictEqual(neededOf(files, { readAgain: false }), ['apply.rs', 'other.rs', 'p.rs']);
  });

  it('tells why each file is parsed up front', () => {
    const index = new RelevanceIndex();
    const files: Record<string, string> = {
      '/w/ffi.rs': 'pub extern "C" fn f() -> u32 { helper!() }',
      '/w/helpers.rs': 'macro_rules! helper { () => { 1 } }',
      '/w/gen.rs': 'include!(concat!(env!("OUT_DIR"), "/gen.rs"));',
      '/w/sys.rs': '#[path = concat!("a", ".rs")]\nmod sys;',
      '/w/macros.rs': 'macro_rules! export { ($n:ident) => { #[no_mangle] pub extern "C" fn $n() {} } }',
      '/w/user.rs': 'export!(g);',
      '/w/renamed.rs': 'use crate::export as e;',
      '/w/quiet.rs': 'fn h() {}',
    };
    for (const [file, text] of Object.entries(files)) index.update(file, text);
    assert.deepStrictEqual(
      Object.keys(files).map((f) => [f, index.reasonNeeded(f)]),
      [
        ['/w/ffi.rs', 'boundary'],
        ['/w/helpers.rs', 'followed'],
        ['/w/gen.rs', 'include'],
        ['/w/sys.rs', 'module-path'],
        ['/w/macros.rs', 'boundary'],
        ['/w/user.rs', 'calls-producing-macro'],
        ['/w/renamed.rs', 'renames-producing-macro'],
        ['/w/quiet.rs', null],
      ],
    );
  });

  it('a plain include! of a known file is needed as that file is', () => {
    assert.deepStrictEqual(
      neededOf({
        '/w/table.rs': 'const TABLE: [u8; 2] = [1, 2];',
        '/w/quiet.rs': 'include!("table.rs");',
        '/w/ffi.rs': 'include!("bindings.rs");',
        '/w/bindings.rs': 'extern "C" { fn f(); }',
        '/w/generated.rs': 'include!(concat!(env!("OUT_DIR"), "/gen.rs"));',
        '/w/missing.rs': 'include!("not_here.rs");',
      }),
      ['/w/bindings.rs', '/w/ffi.rs', '/w/generated.rs', '/w/missing.rs'],
    );
  });

  it('an include! of OUT_DIR makes a file needed only where a crate may have been built', () => {
    const files = {
      '/w/generated.rs': 'include!(concat!(env!("OUT_DIR"), "/gen.rs"));',
      '/w/manifest.rs': 'include!(concat!(env!("CARGO_MANIFEST_DIR"), "/gen.rs"));',
      '/w/quiet.rs': 'fn f() {}',
    };
    assert.deepStrictEqual(neededOf(files), ['/w/generated.rs', '/w/manifest.rs']);
    assert.deepStrictEqual(neededOf(files, { buildOutput: true }), ['/w/generated.rs', '/w/manifest.rs']);
    assert.deepStrictEqual(neededOf(files, { buildOutput: false }), ['/w/manifest.rs']);
  });

  it('a file with a #[path] module is parsed when the module may be needed, is not indexed, or its path unreadable', () => {
    assert.deepStrictEqual(
      neededOf({
        '/w/src/a.rs': '#[path = "../elsewhere/b.rs"]\nmod b;',
        '/w/src/c.rs': '#[cfg_attr(unix, path = "unix.rs")]\nmod sys;',
        '/w/src/d.rs': 'let config = toml! { path = "dep" };',
        '/w/src/e.rs': '/// Like `#[path = "a::b"]` in a doc comment.\nfn f() { let s = "#[path = \\"x.rs\\"]"; }',
        '/w/src/f.rs': '#[path = "quiet.rs"]\nmod quiet;',
        '/w/src/quiet.rs': 'pub struct Q;',
        '/w/src/g.rs': '#[path = "loud.rs"]\nmod loud;',
        '/w/src/loud.rs': 'pub extern "C" fn f() {}',
        '/w/src/h.rs': 'mod inline {\n    #[path = "quiet.rs"]\n    mod quiet;\n}',
        '/w/src/h/inline/quiet.rs': 'pub struct Q;',
        '/w/src/i.rs': 'mod inline {\n    #[path = "loud.rs"]\n    mod loud;\n}',
        '/w/src/i/inline/loud.rs': 'pub extern "C" fn f() {}',
        '/w/src/j.rs': '#[cfg_attr(unix, path = "quiet.rs")]\n#[cfg_attr(windows, path = "f.rs")]\nmod sys;',
        '/w/src/lib.rs': 'mod gen {\n    #[path = "../quiet.rs"]\n    mod helper;\n}',
        '/w/src/k.rs': 'mod inline {\n    #[path = "../up.rs"]\n    mod up;\n}',
        '/w/src/m.rs': '#[path = "elsewhere"]\nmod dir {\n    #[path = "x.rs"]\n    mod x;\n}',
      }),
      [
        '/w/src/a.rs',
        '/w/src/c.rs',
        '/w/src/g.rs',
        '/w/src/i.rs',
        '/w/src/i/inline/loud.rs',
        '/w/src/k.rs',
        '/w/src/loud.rs',
        '/w/src/m.rs',
      ],
    );
  });

  it('finds the files that may define a type, and forgets removed files', () => {
    const index = new RelevanceIndex();
    index.update('a.rs', 'pub struct Point { x: f64 }\npub type Alias = u32;');
    index.update('b.rs', 'pub enum Point { A }\ntrait Shape {}');
    assert.deepStrictEqual(index.filesDefiningType('Point'), ['a.rs', 'b.rs']);
    assert.deepStrictEqual(index.filesDefiningType('Shape'), ['b.rs']);
    index.remove('b.rs');
    assert.deepStrictEqual(index.filesDefiningType('Point'), ['a.rs']);
    index.update('a.rs', 'pub extern "C" fn f() {}');
    assert.deepStrictEqual([...index.needed()], ['a.rs']);
    assert.deepStrictEqual(index.filesDefiningType('Point'), []);
  });
});

describe('relevance: which macros a body may call without declaring items', () => {
  it('tells them by the rules of every definition its crate may see, and of the macros those call', () => {
    const packages = ['/w/brotli', '/w/other'];
    const files: Record<string, string> = {
      '/w/brotli/src/memory.rs':
        'macro_rules! fast { (($s:expr)[$i:expr]) => { ($s)[$i] } }\n' +
        'macro_rules! fast_slice { (($s:expr)[$i:expr]) => { fast!(($s.slice())[$i]) } }\n' +
        'macro_rules! log { ($($a:tt)*) => { println!($($a)*) } }\n' +
        'macro_rules! ptr { ($t:ty) => { *const $t } }\n' +
        'macro_rules! export { ($n:ident) => { #[no_mangle] pub extern "C" fn $n() {} } }\n' +
        'macro_rules! wraps { ($n:ident) => { export!($n); } }\n' +
        'macro_rules! calls { ($m:ident) => { $m!() } }\n' +
        'macro_rules! again { () => { again!() } }',
      '/w/brotli/src/decode.rs': 'pub fn f(v: &[u8]) -> u8 { fast_slice!(v[0]) }',
      '/w/other/src/lib.rs': 'macro_rules! fast { () => { struct Fast; } }',
    };
    const index = new RelevanceIndex(packages, (file) => files[file] ?? null);
    for (const [file, text] of Object.entries(files)) index.update(file, text);
    const test = index.bodyMacroTest('/w/brotli/src/decode.rs');
    assert.ok(test);
    const names = ['fast', 'fast_slice', 'log', 'ptr', 'export', 'wraps', 'calls', 'again', 'debug', 'cfg_if'];
    assert.deepStrictEqual(
      names.filter((n) => test(n)),
      ['export', 'wraps', 'calls', 'cfg_if'],
      "another package's `fast!` is not brotli's; a macro its crate does not define is never expanded",
    );
    assert.strictEqual(index.bodyMacroTest('/w/not-indexed.rs'), undefined);
    index.update('/w/brotli/src/gen.rs', 'include!(concat!(env!("OUT_DIR"), "/macros.rs"));');
    assert.strictEqual(
      index.bodyMacroTest('/w/brotli/src/decode.rs'),
      undefined,
      'a crate that includes generated code may define any macro there',
    );
  });

  it('finds in a run of the command line what reading every body finds', async () => {
    const dir = tempDir('ffi-guard-body-macros-');
    const files: Record<string, string> = {
      'Cargo.toml': '[package]\nname = "bodies"\nversion = "0.1.0"\nedition = "2021"\n',
      'src/lib.rs':
        'macro_rules! at { ($v:expr, $i:expr) => { $v[$i] } }\n' +
        'macro_rules! export { ($n:ident) => { #[no_mangle] pub extern "C" fn $n(s: &str) -> usize { s.len() } } }\n' +
        'macro_rules! exports { ($n:ident) => { export!($n); } }\n' +
        'pub extern "C" fn first(v: *const u8) -> u8 { unsafe { *v } }\n' +
        'pub fn plain(v: &[u8]) -> u8 { let a = at!(v, 0); let b = at!(v, 1); a + b }\n' +
        'pub fn nested() { exports!(inner_export); let _ = at!([1u8], 0); }\n',
    };
    for (const [file, text] of Object.entries(files)) {
      fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
      fs.writeFileSync(path.join(dir, file), text);
    }
    const rel = (f: string): string => path.relative(dir, f);
    const settings = defaultSettings();
    const everyBody = checkJson(await checkPaths(['.'], dir, settings), rel);
    const run = (await runCheck(['.'], dir, settings, rel, { surface: false })).json;
    assert.deepStrictEqual(run, everyBody);
    assert.ok(
      run.diagnostics.some((d) => d.symbol === 'inner_export' && d.rule === 'str-type'),
      "the export a body's macro call writes through another macro is checked (at its rules, as rustc reports it)",
    );
  });
});

describe('relevance: the index of a run', () => {
  it('indexes a text copied into two packages under both of its files', async () => {
    const dir = tempDir();
    const text = 'macro_rules! export { () => { #[no_mangle] pub extern "C" fn f() {} } }\npub struct Copied;\n';
    const files = ['a', 'b'].map((p) => path.join(dir, p, 'src', 'lib.rs'));
    for (const f of files) {
      fs.mkdirSync(path.dirname(f), { recursive: true });
      fs.writeFileSync(f, text);
    }
    const cache = new SourceCache(await loadParser(), new DiskSource(1 << 20));
    const index = relevanceOf(files, cache, [path.join(dir, 'a'), path.join(dir, 'b')]);
    assert.deepStrictEqual([...index.needed()].sort(), files);
    assert.deepStrictEqual(index.filesDefiningType('Copied'), files);
    assert.deepStrictEqual(index.filesDefiningMacro('export'), files);
  });
});

describe('relevance: modules loaded on demand', function () {
  this.timeout(120_000);

  it('find exactly what loading every module up front finds, in every fixture crate', async () => {
    const describe = (crates: Awaited<ReturnType<typeof loadFixtureCrates>>): string[] =>
      crates.flatMap((c) =>
        c.findings.map((f) => `${f.origin.file}:${f.origin.span.start}-${f.origin.span.end} ${f.rule} ${f.message}`),
      );
    const lazy = await loadFixtureCrates(undefined, true);
    const eager = await loadFixtureCrates(undefined, false);
    assert.ok(
      eager.some((c) => c.findings.length),
      'the fixtures have findings',
    );
    assert.deepStrictEqual(describe(lazy), describe(eager));
    assert.ok(
      lazy.some((c) => c.crate.pending.length),
      'some fixture crate has a module the relevance index leaves unloaded',
    );
  });
});

describe('relevance: a package checked lazily', function () {
  this.timeout(60_000);

  /** A package folder holding `files` (paths relative to it). */
  const packageOf = (prefix: string, files: Record<string, string>): string => {
    const dir = tempDir(prefix);
    for (const [file, text] of Object.entries(files)) {
      fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
      fs.writeFileSync(path.join(dir, file), text);
    }
    return dir;
  };

  it('parses the library and what it names, never the tests, the binary or unused modules', async () => {
    const dir = packageOf('ffi-guard-lazy-', {
      'Cargo.toml': '[package]\nname = "lazy"\nversion = "0.1.0"\nedition = "2021"\n',
      'src/lib.rs': 'mod model;\nmod report;\npub extern "C" fn first(p: model::Point) {}\n',
      'src/model.rs': 'pub struct Point { pub x: f64 }\n',
      'src/report.rs': 'pub fn summary() -> String { String::new() }\n',
      'src/main.rs': 'fn main() { println!("{}", 1); }\n',
      'tests/it.rs': '#[test]\nfn works() { assert_eq!(1, 1); }\n',
    });
    const result = await checkPaths([dir], dir, defaultSettings());
    const parsed = (file: string): boolean => result.cache.peek(path.join(dir, file)) !== undefined;
    assert.deepStrictEqual(['src/lib.rs', 'src/model.rs', 'src/report.rs', 'src/main.rs', 'tests/it.rs'].map(parsed), [
      true,
      true,
      false,
      false,
      false,
    ]);
    assert.deepStrictEqual(
      result.findings.map((f) => `${f.rule} ${path.relative(dir, f.origin.file)}`),
      ['unspecified-layout src/lib.rs'],
    );
    assert.strictEqual(result.filesScanned.length, 5, 'every file of the package was read');
    result.cache.dispose();
  });

  it('parses a module for its include! of OUT_DIR only when a target folder may hold the build output', async function () {
    const files = {
      'Cargo.toml': '[package]\nname = "generated"\nversion = "0.1.0"\nedition = "2021"\n',
      'src/lib.rs': 'mod ffi;\npub fn rust_only() {}\n',
      'src/ffi.rs': 'include!(concat!(env!("OUT_DIR"), "/bindings.rs"));\n',
    };
    const unbuilt = packageOf('ffi-guard-out-dir-', files);
    for (let d = path.dirname(unbuilt); path.dirname(d) !== d; d = path.dirname(d))
      if (fs.existsSync(path.join(d, 'target'))) this.skip(); // a build folder above the temporary one
    const targetDir = process.env.CARGO_TARGET_DIR;
    delete process.env.CARGO_TARGET_DIR;
    try {
      const before = await checkPaths([unbuilt], unbuilt, defaultSettings());
      assert.strictEqual(before.cache.peek(path.join(unbuilt, 'src', 'ffi.rs')), undefined);
      assert.deepStrictEqual(before.findings, []);
      before.cache.dispose();
      // A target folder elsewhere, named by the environment, may hold the build output.
      process.env.CARGO_TARGET_DIR = tempDir('ffi-guard-target-dir-');
      const elsewhere = await checkPaths([unbuilt], unbuilt, defaultSettings());
      assert.notStrictEqual(elsewhere.cache.peek(path.join(unbuilt, 'src', 'ffi.rs')), undefined);
      elsewhere.cache.dispose();
      delete process.env.CARGO_TARGET_DIR;
      const built = packageOf('ffi-guard-out-dir-built-', {
        ...files,
        'target/debug/build/generated-0123abcd/out/bindings.rs':
          '#[no_mangle]\npub extern "C" fn from_build(s: &str) {}\n',
      });
      const after = await checkPaths([built], built, defaultSettings());
      assert.notStrictEqual(after.cache.peek(path.join(built, 'src', 'ffi.rs')), undefined);
      assert.deepStrictEqual(
        after.findings.map((f) => `${f.rule} ${f.symbol}`),
        ['str-type from_build'],
      );
      after.cache.dispose();
    } finally {
      if (targetDir !== undefined) process.env.CARGO_TARGET_DIR = targetDir;
    }
  });

  it('leaves a root unread when its cfgs drop every module that leads to a boundary', async () => {
    const manifest = '[package]\nname = "gated"\nversion = "0.1.0"\nedition = "2021"\n';
    const tests = 'extern "C" { pub fn from_c(s: &str); }\n';
    const ffi = 'pub extern "C" fn exported(s: &str) {}\n';
    const checked = async (lib: string): Promise<[boolean, boolean, string[]]> => {
      const dir = packageOf('ffi-guard-gated-', {
        'Cargo.toml': manifest,
        'src/lib.rs': lib,
        'src/tests.rs': tests,
        'src/ffi.rs': ffi,
      });
      const result = await checkPaths([dir], dir, defaultSettings());
      const library = result.crates.find((c) => c.crate.rootFile === path.join(dir, 'src', 'lib.rs'))!;
      const out: [boolean, boolean, string[]] = [
        library.crate.rootDeferred,
        result.cache.peek(path.join(dir, 'src', 'tests.rs')) !== undefined,
        result.findings.map((f) => `${f.rule} ${f.symbol}`),
      ];
      result.cache.dispose();
      return out;
    };
    // portable-atomic's shape: the only boundary is in a module the library compiles only for its tests.
    const expanded = 'macro_rules! atomic { ($t:ident) => { pub struct $t(u32); } }\natomic!(A);\natomic!(B);\n';
    assert.deepStrictEqual(await checked(`#[cfg(test)]\nmod tests;\n${expanded}`), [true, false, []]);
    // A module the cfgs keep is read, and what it exports is checked.
    assert.deepStrictEqual(await checked(`#[cfg(test)]\nmod tests;\n#[cfg(not(test))]\nmod ffi;\n`), [
      false,
      false,
      ['str-type exported'],
    ]);
    // A macro whose rules write `mod` may declare one: the root is read, and the module it declares checked.
    const declares = 'macro_rules! declare { () => { mod ffi; } }\ndeclare!();\n';
    assert.deepStrictEqual(await checked(`#[cfg(test)]\nmod tests;\n${declares}`), [
      false,
      false,
      ['str-type exported'],
    ]);
    // …or one it invokes does, named in its rules or handed to it.
    const nested = 'macro_rules! inner { () => { mod ffi; } }\nmacro_rules! outer { () => { inner!(); } }\nouter!();\n';
    assert.deepStrictEqual(await checked(`#[cfg(test)]\nmod tests;\n${nested}`), [false, false, ['str-type exported']]);
    const handed =
      'macro_rules! inner { () => { mod ffi; } }\nmacro_rules! twice { ($($t:tt)*) => { $($t)* } }\ntwice!(inner!(););\n';
    assert.deepStrictEqual(await checked(`#[cfg(test)]\nmod tests;\n${handed}`), [false, false, ['str-type exported']]);
    const cfgIf = 'cfg_if::cfg_if! { if #[cfg(unix)] { mod ffi; } else { mod ffi; } }\n';
    assert.deepStrictEqual(await checked(`#[cfg(test)]\nmod tests;\n${cfgIf}`), [false, false, ['str-type exported']]);
  });

  it("resolves an impl's self type only when a method asks what `Self` is", async () => {
    // typenum's shape: a root parsed for its own reasons, whose impls name the types of modules nothing
    // else needs. Their methods are Rust's: nothing in them asks what `Self` is.
    const dir = packageOf('ffi-guard-lazy-self-', {
      'Cargo.toml': '[package]\nname = "lazy_self"\nversion = "0.1.0"\nedition = "2021"\n',
      'src/lib.rs': [
        'mod model;',
        'mod shapes;',
        'pub extern "C" fn first(p: model::Point) {}',
        'impl shapes::Circle { pub fn area(&self) -> f64 { 0.0 } }',
        'impl model::Point { pub extern "C" fn moved(self) -> Self { self } }',
      ].join('\n'),
      'src/model.rs': 'pub struct Point { pub x: f64 }\n',
      'src/shapes.rs': 'pub struct Circle { pub r: f64 }\n',
    });
    const result = await checkPaths([dir], dir, defaultSettings());
    const parsed = (file: string): boolean => result.cache.peek(path.join(dir, file)) !== undefined;
    assert.deepStrictEqual(['src/model.rs', 'src/shapes.rs'].map(parsed), [true, false]);
    // `Self` in the exported method is still `Point`, which has no `#[repr(C)]`.
    assert.deepStrictEqual(result.findings.map((f) => `${f.rule} ${f.symbol}`).sort(), [
      'unspecified-layout first',
      'unspecified-layout moved',
      'unspecified-layout moved',
    ]);
    result.cache.dispose();
  });
});
