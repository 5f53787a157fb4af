import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import type { TextReplacement } from '../server/src/core/syntax/inert-edit';
import { FileScan, scanAfterEdit, scanFile } from '../server/src/core/syntax/scan';

/**
 * A keystroke in a word may keep a file's scan as it was (`scanAfterEdit`): whenever it says so, scanning
 * the edited text from scratch gives the same scan. Checked on every fixture source with edits typed into,
 * and deleted from, words all over it (names next to what the scan looks for among them), and on texts
 * written to sit on the scan's edges.
 */
describe('scan: a keystroke in a word keeps the scan when it cannot change it', () => {
  const FIXTURES = path.join(__dirname, '..', '..', 'test', 'fixtures');

  function rustFiles(dir: string): string[] {
    return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
      const full = path.join(dir, e.name);
      if (e.isDirectory()) return rustFiles(full);
      return e.name.endsWith('.rs') ? [full] : [];
    });
  }

  /** Near misses: a word beside each thing the scan reads (a definition, a call, a renaming, literals, a fragment). */
  const EDGES = [
    'struct Point { x: f64 }\nmod inner;\ntype Alias = u32;\nenum E { A }\ntrait T {}\nunion U { a: u8 }\n',
    'use crate::plain as p;\nfn f(len: usize) -> usize { vec![len]; p(); len as usize }\n',
    'fn g<\'a>(s: &\'a str) -> char { let c = \'x\'; let r = r"raw"; let b = b"x"; let h = r#"h"#; c }\n',
    '#[no_mangle]\npub extern "C" fn exported(handle: *mut Handle) -> i32 { 0 }\n#[export_name = "e"]\nfn e() {}\n',
    '#[path = "x.rs"]\nmod m;\n#[cfg_attr(unix, path = "u.rs")]\nmod u;\ninclude!("gen.rs");\nfn n() { let x = !flag; }\n',
    '/* block */ fn a(x: u8) {} // line\n/// doc\nfn b(y: u8) { let z = y / x * 2; }\n',
    'struct /* c */ Commented { a: u8 }\nenum // line\n  Next { A }\nfn g() { call /* c */ !(); let b = a /* c */ as u8; }\n',
  ];

  /** Every edit: a letter typed at the start, inside and at the end of each word, and each word's middle letter deleted. */
  function* wordEdits(text: string): Iterable<TextReplacement> {
    for (const m of text.matchAll(/[A-Za-z_][A-Za-z0-9_]*/g)) {
      const start = m.index;
      const end = start + m[0].length;
      yield { start, oldEnd: start, inserted: 'q' };
      yield { start: end, oldEnd: end, inserted: '_1' };
      const middle = start + (m[0].length >> 1);
      yield { start: middle, oldEnd: middle, inserted: 'x' };
      yield { start: middle, oldEnd: middle + 1, inserted: '' };
    }
  }

  function apply(text: string, edit: TextReplacement): string {
    return text.slice(0, edit.start) + edit.inserted + text.slice(edit.oldEnd);
  }

  function check(text: string, tally: { kept: number; scanned: number }): void {
    const before: FileScan = scanFile(text);
    for (const edit of wordEdits(text)) {
      const edited = apply(text, edit);
      const kept = scanAfterEdit(before, text, edited, edit);
      if (!kept) {
        tally.scanned++;
        continue;
      }
      tally.kept++;
      assert.deepStrictEqual(
        kept,
        scanFile(edited),
        `${JSON.stringify(edit)} in …${text.slice(edit.start - 40, edit.start + 40)}…`,
      );
    }
  }

  it('gives what scanning the edited text gives, on every fixture source', () => {
    const tally = { kept: 0, scanned: 0 };
    const files = rustFiles(FIXTURES);
    assert.ok(files.length > 50, `fixture sources found: ${files.length}`);
    for (const file of files) check(fs.readFileSync(file, 'utf8'), tally);
    // Both answers are given often: most words are plain names, and many stand beside what the scan reads.
    assert.ok(tally.kept > 1000 && tally.scanned > 1000, JSON.stringify(tally));
  });

  it('gives what scanning the edited text gives beside each thing the scan reads', () => {
    const tally = { kept: 0, scanned: 0 };
    for (const text of EDGES) check(text, tally);
    assert.ok(tally.kept > 20 && tally.scanned > 20, JSON.stringify(tally));
  });

  it('scans again a word typed next to what the scan reads', () => {
    const cases: [string, TextReplacement][] = [
      ['struct Point {}', { start: 8, oldEnd: 8, inserted: 'x' }], // the name a definition gives
      ['fn f() { wrap!(x); }', { start: 11, oldEnd: 11, inserted: 'x' }], // a macro call's name
      ['use a::b as c;', { start: 7, oldEnd: 7, inserted: 'x' }], // the word before `as`
      ['fn f() { structx(); }', { start: 15, oldEnd: 16, inserted: '' }], // a word becoming a keyword
      ['let s = x"";', { start: 9, oldEnd: 9, inserted: 'r' }], // beside a quote
      ['a / x * b', { start: 4, oldEnd: 5, inserted: '' }], // a word deleted whole
      ['macro_rules! m { () => { fn name() {} } }\nfn other() {}', { start: 48, oldEnd: 48, inserted: 'x' }],
      // A comment between the word and the keyword, `!` or `as` it stands next to, which the scan does not see.
      ['struct /* c */ Point {}', { start: 16, oldEnd: 16, inserted: 'x' }],
      ['struct // c\n  Point {}', { start: 16, oldEnd: 16, inserted: 'x' }],
      ['fn f() { wrap /* c */ !(x); }', { start: 11, oldEnd: 11, inserted: 'x' }],
      ['use a::b // c\n as c;', { start: 7, oldEnd: 7, inserted: 'x' }],
    ];
    for (const [text, edit] of cases)
      assert.strictEqual(scanAfterEdit(scanFile(text), text, apply(text, edit), edit), null, text);
  });

  it('keeps the scan, with the new size, for a keystroke in a plain name', () => {
    const text = 'pub extern "C" fn probe(len: usize) -> usize { len }\n';
    const edit = { start: 24, oldEnd: 24, inserted: 'x' };
    const kept = scanAfterEdit(scanFile(text), text, apply(text, edit), edit);
    assert.ok(kept);
    assert.strictEqual(kept.bytes, Buffer.byteLength(text) + 1);
  });

  it('scans again when the previous text is not the one the edit was made to', () => {
    const text = 'fn f(len: usize) {}';
    const edit = { start: 6, oldEnd: 6, inserted: 'x' };
    assert.strictEqual(scanAfterEdit(scanFile(text), text, 'fn f(lxen: usize) {} ', edit), null);
    assert.strictEqual(scanAfterEdit(scanFile(text), text, 'fn g(lxen: usize) {}', edit), null);
  });
});
