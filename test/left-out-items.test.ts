import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { Parser, Range } from 'web-tree-sitter';
import type { BodyMacroTest } from '../server/src/core/syntax/item-words';
import { extractItems } from '../server/src/core/syntax/items';
import { itemsToLeaveOut } from '../server/src/core/syntax/left-out-items';
import type { FileItems } from '../server/src/core/syntax/model';
import {
  loadParser,
  ParsedFile,
  parseRust,
  parseRustLeavingOut,
  parseRustPiece,
  piecesOf,
} from '../server/src/core/syntax/parse';
import { SyntaxNode, SyntaxTree } from '../server/src/core/syntax/syntax-tree';

import { FIXTURES_DIR, listRustFiles } from './harness/fixtures';

/**
 * A file whose tree is not kept is parsed without its plain constants and foreign functions and the bodies
 * nothing reads (`left-out-items.ts`); the syntax tree puts them back. What is read from such a parse must
 * be what the whole parse gives, item for item, in a file and in each piece of a long one, without ever
 * asking for what was left out.
 */

const FILE = '/virtual/lib.rs';
const ROOT = path.resolve(FIXTURES_DIR, '..', '..');

let parser: Parser;

function read(parsed: ParsedFile): FileItems {
  try {
    return extractItems(FILE, parsed);
  } finally {
    parsed.tree.delete();
  }
}

function whole(text: string, range?: Range, bodyMacros?: BodyMacroTest): FileItems {
  const parsed = range ? parseRustPiece(parser, text, range) : parseRust(parser, text);
  return read(bodyMacros ? { ...parsed, bodyMacros } : parsed);
}

/**
 * The items of a parse that leaves the plain items out, how many it left out, and how many times the
 * extractors asked for what was left out (and so for the whole parse).
 */
function leavingOut(
  text: string,
  range?: Range,
  bodyMacros?: BodyMacroTest,
): { items: FileItems; leftOut: number; wholeParses: number } {
  const parsed = parseRustLeavingOut(parser, text, range, bodyMacros);
  const leftOut = parsed.leftOut?.items.length ?? 0;
  let wholeParses = 0;
  if (parsed.leftOut) {
    const wholeTree = parsed.leftOut.wholeTree;
    parsed.leftOut.wholeTree = () => {
      wholeParses++;
      return wholeTree();
    };
  }
  return { items: read(parsed), leftOut, wholeParses };
}

function sourceFiles(): string[] {
  const dirs = [
    'fixtures',
    'fixtures-abi',
    'fixtures-fix',
    'fixtures-fix-abi',
    'fixtures-features',
    'fixtures-targets',
  ];
  return [...dirs.map((d) => path.join(ROOT, 'test', d)), path.join(ROOT, 'examples')]
    .filter((d) => fs.existsSync(d))
    .flatMap(listRustFiles);
}

