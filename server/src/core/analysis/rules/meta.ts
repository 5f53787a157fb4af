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

/**
 * How sure a finding is. A `fact`: the type has no defined C layout, or a call through this signature
 * cannot be correct (`&str`, `String`, tuples, a safe function dereferencing a caller's pointer). A
 * `caution`: the layout is defined but the code is risky, or rustc is conservative (`enum-from-c`,
 * `panic-across-ffi`, `unresolved-type`). Saying which is which lets a team keep the facts on while
 * it weighs the cautions (rust-lang/rust#116963).
 */
export type Certainty = 'fact' | 'caution';

export interface RuleDocs {
  whatItDoes: string;
  whyIsThisBad: string;
  example: string;
  useInstead: string;
}

/**
 * The fixes a rule can offer, by id. The analysis stage only names them; the fixes stage implements each
 * (fixes/registry.ts), so the arrow runs from fixes to analysis. An id offers nothing where it does not
 * apply (a shim at an `extern` block declaration), so a rule whose findings sit at several kinds of site
 * lists the fixes of each.
 */
export type FixId =
  /** `#[repr(C)]`, `transparent` or an integer repr on the workspace type the finding is about; a member for an empty struct. */
  | 'repr'
  /** safer_ffi's `#[derive_ReprC]` (with a `#[repr]` where none is written) on the workspace type the finding is about. */
  | 'derive-repr-c'
  /** An `extern "C"` shim converting the signature's types (and its alternatives); preferred over a repr that leaves Rust types. */
  | 'c-shim'
  /** The repr of the element type of an array passed by value, when no shim applies. */
  | 'element-repr'
  /** What to do by hand: the rule's advice, or why no automatic fix applies at this site. */
  | 'explain'
  /** `#[allow(lint, reason = "…")]` on the item, for the rustc or clippy lint the finding corresponds to. */
  | 'allow-lint'
  /** `// ffi-guard-allow: rule — reason` at the end of the line: rules beyond rustc have no attribute. */
  | 'suppress-comment'
  /** `extern "C"` added to an exported Rust-ABI function. */
  | 'extern-c'
  /** A `#[repr(C)]` struct's Rust-ABI `fn` field made `extern "C" fn`, with the functions stored into it. */
  | 'extern-c-field'
  /** `extern "Rust"` written out on an exported function only Rust code links to. */
  | 'extern-rust'
  /** `extern "C"` → `extern "C-unwind"`, so a panic unwinds into the caller instead of aborting. */
  | 'c-unwind'
  /** The body wrapped in `std::panic::catch_unwind`, a panic returning an error value (`-1`, null, `false`). */
  | 'catch-unwind'
  /** `#[no_mangle]` → `#[unsafe(no_mangle)]` (edition 2024). */
  | 'unsafe-attribute'
  /** `extern "C" {` → `unsafe extern "C" {` (edition 2024). */
  | 'unsafe-extern';

export interface RuleMeta {
  id: string;
  /** `parity`: says what a rustc lint says, and must agree with it. `beyond`: what rustc does not catch. */
  family: 'parity' | 'beyond';
  /** The rustc (or clippy) lint this rule corresponds to, if any. */
  rustcLint: string | null;
  defaultSeverity: Severity;
  /** Whether its findings are facts or cautions (see `Certainty`). */
  certainty: Certainty;
  /** One line for tables and hovers. */
  summary: string;
  docs: RuleDocs;
  /** The fixes its findings are offered, in this order (an id offers nothing where it does not apply). */
  fixes: readonly FixId[];
}

/** A parity rule claims the verdicts whose reason (and type) it names, as rustc's message would. */
export interface ParityRuleMeta extends RuleMeta {
  family: 'parity';
  claims: (reason: Reason, ty: Ty) => boolean;
  /**
   * Why this type cannot cross and what works instead, for a finding's message; without it the message
   * says `docs.whyIsThisBad` and rustc's help. `help: undefined` keeps rustc's help; a string replaces
   * it where rustc's cannot be followed (`#[repr(C)]` on `String`).
   */
  explain?: (subject: ExplainSubject) => { why: string; help?: string };
}

/** What a parity finding is about, for `ParityRuleMeta.explain`. */
export interface ExplainSubject {
  reason: Reason;
  ty: Ty;
  /** The type as the message prints it (`Vec<u32>`). */
  typeName: string;
  /** How other types print in this crate (a type argument of `ty`). */
  names: TypeNames;
  /** An `extern` block's declaration (rustc looks through pointers there) or a definition. */
  mode: 'declaration' | 'definition';
  position: 'param' | 'return' | 'static' | 'fnptr-in-item';
}

/**
 * A rule beyond rustc: it walks the crate's boundary like the parity checker and reports through
 * `report`. Its findings carry the rule's own id and severity.
 */
export interface BeyondRuleMeta extends RuleMeta {
  family: 'beyond';
  check: (ctx: BeyondContext) => BoundaryVisitor;
  /**
   * For a rule reported once per crate for what a key names (a field, whatever reaches it): the key. Of the
   * findings the walk makes with one key, the first in the walk's order is kept (`firstPerKey`); the rule
   * reports each, so that an editor re-checking one file's items can tell which stands (`AnalysisHost`).
   */
  oncePerCrate?: (finding: Finding) => string;
}

export interface BeyondContext {
  crate: Crate;
  safeTypes: Set<string>;
  /** How type names print in this crate. */
  names: TypeNames;
  report(
    finding: Omit<Finding, 'severity' | 'certainty' | 'fixes' | 'related' | 'chain' | 'typeName'> &
      Partial<Pick<Finding, 'related' | 'chain' | 'typeName' | 'target'>>,
  ): void;
}
