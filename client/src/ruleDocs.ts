import * as crypto from 'crypto';
import * as fs from 'fs';
import * as vscode from 'vscode';
import { documentedRules, ruleDocsHtml, ruleSection } from '../../protocol/rule-docs';
import type { Ctx } from './ctx';

/**
 * "Show documentation for `rule`" and "Explain how to fix this by hand": one panel beside the editor,
 * reused, showing the rule's section of the docs/rules.md shipped with the extension (so it works
 * offline), rendered by VS Code's own Markdown renderer. Never a modal dialog: the code action that
 * opens it leaves the editor where it was.
 */
export class RuleDocsPanel {
  private static current: vscode.WebviewPanel | undefined;

  static async show(ctx: Ctx, rule: string | undefined, explanation?: string): Promise<void> {
    const markdown = readRules(ctx);
    const id =
      rule ?? (await vscode.window.showQuickPick(documentedRules(markdown), { title: 'Documentation of which rule?' }));
    if (!id) return;
    const section = ruleSection(markdown, id);
    let sectionHtml: string | null = null;
    if (section)
      try {
        sectionHtml = await vscode.commands.executeCommand<string>('markdown.api.render', section);
      } catch (e) {
        ctx.output.warn(`Markdown rendering is not available (${String(e)}): the documentation is shown as text.`);
      }
    let panel = RuleDocsPanel.current;
    if (!panel) {
      panel = vscode.window.createWebviewPanel(
        'ffiGuard.ruleDocs',
        id,
        { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true },
        { enableScripts: false, enableFindWidget: true, localResourceRoots: [] },
      );
      panel.onDidDispose(() => (RuleDocsPanel.current = undefined));
      RuleDocsPanel.current = panel;
    }
    panel.title = `Rule: ${id}`;
    panel.webview.html = ruleDocsHtml({
      rule: id,
      sectionHtml,
      sectionMarkdown: section,
      explanation,
      nonce: crypto.randomBytes(16).toString('base64'),
      cspSource: panel.webview.cspSource,
    });
    panel.reveal(vscode.ViewColumn.Beside, true);
  }
}

function readRules(ctx: Ctx): string {
  try {
    return fs.readFileSync(ctx.asAbsolutePath('docs/rules.md'), 'utf8');
  } catch (e) {
    ctx.output.error(`Cannot read the rules' documentation: ${String(e)}`);
    return '';
  }
}
