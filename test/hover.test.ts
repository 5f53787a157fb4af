import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import MarkdownIt from 'markdown-it';
import { tempTree } from './harness/cli';
import { loadSettings } from '../server/src/core/config';
import { hoverMarkdown } from '../server/src/core/hover';
import { checkPaths } from '../server/src/core/project';

/** The hover's names: the symbol an import links to, and names that hold backticks, in whole code spans. */

async function hoverOn(source: string, word: string): Promise<string> {
  const root = tempTree({ 'lib.rs': source });
  const file = path.join(root, 'lib.rs');
  const result = await checkPaths([root], root, loadSettings(root));
  const offset = fs.readFileSync(file, 'utf8').indexOf(word);
  const md = hoverMarkdown(
    result.crates.map((c) => c.crate),
    [],
    file,
    offset,
  );
  assert.ok(md, `a hover on ${word}`);
  return md;
}

describe('hover: symbol names', function () {
  this.timeout(60_000);

  it('names an import by its #[link_name]', async () => {
    const md = await hoverOn('extern "C" {\n    #[link_name = "c_abs"]\n    pub fn abs(x: i32) -> i32;\n}\n', 'abs(');
    assert.match(md.split('\n')[0], /^\*\*imported from C \(`extern "C"`\): `c_abs`\*\*$/);
  });

  it('keeps an export name holding backticks in one code span', async () => {
    const md = await hoverOn('#[export_name = "a`b"]\npub extern "C" fn f(x: u32) {}\n', 'fn f');
    assert.ok(md.split('\n')[0].endsWith(' — exported as ``a`b``'), md);
  });

  it('keeps a C prototype whose name holds a backtick fence in one code block', async () => {
    const md = await hoverOn('#[export_name = "x```\n# y"]\npub extern "C" fn f(x: u32) {}\n', 'fn f');
    const fences = new MarkdownIt().parse(md, {}).filter((t) => t.type === 'fence');
    assert.deepStrictEqual(
      fences.map((t) => [t.info, t.content]),
      [['c', 'void x```\n# y(uint32_t x);\n']],
    );
  });
});
