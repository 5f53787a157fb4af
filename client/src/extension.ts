import * as vscode from 'vscode';
import { COMMANDS } from './commands';
import { Ctx } from './ctx';
import { FindingsStatusBar } from './statusBar';

/**
 * The VS Code side of Rust FFI Guard: it starts the bundled language server, which does all the
 * analysis, and adds two commands and a status bar item. It never runs code from the workspace.
 */

let ctx: Ctx | undefined;

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  ctx = new Ctx(context);
  const statusBar = new FindingsStatusBar();
  context.subscriptions.push(
    ctx,
    statusBar,
    ctx.onDidChangeState((state) => statusBar.setServerState(state)),
  );
  for (const [id, command] of Object.entries(COMMANDS)) {
    context.subscriptions.push(vscode.commands.registerCommand(id, command(ctx)));
  }
  statusBar.setServerState(ctx.state);
  await ctx.start();
}

/** Gives the server its chance to shut down cleanly before VS Code goes. */
export async function deactivate(): Promise<void> {
  await ctx?.stop();
  ctx = undefined;
}