describe('items left out of the parse', () => {
  before(async () => {
    parser = await loadParser();
  });

  it('give the items of the whole parse in every fixture and example file, whole and cut in pieces', () => {
    let leftOut = 0;
    let cut = 0;
    for (const file of sourceFiles()) {
      const text = fs.readFileSync(file, 'utf8');
      const name = path.relative(ROOT, file);
      const read = leavingOut(text);
      leftOut += read.leftOut;
      assert.deepStrictEqual(read.items, whole(text), name);
      // What is left out is what the extractors do not read: they never need the whole parse.
      assert.strictEqual(read.wholeParses, 0, name);
      const pieces = piecesOf(text, 1);
      if (!pieces || pieces.length < 2) continue;
      cut++;
      for (const range of pieces) assert.deepStrictEqual(leavingOut(text, range).items, whole(text, range), name);
    }
    assert.ok(leftOut > 100, `${leftOut} items left out`);
    assert.ok(cut > 100, `${cut} files cut in pieces`);
  });

  it('are found where a list of items holds them, and nowhere else', () => {
    const cases: [source: string, leftOut: string[]][] = [
      ['pub const A: u32 = 1;', ['pub const A: u32 = 1;']],
      ['\n\n  const A: u8 = 1;\nconst B: u8 = 2;  \n', ['const A: u8 = 1;', 'const B: u8 = 2;']],
      ['#![allow(x)]\n/// A.\n#[cfg(unix)]\npub const A: u8 = 1;\nfn f() {}', ['x', 'unix', 'pub const A: u8 = 1;']],
      // A plain attribute's arguments (its text is read); not those of one read from the tree.
      [
        '#[derive(Debug, Clone)]\n#[repr(C)]\n#[doc = "x"]\n#[a::b(c /* d */)]\n#[unsafe(no_mangle)]\n#[e()]\nstruct S;\n' +
          'extern "C" {\n  #[link_name = "g"]\n  #[cfg(all(unix, not(x)))]\n  fn f();\n}',
        ['Debug, Clone', 'C', 'all(unix, not(x))', 'fn f();'],
      ],
      [
        "const C: u32 = { 3 };\nconst D: S = S { a: 1 }.b();\nconst E: u8 = b';' as u8;",
        ['const C: u32 = { 3 };', 'const D: S = S { a: 1 }.b();', "const E: u8 = b';' as u8;"],
      ],
      [
        'mod a {\n  pub(crate) mod b { const X: u8 = 1; }\n  extern { fn f(x: *mut T); }\n}',
        ['const X: u8 = 1;', 'fn f(x: *mut T);'],
      ],
      [
        'extern "C" {\n  // ; }\n  pub fn f(a: c_int) -> c_int;\n  static S: u8;\n  pub fn g(_: u8, ...);\n}',
        ['pub fn f(a: c_int) -> c_int;', 'pub fn g(_: u8, ...);'],
      ],
      ['pub const fn f() -> u8 { 1 }\nconst G: u8 = 2;', [' 1 ', 'const G: u8 = 2;']],
      ['impl S { const A: u8 = 1; }\nfn f() { const B: u8 = 2; }\ntrait T { const C: u8; }', ['const A: u8 = 1;']],
      // Bodies: left out unless a rule reads them (a C ABI, `catch_unwind`) or they may declare items.
      [
        'impl<T: Tr> S<T> where T: Copy {\n  pub fn a(&self) -> u8 { self.0 }\n  fn b() {}\n}\n' +
          'unsafe trait Tr { fn c(&self); fn d(&self) { x(); } }\npub(crate) async unsafe fn e() { y().await }',
        [' self.0 ', ' x(); ', ' y().await '],
      ],
      // A block in a const generic argument is taken for the list: the scan loses its way and stops there.
      ['const A: u8 = 1;\nimpl S<{ 1 }> { fn a() { b() } }\nconst B: u8 = 2;', ['const A: u8 = 1;']],
      [
        'pub extern "C" fn a() { f() }\nunsafe extern fn b() { g() }\nfn c() { catch_unwind(|| 1); }\n' +
          'fn d() { struct S; }\nfn e() { m!(); }\nfn f() { println!("{}", 1); }',
        [' println!("{}", 1); '],
      ],
      // An item-level macro call's plain token tree (its tokens are read from the text); a macro's rules are not.
      [
        'macro_rules! m { ($a:ident) => { pub const $a: u32 = 1; }; }\nm! { pub const X: u8 = 1; }\nconst Y: u8 = 2;',
        [' pub const X: u8 = 1; ', 'const Y: u8 = 2;'],
      ],
      [
        'a::b!(x, 1);\n::c! [y];\nm!{}\nmod i { s! {\n  /// A doc.\n  pub struct S { a: u8 } // plain\n} }\n' +
          "impl S { m!(z); }\nfn f() { m!(w); }\nm!('a);\nm!($x);\nm!(/* c */ x);\nm!(1.5);\nm!(r#x);",
        ['x, 1', 'y', '\n  /// A doc.\n  pub struct S { a: u8 } // plain\n', 'z'],
      ],
      ['const S: &str = "}"; const T: u8 = 1; /* } */ const U: u8 = 2;', ['const T: u8 = 1;', 'const U: u8 = 2;']],
      ['pub(crate) const A: u8 = 1;\nconst B: Option<u8> = None;\nextern "C" { fn f(x: &u8); }', []],
    ];
    for (const [source, expected] of cases) {
      // Bodies and token trees of any length: where they are searched for is what is tested here.
      const found = itemsToLeaveOut(source, 0, source.length, 1).map((i) => source.slice(i.start, i.end));
      assert.deepStrictEqual(found, expected, source);
      const read = leavingOut(source);
      assert.deepStrictEqual(read.items, whole(source), source);
    }
  });

  it("leave out a body whose macro calls write no item, told which of the crate's macros may", () => {
    const source =
      'fn a(v: &[u8]) -> u8 { idx!(v[0]) }\nfn b() { make!(); }\nfn c() { log!("x"); idx!(w[1]); }\n' +
      'fn d() { fn inner() {} idx!(x[2]); }';
    const mayWrite: BodyMacroTest = (name) => name === 'make';
    const found = (test?: BodyMacroTest): string[] =>
      itemsToLeaveOut(source, 0, source.length, 1, test).map((i) => source.slice(i.start, i.end));
    assert.deepStrictEqual(found(mayWrite), [' idx!(v[0]) ', ' log!("x"); idx!(w[1]); ']);
    assert.deepStrictEqual(found(), [], 'untold, any macro call may write an item');
    // The extraction is told what the parse was: it reads the bodies the parse kept, and no other.
    const read = leavingOut(source, undefined, mayWrite);
    assert.strictEqual(read.wholeParses, 0);
    assert.deepStrictEqual(read.items, whole(source, undefined, mayWrite));
    const calls = (items: FileItems): string[] =>
      items.items.flatMap((i) => (i.kind === 'fn' ? i.nested.map((n) => `${i.name}: ${n.kind}`) : []));
    assert.deepStrictEqual(calls(read.items), ['b: macro-call', 'd: fn', 'd: macro-call']);
  });

  it('leave in the bodies and token trees shorter than a range costs the parse', () => {
    const source =
      '#[repr(C)]\n#[derive(Debug, Clone, Copy, PartialEq)]\npub struct S { a: u8 }\n' +
      'impl Default for S { fn default() -> Self { S::ZERO } }\n' +
      'fn f() -> u8 { let (a, b) = (1, 2); a + b }\nm!(x);\nm! { pub struct T { b: u16 } }';
    const found = itemsToLeaveOut(source).map((i) => source.slice(i.start, i.end));
    assert.deepStrictEqual(found, [
      'Debug, Clone, Copy, PartialEq',
      ' let (a, b) = (1, 2); a + b ',
      ' pub struct T { b: u16 } ',
    ]);
    assert.deepStrictEqual(leavingOut(source).items, whole(source));
  });

  it('are found in time linear in the text, even where items open as plain ones and never end', () => {
    // Each `const` below searches for its `;` only so far: a search to the end of the text for each (the
    // mocha timeout's worth of work, and more) would find the last one's.
    const text = 'const A: S = S {}\n'.repeat(100_000) + 'const B: u8 = 1;\n';
    assert.deepStrictEqual(
      itemsToLeaveOut(text).map((i) => text.slice(i.start, i.end)),
      ['const B: u8 = 1;'],
    );
  });

  it('are not left out where the parse must blank keywords first, or where the rest has a syntax error', () => {
    const sources = [
      'const A: u8 = 1;\nunsafe extern "C" { safe fn f(); }',
      'const A: u8 = 1;\nextern r"C" fn g() {}',
      'const A: u8 = 1;\nstruct S { a: }\nconst B: u8 = 2;',
      'const A: u8 = 1;\nfn f( {\nconst B: u8 = 2;',
    ];
    for (const source of sources) {
      const read = leavingOut(source);
      assert.strictEqual(read.leftOut, 0, source);
      assert.deepStrictEqual(read.items, whole(source), source);
    }
    // A function pointer's `unsafe extern` is not a block: the constants beside it are left out.
    const pointer = 'type F = unsafe extern "C" fn();\nconst A: u8 = 1;';
    assert.strictEqual(leavingOut(pointer).leftOut, 1);
  });

  it('leave a syntax error unseen only inside a body nothing reads', () => {
    // tree-sitter's grammar reads `&raw` as a raw borrow (indexmap's `&raw::DebugIndices(…)`); rustc does not.
    const inBody = 'fn f(x: &X) -> u8 { g(&raw::h(x)) }\nconst A: u8 = 1;';
    const read = leavingOut(inBody);
    const all = whole(inBody);
    assert.ok(all.syntaxErrors.length > 0);
    assert.deepStrictEqual(read.items, { ...all, syntaxErrors: [] });
    // In a body that is read (a C function's), the error is seen, and the file read from the whole parse.
    const read2 = 'pub extern "C" fn f(x: &X) -> u8 { g(&raw::h(x)) }\nconst A: u8 = 1;';
    assert.deepStrictEqual(leavingOut(read2).items, whole(read2));
    assert.ok(whole(read2).syntaxErrors.length > 0);
  });

  it('answer for their children and their tree-sitter node from the whole parse', () => {
    const text = 'const A: u8 = 1;\nextern "C" {\n  fn f(x: *mut T) -> u8;\n}\nfn g() {}\n';
    const full = parseRust(parser, text);
    const part = parseRustLeavingOut(parser, text);
    assert.strictEqual(part.leftOut?.items.length, 2);
    const fullTree = new SyntaxTree(full.tree, text);
    const partTree = new SyntaxTree(part.tree, text, true, false, part.leftOut);
    try {
      const shape = (n: SyntaxNode): unknown => [n.type, n.startIndex, n.endIndex, n.children.map(shape)];
      assert.deepStrictEqual(shape(partTree.root), shape(fullTree.root));
      const constant = partTree.root.children[0];
      assert.strictEqual(constant.type, 'const_item');
      assert.strictEqual(constant.realNode().text, 'const A: u8 = 1;');
    } finally {
      partTree.dispose();
      fullTree.dispose();
      full.tree.delete();
      part.tree.delete();
    }
  });
});
