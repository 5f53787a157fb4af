import type { BeyondRuleMeta } from './meta';
import { checkedTypesOfFn, checkedTypesOfForeign, CheckedType } from '../boundary-types';
import type { BeyondContext } from './meta';
import { displayTy } from '../../workspace/types';

function reportUnknowns(ctx: BeyondContext, symbol: string, checked: CheckedType[]): void {
  for (const c of checked) {
    if (!c.verdict.unknowns.length) continue;
    const seen = new Set<string>();
    for (const u of c.verdict.unknowns) {
      if (u.k !== 'unknown' || seen.has(u.text)) continue;
      seen.add(u.text);
      ctx.report({
        rule: 'unresolved-type',
        message: `\`${displayTy(u, ctx.names)}\` in the signature of \`${symbol}\` cannot be checked: ${u.why}. Its layout decides whether this boundary is sound; if it is a C-compatible type, add it to the \`safeTypes\` setting.`,
        rustcLint: null,
        origin: c.expr.origin,
        symbol,
        typeName: displayTy(u, ctx.names),
      });
    }
  }
}

export const unresolvedType: BeyondRuleMeta = {
  id: 'unresolved-type',
  family: 'beyond',
  rustcLint: null,
  defaultSeverity: 'hint',
  certainty: 'caution',
  summary: 'A boundary type is defined outside the workspace and not known to be C-compatible.',
  fixes: ['explain', 'suppress-comment'],
  docs: {
    whatItDoes:
      'Flags a type in a C signature that we cannot see the definition of (another crate, a macro we cannot expand).',
    whyIsThisBad:
      'Its layout decides whether the boundary is sound, and we cannot check it. Declare it FFI-safe in the `safeTypes` setting once you have checked it.',
    example: 'pub extern "C" fn f(h: other_crate::Handle) {}',
    useInstead: '# ffi-guard.toml\nsafeTypes = ["other_crate::Handle"]',
  },
  check: (ctx) => ({
    fn: (fn, w) => reportUnknowns(ctx, fn.name, checkedTypesOfFn(fn, w)),
    foreignItem: (item, block, w) => reportUnknowns(ctx, item.name, checkedTypesOfForeign(item, block, w)),
  }),
};
