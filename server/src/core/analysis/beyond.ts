import type { BoundaryVisitor } from './boundary';
import type { Finding } from './findings';
import { RULES } from './rules';
import type { BeyondRuleMeta } from './rules/meta';
import type { TypeNames } from '../workspace/types';
import type { Crate } from '../workspace/crates';

/** The visitors of every rule beyond rustc for one crate; their findings are appended to `out`. */
export function beyondRuleVisitors(
  crate: Crate,
  out: Finding[],
  safeTypes: Set<string>,
  names: TypeNames,
): BoundaryVisitor[] {
  return RULES.filter((rule): rule is BeyondRuleMeta => rule.family === 'beyond').map((rule) =>
    rule.check({
      crate,
      safeTypes,
      names,
      report: (f) =>
        out.push({
          severity: rule.defaultSeverity,
          certainty: rule.certainty,
          fixes: [],
          related: [],
          chain: [],
          typeName: null,
          ...f,
        }),
    }),
  );
}
