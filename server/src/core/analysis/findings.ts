import type { WalkContext } from './boundary';
import type { ChainStep } from './ffi';
import type {
  AdtItem,
  Attribute,
  ExternBlockItem,
  FnItem,
  ForeignFnItem,
  ForeignStaticItem,
  Item,
  Origin,
} from '../syntax/model';
import type { Certainty, Severity } from './rules';

/** One finding: the same object becomes an LSP diagnostic, a CLI line and a report entry. */
export interface Finding {
  rule: string;
  severity: Severity;
  /** A `fact` (no defined C layout, a call that cannot be correct) or a `caution` (defined but risky). */
  certainty: Certainty;
  message: string;
  /** `improper_ctypes_definitions`, `improper_ctypes`, `no_mangle_generic_items`, a clippy lint, or null. */
  rustcLint: string | null;
  origin: Origin;
  /** The function, static or type the finding belongs to. */
  symbol: string | null;
  /** The type the finding is about, printed as rustc prints it. */
  typeName: string | null;
  /** From the type as written down to the offending type. */
  chain: ChainStep[];
  /** Titles of the fixes offered for this finding. */
  fixes: string[];
  /** Other places that explain the finding (the definition of the offending type). */
  related: { origin: Origin; message: string }[];
  /** What the fixes need to know (not serialised). */
  target?: FixTarget;
}

/** Where a finding was made, in the terms the quick fixes work in. */
export interface FixTarget {
  ctx: WalkContext;
  site:
    | { kind: 'signature'; fn: FnItem }
    | { kind: 'foreign'; item: ForeignFnItem | ForeignStaticItem; block: ExternBlockItem }
    | { kind: 'item'; item: Item; lint: string }
    | { kind: 'abi'; fn: FnItem }
    /** A C-ABI function whose body can panic (`panic-across-ffi`). */
    | { kind: 'unwind'; fn: FnItem }
    | { kind: 'edition-attr'; attr: Attribute }
    | { kind: 'edition-block'; block: ExternBlockItem }
    | { kind: 'none' };
  /** The workspace type whose layout the finding is about, when it is one. */
  subject?: AdtItem;
  subjectModule?: WalkContext['module'];
}

/** Sort findings by file, then position, then rule, for stable output. */
export function compareFindings(a: Finding, b: Finding): number {
  if (a.origin.file !== b.origin.file) return a.origin.file < b.origin.file ? -1 : 1;
  if (a.origin.span.start !== b.origin.span.start) return a.origin.span.start - b.origin.span.start;
  return a.rule < b.rule ? -1 : a.rule > b.rule ? 1 : 0;
}
