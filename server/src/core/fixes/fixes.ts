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
    return offered;
  } catch (e) {
    return [
      explanation(
        `No fix could be worked out here (an internal error of Rust FFI Guard; please report it): ${(e as Error).message}`,
      ),
    ];
  }
}
