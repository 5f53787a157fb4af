import * as path from 'path';
import * as vscode from 'vscode';
import {
  DiffResult,
  FixAllResult,
  HeaderCratesResult,
  HeaderResult,
  SnapshotResult,
  SurfaceMethods,
} from '../../protocol/surface-requests';
import type { Ctx } from './ctx';
import { ReportPanel } from './reportPanel';
import { RuleDocsPanel } from './ruleDocs';
import { showFailure } from './util';

/** A command's implementation, given the context it works on. */
export type Cmd = (ctx: Ctx) => (...args: unknown[]) => unknown;

/** "Rust FFI Guard: Restart Server": stops the server and starts a new one, e.g. after an update or a crash. */
export const restartServer: Cmd = (ctx) => () => ctx.restart();

/** "Rust FFI Guard: Show Output": the client's and the server's log. */
export const showOutput: Cmd = (ctx) => () => ctx.output.show();

/**
 * A fix that can only be explained (code actions of generic exports, extern block declarations…): the
 * explanation above the rule's documentation, in a panel beside the editor (never a modal dialog).
 */
export const explainFinding: Cmd = (ctx) => (rule: unknown, explanation: unknown) =>
  RuleDocsPanel.show(ctx, String(rule), String(explanation));

/** "Show documentation for `rule`" (a code action), or "Rust FFI Guard: Show Rule Documentation" (asks which). */
export const showRuleDocs: Cmd = (ctx) => (rule: unknown) =>
  RuleDocsPanel.show(ctx, typeof rule === 'string' ? rule : undefined);

/** "Rust FFI Guard: Show ABI Report": the report panel (reportPanel.ts). */
export const showReport: Cmd = (ctx) => () => ReportPanel.show(ctx);

/** "Rust FFI Guard: Generate C Header": asks which crate (if several export) and where, writes the header, opens it. */
export const generateHeader: Cmd = (ctx) => async () => {
  try {
    const { crates: exporting } = await ctx.request<HeaderCratesResult>(SurfaceMethods.headerCrates);
    if (!exporting.length) {
      void vscode.window.showWarningMessage(
        'Rust FFI Guard: no library crate in the workspace exports a C function or static (`#[no_mangle]` or `#[export_name]` on an `extern "C"` item), so there is no header to write.',
      );
      return;
    }
    const crate =
      exporting.length === 1
        ? exporting[0]
        : await vscode.window.showQuickPick(exporting, { title: 'Generate a C header for which crate?' });
    if (!crate) return;
    const header = await ctx.request<HeaderResult>(SurfaceMethods.header, { crate });
    const target = await vscode.window.showSaveDialog({
      title: `Save the C header of ${crate}`,
      defaultUri: vscode.Uri.file(path.join(header.directory, `${crate}.h`)),
      filters: { 'C header': ['h'] },
      saveLabel: 'Write Header',
    });
    if (!target) return;
    // The include guard follows the file's name, as `ffi-guard header --out FILE` does.
    const guard = path.basename(target.fsPath).replace(/\.h$/, '');
    const text =
      guard === crate ? header.text : (await ctx.request<HeaderResult>(SurfaceMethods.header, { crate, guard })).text;
    await vscode.workspace.fs.writeFile(target, Buffer.from(text, 'utf8'));
    await vscode.window.showTextDocument(target);
  } catch (e) {
    showFailure(ctx.output, 'generate the C header', e);
  }
};

