import { walkCrate } from './boundary';
import type { Finding } from './findings';
import { RULES } from './rules';
import type { BeyondRuleMeta } from './rules/meta';
import type { TypeNames } from './types';
import type { Crate } from './workspace';

/** Run every rule beyond rustc over a crate, appending its findings. */
export function checkBeyondRules(crate: Crate, out: Finding[], safeTypes: Set<string>, names: TypeNames): void {
  for (const rule of RULES) {
    if (rule.family !== 'beyond') continue;
    const visitor = (rule as BeyondRuleMeta).check({
      crate,
      safeTypes,
      names,
      report: (f) => out.push({ severity: rule.defaultSeverity, fixes: [], related: [], chain: [], typeName: null, ...f }),
    });
    walkCrate(crate, visitor, safeTypes);
  }
}
