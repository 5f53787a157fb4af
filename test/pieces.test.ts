import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { Parser } from 'web-tree-sitter';
import { extractItems } from '../server/src/core/syntax/items';
import type { FileItems } from '../server/src/core/syntax/model';
import {
  loadParser,
  parseRust,
  parseRustLeavingOut,
  parseRustPiece,
  piecesOf,
  PIECEWISE_PARSE_CHARS,
} from '../server/src/core/syntax/parse';
import { FileSource, SourceCache } from '../server/src/core/workspace/crates';

import { FIXTURES_DIR, listRustFiles } from './harness/fixtures';

/**
 * A long file whose tree is not kept is parsed a piece at a time (runs of whole top-level items), so the
 * parser's memory holds one piece's tree at most: its items are those of the whole tree.
 */

const FILE = '/virtual/lib.rs';

let parser: Parser;

function whole(text: string): FileItems {
  const parsed = parseRust(parser, text);
  try {
    return extractItems(FILE, parsed);
  } finally {
    parsed.tree.delete();
  }
}

/** The items read piece by piece, or null when the text is not cut. */
function inPieces(text: string, size: number): FileItems | null {
  const pieces = piecesOf(text, size);
  if (!pieces) return null;
  const read = pieces.map((range) => {
    const parsed = parseRustPiece(parser, text, range);
    try {
      return extractItems(FILE, parsed);
    } finally {
      parsed.tree.delete();
    }
  });
  return {
    file: FILE,
    innerAttrs: read.flatMap((r) => r.innerAttrs),
    items: read.flatMap((r) => r.items),
    syntaxErrors: read.flatMap((r) => r.syntaxErrors),
  };
}

describe('a long file parsed in pieces', () => {
  before(async () => {
    parser = await loadParser();
  });

  it('gives the items of the whole tree, in every fixture cut as small as it can be', () => {
    let cut = 0;
    for (const file of listRustFiles(FIXTURES_DIR)) {
      const text = fs.readFileSync(file, 'utf8');
      const pieces = piecesOf(text, 1);
      const items = inPieces(text, 1);
      if (!items) continue;
      if (pieces!.length > 1) cut++;
      assert.deepStrictEqual(items, whole(text), path.relative(FIXTURES_DIR, file));
    }
    assert.ok(cut > 100, `${cut} fixtures cut in several pieces`);
  });

  it('cuts only between items', () => {
    const text = [
      'const X: u8 = if true { 1 } else { 2 };',
      'static T: [u8; 2] = { [1, 2] };',
      'const Y: S = S { a: 1 }.with(2);',
      'macro_rules! m { () => { fn g() {} }; }',
      'm! { }',
      '#[repr(C)]',
      'pub struct A { x: u32 }',
      '/// Docs. }',
      "fn f() -> char { '}' }",
      'extern "C" { fn c(a: A); }',
    ].join('\n');
    const cuts = piecesOf(text, 1)!.map((r) => text.slice(r.startIndex, r.endIndex).trim());
    assert.deepStrictEqual(cuts, [
      'const X: u8 = if true { 1 } else { 2 };',
      'static T: [u8; 2] = { [1, 2] };',
      'const Y: S = S { a: 1 }.with(2);',
      'macro_rules! m { () => { fn g() {} }; }',
      'm! { }',
      '#[repr(C)]\npub struct A { x: u32 }',
      "/// Docs. }\nfn f() -> char { '}' }",
      'extern "C" { fn c(a: A); }',
    ]);
  });

  it('is parsed whole when its brackets do not balance, or when the parse must blank keywords first', () => {
    assert.strictEqual(piecesOf('fn f() {}\n}\nfn g() {}\n', 1), null);
    assert.strictEqual(piecesOf('fn f() {\nfn g() {}\n', 1), null);
    assert.strictEqual(piecesOf('fn f() {}\nunsafe extern "C" { safe fn g(); }\n', 1), null);
    assert.strictEqual(piecesOf('fn f() {}\nextern r"C" fn g() {}\n', 1), null);
  });

  it('is what the cache reads of a long file whose tree it does not keep', () => {
    const item = (i: number): string =>
      `/// Item ${i}.\n#[repr(C)]\npub struct S${i} { x: u32, y: [u8; 4] }\n` +
      `#[no_mangle]\npub extern "C" fn f${i}(s: S${i}, t: &str) -> u32 { s.x }\n`;
    const parts: string[] = [];
    for (let i = 0, length = 0; length <= PIECEWISE_PARSE_CHARS; i++) {
      parts.push(item(i));
      length += parts[parts.length - 1].length;
    }
    const text = parts.join('');
    const source: FileSource = {
      read: (f) => (f === FILE ? text : null),
      exists: (f) => f === FILE,
      list: () => [],
      modifiedAt: () => null,
    };
    const cache = new SourceCache(parser, source, () => false);
    const read = cache.get(FILE);
    assert.ok(read);
    assert.ok(piecesOf(text)!.length > 1, 'the text is cut');
    assert.deepStrictEqual(read.items, whole(text));
    assert.strictEqual(cache.hasTree(FILE), false);
  });
});

describe('the text given to the parser a chunk at a time', () => {
  it('never splits a surrogate pair: a character past the chunk is lexed whole', async () => {
    const parser = await loadParser();
    // web-tree-sitter reads 5,119 UTF-16 code units at a time, from 0 or from an included range's start.
    // The pair starts on the last code unit of the first chunk read after `prefix`.
    const around = (prefix: string): string => {
      const head = 'fn f() { m![';
      return prefix + head + ' '.repeat(5119 - head.length - 2) + "'𐍈'];}\n";
    };
    for (const [text, chunkStart] of [
      [around(''), 0],
      [around('const A: u8 = 1;\n'), 17],
    ] as const) {
      assert.strictEqual(text.indexOf('𐍈'), chunkStart + 5118);
      for (const parsed of [parseRust(parser, text), parseRustLeavingOut(parser, text)]) {
        try {
          const tokenTree = parsed.tree.rootNode.descendantsOfType('token_tree')[0];
          assert.strictEqual(tokenTree.namedChildren.map((n) => n.type).join(), 'char_literal');
        } finally {
          parsed.tree.delete();
        }
      }
    }
  });
});