/** "Rust FFI Guard: Save ABI Baseline": the baseline of the crates in the folder the user saves it in. */
export const saveBaseline: Cmd = (ctx) => async () => {
  try {
    const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
    const target = await vscode.window.showSaveDialog({
      title: 'Save the ABI baseline (it covers the crates in its folder)',
      defaultUri: folder ? vscode.Uri.joinPath(folder, 'abi.ffi-abi') : undefined,
      filters: { 'ABI baseline': ['ffi-abi'] },
      saveLabel: 'Save Baseline',
    });
    if (!target) return;
    const snapshot = await ctx.request<SnapshotResult>(SurfaceMethods.snapshot, {
      folder: path.dirname(target.fsPath),
    });
    await vscode.workspace.fs.writeFile(target, Buffer.from(snapshot.text, 'utf8'));
    const choice = await vscode.window.showInformationMessage(
      `Rust FFI Guard: saved the ABI baseline of ${snapshot.symbols} symbol(s) and ${snapshot.types} type(s) to ${target.fsPath}. Check it in, and compare with it after changes ("Rust FFI Guard: Compare ABI with Baseline").`,
      'Open',
    );
    if (choice === 'Open') await vscode.window.showTextDocument(target);
  } catch (e) {
    showFailure(ctx.output, 'save the ABI baseline', e);
  }
};

/**
 * "Rust FFI Guard: Compare ABI with Baseline": the baseline is the file given (Explorer context menu),
 * the active `.ffi-abi` editor, or one the user picks. The changes open as Markdown; a breaking one is
 * also a warning.
 */
export const compareBaseline: Cmd = (ctx) => async (arg?: unknown) => {
  try {
    const baseline = arg instanceof vscode.Uri ? arg : await pickBaseline(ctx);
    if (!baseline) return;
    // The editor's text when the baseline is open (maybe unsaved), the file's otherwise.
    const open = vscode.workspace.textDocuments.find((d) => d.uri.toString() === baseline.toString());
    const text = open ? open.getText() : Buffer.from(await vscode.workspace.fs.readFile(baseline)).toString('utf8');
    const name = path.basename(baseline.fsPath);
    const diff = await ctx.request<DiffResult>(SurfaceMethods.diff, {
      baseline: baseline.fsPath,
      text,
      folder: path.dirname(baseline.fsPath),
    });
    ctx.output.info(`ABI changes against ${baseline.fsPath}:
${diff.text}`);
    const doc = ctx.documents.set(`ABI changes (${name}).md`, diff.markdown);
    await showMarkdown(doc);
    const compatible = diff.changes.length - diff.breaking;
    if (diff.breaking) {
      const first = diff.changes.find((c) => c.severity === 'breaking')!;
      const more = diff.breaking > 1 ? ` and ${diff.breaking - 1} more` : '';
      const choice = await vscode.window.showWarningMessage(
        `Rust FFI Guard: ${diff.breaking} breaking ABI change${diff.breaking === 1 ? '' : 's'} against ${name}: ${first.subject}: ${first.message}${more}. Code built against the old ABI must be rebuilt.`,
        'Show Changes',
      );
      if (choice === 'Show Changes') await showMarkdown(doc);
    } else {
      void vscode.window.showInformationMessage(
        `Rust FFI Guard: no breaking ABI change against ${name}${compatible ? ` (${compatible} compatible change${compatible === 1 ? '' : 's'})` : ''}.`,
      );
    }
  } catch (e) {
    showFailure(ctx.output, 'compare the ABI with the baseline', e);
  }
};

