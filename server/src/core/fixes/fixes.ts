import type { Finding } from '../analysis/findings';
import { ruleById } from '../analysis/rules';
import { explanation, Fix, FixContext } from './edits';
import { FIX_IMPLEMENTATIONS } from './registry';

/**
 * Quick fixes: text edits, possibly in several files, for each finding. A fix never deletes code it does
 * not replace and its edits never overlap. Fixes that would change a contract callers rely on (generic
 * exports, `extern` block declarations, callback types in aliases, fields and statics) are offered only
 * as an explanation and an `allow` with a reason.
 */

/**
 * Every fix offered for a finding: each fix id its rule declares, run in the rule's order. A fix that
 * cannot be planned (a bug of ours on code we did not foresee) never costs the finding: it is said
 * instead, and the check goes on.
 */
export function fixesFor(finding: Finding, ctx: FixContext): Fix[] {
  try {
    const offered: Fix[] = [];
    for (const id of ruleById(finding.rule).fixes)
      for (const fix of FIX_IMPLEMENTATIONS[id]({ finding, ctx, offered })) offered.push(fix);
    return offered.map((fix) => withLineEndings(fix, ctx));
  } catch (e) {
    return [
      explanation(
        `No fix could be worked out here (an internal error of Rust FFI Guard; please report it): ${(e as Error).message}`,
      ),
    ];
  }
}

/**
 * The fixes that edit, the one `ffi-guard fix` applies first (the preferred fix with edits, as
 * `runFixes` picks it), then the others in the rule's order. Explanations are left out: they change nothing.
 */
export function editingFixes(fixes: readonly Fix[]): Fix[] {
  const applied = fixes.find((x) => x.preferred && x.edits.length);
  return [...(applied ? [applied] : []), ...fixes.filter((x) => x !== applied && x.edits.length)];
}

/**
 * The fix with the line endings of the files it edits: the fixes write `\n`, and a file whose lines end in
 * `\r\n` gets `\r\n` in what is inserted too.
 */
function withLineEndings(fix: Fix, ctx: FixContext): Fix {
  if (!fix.edits.some((e) => e.newText.includes('\n'))) return fix;
  const crlf = new Map<string, boolean>();
  const usesCrlf = (file: string): boolean => {
    if (!crlf.has(file)) crlf.set(file, lineEnding(ctx.textOf(file) ?? '') === '\r\n');
    return crlf.get(file)!;
  };
  return {
    ...fix,
    edits: fix.edits.map((e) => (usesCrlf(e.file) ? { ...e, newText: e.newText.replace(/\r?\n/g, '\r\n') } : e)),
  };
}

/** The line ending most lines of a text end with. */
export function lineEnding(text: string): '\n' | '\r\n' {
  let crlf = 0;
  let lf = 0;
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) {
    if (i > 0 && text.charCodeAt(i - 1) === 13) crlf++;
    else lf++;
  }
  return crlf > lf ? '\r\n' : '\n';
}
