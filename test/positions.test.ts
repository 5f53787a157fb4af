import * as assert from 'assert';
import { LineIndex, offsetOf } from '../server/src/core/syntax/positions';
import { applyChanges } from '../server/src/core/syntax/text-edits';

/** An editor's positions as offsets: found by a scan of the lines before them as the line index finds them. */
describe('positions', () => {
  const TEXTS = [
    '',
    'a',
    '\n',
    'fn f() {}\n',
    'one\r\ntwo\r\n\r\nfour',
    'x\n\n\ny',
    'é\u{1F600}z\nline two',
    'no newline at end',
  ];

  it('offsetOf answers what LineIndex.offset answers, past the end of a line or of the text too', () => {
    for (const text of TEXTS) {
      const index = new LineIndex(text);
      for (let line = 0; line <= index.lineCount() + 1; line++)
        for (let character = 0; character <= text.length + 2; character++)
          assert.strictEqual(
            offsetOf(text, { line, character }),
            index.offset({ line, character }),
            `${JSON.stringify(text)} at ${line}:${character}`,
          );
    }
  });

  it('applies an editor change at the place it names', () => {
    const applied = applyChanges('one\r\ntwo\nthree', [
      { range: { start: { line: 1, character: 1 }, end: { line: 2, character: 2 } }, text: 'X' },
    ]);
    assert.strictEqual(applied.text, 'one\r\ntXree');
    assert.deepStrictEqual(
      applied.edits?.map((e) => [e.startIndex, e.oldEndIndex, e.newEndIndex]),
      [[6, 11, 7]],
    );
  });
});
