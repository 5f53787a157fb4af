import type { CheckedType } from '../../analysis/boundary-types';
import type { TypeExpr } from '../../syntax/model';
import { isUnit } from '../../workspace/types';
import { expandAlias, ParamPlan, PlanEnv, ReturnPlan } from '../shim-plan';
import { array } from './array';
import { callback } from './callback';
import { char } from './char';
import { closure } from './closure';
import type { Converter, ReturnRenderers } from './converter';
import { cString } from './c-string';
import { handle } from './handle';
import { option } from './option';
import { rawSlice } from './raw-slice';
import { result } from './result';
import { slice } from './slice';
import { sliceList } from './slice-list';
import { str } from './str';
import { structMirror } from './struct-mirror';
import { stringList } from './string-list';
import { traitObject } from './trait-object';
import { tuple } from './tuple';
import { vec } from './vec';
import { zeroSized } from './zero-sized';

/**
 * Every boundary conversion a shim knows, in the order they are asked: the first converter that matches
 * a type decides how it crosses. The order matters where two could match: a closure (`&dyn Fn(u32)`)
 * before the other trait objects; an array or a tuple before a zero-sized value (`[u8; 0]` is both); a
 * `#[repr(C)]` struct's mirror before a handle (C can build the struct, it could never obtain a handle).
 */
export const CONVERTERS: readonly Converter[] = [
  str,
  cString,
  array,
  slice,
  stringList,
  sliceList,
  vec,
  callback,
  char,
  option,
  result,
  tuple,
  zeroSized,
  rawSlice,
  structMirror,
  handle,
  closure,
  traitObject,
];

/** The renderer of each kind of return plan, from the converter that owns the kind. */
export const RETURN_RENDERERS: ReturnRenderers = ownedRenderers(CONVERTERS);

function ownedRenderers(converters: readonly Converter[]): ReturnRenderers {
  const out: ReturnRenderers = {};
  for (const c of converters) {
    const renders = c.renders ?? {};
    for (const kind of Object.keys(renders))
      if (kind in out) throw new Error(`two converters render return plans of kind ${kind}`);
    Object.assign(out, renders);
  }
  return out;
}

/**
 * How one parameter of the shim arrives from C and becomes the Rust value the idiomatic function takes:
 * as it is when C can pass it, else as the first converter that matches its type says. Null when none can.
 */
export function planParam(
  name: string,
  writtenExpr: TypeExpr,
  checked: CheckedType | undefined,
  env: PlanEnv,
): ParamPlan | null {
  const written = env.src(writtenExpr);
  if (!checked || checked.verdict.kind === 'safe')
    return { cParams: [`${name}: ${written}`], prologue: [], arg: name, fallible: false, safety: null };
  const input = { name, ty: checked.ty, expr: expandAlias(writtenExpr, env), written };
  for (const converter of CONVERTERS) {
    const plan = converter.param?.(input, env);
    if (plan !== undefined) return plan;
  }
  return null;
}

/**
 * How the idiomatic function's return value reaches C: directly when C can hold it, else as the first
 * converter that matches its type says (out-parameters, an owned pointer…). Null when none can.
 */
export function planReturn(checked: CheckedType | undefined, writtenExpr: TypeExpr, env: PlanEnv): ReturnPlan | null {
  const written = env.src(writtenExpr);
  if (!checked) return null;
  if (checked.verdict.kind === 'safe')
    return isUnit(checked.ty) ? { kind: 'none' } : { kind: 'direct', cType: written };
  const input = { ty: checked.ty, expr: expandAlias(writtenExpr, env), written };
  for (const converter of CONVERTERS) {
    const plan = converter.ret?.(input, env);
    if (plan !== undefined) return plan;
  }
  return null;
}
