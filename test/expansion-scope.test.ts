import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { checkCrate } from '../server/src/core/analysis/check';
import { defaultSettings } from '../server/src/core/config';
import { DiskSource } from '../server/src/core/project';
import { makeCfgEnv } from '../server/src/core/syntax/cfg';
import { loadParser, ParsedFile, parseRust } from '../server/src/core/syntax/parse';
import { extractItemsFromTree } from '../server/src/core/syntax/items';
import type { Origin } from '../server/src/core/syntax/model';
import { expansionReading, plainCalls } from '../server/src/core/workspace/macros';
import { Crate, loadCrate, SourceCache } from '../server/src/core/workspace/crates';
import { loadFixtureCrates } from './harness/fixtures';
import { tempDir } from './harness/tmp';

/**
 * Macro calls in function bodies are expanded only where the expansion can hold something a rule reads:
 * the findings are those of expanding every call, and calls that can only write statements cost nothing.
 */

interface Run {
  findings: string[];
  /** Macro expansions parsed while the crate was loaded. */
  fragments: number;
  /** Their length in all. */
  fragmentChars: number;
}

/** Counts the macro expansions it parses. */
class CountingCache extends SourceCache {
  fragments = 0;
  fragmentChars = 0;

  override parseFragment(text: string): ParsedFile {
    this.fragments++;
    this.fragmentChars += text.length;
    return super.parseFragment(text);
  }
}

async function run(lib: string): Promise<Run> {
  const dir = tempDir();
  const rootFile = path.join(dir, 'lib.rs');
  fs.writeFileSync(rootFile, lib);
  const settings = defaultSettings();
  const cache = new CountingCache(await loadParser(), new DiskSource(settings.maxFileSize));
  const crate = loadCrate({ name: 'demo', rootFile, edition: '2021', cfg: makeCfgEnv({ features: [] }) }, cache);
  assert.ok(crate);
  const findings = checkCrate(crate, { rules: settings.rules, safeTypes: settings.safeTypes });
  cache.dispose();
  return {
    findings: findings.map((f) => `${f.rule} ${f.message}`),
    fragments: cache.fragments,
    fragmentChars: cache.fragmentChars,
  };
}

