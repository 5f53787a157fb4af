import { pathToFileURL } from 'url';
import {
  CodeAction,
  CodeActionKind,
  CodeActionTriggerKind,
  Diagnostic,
  Range,
  TextEdit as LspTextEdit,
  WorkspaceEdit,
} from 'vscode-languageserver/node';
import type { Finding } from '../core/analysis/findings';
import type { FixRun } from '../core/fix-all';
import type { Fix } from '../core/fixes/edits';
import { fixesFor } from '../core/fixes/fixes';
import type { ImporterUpdater } from '../core/importer-updates';
import { LineIndex } from '../core/syntax/positions';

/** The command the client registers to show a fix that can only be explained (beside the rule's documentation). */
export const EXPLAIN_COMMAND = 'ffiGuard.explainFinding';

/** The command the client registers to show a rule's documentation (`ffiGuard.showRuleDocs RULE`). */
export const RULE_DOCS_COMMAND = 'ffiGuard.showRuleDocs';

/**
 * Code actions for the findings under a range, in the order Ctrl+. lists them, as ESLint's extension
 * orders its own: first each preferred fix (the clearly right edit: Ctrl+. then Enter applies it), then
 * the other edits, then the fixes that can only be explained (they open a panel, never a modal dialog),
 * and last one "Show documentation for `rule`" per rule. Edits may span several files: `importers` adds,
 * to a fix that changes an exported symbol's C signature, the rewrite of its importers' declarations.
 */
export function codeActionsFor(
  findings: Finding[],
  file: string,
  range: Range,
  diagnostics: Diagnostic[],
  textOf: (file: string) => string | undefined,
  importers: ImporterUpdater = (fix) => fix,
): CodeAction[] {
  const text = textOf(file);
  if (text === undefined) return [];
  const index = new LineIndex(text);
  const start = index.offset(range.start);
  const end = index.offset(range.end);
  const [preferred, edits, explained, docs]: CodeAction[][] = [[], [], [], []];
  const documented = new Set<string>();
  for (const f of findings) {
    if (f.origin.file !== file || f.origin.span.end < start || f.origin.span.start > end) continue;
    const diagnostic = diagnostics.find(
      (d) => d.code === f.rule && index.offset(d.range.start) === f.origin.span.start,
    );
    const edition = f.target?.ctx.crate.edition ?? '2021';
    for (const offered of fixesFor(f, { textOf, edition })) {
      const fix = importers(offered, f);
      const action = toAction(fix, f, diagnostic, textOf);
      (action.isPreferred ? preferred : action.edit ? edits : explained).push(action);
    }
    if (!documented.has(f.rule)) {
      documented.add(f.rule);
      docs.push(docsAction(f.rule, diagnostic));
    }
  }
  return [...preferred, ...edits, ...explained, ...docs];
}

/** "Show documentation for `rule`": the rule's section of docs/rules.md, shown inside the editor. */
function docsAction(rule: string, diagnostic: Diagnostic | undefined): CodeAction {
  const title = `Show documentation for \`${rule}\``;
  const action: CodeAction = {
    title,
    kind: CodeActionKind.QuickFix,
    command: { title, command: RULE_DOCS_COMMAND, arguments: [rule] },
  };
  if (diagnostic) action.diagnostics = [diagnostic];
  return action;
}

function toAction(
  fix: Fix,
  finding: Finding,
  diagnostic: Diagnostic | undefined,
  textOf: (file: string) => string | undefined,
): CodeAction {
  const action: CodeAction = { title: fix.title, kind: CodeActionKind.QuickFix };
  if (diagnostic) action.diagnostics = [diagnostic];
  if (fix.preferred) action.isPreferred = true;
  if (fix.edits.length) action.edit = toWorkspaceEdit(fix, textOf);
  else if (fix.explanation)
    action.command = { title: fix.title, command: EXPLAIN_COMMAND, arguments: [finding.rule, fix.explanation] };
  return action;
}

function toWorkspaceEdit(fix: Fix, textOf: (file: string) => string | undefined): WorkspaceEdit {
  const changes: Record<string, LspTextEdit[]> = {};
  const indexes = new Map<string, LineIndex>();
  for (const e of fix.edits) {
    let index = indexes.get(e.file);
    if (!index) {
      index = new LineIndex(textOf(e.file) ?? '');
      indexes.set(e.file, index);
    }
    const uri = pathToFileURL(e.file).toString();
    (changes[uri] ??= []).push({
      range: { start: index.position(e.start), end: index.position(e.end) },
      newText: e.newText,
    });
  }
  return { changes };
}

/** The kind of the "fix all" source action: `editor.codeActionsOnSave` can name it. */
export const FIX_ALL_KIND = `${CodeActionKind.SourceFixAll}.ffiGuard`;

/**
 * Whether a code action request asks for our "fix all". Named exactly, always; asked for as `source` or
 * `source.fixAll`, only when the user asked (the Source Action menu), not on save: `"source.fixAll":
 * "explicit"` in codeActionsOnSave is meant for linters' fixes, and ours add shims.
 */
export function wantsFixAll(only: string[] | undefined, triggerKind: CodeActionTriggerKind | undefined): boolean {
  if (only?.includes(FIX_ALL_KIND)) return true;
  return triggerKind !== CodeActionTriggerKind.Automatic && !!only?.some((k) => FIX_ALL_KIND.startsWith(`${k}.`));
}

/** Every preferred fix of a `fixAll` run as one source action, or none when there is nothing to fix. */
export function fixAllAction(run: FixRun, title: string): CodeAction | null {
  if (!run.applied.length) return null;
  return {
    title: `${title} (${run.applied.length} fix${run.applied.length === 1 ? '' : 'es'})`,
    kind: FIX_ALL_KIND,
    edit: runEdit(run),
  };
}

/** One edit per changed file, covering only the part that changed, so the editor keeps folds and cursor elsewhere. */
export function runEdit(run: FixRun): { changes: Record<string, LspTextEdit[]> } {
  const changes: Record<string, LspTextEdit[]> = {};
  for (const [file, after] of run.changed) {
    const before = run.original.get(file) ?? '';
    let start = 0;
    while (start < before.length && start < after.length && before[start] === after[start]) start++;
    let end = 0;
    while (
      end < before.length - start &&
      end < after.length - start &&
      before[before.length - 1 - end] === after[after.length - 1 - end]
    )
      end++;
    const index = new LineIndex(before);
    changes[pathToFileURL(file).toString()] = [
      {
        range: { start: index.position(start), end: index.position(before.length - end) },
        newText: after.slice(start, after.length - end),
      },
    ];
  }
  return { changes };
}
