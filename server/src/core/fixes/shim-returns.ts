import { checkBoundaryType, is1Zst } from '../analysis/ffi';
import type { CheckedType } from '../analysis/boundary-types';
import type { TypeExpr } from '../syntax/model';
import { FFI_OPTION, FFI_RESULT, snake, traitOf, tupleStruct } from './shim-types';
import { okCType } from './shim-render';
import { displayTy, isUnit, Ty } from '../workspace/types';
import {
  C_CHAR,
  elementIsSafe,
  expandAlias,
  genericArg,
  boxArg,
  isHandleType,
  isStd,
  oneLine,
  PlanEnv,
  pointee,
  ReturnPlan,
  rustText,
  sliceElem,
  stdArgs,
  taggedType,
  tupleConv,
  typeName,
} from './shim-plan';

/** How the idiomatic function's return value reaches C: directly, through out-parameters, or as an owned pointer. */

export function planReturn(checked: CheckedType | undefined, writtenExpr: TypeExpr, env: PlanEnv): ReturnPlan | null {
  const written = env.src(writtenExpr);
  if (!checked) return null;
  if (checked.verdict.kind === 'safe')
    return isUnit(checked.ty) ? { kind: 'none' } : { kind: 'direct', cType: written };
  const ty = checked.ty;
  const expr = expandAlias(writtenExpr, env);
  if (isStd(ty, 'String') || isStd(ty, 'CString')) return { kind: 'owned-string', boxed: false };
  // A borrowed C string is handed out as the pointer it already is.
  if (ty.k === 'ref' && !ty.mutable && isStd(ty.inner, 'CStr'))
    return { kind: 'direct', cType: `*const ${C_CHAR}`, wrap: (call) => `${call}.as_ptr()` };
  if (ty.k === 'array' && elementIsSafe(ty.inner) && expr.kind === 'array')
    return { kind: 'array-out', elem: env.src(expr.inner), array: written, len: ty.len };
  if (ty.k === 'array' && ty.inner.k === 'prim' && ty.inner.name === 'char' && expr.kind === 'array')
    return { kind: 'array-out', elem: 'u32', array: `[u32; ${expr.length}]`, len: ty.len, map: 'u32::from' };
  if (ty.k === 'ref' && ty.inner.k === 'prim' && ty.inner.name === 'str') return { kind: 'owned-string', boxed: false };
  if (isStd(ty, 'OsString')) return { kind: 'owned-string', boxed: false, utf8: (v) => `${v}.into_string().ok()` };
  if (isStd(ty, 'PathBuf'))
    return { kind: 'owned-string', boxed: false, utf8: (v) => `${v}.into_os_string().into_string().ok()` };
  if (ty.k === 'ref' && (isStd(ty.inner, 'OsStr') || isStd(ty.inner, 'Path')))
    return { kind: 'owned-string', boxed: false, utf8: (v) => `${v}.to_str()` };
  if (ty.k === 'prim' && ty.name === 'char') return { kind: 'char' };
  if (ty.k === 'adt' && isStd(ty, 'Box') && ty.args[0]) {
    const inner = ty.args[0];
    const arg = boxArg(expr);
    if (inner.k === 'prim' && inner.name === 'str') return { kind: 'owned-string', boxed: true };
    if (inner.k === 'slice' && elementIsSafe(inner.inner) && arg?.kind === 'slice')
      return { kind: 'owned-slice', elem: env.src(arg.inner), boxed: true };
    if (inner.k === 'dyn' && arg) {
      const t = traitOf(inner.text, env.walk);
      return t ? { kind: 'handle', trait: t.written, dyn: env.src(arg) } : null;
    }
    return null;
  }
  if (ty.k === 'adt' && isStd(ty, 'Vec') && ty.args[0] && elementIsSafe(ty.args[0])) {
    const elem = genericArg(expr, 0, env);
    return elem ? { kind: 'owned-slice', elem, boxed: false } : null;
  }
  if (ty.k === 'adt' && isStd(ty, 'Option') && ty.args[0] && elementIsSafe(ty.args[0])) {
    const inner = genericArg(expr, 0, env);
    if (!inner) return null;
    if (env.options.tagged) {
      const tagged = taggedType(FFI_OPTION, env);
      return { kind: 'direct', cType: `${tagged}<${inner}>`, wrap: (call) => `${tagged}::from(${call})` };
    }
    return { kind: 'option', cType: inner };
  }
  if (ty.k === 'adt' && isStd(ty, 'Result') && ty.args[0] && (isUnit(ty.args[0]) || elementIsSafe(ty.args[0]))) {
    const ok = genericArg(expr, 0, env);
    const err = genericArg(expr, 1, env);
    if (env.options.tagged && ok && err && ty.args[1] && (isUnit(ty.args[1]) || elementIsSafe(ty.args[1]))) {
      const tagged = taggedType(FFI_RESULT, env);
      return { kind: 'direct', cType: `${tagged}<${ok}, ${err}>`, wrap: (call) => `${tagged}::from(${call})` };
    }
    return { kind: 'result', cType: isUnit(ty.args[0]) ? null : ok };
  }
  if (ty.k === 'adt' && isStd(ty, 'Result') && ty.args[0]) {
    // `Result<String, E>`, `Result<Vec<u8>, E>`, `Result<Config, E>`: the `Ok` value converted as a return is.
    const okExpr = stdArgs(expr)?.[0];
    if (!okExpr) return null;
    const ok = planReturn(
      {
        expr: okExpr,
        ty: ty.args[0],
        position: 'return',
        mode: 'definition',
        verdict: checkBoundaryType(ty.args[0], 'definition', 'return'),
      },
      okExpr,
      env,
    );
    const cType = ok ? okCType(ok) : null;
    return ok && cType ? { kind: 'result', cType, ok } : null;
  }
  if (ty.k === 'tuple' && expr.kind === 'tuple' && ty.elems.every(elementIsSafe)) {
    const struct = typeName(`${env.label}Output`, env);
    const item = tupleStruct(struct, expr.elems.map(env.src), 'The return value');
    env.items.set(item.key, item);
    return { kind: 'direct', cType: struct, wrap: (call) => `${struct}::from(${call})` };
  }
  if (ty.k === 'tuple' && expr.kind === 'tuple' && ty.elems.length) {
    const converted = tupleConv(ty, expr, `${env.label}Output`, 'The return value', env);
    if (converted) return { kind: 'direct', cType: converted.c, wrap: (call) => converted.toC(call) };
  }
  return planReturnMore(ty, expr, env);
}

