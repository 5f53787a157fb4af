import { checkBoundaryType } from '../../analysis/ffi';
import type { TypeExpr } from '../../syntax/model';
import { isOptionOrResult } from '../../workspace/std-types';
import { isUnit, Ty } from '../../workspace/types';
import { FFI_OPTION } from '../shim-types';
import { elementIsSafe, genericArg, isStd, ParamPlan, PlanEnv, stdArgs, taggedType } from '../shim-plan';
import { callbackTrampoline } from './callback';
import type { Converter } from './converter';

/**
 * `Option<T>`. A C value `T` arrives as a nullable `*const T` (null is `None`) and is returned as a flag
 * with the value written to `out`; or, with the alternative `tagged`, as the generated `#[repr(C)]`
 * `FfiOption<T>`. A `T` that travels as a pointer (a string, a slice, a handle, a callback) is null for
 * `None`; `Option<char>` is a `u32` where a value that is not a Unicode scalar value is `None`;
 * `Option<()>` is a flag.
 *
 * ```text
 * pub extern "C" fn find(key: u32) -> Option<u64>         →  pub unsafe extern "C" fn find_ffi(key: u32, out: *mut u64) -> bool
 * pub extern "C" fn scale(factor: Option<f64>, …) -> f64  →  pub unsafe extern "C" fn scale_ffi(factor: *const f64, …) -> f64
 * ```
 */
export const option: Converter = {
  name: 'option',
  param({ name, ty, expr, written }, env) {
    if (ty.k === 'adt' && isOptionOrResult(ty) && isStd(ty, 'Option') && ty.args[0] && elementIsSafe(ty.args[0])) {
      const inner = genericArg(expr, 0, env);
      if (!inner) return null;
      if (env.options.tagged) {
        const tagged = taggedType(FFI_OPTION, env);
        return {
          cParams: [`${name}: ${tagged}<${inner}>`],
          prologue: [`let ${name}: ${written} = ${name}.into();`],
          arg: name,
          fallible: false,
          safety: null,
        };
      }
      return {
        cParams: [`${name}: *const ${inner}`],
        prologue: [`let ${name} = if ${name}.is_null() {\n    None\n} else {\n    Some(unsafe { ${name}.read() })\n};`],
        arg: name,
        fallible: false,
        safety: `\`${name}\` must be null (None) or point to a valid \`${inner}\`, which is read once.`,
      };
    }
    return optionOfPointer(name, ty, expr, env) ?? undefined;
  },
  ret({ ty, expr }, env) {
    if (!(ty.k === 'adt' && isStd(ty, 'Option') && ty.args[0])) return undefined;
    if (elementIsSafe(ty.args[0])) {
      const inner = genericArg(expr, 0, env);
      if (!inner) return null;
      if (env.options.tagged) {
        const tagged = taggedType(FFI_OPTION, env);
        return { kind: 'direct', cType: `${tagged}<${inner}>`, wrap: (call) => `${tagged}::from(${call})` };
      }
      return { kind: 'option', cType: inner };
    }
    if (env.options.tagged) return undefined;
    // An `Option` of a value returned as a pointer (a string, a slice, a handle): `None` is null.
    const inner = ty.args[0];
    if (inner.k === 'prim' && inner.name === 'char') return { kind: 'option', cType: 'u32', map: 'u32::from' };
    const innerExpr = stdArgs(expr)?.[0];
    if (!innerExpr) return null;
    const plan = env.planReturn(
      {
        expr: innerExpr,
        ty: inner,
        position: 'return',
        mode: 'definition',
        verdict: checkBoundaryType(inner, 'definition', 'return'),
      },
      innerExpr,
    );
    if (
      plan &&
      (plan.kind === 'owned-string' || plan.kind === 'owned-slice' || plan.kind === 'boxed' || plan.kind === 'handle')
    )
      return { ...plan, optional: true };
    return null;
  },
  renders: {
    option: {
      render: (plan, r) => ({
        cParams: [`out: *mut ${plan.cType}`],
        cRet: ' -> bool',
        err: 'false',
        epilogue: [
          `match ${r.call} {\n    Some(value) => {\n        if !out.is_null() {\n            unsafe { out.write(${plan.map ? `${plan.map}(value)` : 'value'}) };\n        }\n        true\n    }\n    None => false,\n}`,
        ],
        safety: [
          '`out` must be null or valid for a write. Returns true and writes the value when there is one, false otherwise.',
        ],
      }),
    },
  },
};

