import * as vscode from 'vscode';

/** The sentence of an error: the server's errors (ResponseError) and ours are written for the user. */
export function messageOf(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** "Rust FFI Guard: could not …: <why>", logged and shown. */
export function showFailure(output: vscode.LogOutputChannel, what: string, e: unknown): void {
  const message = `Rust FFI Guard: could not ${what}: ${messageOf(e)}`;
  output.error(message);
  void vscode.window.showErrorMessage(message);
}

/**
 * Calls `listener` once the diagnostics of Rust files have stopped changing for `delayMs`: the moment
 * to re-read the ABI surface, after an edit has been checked, without asking once per file.
 */
export function onDidChangeRustFindings(listener: () => void, delayMs = 400): vscode.Disposable {
  let timer: NodeJS.Timeout | undefined;
  const subscription = vscode.languages.onDidChangeDiagnostics((e) => {
    if (!e.uris.some((u) => u.path.endsWith('.rs'))) return;
    if (timer) clearTimeout(timer);
    timer = setTimeout(() => {
      timer = undefined;
      listener();
    }, delayMs);
  });
  return new vscode.Disposable(() => {
    if (timer) clearTimeout(timer);
    subscription.dispose();
  });
}
