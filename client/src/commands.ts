import * as vscode from 'vscode';
import type { Ctx } from './ctx';

/** A command's implementation, given the context it works on. */
export type Cmd = (ctx: Ctx) => (...args: unknown[]) => unknown;

/** "Rust FFI Guard: Restart Server": stops the server and starts a new one, e.g. after an update or a crash. */
export const restartServer: Cmd = (ctx) => () => ctx.restart();

/** "Rust FFI Guard: Show Output": the client's and the server's log. */
export const showOutput: Cmd = (ctx) => () => ctx.output.show();

/** A fix that can only be explained (code actions of generic exports, extern block declarations…). */
export const explainFinding: Cmd = () => (text: unknown) => vscode.window.showInformationMessage(String(text), { modal: true });

/** Every command of `contributes.commands` in package.json, by id. */
export const COMMANDS: Readonly<Record<string, Cmd>> = {
  'ffiGuard.restartServer': restartServer,
  'ffiGuard.showOutput': showOutput,
  'ffiGuard.explainFinding': explainFinding,
};
