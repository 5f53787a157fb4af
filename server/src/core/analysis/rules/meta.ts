import type { BoundaryVisitor } from '../boundary';
import type { Reason } from '../ffi';
import type { Finding } from '../findings';
import type { Crate } from '../../workspace/crates';
import type { Ty, TypeNames } from '../../workspace/types';

/**
 * What every rule declares about itself. The README's rule table, hover text and the diagnostics'
 * documentation links are generated from this metadata, never written a second time.
 */

export type Severity = 'error' | 'warning' | 'info' | 'hint';

export interface RuleDocs {
  whatItDoes: string;
  whyIsThisBad: string;
  example: string;
  useInstead: string;
}

export interface RuleMeta {
  id: string;
  /** `parity`: says what a rustc lint says, and must agree with it. `beyond`: what rustc does not catch. */
  family: 'parity' | 'beyond';
  /** The rustc (or clippy) lint this rule corresponds to, if any. */
  rustcLint: string | null;
  defaultSeverity: Severity;
  /** One line for tables and hovers. */
  summary: string;
  docs: RuleDocs;
}

/** A parity rule claims the verdicts whose reason (and type) it names, as rustc's message would. */
export interface ParityRuleMeta extends RuleMeta {
  family: 'parity';
  claims: (reason: Reason, ty: Ty) => boolean;
}

/**
 * A rule beyond rustc: it walks the crate's boundary like the parity checker and reports through
 * `report`. Its findings carry the rule's own id and severity.
 */
export interface BeyondRuleMeta extends RuleMeta {
  family: 'beyond';
  check: (ctx: BeyondContext) => BoundaryVisitor;
}

export interface BeyondContext {
  crate: Crate;
  safeTypes: Set<string>;
  /** How type names print in this crate. */
  names: TypeNames;
  report(
    finding: Omit<Finding, 'severity' | 'fixes' | 'related' | 'chain' | 'typeName'> &
      Partial<Pick<Finding, 'related' | 'chain' | 'typeName' | 'target'>>,
  ): void;
}
