import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { Edit, Parser } from 'web-tree-sitter';
import { extractItems, extractItemsReusing, TextEdit } from '../server/src/core/syntax/items';
import type { FileItems } from '../server/src/core/syntax/model';
import { loadParser, ParsedFile, parseRust } from '../server/src/core/syntax/parse';
import { FIXTURES_DIR, listRustFiles } from './harness/fixtures';
import { prng } from './harness/prng';

/**
 * An edited document's items read again only where the edits were (`extractItemsReusing`) are the items
 * of reading the whole new tree, after any edit: typed or deleted anywhere, one at a time or several
 * before the items are read again (inert edits leave them stale).
 */

const FILE = '/virtual/lib.rs';

let parser: Parser;

/** A document as the editor keeps it: its tree, and its items as last read. */
interface Doc {
  parsed: ParsedFile;
  items: FileItems;
}

function open(text: string): Doc {
  const parsed = parseRust(parser, text);
  return { parsed, items: extractItems(FILE, parsed, { reusable: true }) };
}

/** Replace `[start, oldEnd)` with `inserted`, re-parsing from the old tree as the editor does. */
function edit(doc: Doc, start: number, oldEnd: number, inserted: string): { parsed: ParsedFile; edit: TextEdit } {
  const text = doc.parsed.text;
  const next = text.slice(0, start) + inserted + text.slice(oldEnd);
  const point = (i: number, t: string): { row: number; column: number } => {
    const lines = t.slice(0, i).split('\n');
    return { row: lines.length - 1, column: lines[lines.length - 1].length };
  };
  const newEnd = start + inserted.length;
  doc.parsed.tree.edit(
    new Edit({
      startIndex: start,
      oldEndIndex: oldEnd,
      newEndIndex: newEnd,
      startPosition: point(start, text),
      oldEndPosition: point(oldEnd, text),
      newEndPosition: point(newEnd, next),
    }),
  );
  const parsed = parseRust(parser, next, doc.parsed);
  doc.parsed.tree.delete();
  return { parsed, edit: { start, oldEnd, newEnd } };
}

/** What typing does: a character of code, an opening or closing bracket, a quote, a comment's start… */
const TYPED = [
  'a',
  'x',
  '_',
  '0',
  ' ',
  '\n',
  '{',
  '}',
  '(',
  ')',
  '[',
  ']',
  ';',
  ',',
  ':',
  '#',
  '!',
  '"',
  "'",
  '/',
  '*',
  '<',
  '>',
  '&',
  '=',
  '\n\n',
];

function randomEdit(doc: Doc, next: () => number): { start: number; oldEnd: number; inserted: string } {
  const length = doc.parsed.text.length;
  const start = Math.floor(next() * (length + 1));
  const typed = TYPED[Math.floor(next() * TYPED.length)];
  const draw = next();
  if (draw < 0.3) return { start, oldEnd: Math.min(length, start + 1 + Math.floor(next() * 8)), inserted: '' };
  // A character typed over another: the text keeps its length, so every place after it stays.
  if (draw < 0.5) return { start, oldEnd: Math.min(length, start + 1), inserted: typed };
  return { start, oldEnd: start, inserted: typed };
}

describe('items read again after an edit', () => {
  before(async () => {
    parser = await loadParser();
  });

  it('are those of the whole new tree, edit after edit, in every fixture', () => {
    const next = prng(20261130);
    let reused = 0;
    for (const file of listRustFiles(FIXTURES_DIR)) {
      let doc = open(fs.readFileSync(file, 'utf8'));
      for (let step = 0; step < 12; step++) {
        const { start, oldEnd, inserted } = randomEdit(doc, next);
        const { parsed, edit: e } = edit(doc, start, oldEnd, inserted);
        const items = extractItemsReusing(FILE, parsed, doc.items, [e]);
        const whole = extractItems(FILE, parsed);
        assert.deepStrictEqual(
          items,
          whole,
          `${path.relative(FIXTURES_DIR, file)}, edit ${step + 1}: ${JSON.stringify(e)}`,
        );
        reused += items.items.filter((item) => doc.items.items.includes(item)).length;
        doc = { parsed, items };
      }
      doc.parsed.tree.delete();
    }
    // Most edits leave most items alone: they are kept, not read again.
    assert.ok(reused > 1000, `${reused} items kept as they were`);
  });

  it('are those of the whole new tree after several edits made before they are read', () => {
    const next = prng(7);
    for (const file of listRustFiles(FIXTURES_DIR)) {
      let doc = open(fs.readFileSync(file, 'utf8'));
      for (let round = 0; round < 4; round++) {
        const edits: TextEdit[] = [];
        let parsed = doc.parsed;
        for (let i = 0; i < 3; i++) {
          const { start, oldEnd, inserted } = randomEdit({ parsed, items: doc.items }, next);
          const made = edit({ parsed, items: doc.items }, start, oldEnd, inserted);
          parsed = made.parsed;
          edits.push(made.edit);
        }
        const items = extractItemsReusing(FILE, parsed, doc.items, edits);
        assert.deepStrictEqual(
          items,
          extractItems(FILE, parsed),
          `${path.relative(FIXTURES_DIR, file)}, round ${round + 1}`,
        );
        doc = { parsed, items };
      }
      doc.parsed.tree.delete();
    }
  });

  it('keep the items before an edit and move those after it', () => {
    const text =
      '#[repr(C)]\npub struct A { x: u32 }\n\n/// Docs.\n#[no_mangle]\npub extern "C" fn f(a: A) {}\n\nfn g() {}\n';
    const doc = open(text);
    const at = text.indexOf('a: A');
    const { parsed, edit: e } = edit(doc, at, at + 1, 'value');
    const items = extractItemsReusing(FILE, parsed, doc.items, [e]);
    assert.deepStrictEqual(items, extractItems(FILE, parsed));
    assert.strictEqual(items.items[0], doc.items.items[0], 'the struct before the edit is the same item');
    assert.notStrictEqual(items.items[1], doc.items.items[1], 'the edited function is read again');
    assert.strictEqual(items.items[2].origin.span.start, doc.items.items[2].origin.span.start + 'value'.length - 1);
    parsed.tree.delete();
  });

  it('are read whole when the document was not read to be reused', () => {
    const text = 'fn a() {}\nfn b() {}\n';
    const parsed = parseRust(parser, text);
    const doc = { parsed, items: extractItems(FILE, parsed) };
    const { parsed: after, edit: e } = edit(doc, text.length, text.length, 'fn c() {}\n');
    const items = extractItemsReusing(FILE, after, doc.items, [e]);
    assert.deepStrictEqual(items, extractItems(FILE, after));
    assert.notStrictEqual(items.items[0], doc.items.items[0]);
    after.tree.delete();
  });
});
