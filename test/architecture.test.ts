import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { ESLint } from 'eslint';

/**
 * The arrows of the architecture are enforced by the linter (eslint.config.mjs): each case lints a real
 * file of the tree with one import added and expects the rule that forbids it. If the configuration
 * stopped catching these, CI would let the wrong arrow in; these cases would fail first.
 */

const REPO = path.resolve(__dirname, '..', '..');

async function rulesFiredBy(file: string, addedImport: string): Promise<string[]> {
  const eslint = new ESLint({ cwd: REPO });
  const filePath = path.join(REPO, file);
  const text = `${addedImport}\n${fs.readFileSync(filePath, 'utf8')}`;
  const [result] = await eslint.lintText(text, { filePath });
  return result.messages.filter((m) => m.line === 1).map((m) => m.ruleId ?? m.message);
}

describe('architecture: the linter enforces the arrows', function () {
  this.timeout(120_000);

  it('a stage may not import a later stage', async () => {
    const fired = await rulesFiredBy(
      'server/src/core/syntax/cfg.ts',
      "import { checkCrate } from '../analysis/check';void checkCrate;",
    );
    assert.ok(fired.includes('import-x/no-restricted-paths'), fired.join(', '));
  });

  it('the core may not import an adapter or an editor API', async () => {
    const adapter = await rulesFiredBy('server/src/core/project.ts', "import { main } from '../cli';void main;");
    assert.ok(adapter.includes('import-x/no-restricted-paths'), adapter.join(', '));
    const editor = await rulesFiredBy(
      'server/src/core/analysis/findings.ts',
      "import { DiagnosticSeverity } from 'vscode-languageserver';void DiagnosticSeverity;",
    );
    assert.ok(editor.includes('no-restricted-imports'), editor.join(', '));
  });

  it('the client may not import the server or the core', async () => {
    const fired = await rulesFiredBy(
      'client/src/util.ts',
      "import { TOOL_VERSION } from '../../server/src/core/version';void TOOL_VERSION;",
    );
    assert.ok(fired.includes('import-x/no-restricted-paths'), fired.join(', '));
  });

  it('a value-import cycle is an error', async () => {
    // text-edits.ts imports positions.ts; positions.ts importing text-edits.ts back closes a cycle.
    const fired = await rulesFiredBy(
      'server/src/core/syntax/positions.ts',
      "import { applyChanges } from './text-edits';void applyChanges;",
    );
    assert.ok(fired.includes('import-x/no-cycle'), fired.join(', '));
  });
});
