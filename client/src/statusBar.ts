import * as vscode from 'vscode';
import type { ServerState } from './ctx';

/** The `source` of every diagnostic the server publishes. */
const SOURCE = 'ffi-guard';

interface Counts {
  errors: number;
  warnings: number;
  infos: number;
  hints: number;
}

/**
 * The status bar item: how many boundary findings there are in the workspace (the diagnostics whose
 * source is `ffi-guard` and whose code is a rule id, in every file, open or not), or why there are none
 * to show. Clicking it opens
 * the Problems view, or the output when the server is not running.
 */
export class FindingsStatusBar implements vscode.Disposable {
  private readonly item: vscode.StatusBarItem;
  /** Findings per file (by URI), for the files that have some. */
  private readonly perFile = new Map<string, Counts>();
  private readonly disposables: vscode.Disposable[] = [];
  private serverState: ServerState = 'stopped';

  constructor() {
    this.item = vscode.window.createStatusBarItem('ffiGuard.findings', vscode.StatusBarAlignment.Left, 0);
    this.item.name = 'Rust FFI Guard';
    for (const [uri, diagnostics] of vscode.languages.getDiagnostics()) this.count(uri, diagnostics);
    // Only the files named in the event changed: recount those, not the whole workspace.
    this.disposables.push(vscode.languages.onDidChangeDiagnostics((e) => this.onDiagnostics(e.uris)));
    this.render();
    this.item.show();
  }

  setServerState(state: ServerState): void {
    this.serverState = state;
    this.render();
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
    this.item.dispose();
  }

  private onDiagnostics(uris: readonly vscode.Uri[]): void {
    for (const uri of uris) this.count(uri, vscode.languages.getDiagnostics(uri));
    this.render();
  }

  private count(uri: vscode.Uri, diagnostics: readonly vscode.Diagnostic[]): void {
    const c: Counts = { errors: 0, warnings: 0, infos: 0, hints: 0 };
    for (const d of diagnostics) {
      // A finding carries its rule id as its code; a note such as "did not check this file" has none.
      if (d.source !== SOURCE || d.code === undefined) continue;
      if (d.severity === vscode.DiagnosticSeverity.Error) c.errors++;
      else if (d.severity === vscode.DiagnosticSeverity.Warning) c.warnings++;
      else if (d.severity === vscode.DiagnosticSeverity.Information) c.infos++;
      else c.hints++;
    }
    if (c.errors + c.warnings + c.infos + c.hints > 0) this.perFile.set(uri.toString(), c);
    else this.perFile.delete(uri.toString());
  }

  private render(): void {
    const item = this.item;
    if (this.serverState === 'starting') {
      item.text = '$(loading~spin) FFI';
      item.tooltip = 'Rust FFI Guard: the language server is starting and indexing the workspace.';
      item.command = 'workbench.actions.view.problems';
      item.backgroundColor = undefined;
      return;
    }
    if (this.serverState === 'failed' || this.serverState === 'stopped') {
      item.text = '$(error) FFI';
      item.tooltip = `Rust FFI Guard: the language server ${this.serverState === 'failed' ? 'could not start' : 'is not running'}, so the C boundary is not being checked. Click to see its output; run "Rust FFI Guard: Restart Server" to try again.`;
      item.command = 'ffiGuard.showOutput';
      item.backgroundColor = new vscode.ThemeColor('statusBarItem.errorBackground');
      return;
    }
    const total: Counts = { errors: 0, warnings: 0, infos: 0, hints: 0 };
    for (const c of this.perFile.values()) {
      total.errors += c.errors;
      total.warnings += c.warnings;
      total.infos += c.infos;
      total.hints += c.hints;
    }
    // The number is what the Problems view lists; hints are not listed there, so they are only in the tooltip.
    const listed = total.errors + total.warnings + total.infos;
    item.text = `$(shield) FFI ${listed}`;
    item.tooltip = tooltip(listed, total, this.perFile.size);
    item.command = 'workbench.actions.view.problems';
    item.backgroundColor = undefined;
  }
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

function tooltip(listed: number, total: Counts, files: number): vscode.MarkdownString {
  const parts = [plural(total.errors, 'error'), plural(total.warnings, 'warning'), plural(total.infos, 'info')];
  const lines = [
    listed === 0
      ? '**Rust FFI Guard**: no boundary findings.'
      : `**Rust FFI Guard**: ${plural(listed, 'boundary finding')} (${parts.join(', ')}) in ${plural(files, 'file')}.`,
    '',
    'Boundary findings are types without a C layout, Rust-ABI exports and other mistakes at the C boundary of the Rust code in this workspace, in every file, open or not.',
  ];
  if (total.hints > 0)
    lines.push(
      '',
      `Also ${plural(total.hints, 'hint')} (such as types from other crates that could not be checked), not listed in the Problems view.`,
    );
  lines.push('', 'Click to open the Problems view.');
  return new vscode.MarkdownString(lines.join('\n'));
}
