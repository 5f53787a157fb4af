import type { TypeExpr } from '../../syntax/model';
import type { Ty } from '../../workspace/types';
import type { ParamPlan, PlanEnv, ReturnPlan } from '../shim-plan';

/**
 * One boundary conversion of a generated shim: which Rust types it matches, what C gets instead, and how
 * the shim converts between them, for a parameter (C → Rust) and for the return value (Rust → C), with
 * the text of its return part. The shim asks the converters in order (converters/index.ts); the first
 * that matches a type decides.
 */
export interface Converter {
  /** Its name, which its before → after fixture in test/fixtures-fix is named for. */
  name: string;
  /**
   * The parameter `input.name` of this type, as C passes it. `undefined` when the type is not this
   * converter's (the next one is asked); `null` when it is but cannot be converted here (no shim).
   */
  param?(input: ParamInput, env: PlanEnv): ParamPlan | null | undefined;
  /** The return value of this type, as C receives it; `undefined` and `null` as for `param`. */
  ret?(input: ReturnInput, env: PlanEnv): ReturnPlan | null | undefined;
  /** How the kinds of return plan this converter owns are rendered (one owner per kind). */
  renders?: ReturnRenderers;
}

/** A parameter whose type rustc rejects at the boundary. */
export interface ParamInput {
  /** The shim's name for it. */
  name: string;
  ty: Ty;
  /** Its written type, local aliases looked through. */
  expr: TypeExpr;
  /** Its written type as text, as written (`Self` replaced by the impl's type). */
  written: string;
}

/** A return type rustc rejects at the boundary. */
export interface ReturnInput {
  ty: Ty;
  /** Its written type, local aliases looked through. */
  expr: TypeExpr;
  /** Its written type as text, as written. */
  written: string;
}

/** The return part of a shim's text, as one plan kind renders it. */
export interface ReturnPart {
  /** Out-parameters after the converted parameters (`out: *mut u32`, `out_len: *mut usize`). */
  cParams: string[];
  /** The shim's C return type, as written after its parameters (` -> i32`), or empty. */
  cRet: string;
  /** What the shim returns when an argument is rejected (`{ERR}` in the parameters' prologues). */
  err: string;
  /** The statements calling the idiomatic function and handing its value to C. */
  epilogue: string[];
  /** Lines of the shim's `# Safety` section about the return value. */
  safety: string[];
}

/** What a return renderer works with: the call, and the renderers of other kinds for a nested plan. */
export interface ReturnRendering {
  /** The call of the idiomatic function. */
  call: string;
  /** The value to convert: the call, or `result` once an optional return has been unwrapped. */
  value: string;
  /** For an optional return (`None` is null): the statement binding `result` or returning null. */
  unwrap: string[];
  /** Whether some parameter can be rejected, so the shim needs an error value. */
  fallible: boolean;
  /** The statements writing the C form of an `Ok` value `value` of this plan to `out`. */
  writeOk(plan: ReturnPlan): string[];
  /** What the caller owns after a successful call, for the `# Safety` section. */
  okOwnership(plan: ReturnPlan): string;
}

/** How return plans of one kind become text, and what else they need. */
export interface ReturnRenderer<P extends ReturnPlan = ReturnPlan> {
  render(plan: P, r: ReturnRendering): ReturnPart;
  /** The C type an `Ok` value of this plan is written to `out` as; null (the default) when it cannot be. */
  okCType?(plan: P): string | null;
  /** The statements writing an `Ok` value `value` to `out` (default: as it is). */
  writeOk?(plan: P, r: ReturnRendering): string[];
  /** What the caller owns after a successful call (default: nothing to say). */
  okOwnership?(plan: P): string;
  /** Adds the items this return needs (free functions), once per crate, to the plan's items. */
  helpers?(plan: P, env: PlanEnv, helpersOf: (plan: ReturnPlan) => void): void;
}

/** Renderers by the kind of plan they render. */
export type ReturnRenderers = { [K in ReturnPlan['kind']]?: ReturnRenderer<Extract<ReturnPlan, { kind: K }>> };
