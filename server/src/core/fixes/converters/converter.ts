import type { TypeExpr } from '../../syntax/model';
import type { Ty } from '../../workspace/types';
import type { ParamPlan, PlanEnv, ReturnPlan } from '../shim-plan';

/**
 * One boundary conversion of a generated shim: which Rust types it matches, what C gets instead, and how
 * the shim converts between them, for a parameter (C → Rust) and for the return value (Rust → C). The
 * shim asks the converters in order (converters/index.ts); the first that matches a type decides.
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