/** The same crate with every macro call of its bodies expanded, as before this rule: the reference. */
async function runExpandingEverything(lib: string): Promise<string[]> {
  // A body that declares an item of its own has every call expanded: add one to each body.
  return (await run(lib.replace(/(fn \w+\(\) \{)/g, '$1 struct __Reference;'))).findings;
}

const EXPORT = 'pub struct Plain { pub s: String }\n#[no_mangle]\npub extern "C" fn exported(p: Plain) {}\n';

describe('macro calls in function bodies', () => {
  it('leaves a call that can only write statements unexpanded', async () => {
    const lib = `${EXPORT}macro_rules! twice { ($e:expr) => { $e; $e; }; }\nfn f() { twice!(1 + 1); twice!(2); }\n`;
    const lazy = await run(lib);
    assert.strictEqual(lazy.fragments, 0, 'no expansion of a statement-only body call is parsed');
    assert.deepStrictEqual(lazy.findings, await runExpandingEverything(lib));
    assert.strictEqual(lazy.findings.length, 1, 'the export outside the body is still checked');
  });

  it('expands a call whose macro reaches an extern item through another macro of the crate', async () => {
    const lib =
      'pub struct Plain { pub s: String }\n' +
      'macro_rules! declare { ($n:ident) => { extern "C" { fn $n(p: Plain); } }; }\n' +
      'macro_rules! outer { ($n:ident) => { declare!($n); }; }\n' +
      'pub fn f() { outer!(imported); }\n';
    const result = await run(lib);
    assert.ok(result.fragments >= 2, 'both expansions are parsed');
    assert.ok(
      result.findings.some((f) => f.includes('Plain')),
      `the extern block inside the body is checked: ${result.findings.join('; ')}`,
    );
  });

  it('expands a call whose arguments hold an extern function', async () => {
    const lib =
      'pub struct Plain { pub s: String }\n' +
      'macro_rules! wrap { ($($t:tt)*) => { $($t)* }; }\n' +
      'pub fn f() { wrap! { extern "C" fn inner(p: Plain) {} } }\n';
    const result = await run(lib);
    assert.strictEqual(result.fragments, 1);
    assert.ok(
      result.findings.some((f) => f.includes('Plain')),
      result.findings.join('; '),
    );
  });

  it('expands every call of a body that declares items of its own', async () => {
    // The struct comes from a statement-like macro, the extern fn that uses it is written in the body.
    const lib =
      'macro_rules! make { ($n:ident) => { struct $n { s: String } }; }\n' +
      'pub fn f() { make!(Local); extern "C" fn g(p: Local) {} }\n';
    const lazy = await run(lib);
    assert.strictEqual(lazy.fragments, 1);
    assert.deepStrictEqual(lazy.findings, await runExpandingEverything(lib));
    assert.ok(
      lazy.findings.some((f) => f.includes('Local')),
      lazy.findings.join('; '),
    );
  });
});

describe('macro expansions that are only macro calls', () => {
  const expansion = { at: { file: '/demo/lib.rs', span: { start: 0, end: 1 } }, id: 1 };
  // Any map back to the source will do, as long as both readings use the same one.
  const mapOrigin = (o: Origin): Origin => ({
    file: '/demo/lib.rs',
    span: { start: o.span.start + 7, end: o.span.end + 9 },
  });
  const origin = (start: number, end: number): Origin => mapOrigin({ file: '/demo/lib.rs', span: { start, end } });

  it('reads plainly written calls without a parse, as the parse reads them', async () => {
    const parser = await loadParser();
    const texts = [
      's ! ( it : pub struct A { pub a : u8 , } ) ;',
      '__item ! { # [ repr ( C ) ] pub struct B { pub s : :: String , } }',
      'crate :: inner :: m ! [ 1 , 2 , "three" ] ; self :: n ! { x => y } super :: o ! ( ) ;',
      'a ! ( 0x10u8 , b ! ( ) ) ;\n\tc ! { } d ! { } ;',
    ];
    for (const text of texts) {
      const calls = plainCalls(text, expansion, origin);
      assert.ok(calls, text);
      const parsed = parseRust(parser, text);
      try {
        assert.deepStrictEqual(calls, extractItemsFromTree('/demo/lib.rs', parsed, origin, expansion), text);
      } finally {
        parsed.tree.delete();
      }
    }
  });

  it('leaves anything else to the parse', () => {
    for (const text of [
      '',
      '# [ allow ( unused ) ] a ! ( 1 ) ;',
      'a ! ( 1 ) b ! ( 2 ) ;',
      'macro_rules ! m { ( ) => { } }',
      "a ! ( 'x' ) ;",
      'a ! ( 1.5 ) ;',
      'a != ( b ) ;',
      'crate ! ( x ) ;',
      'fn ! ( x ) ;',
      'a ! ( 1 ) ; pub struct S ;',
      'a ! b ;',
    ])
      assert.strictEqual(plainCalls(text, expansion, origin), null, text);
  });

  it("parses libc's `s!` structs once each, the calls leading to them not at all", async () => {
    const lib =
      'macro_rules! __item { ($i:item) => { $i }; }\n' +
      'macro_rules! s {\n' +
      '    ($($(#[$attr:meta])* pub $t:ident $i:ident { $($field:tt)* })*) => ($(s!(it: $(#[$attr])* pub $t $i { $($field)* });)*);\n' +
      '    (it: $(#[$attr:meta])* pub struct $i:ident { $($field:tt)* }) => (__item! { #[repr(C)] $(#[$attr])* pub struct $i { $($field)* } });\n' +
      '}\n' +
      's! {\n    pub struct First { pub name: String }\n    pub struct Second { pub value: u32 }\n}\n' +
      '#[no_mangle]\npub extern "C" fn takes(a: First, b: Second) {}\n';
    const result = await run(lib);
    assert.strictEqual(result.fragments, 2, 'one parse for each struct, none for the `s!` and `__item!` calls');
    assert.ok(
      result.findings.some((f) => f.includes('First') && f.includes('String')),
      result.findings.join('; '),
    );
    assert.ok(!result.findings.some((f) => f.includes('Second')), result.findings.join('; '));
  });

  it("reads a muncher's trailing call as tokens: each level parses only what it writes before it", async () => {
    // `exports!` writes one function per name and calls itself with the rest, as compiler_builtins'
    // `intrinsics!` does: parsed whole, each level would parse again every name that follows.
    const muncher = (recurse: string, names: string): string =>
      'macro_rules! exports {\n    () => {};\n' +
      `    ($name:ident $($rest:tt)*) => { ${recurse} };\n}\n` +
      `exports!(${names});\n`;
    const item = '#[no_mangle] pub extern "C" fn $name(s: String) {}';
    const six = 'a b c d e f';
    const trailing = await run(muncher(`${item} exports!($($rest)*);`, six));
    const leading = await run(muncher(`exports!($($rest)*); ${item}`, six));
    const attributed = await run(muncher(`${item} #[cfg(all())] exports!($($rest)*);`, six));
    assert.strictEqual(trailing.findings.length, 6, trailing.findings.join('; '));
    // The same findings (in the order the levels write them: the leading call writes the last name first).
    assert.deepStrictEqual(trailing.findings, [...leading.findings].reverse());
    assert.deepStrictEqual(attributed.findings, trailing.findings);
    // What is parsed grows with the number of levels, not with its square.
    const twelve = await run(muncher(`${item} exports!($($rest)*);`, `${six} g h i j k l`));
    assert.strictEqual(twelve.findings.length, 12);
    assert.strictEqual(twelve.fragmentChars, 2 * trailing.fragmentChars);
  });
});

describe("a muncher's trailing call transcribed to tokens", function () {
  this.timeout(120_000);

  /** Every module's items, expansion ids numbered in order of appearance (each load numbers them afresh). */
  const itemsOf = (crates: readonly Crate[]): string => {
    const ids = new Map<number, number>();
    return JSON.stringify(
      crates.map((c) => c.modules.map((m) => m.items)),
      (key, value: unknown) =>
        key === 'id' && typeof value === 'number' ? (ids.get(value) ?? ids.set(value, ids.size).size - 1) : value,
    );
  };

  /** The crates loaded with the trailing calls transcribed, and written out and read back. */
  const bothWays = async (load: () => Promise<Crate[]>): Promise<[string, string]> => {
    const transcribed = itemsOf(await load());
    expansionReading.transcribeTrailingCalls = false;
    try {
      return [transcribed, itemsOf(await load())];
    } finally {
      expansionReading.transcribeTrailingCalls = true;
    }
  };

  it('gives the items reading its text back gives, in every fixture crate', async () => {
    const [transcribed, read] = await bothWays(async () => (await loadFixtureCrates()).map((f) => f.crate));
    assert.ok(transcribed.includes('"macro-call"'), 'the fixtures expand macros');
    assert.strictEqual(transcribed, read);
  });

  it('gives the same items whatever its rest holds, and leaves to the text what is not plain', async () => {
    const muncher = (name: string, rule: string, rest: string): string =>
      `macro_rules! ${name} {\n    () => {};\n    ${rule}\n}\n${name}! { ${rest} }\n`;
    const lib = [
      // compiler_builtins' shape: one function written, the rest handed on through `$crate::`.
      muncher(
        'intrinsics',
        '(pub extern $abi:tt fn $name:ident($($a:ident: $t:ty),*) -> $r:ty { $($body:tt)* } $($rest:tt)*) => { #[no_mangle] pub extern $abi fn $name($($a: $t),*) -> $r { $($body)* } $crate::intrinsics! { $($rest)* } };',
        'pub extern "C" fn f(a: u32, b: [u8; 4]) -> u32 { a + 0x10u32 } pub extern "C" fn g(s: String) -> u8 { if true { 1 } else { 2 } }',
      ),
      // An `ident` written at its `$name`, a separator, a nested repetition, a marker the rule writes.
      muncher(
        'exports',
        '(@names $($n:ident),+ ; $($rest:tt)*) => { $(#[no_mangle] pub extern "C" fn $n(x: Vec<u8>) {})+ exports!(@names $($rest)*); };\n    (@names) => {};',
        '@names a, b ; @names c ;',
      ),
      // What the lexer does not read plainly and the parse reads as one token (a float, a character, a string
      // with escapes, raw or of bytes) or as two (a lifetime: its quote, then its name), and a doc comment,
      // handed to a call left unexpanded, which keeps them.
      muncher(
        'kinds',
        '($name:ident $($rest:tt)*) => { pub struct $name; elsewhere! { $($rest)* } };',
        'K { 1.5 2.5e-3f64 } \'c\' \'\\n\' b\'x\' "a\\"b" b"y" r#"raw"# &\'static str /// doc\n',
      ),
      // A raw identifier only the parse reads: the call is written out.
      muncher(
        'odd',
        "($name:ident $($rest:tt)*) => { pub struct $name<'a> { pub s: &'a str, pub f: f64 } odd! { $($rest)* } };",
        'A B r#type C',
      ),
      // A lifetime's quote written twice: `' '`, a character once written out, takes the rule for literals.
      `macro_rules! quotes {\n    ($c:literal $($rest:tt)*) => { pub struct OneChar; };\n` +
        '    (@ $q:tt $($rest:tt)*) => { pub struct Quoted; quotes! { $q $q $($rest)* } };\n' +
        '    ($a:tt $b:tt $($rest:tt)*) => { pub struct TwoTokens; };\n}\n' +
        "quotes! { @ 'a }\n",
      // A muncher that calls itself first, then writes its item; and one whose first call is written with
      // a raw identifier, which only the parse reads.
      muncher(
        'first',
        '($name:ident $($rest:tt)*) => { first! { $($rest)* } #[no_mangle] pub extern "C" fn $name(v: Vec<u8>) {} };',
        'p q r',
      ),
      muncher(
        'rawfirst',
        '($name:ident) => { rawfirst!(r#type = 1); pub struct $name; };\n    (r#type = 1) => {};',
        'S',
      ),
      // nix's `libc_enum!` shape: steps that are nothing but the call to the next, the variants gathered so far
      // handed on (with a `$crate::` path, and with `(…);`), until the last writes the enum.
      muncher(
        'gather',
        '(@done [$($v:tt)*]) => { #[repr(C)] pub enum Gathered { $($v)* } };\n' +
          '    (@step [$($v:tt)*] $first:ident = $value:expr, $($rest:tt)*) => { $crate::gather! { @step [$($v)* #[cfg(all())] $first = $value,] $($rest)* } };\n' +
          '    (@step [$($v:tt)*]) => { gather!(@done [$($v)*]); };\n' +
          '    (@start $($rest:tt)*) => { gather! { @step [] $($rest)* } };',
        '@start A = 1, B = 2 << 3, C = -4,',
      ),
      // A lifetime bound to its fragment, handed on.
      muncher(
        'lifetimes',
        '($lt:lifetime $name:ident $($rest:tt)*) => { pub struct $name<$lt> { pub s: &$lt str } lifetimes! { $($rest)* } };',
        "'a G 'b H",
      ),
      // A call left unexpanded keeps its tokens: the groups of the rest handed on, as written and read back.
      muncher(
        'handoff',
        '($first:ident $($rest:tt)*) => { pub struct $first; elsewhere! { $($rest)* } };',
        'H (a, [b]) { c }',
      ),
      '#[no_mangle]\npub extern "C" fn takes(a: A<\'static>) {}\n',
    ].join('\n');
    const dir = tempDir();
    const rootFile = path.join(dir, 'lib.rs');
    fs.writeFileSync(rootFile, lib);
    const parser = await loadParser();
    const load = (): Promise<Crate[]> => {
      const cache = new SourceCache(parser, new DiskSource(defaultSettings().maxFileSize));
      const crate = loadCrate({ name: 'demo', rootFile, edition: '2021', cfg: makeCfgEnv({ features: [] }) }, cache);
      assert.ok(crate);
      cache.dispose();
      return Promise.resolve([crate]);
    };
    const [transcribed, read] = await bothWays(load);
    for (const name of ['"f"', '"g"', '"a"', '"b"', '"c"', '"A"', '"takes"'])
      assert.ok(transcribed.includes(name), name);
    assert.strictEqual(transcribed, read);
  });
});

describe('expanded macro calls', () => {
  it('keep no tokens in the crate once expanded; the file read keeps its own', async () => {
    const dir = tempDir();
    const rootFile = path.join(dir, 'lib.rs');
    fs.writeFileSync(
      rootFile,
      'macro_rules! wrap { ($($t:tt)*) => { inner! { $($t)* } }; }\n' +
        'macro_rules! inner { ($($t:tt)*) => { $($t)* }; }\n' +
        'wrap! { pub struct A { pub a: u8 } }\n' +
        'unknown! { pub struct B; }\n',
    );
    const settings = defaultSettings();
    const cache = new SourceCache(await loadParser(), new DiskSource(settings.maxFileSize));
    const crate = loadCrate({ name: 'demo', rootFile, edition: '2021', cfg: makeCfgEnv({ features: [] }) }, cache);
    assert.ok(crate);
    const calls = crate.root.items.flatMap((i) => (i.kind === 'macro-call' ? [i] : []));
    assert.deepStrictEqual(
      calls.map((c) => [c.macroName, c.tokens.length]),
      [
        ['wrap', 0],
        ['inner', 0],
        ['unknown', 4],
      ],
      'the expanded calls (the file’s and the expansion’s) without tokens, the unexpanded one with them',
    );
    assert.ok(crate.root.items.some((i) => i.kind === 'struct' && i.name === 'A'));
    const fileCalls = cache.get(rootFile)!.items.items.flatMap((i) => (i.kind === 'macro-call' ? [i] : []));
    assert.ok(fileCalls[0].tokens.length > 0, 'the file’s own call keeps its tokens for the next crate that reads it');
    cache.dispose();
  });
});