/** The baseline to compare with: the active `.ffi-abi` editor, one found in the workspace, or one browsed to. */
async function pickBaseline(ctx: Ctx): Promise<vscode.Uri | undefined> {
  const active = vscode.window.activeTextEditor?.document.uri;
  if (active && active.path.endsWith('.ffi-abi')) return active;
  const found = await vscode.workspace.findFiles('**/*.ffi-abi', '**/{target,node_modules,.git}/**', 50);
  type Pick = vscode.QuickPickItem & { action: 'file' | 'browse' | 'save'; uri?: vscode.Uri };
  const items: Pick[] = [
    ...found.map((uri): Pick => ({
      label: vscode.workspace.asRelativePath(uri),
      iconPath: new vscode.ThemeIcon('file'),
      action: 'file',
      uri,
    })),
    { label: 'Browse…', iconPath: new vscode.ThemeIcon('folder-opened'), action: 'browse' },
    {
      label: 'Save a New Baseline…',
      description: 'of the ABI as it is now',
      iconPath: new vscode.ThemeIcon('save'),
      action: 'save',
    },
  ];
  const choice = await vscode.window.showQuickPick(items, {
    title: 'Compare the ABI with which baseline?',
    placeHolder: found.length
      ? 'An .ffi-abi file written by "Save ABI Baseline" or `ffi-guard snapshot`'
      : 'No .ffi-abi baseline in the workspace yet',
  });
  if (!choice) return undefined;
  if (choice.action === 'file') return choice.uri;
  if (choice.action === 'save') {
    await saveBaseline(ctx)();
    return undefined;
  }
  const picked = await vscode.window.showOpenDialog({
    title: 'Compare the ABI with a baseline',
    canSelectMany: false,
    filters: { 'ABI baseline': ['ffi-abi'], 'All files': ['*'] },
    openLabel: 'Compare',
  });
  return picked?.[0];
}

/** The Markdown preview of a document, or the document itself where there is no preview. */
async function showMarkdown(uri: vscode.Uri): Promise<void> {
  try {
    await vscode.commands.executeCommand('markdown.showPreview', uri);
  } catch {
    await vscode.window.showTextDocument(uri, { preview: true });
  }
}

/** Every command of `contributes.commands` in package.json, by id. */
/**
 * "Rust FFI Guard: Fix All in Workspace": every preferred fix, as `ffi-guard fix` applies them, after a
 * confirmation that says how many; one undoable edit. What has no automatic fix keeps its explanation.
 */
export const fixAll: Cmd = (ctx) => async () => {
  try {
    const result = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: 'Rust FFI Guard: finding every automatic fix…' },
      () => ctx.request<FixAllResult>(SurfaceMethods.fixAll),
    );
    if (!result.fixes) {
      void vscode.window.showInformationMessage(
        `Rust FFI Guard: nothing to fix automatically.${result.left ? ` ${result.left} finding(s) need a person: their quick fixes explain what to do.` : ''}`,
      );
      return;
    }
    const apply = `Apply ${result.fixes} Fix${result.fixes === 1 ? '' : 'es'}`;
    const choice = await vscode.window.showWarningMessage(
      `Rust FFI Guard: apply ${result.fixes} fix(es) in ${result.files} file(s)? Shims keep each symbol's name for C; Rust callers keep the idiomatic functions. The edit can be undone.`,
      { modal: true },
      apply,
    );
    if (choice !== apply) return;
    const edit = new vscode.WorkspaceEdit();
    for (const [uri, edits] of Object.entries(result.edit.changes)) {
      for (const e of edits) {
        const range = new vscode.Range(
          e.range.start.line,
          e.range.start.character,
          e.range.end.line,
          e.range.end.character,
        );
        edit.replace(vscode.Uri.parse(uri), range, e.newText);
      }
    }
    if (!(await vscode.workspace.applyEdit(edit)))
      throw new Error('VS Code did not apply the edit (a file changed meanwhile?): run the command again.');
    void vscode.window.showInformationMessage(
      `Rust FFI Guard: applied ${result.fixes} fix(es) in ${result.files} file(s).${result.left ? ` ${result.left} finding(s) left: their quick fixes explain what to do.` : ''}`,
    );
  } catch (e) {
    showFailure(ctx.output, 'fix the workspace', e);
  }
};

export const COMMANDS: Readonly<Record<string, Cmd>> = {
  'ffiGuard.restartServer': restartServer,
  'ffiGuard.showOutput': showOutput,
  'ffiGuard.explainFinding': explainFinding,
  'ffiGuard.showRuleDocs': showRuleDocs,
  'ffiGuard.showReport': showReport,
  'ffiGuard.generateHeader': generateHeader,
  'ffiGuard.saveBaseline': saveBaseline,
  'ffiGuard.compareBaseline': compareBaseline,
  'ffiGuard.fixAll': fixAll,
};
