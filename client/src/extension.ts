import * as vscode from 'vscode';
import { COMMANDS } from './commands';
import { Ctx } from './ctx';
import { FindingsStatusBar } from './statusBar';
import { SurfaceTree } from './surfaceTree';

/**
 * The VS Code side of Rust FFI Guard: it starts the bundled language server, which does all the
 * analysis, and adds its commands, a status bar item, the "FFI Surface" view and the ABI report panel.
 * It never runs code from the workspace.
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
  context.subscriptions.push(new SurfaceTree(ctx));
  // Shows the "FFI Surface" view (its `when` clause), in Rust workspaces only.
  void vscode.commands.executeCommand('setContext', 'ffiGuard.active', true);
  statusBar.setServerState(ctx.state);
  await ctx.start();
}

/** Gives the server its chance to shut down cleanly before VS Code goes. */
export async function deactivate(): Promise<void> {
  await ctx?.stop();
  ctx = undefined;
}
