import * as crypto from 'crypto';
import * as path from 'path';
import * as vscode from 'vscode';
import { ExportFormat, SurfaceMethods, SurfaceResult, TextResult } from '../../protocol/surface-requests';
import type { Ctx } from './ctx';
import {
  EXPORT_FORMATS,
  INITIAL_STATE,
  messagePageHtml,
  PanelState,
  parsePanelMessage,
  reportPanelHtml,
} from './reportHtml';
import { messageOf, onDidChangeRustFindings, showFailure } from './util';

/**
 * The "ABI Report" webview panel: one at a time, re-read from the server when the findings change
 * (at once when visible, else when shown again). The page (reportHtml.ts) only asks; this side opens
 * files, and only files the report lists, and writes exports where the user says.
 */
export class ReportPanel implements vscode.Disposable {
  private static current: ReportPanel | undefined;

  /** Shows the panel, creating it the first time, and re-reads the report. */
  static async show(ctx: Ctx): Promise<void> {
    const existing = ReportPanel.current;
    if (existing) {
      existing.panel.reveal();
      await existing.refresh(true);
      return;
    }
    const panel = vscode.window.createWebviewPanel('ffiGuard.report', 'ABI Report', vscode.ViewColumn.Active, {
      enableScripts: true,
      enableFindWidget: true,
      // Nothing is loaded from disk or the network: the page is one self-contained document.
      localResourceRoots: [],
    });
    ReportPanel.current = new ReportPanel(ctx, panel);
    await ReportPanel.current.refresh(true);
  }

  private data: SurfaceResult | undefined;
  private files = new Set<string>();
  private state: PanelState = INITIAL_STATE;
  private stale = false;
  private readonly disposables: vscode.Disposable[] = [];

  private constructor(
    private readonly ctx: Ctx,
    private readonly panel: vscode.WebviewPanel,
  ) {
    this.disposables.push(
      panel.onDidDispose(() => this.dispose()),
      panel.webview.onDidReceiveMessage((raw: unknown) => void this.onMessage(raw)),
      panel.onDidChangeViewState(() => {
        if (panel.visible && this.stale) void this.refresh(false);
      }),
      onDidChangeRustFindings(() => {
        if (panel.visible) void this.refresh(false);
        else this.stale = true;
      }),
      ctx.onDidChangeState((state) => {
        if (state === 'running') void this.refresh(false);
      }),
    );
  }

  dispose(): void {
    if (ReportPanel.current === this) ReportPanel.current = undefined;
    for (const d of this.disposables) d.dispose();
    this.panel.dispose();
  }

  /** Re-reads the report; a failure is shown when the user asked (`loud`), logged otherwise. */
  private async refresh(loud: boolean): Promise<void> {
    this.stale = false;
    const webview = this.panel.webview;
    try {
      this.data = await this.ctx.request<SurfaceResult>(SurfaceMethods.surface);
    } catch (e) {
      if (loud) showFailure(this.ctx.output, 'build the ABI report', e);
      else this.ctx.output.warn(`Refreshing the ABI report: ${messageOf(e)}`);
      if (!this.data)
        webview.html = messagePageHtml({
          message: `The ABI report could not be built: ${messageOf(e)}`,
          nonce: nonce(),
          cspSource: webview.cspSource,
        });
      return;
    }
    const { symbols, types } = this.data.report;
    this.files = new Set([...symbols, ...types].map((x) => x.file));
    webview.html = reportPanelHtml({
      data: this.data,
      nonce: nonce(),
      cspSource: webview.cspSource,
      state: this.state,
    });
  }

  private async onMessage(raw: unknown): Promise<void> {
    const message = parsePanelMessage(raw);
    if (!message) return;
    switch (message.type) {
      case 'state':
        this.state = message.state;
        return;
      case 'refresh':
        return this.refresh(true);
      case 'open':
        return this.open(message.file, message.line);
      case 'export':
        return this.export(message.format);
    }
  }

  /** Opens a source line of the report beside the panel. */
  private async open(file: string, line: number): Promise<void> {
    if (!this.data || !this.files.has(file)) return;
    const uri = vscode.Uri.file(path.resolve(this.data.root, file));
    const position = new vscode.Position(line - 1, 0);
    try {
      await vscode.window.showTextDocument(uri, {
        selection: new vscode.Range(position, position),
        viewColumn: vscode.ViewColumn.Beside,
      });
    } catch (e) {
      showFailure(this.ctx.output, `open ${uri.fsPath}`, e);
    }
  }

  /** Asks where, then writes the report in that format, as `ffi-guard report` / `check --format sarif` would. */
  private async export(format: ExportFormat): Promise<void> {
    const kind = EXPORT_FORMATS.find((f) => f.format === format)!;
    const root = this.data?.root ?? vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
    const name = format === 'sarif' ? 'ffi-guard.sarif' : `abi-report.${kind.extension}`;
    const target = await vscode.window.showSaveDialog({
      title: `Export the ABI report as ${kind.label}`,
      defaultUri: root ? vscode.Uri.file(path.join(root, name)) : undefined,
      filters: { [kind.label]: [kind.extension] },
      saveLabel: 'Export',
    });
    if (!target) return;
    try {
      const { text } = await this.ctx.request<TextResult>(SurfaceMethods.export, { format });
      await vscode.workspace.fs.writeFile(target, Buffer.from(text, 'utf8'));
    } catch (e) {
      showFailure(this.ctx.output, `export the ABI report to ${target.fsPath}`, e);
      return;
    }
    const choice = await vscode.window.showInformationMessage(
      `Rust FFI Guard: wrote the ABI report (${kind.label}) to ${target.fsPath}.`,
      'Open',
    );
    if (choice === 'Open') await vscode.window.showTextDocument(target);
  }
}

/** A fresh nonce for each page: the only script and style the page may run are the ones carrying it. */
function nonce(): string {
  return crypto.randomBytes(18).toString('base64');
}
