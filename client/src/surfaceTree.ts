import * as path from 'path';
import * as vscode from 'vscode';
import type { ReportSymbol } from '../../protocol/report';
import { SurfaceMethods, SurfaceResult } from '../../protocol/surface-requests';
import type { Ctx } from './ctx';
import { messageOf, onDidChangeRustFindings } from './util';

/** The id of the "FFI Surface" view in the Explorer (package.json `contributes.views.explorer`). */
export const SURFACE_VIEW = 'ffiGuard.surface';

type Node =
  | { kind: 'crate'; name: string; symbols: ReportSymbol[]; root: string }
  | { kind: 'symbol'; symbol: ReportSymbol; root: string };

/**
 * The "FFI Surface" view: crates, then their exported and imported C symbols, each with its verdict
 * as an icon and its C prototype; a click opens the source line. Re-read from the server when the
 * findings change (VS Code only asks for the children of a view that is visible).
 */
export class SurfaceTree implements vscode.TreeDataProvider<Node>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<Node | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly view: vscode.TreeView<Node>;
  private readonly disposables: vscode.Disposable[];

  constructor(private readonly ctx: Ctx) {
    this.view = vscode.window.createTreeView(SURFACE_VIEW, { treeDataProvider: this, showCollapseAll: true });
    this.disposables = [
      this.view,
      this.changed,
      onDidChangeRustFindings(() => this.refresh()),
      ctx.onDidChangeState((state) => {
        if (state === 'running' || state === 'failed' || state === 'stopped') this.refresh();
      }),
    ];
  }

  refresh(): void {
    this.changed.fire(undefined);
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }

  async getChildren(node?: Node): Promise<Node[]> {
    if (node)
      return node.kind === 'crate' ? node.symbols.map((symbol) => ({ kind: 'symbol', symbol, root: node.root })) : [];
    if (this.ctx.state === 'failed' || this.ctx.state === 'stopped') {
      this.view.message = 'The language server is not running: run "Rust FFI Guard: Restart Server".';
      return [];
    }
    let data: SurfaceResult;
    try {
      data = await this.ctx.request<SurfaceResult>(SurfaceMethods.surface);
    } catch (e) {
      this.view.message = `Could not read the FFI surface: ${messageOf(e)}`;
      return [];
    }
    this.view.message = undefined;
    const byCrate = new Map<string, ReportSymbol[]>();
    // Exports first, then imports, each by name (the report sorts by crate and name).
    const ordered = [...data.report.symbols].sort((a, b) =>
      a.direction === b.direction ? 0 : a.direction === 'export' ? -1 : 1,
    );
    for (const s of ordered) byCrate.set(s.crate, [...(byCrate.get(s.crate) ?? []), s]);
    return [...byCrate].map(([name, symbols]) => ({ kind: 'crate', name, symbols, root: data.root }));
  }

  getTreeItem(node: Node): vscode.TreeItem {
    return node.kind === 'crate' ? crateItem(node.name, node.symbols) : symbolItem(node.symbol, node.root);
  }
}

function crateItem(name: string, symbols: ReportSymbol[]): vscode.TreeItem {
  const item = new vscode.TreeItem(name, vscode.TreeItemCollapsibleState.Expanded);
  const exports = symbols.filter((s) => s.direction === 'export').length;
  const notSafe = symbols.filter((s) => !s.safe).length;
  item.id = `crate:${name}`;
  item.iconPath = new vscode.ThemeIcon('package');
  item.description = `${exports} export${exports === 1 ? '' : 's'}, ${symbols.length - exports} import${symbols.length - exports === 1 ? '' : 's'}${notSafe ? ` · ${notSafe} not FFI-safe` : ''}`;
  item.contextValue = 'ffiGuard.crate';
  return item;
}

function symbolItem(s: ReportSymbol, root: string): vscode.TreeItem {
  const item = new vscode.TreeItem(s.name, vscode.TreeItemCollapsibleState.None);
  const uri = vscode.Uri.file(path.resolve(root, s.file));
  const position = new vscode.Position(s.line - 1, 0);
  item.id = `symbol:${s.crate}:${s.direction}:${s.name}:${s.file}:${s.line}`;
  item.iconPath = s.safe
    ? new vscode.ThemeIcon('pass', new vscode.ThemeColor('testing.iconPassed'))
    : new vscode.ThemeIcon('error', new vscode.ThemeColor('problemsErrorIcon.foreground'));
  const prototype = s.cPrototype ?? `no C prototype: ${s.cPrototypeWhyNot ?? 'a type has no C equivalent'}`;
  item.description = s.direction === 'import' ? `import · ${prototype}` : prototype;
  item.resourceUri = uri;
  item.contextValue = `ffiGuard.symbol.${s.direction}`;
  item.command = {
    command: 'vscode.open',
    title: 'Go to Source',
    arguments: [uri, { selection: new vscode.Range(position, position) }],
  };
  item.accessibilityInformation = {
    label: `${s.direction === 'import' ? 'imported' : 'exported'} ${s.kind} ${s.name}, ${s.safe ? 'FFI-safe' : 'not FFI-safe'}`,
  };
  const tip = new vscode.MarkdownString(undefined, true);
  tip.appendMarkdown(
    `**${s.direction === 'import' ? 'Imported' : 'Exported'} ${s.kind}** \`${s.name}\` — ${s.safe ? '$(pass) FFI-safe' : '$(error) not FFI-safe'}\n\n`,
  );
  if (s.cPrototype) tip.appendCodeblock(s.cPrototype, 'c');
  else tip.appendText(`No C prototype: ${s.cPrototypeWhyNot ?? 'a type has no C equivalent'}.\n\n`);
  if (s.findings.length) tip.appendMarkdown(`\n\nFindings: ${s.findings.map((f) => `\`${f}\``).join(', ')}`);
  const doc = s.docs.find((d) => d.trim());
  if (doc) tip.appendMarkdown('\n\n').appendText(doc.trim());
  tip.appendMarkdown('\n\n').appendText(`${s.file}:${s.line} · ABI "${s.abi}" · crate ${s.crate}`);
  item.tooltip = tip;
  return item;
}
