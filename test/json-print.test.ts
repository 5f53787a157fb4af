import * as assert from 'assert';
import { printJson } from '../server/src/json-print';
import { prng } from './harness/prng';

/** What `printJson` prints, each piece apart. */
function pieces(value: unknown): string[] {
  const printed: string[] = [];
  printJson((s) => printed.push(s), value);
  return printed;
}

/** A value of every kind JSON.stringify treats apart, arrays long enough to be printed a run at a time. */
function randomValue(next: () => number, depth: number): unknown {
  const pick = Math.floor(next() * (depth > 3 ? 9 : 14));
  const text = (): string =>
    ['', 'a', 'line\nbreak', 'quote " \\ tab\t', 'é \u{1F600}', '\u2028', 'x'.repeat(50)][pick % 7];
  switch (pick) {
    case 0:
      return null;
    case 1:
      return next() < 0.5;
    case 2:
      return [0, -0, 1.5, 1e21, -7, NaN, Infinity][Math.floor(next() * 7)];
    case 3:
    case 4:
      return text();
    case 5:
      return undefined;
    case 6:
      return () => 1;
    case 7:
      return new Date(Math.floor(next() * 1e12));
    case 8:
      return { toJSON: () => ({ made: 'by toJSON', at: depth }) };
    case 9:
    case 10: {
      const lengths = depth < 2 ? [0, 1, 3, 64, 65, 130, 200] : [0, 1, 2, 3];
      const length = lengths[Math.floor(next() * lengths.length)];
      return Array.from({ length }, () => randomValue(next, depth + 1));
    }
    default: {
      const record = (next() < 0.2 ? Object.create(null) : {}) as Record<string, unknown>;
      const keys = Math.floor(next() * 6);
      for (let k = 0; k < keys; k++) record[['a', 'b c', '"q"', 'long'][k % 4] + k] = randomValue(next, depth + 1);
      return record;
    }
  }
}

describe('printJson: JSON printed a piece at a time', () => {
  it('prints what JSON.stringify(value, null, 2) prints, and a newline', () => {
    const next = prng(20261130);
    for (let i = 0; i < 400; i++) {
      const value = {
        version: 1,
        diagnostics: randomValue(next, 0),
        nested: [randomValue(next, 1), randomValue(next, 2)],
      };
      assert.strictEqual(pieces(value).join(''), `${JSON.stringify(value, null, 2)}\n`, `value ${i}`);
    }
  });

  it('prints values that are no record the same way: a string, an array, null', () => {
    for (const value of ['text', [1, [2, [3]]], null, [], {}, Array.from({ length: 200 }, (_, i) => ({ i }))])
      assert.strictEqual(pieces(value).join(''), `${JSON.stringify(value, null, 2)}\n`);
  });

  it('prints a long output in pieces of bounded length, not as one text', () => {
    const diagnostics = Array.from({ length: 20_000 }, (_, i) => ({
      file: `src/file${i % 50}.rs`,
      line: i,
      message: 'm'.repeat(300),
      fixes: ['Silence this on this line, with a reason'],
    }));
    const printed = pieces({ version: 1, diagnostics, skipped: [] });
    const total = printed.reduce((n, p) => n + p.length, 0);
    assert.ok(total > 8_000_000, `${total} characters`);
    assert.ok(printed.length > 50, `${printed.length} pieces`);
    assert.ok(Math.max(...printed.map((p) => p.length)) < 200_000, 'a piece holds a bounded share of the output');
  });
});