/**
 * `Option<T>` whose `T` travels as a pointer (strings, slices, handles, callbacks): null is `None`.
 * `Option<char>` travels as a `u32`, where any value that is not a Unicode scalar value is `None`.
 */
function optionOfPointer(name: string, ty: Ty, expr: TypeExpr, env: PlanEnv): ParamPlan | null {
  if (!(ty.k === 'adt' && isStd(ty, 'Option') && ty.args[0]) || env.options.tagged) return null;
  const inner = ty.args[0];
  if (isUnit(inner))
    return {
      cParams: [`${name}: bool`],
      prologue: [`let ${name} = ${name}.then_some(());`],
      arg: name,
      fallible: false,
      safety: null,
    };
  if (inner.k === 'prim' && inner.name === 'char') {
    return {
      cParams: [`${name}: u32`],
      prologue: [`let ${name} = std::primitive::char::from_u32(${name});`],
      arg: name,
      fallible: false,
      safety: null,
    };
  }
  const innerExpr = stdArgs(expr)?.[0];
  if (!innerExpr) return null;
  if (inner.k === 'fnptr' && (inner.abi === null || inner.abi === 'Rust') && innerExpr.kind === 'fnptr') {
    // An optional Rust callback: a null C callback is `None`, any other one is called through the trampoline.
    const plan = callbackTrampoline(name, inner, innerExpr, env);
    if (!plan) return null;
    return {
      ...plan,
      prologue: plan.prologue
        .slice(1)
        .map((line) => line.replace(`cell.replace(Some(${name}))`, `cell.replace(${name})`)),
      arg: `${name}.map(|_| ${plan.arg} as ${env.src(innerExpr)})`,
      fallible: false,
      safety: `\`${name}\` is called only during this call, on this thread; null is \`None\`.`,
    };
  }
  if (
    inner.k === 'ref' &&
    inner.inner.k === 'slice' &&
    elementIsSafe(inner.inner.inner) &&
    innerExpr.kind === 'ref' &&
    innerExpr.inner.kind === 'slice'
  ) {
    const m = inner.mutable ? 'mut' : 'const';
    return {
      cParams: [`${name}: *${m} ${env.src(innerExpr.inner.inner)}`, `${name}_len: usize`],
      prologue: [
        `let ${name} = if ${name}.is_null() {\n    None\n} else {\n    Some(unsafe { std::slice::from_raw_parts${inner.mutable ? '_mut' : ''}(${name}, ${name}_len) })\n};`,
      ],
      arg: name,
      fallible: false,
      safety: `\`${name}\` must be null (\`None\`) or point to \`${name}_len\` initialised elements${inner.mutable ? ' that nothing else accesses' : ''} during the call.`,
    };
  }
  const plan = env.planParam(name, innerExpr, {
    expr: innerExpr,
    ty: inner,
    position: 'param',
    mode: 'definition',
    verdict: checkBoundaryType(inner, 'definition', 'param'),
  });
  if (!plan || !plan.cParams.length || !plan.cParams[0].startsWith(`${name}: *`)) return null;
  const nullCheck = `if ${name}.is_null() {\n    return {ERR};\n}`;
  const convert = plan.prologue.filter((line) => line !== nullCheck);
  const body = [...convert, `Some(${plan.arg})`].join('\n').replace(/^/gm, '    ');
  return {
    cParams: plan.cParams,
    prologue: [`let ${name} = if ${name}.is_null() {\n    None\n} else {\n${body}\n};`],
    arg: name,
    fallible: plan.fallible,
    safety: `${plan.safety ?? ''} Null is \`None\`.`.trim(),
  };
}