/** Returns C holds as a pointer: optional strings, slices and handles, zero-sized values, raw and borrowed slices. */
export function planReturnMore(ty: Ty, expr: TypeExpr, env: PlanEnv): ReturnPlan | null {
  if (is1Zst(ty)) return { kind: 'none' };
  if (ty.k === 'adt' && isStd(ty, 'Option') && ty.args[0] && !env.options.tagged) {
    const inner = ty.args[0];
    if (inner.k === 'prim' && inner.name === 'char') return { kind: 'option', cType: 'u32', map: 'u32::from' };
    const innerExpr = stdArgs(expr)?.[0];
    if (!innerExpr) return null;
    const plan = planReturn(
      {
        expr: innerExpr,
        ty: inner,
        position: 'return',
        mode: 'definition',
        verdict: checkBoundaryType(inner, 'definition', 'return'),
      },
      innerExpr,
      env,
    );
    if (
      plan &&
      (plan.kind === 'owned-string' || plan.kind === 'owned-slice' || plan.kind === 'boxed' || plan.kind === 'handle')
    )
      return { ...plan, optional: true };
    return null;
  }
  if (
    (ty.k === 'ptr' || (ty.k === 'ref' && !ty.mutable)) &&
    (ty.inner.k === 'slice' || (ty.inner.k === 'prim' && ty.inner.name === 'str'))
  ) {
    const isStr = ty.inner.k === 'prim';
    if (ty.k === 'ref' && isStr) return null;
    const elem = isStr
      ? 'u8'
      : ty.inner.k === 'slice' && elementIsSafe(ty.inner.inner)
        ? rustText(ty.inner.inner, sliceElem(pointee(expr)), env)
        : null;
    return elem ? { kind: 'raw-slice', elem, mutable: ty.mutable, str: isStr, raw: ty.k === 'ptr' } : null;
  }
  if (isHandleType(ty)) {
    const written = oneLine(env.src(expr));
    const free = `ffi_guard_free_${snake(displayTy(ty).replace(/\b[a-z_][a-z0-9_]*::/g, ''))}`;
    return { kind: 'boxed', written, free };
  }
  return null;
}
