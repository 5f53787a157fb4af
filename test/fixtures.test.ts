import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { LineIndex } from '../server/src/core/syntax/positions';
import { Expectation, readExpectations } from './harness/expectations';
import { FIXTURES_DIR, FixtureCrate, loadFixtureCrates, rulesOf } from './harness/fixtures';

/**
 * Every fixture under test/fixtures is a Rust crate whose expected findings are written on the lines
 * they concern (`//~ WARN rule-id `Type``). One harness checks them all: adding a case is writing Rust.
 */
describe('fixtures: inline expectations', function () {
  this.timeout(120_000);
  let crates: FixtureCrate[] = [];

  before(async () => {
    crates = await loadFixtureCrates();
  });

  it('has at least 150 expected findings across the corpus', () => {
    const total = crates.reduce(
      (n, c) => n + [...c.crate.files].reduce((m, f) => m + readExpectations(f).length, 0),
      0,
    );
    assert.ok(total >= 150, `only ${total} expectations`);
  });

  it('every fixture crate matches its expectations exactly', () => {
    const failures: string[] = [];
    for (const c of crates) {
      const problems = compare(c);
      if (problems.length) failures.push(`${path.relative(FIXTURES_DIR, c.root)}:\n  ${problems.join('\n  ')}`);
    }
    assert.deepStrictEqual(
      failures,
      [],
      `\n${failures.join('\n')}\n(${failures.length} of ${crates.length} crates differ)`,
    );
  });
});

function key(e: Omit<Expectation, 'typeName'>): string {
  return `${path.relative(FIXTURES_DIR, e.file)}:${e.line} ${e.severity}[${e.rule}]`;
}

/** Multiset comparison of expected and actual findings; the type name too where one is written. */
function compare(c: FixtureCrate): string[] {
  const expected = [...c.crate.files].flatMap((f) => readExpectations(f));
  const indexes = new Map<string, LineIndex>();
  const only = rulesOf(c.directives);
  const actual = c.findings
    .filter((f) => !only || only.has(f.rule))
    .map((f) => {
      let index = indexes.get(f.origin.file);
      if (!index) {
        index = new LineIndex(c.crate.files.has(f.origin.file) ? fs.readFileSync(f.origin.file, 'utf8') : '');
        indexes.set(f.origin.file, index);
      }
      return {
        file: f.origin.file,
        line: index.rustcPosition(f.origin.span.start).line,
        severity: f.severity,
        rule: f.rule,
        typeName: f.typeName,
        message: f.message,
      };
    });
  const problems: string[] = [];
  const unmatched = [...actual];
  for (const e of expected) {
    const i = unmatched.findIndex((a) => key(a) === key(e) && (e.typeName === null || a.typeName === e.typeName));
    if (i >= 0) {
      unmatched.splice(i, 1);
      continue;
    }
    const sameLine = unmatched.find((a) => key(a) === key(e));
    problems.push(
      `missing ${key(e)}${e.typeName ? ` \`${e.typeName}\`` : ''}${sameLine ? ` (found type \`${sameLine.typeName}\`)` : ''}`,
    );
  }
  for (const a of unmatched) problems.push(`unexpected ${key(a)} \`${a.typeName}\`: ${a.message.slice(0, 120)}`);
  return problems;
}
