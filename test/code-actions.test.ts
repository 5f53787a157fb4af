import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import type { CodeAction, Range } from 'vscode-languageserver/node';
import { defaultSettings } from '../server/src/core/config';
import { checkPaths } from '../server/src/core/project';
import { codeActionsFor, EXPLAIN_COMMAND, RULE_DOCS_COMMAND } from '../server/src/lsp/code-actions';
import { tempTree } from './harness/cli';

/**
 * The light bulb's order (issue 15): Ctrl+. then Enter must apply the clearly right edit or do nothing
 * surprising. Preferred edits first, then other edits, then explanations (a panel, never a modal dialog),
 * then "Show documentation for `rule`", once per rule, as ESLint's extension lists its own.
 */

async function actionsAt(source: string, line: number): Promise<CodeAction[]> {
  const dir = tempTree({
    'Cargo.toml': '[package]\nname = "demo"\nversion = "0.1.0"\nedition = "2021"\n',
    'src/lib.rs': source,
  });
  const file = path.join(dir, 'src', 'lib.rs');
  const result = await checkPaths([dir], dir, defaultSettings());
  const range: Range = { start: { line, character: 0 }, end: { line, character: 200 } };
  return codeActionsFor(result.findings, file, range, [], (f) =>
    f === file ? fs.readFileSync(file, 'utf8') : result.cache.peek(f)?.text,
  );
}

const kind = (a: CodeAction): string =>
  a.isPreferred
    ? 'preferred'
    : a.edit
      ? 'edit'
      : a.command?.command === EXPLAIN_COMMAND
        ? 'explain'
        : a.command?.command === RULE_DOCS_COMMAND
          ? 'docs'
          : 'other';

describe('code actions: the order Ctrl+. lists them in', function () {
  this.timeout(60_000);

  it('puts the preferred edit first and the documentation last on a finding with a fix', async () => {
    const actions = await actionsAt('#[no_mangle]\npub extern "C" fn f(s: &str) -> usize { s.len() }\n', 1);
    const kinds = actions.map(kind);
    assert.strictEqual(kinds[0], 'preferred', JSON.stringify(actions.map((a) => a.title)));
    assert.strictEqual(kinds.filter((k) => k === 'preferred').length, 1);
    assert.deepStrictEqual(actions[actions.length - 1].command, {
      title: 'Show documentation for `str-type`',
      command: RULE_DOCS_COMMAND,
      arguments: ['str-type'],
    });
    assert.strictEqual(actions[actions.length - 1].title, 'Show documentation for `str-type`');
  });

  it('never lists an explanation before an edit: a repr-c-field finding offers its edits first', async () => {
    const source = [
      '#[repr(C)]',
      'pub struct Person { name: String, age: u32 }',
      '#[no_mangle]',
      'pub extern "C" fn age(p: Person) -> u32 { p.age }',
      '',
    ].join('\n');
    const actions = await actionsAt(source, 1);
    const kinds = actions.map(kind);
    assert.ok(kinds.includes('explain'), JSON.stringify(actions.map((a) => a.title)));
    assert.notStrictEqual(kinds[0], 'explain', 'the first action is not the explanation');
    const rank = { preferred: 0, edit: 1, explain: 2, docs: 3, other: 4 } as const;
    const ranks = kinds.map((k) => rank[k as keyof typeof rank]);
    assert.deepStrictEqual(
      ranks,
      [...ranks].sort((a, b) => a - b),
      `preferred, edits, explanations, documentation: ${kinds.join(', ')}`,
    );
    const explain = actions.find((a) => kind(a) === 'explain')!;
    assert.strictEqual(explain.command!.arguments![0], 'repr-c-field');
    assert.match(String(explain.command!.arguments![1]), /\w/);
    assert.strictEqual(kinds[kinds.length - 1], 'docs');
  });

  it('offers the documentation of each rule once, however many of its findings are in range', async () => {
    const source = [
      '#[no_mangle]',
      'pub extern "C" fn f(a: &str, b: &str) -> usize { a.len() + b.len() }',
      '#[no_mangle]',
      'pub extern "C" fn g(c: char) -> u32 { c as u32 }',
      '',
    ].join('\n');
    const dir = tempTree({
      'Cargo.toml': '[package]\nname = "demo"\nversion = "0.1.0"\nedition = "2021"\n',
      'src/lib.rs': source,
    });
    const file = path.join(dir, 'src', 'lib.rs');
    const result = await checkPaths([dir], dir, defaultSettings());
    const all = codeActionsFor(
      result.findings,
      file,
      { start: { line: 0, character: 0 }, end: { line: 4, character: 0 } },
      [],
      (f) => (f === file ? source : undefined),
    );
    const docs = all.filter((a) => kind(a) === 'docs').map((a) => a.command!.arguments![0] as string);
    assert.deepStrictEqual(docs.sort(), ['char-type', 'str-type']);
  });
});
