import * as assert from 'assert';
import { Edit, Parser } from 'web-tree-sitter';
import { loadParser, parseRust } from '../server/src/core/syntax/parse';
import { confirmEdit, probeEdit } from '../server/src/core/syntax/inert-edit';

/**
 * Which edits are inert (cannot change what a rule reads): typing in an ordinary comment or in the body
 * of a function that is not a boundary item, when the structure around it stays as it was.
 */

const SOURCE = `// an ordinary comment
/// a doc comment
#[no_mangle]
pub extern "C" fn exported(x: u32) -> u32 {
    x + 1
}

fn ordinary(values: &[u32]) -> u32 {
    let total = values.iter().sum();
    println!("{}", total);
    total
}

fn with_item() {
    fn nested() {}
}

pub fn wrap<F: FnOnce() -> u32>(f: F) -> u32 {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)).unwrap_or(0)
}

fn arms(x: Option<u8>) -> u8 {
    match x {
        #[cfg(unix)]
        Some(v) => v, // the unix arm
        _ => 0,
    }
}
`;

let parser: Parser;

/** Whether replacing the first occurrence of `at` (plus `offset`) with `inserted` is inert. */
function inert(at: string, inserted: string, removed = 0, offset = 0): boolean {
  const start = SOURCE.indexOf(at) + offset;
  assert.ok(start >= offset, `${at} is in the source`);
  const before = parseRust(parser, SOURCE);
  const edit = { start, oldEnd: start + removed, inserted };
  const probe = probeEdit(before, edit);
  const text = SOURCE.slice(0, start) + inserted + SOURCE.slice(start + removed);
  const point = (i: number, t: string): { row: number; column: number } => {
    const lines = t.slice(0, i).split('\n');
    return { row: lines.length - 1, column: lines[lines.length - 1].length };
  };
  before.tree.edit(
    new Edit({
      startIndex: start,
      oldEndIndex: start + removed,
      newEndIndex: start + inserted.length,
      startPosition: point(start, SOURCE),
      oldEndPosition: point(start + removed, SOURCE),
      newEndPosition: point(start + inserted.length, text),
    }),
  );
  const after = parseRust(parser, text, before);
  try {
    return !!probe && confirmEdit(probe, after);
  } finally {
    after.tree.delete();
    if (after.tree !== before.tree) before.tree.delete();
  }
}

describe('inert edits: typing that cannot change a finding', () => {
  before(async () => {
    parser = await loadParser();
  });

  it('typing in an ordinary comment is inert; in a doc comment, or breaking the comment, is not', () => {
    assert.ok(inert('an ordinary', 'x'));
    assert.ok(inert('an ordinary', '', 3));
    assert.ok(!inert('a doc comment', 'x'), 'doc comments are attributes');
    assert.ok(!inert('an ordinary', '\n'), 'a new line ends the comment');
    assert.ok(!inert('// an ordinary', '/', 0, 2), 'the third slash makes a doc comment');
    // The comment's node ends before its line's end: typing there extends it all the same.
    assert.ok(inert('an ordinary comment', 'x', 0, 'an ordinary comment'.length), "at the end of a file's comment");
    assert.ok(inert('the unix arm', 's', 0, 'the unix arm'.length), "at the end of a body's comment");
    assert.ok(!inert('an ordinary comment', '\nfn f() {}', 0, 'an ordinary comment'.length), 'a new line ends it');
  });

  it('typing in the body of an ordinary function is inert, but not in an export or around items', () => {
    assert.ok(inert('let total', 'x', 0, 4));
    assert.ok(inert('values.iter()', ' ', 0, 6));
    assert.ok(!inert('x + 1', 'x'), 'rules read the bodies of exports');
    assert.ok(!inert('fn nested', 'x', 0, 3), 'a body that declares an item');
    assert.ok(!inert('println!', 'x', 0, 10), 'inside a macro call');
    assert.ok(inert('Some(v) => v', 'v', 0, 'Some(v) => '.length), 'attributes on match arms declare nothing');
    // panic-across-ffi reads a `catch_unwind` wrapper's body for the boundaries that pass it closures.
    assert.ok(!inert('unwrap_or(0)', '1', 1, 'unwrap_or('.length), 'in a body that names catch_unwind');
    assert.ok(!inert('let total', 'catch_unwind(|| 1); ', 0, 0), 'a body made to name catch_unwind');
  });

  it('is not inert when the typed text changes the structure', () => {
    assert.ok(!inert('let total', 'fn g() {} ', 0, 0), 'a new item in the body');
    assert.ok(!inert('let total', '{', 0, 0), 'an unbalanced brace swallows what follows');
    assert.ok(!inert('let total', 'm!(); ', 0, 0), 'a new macro call');
  });
});
