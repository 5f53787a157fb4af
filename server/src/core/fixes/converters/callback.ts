import type { TypeExpr } from '../../syntax/model';
import { isUnit, Ty } from '../../workspace/types';
import { checkBoundaryType } from '../../analysis/ffi';
import { camel, snake } from '../shim-types';
import { elementIsSafe, ParamPlan, PlanEnv, typeName } from '../shim-plan';
import type { Converter } from './converter';

/**
 * A Rust-ABI callback parameter (`visit: fn(&str, usize)`): the shim takes an `extern "C"` callback with
 * C types, and passes the Rust function a trampoline that calls it. The C callback lives in a thread-local
 * for the duration of the call, so a callback that is only called during the call (the usual contract)
 * works.
 *
 * ```text
 * pub extern "C" fn for_each_line(text: &str, visit: fn(&str, usize))
 *   →  pub unsafe extern "C" fn for_each_line_ffi(text: *const c_char, visit: Option<extern "C" fn(*const u8, usize, usize)>)
 * ```
 */
export const callback: Converter = {
  name: 'callback',
  param({ name, ty, expr }, env) {
    if (!(ty.k === 'fnptr' && (ty.abi === null || ty.abi === 'Rust') && expr.kind === 'fnptr')) return undefined;
    return callbackTrampoline(name, ty, expr, env) ?? undefined;
  },
};

/** How one argument of a Rust callback reaches the C callback: its C parameters and the expressions passing it. */
export function callbackArg(ty: Ty, written: string, name: string): { cTypes: string[]; pass: string[] } | null {
  if (ty.k === 'prim' && ty.name === 'char') return { cTypes: ['u32'], pass: [`u32::from(${name})`] };
  if (ty.k === 'prim' && ty.name !== 'str') return { cTypes: [written], pass: [name] };
  if (ty.k === 'ref' && !ty.mutable && ty.inner.k === 'prim' && ty.inner.name === 'str')
    return { cTypes: ['*const u8', 'usize'], pass: [`${name}.as_ptr()`, `${name}.len()`] };
  if (ty.k === 'ref' && ty.inner.k === 'slice' && elementIsSafe(ty.inner.inner) && ty.inner.inner.k === 'prim') {
    const m = ty.mutable ? 'mut' : 'const';
    return {
      cTypes: [`*${m} ${ty.inner.inner.name}`, 'usize'],
      pass: [`${name}.as_${ty.mutable ? 'mut_' : ''}ptr()`, `${name}.len()`],
    };
  }
  if (ty.k === 'ptr' || (ty.k === 'ref' && checkBoundaryType(ty, 'definition', 'param').kind === 'safe'))
    return { cTypes: [written], pass: [name] };
  return null;
}

/** The shim's C callback for a Rust-ABI function pointer, and the trampoline the Rust function is given. */
export function callbackTrampoline(
  name: string,
  ty: Ty & { k: 'fnptr' },
  expr: TypeExpr & { kind: 'fnptr' },
  env: PlanEnv,
): ParamPlan | null {
  if (ty.variadic || expr.fn.params.length !== ty.params.length) return null;
  const args = ty.params.map((p, i) => callbackArg(p, env.src(expr.fn.params[i]), `a${i}`));
  if (args.some((a) => a === null)) return null;
  const ret = isUnit(ty.ret)
    ? null
    : ty.ret.k === 'prim' && !['char', 'str', '!'].includes(ty.ret.name)
      ? env.src(expr.fn.ret!)
      : undefined;
  if (ret === undefined) return null;
  const cFn = `extern "C" fn(${args.flatMap((a) => a!.cTypes).join(', ')})${ret ? ` -> ${ret}` : ''}`;
  const base = `${snake(env.label)}_${name}`;
  const slot = typeName(`${base.toUpperCase()}_CALLBACK`, env);
  const trampoline = typeName(`${base}_trampoline`, env);
  const rustParams = ty.params.map((_, i) => `a${i}: ${env.src(expr.fn.params[i])}`).join(', ');
  const call = `cb(${args.flatMap((a) => a!.pass).join(', ')})`;
  env.items.set(slot, {
    key: slot,
    text: [
      'thread_local! {',
      `    /// The C callback of the running shim, for \`${trampoline}\`.`,
      `    static ${slot}: std::cell::Cell<Option<${cFn}>> = const { std::cell::Cell::new(None) };`,
      '}',
      '',
      `/// Calls the running shim's C callback with C types.`,
      `fn ${trampoline}(${rustParams})${ret ? ` -> ${ret}` : ''} {`,
      ...(ret
        ? [`    ${slot}.with(|cb| cb.get().map_or(Default::default(), |cb| ${call}))`]
        : [
            `    ${slot}.with(|cb| {`,
            '        if let Some(cb) = cb.get() {',
            `            ${call};`,
            '        }',
            '    });',
          ]),
      '}',
    ].join('\n'),
  });
  const guard = `Restore${camel(name)}`;
  return {
    cParams: [`${name}: Option<${cFn}>`],
    prologue: [
      `let Some(${name}) = ${name} else {\n    return {ERR};\n};`,
      `struct ${guard}(Option<${cFn}>);\nimpl Drop for ${guard} {\n    fn drop(&mut self) {\n        ${slot}.with(|cb| cb.set(self.0));\n    }\n}\nlet _restore = ${guard}(${slot}.with(|cell| cell.replace(Some(${name}))));`,
    ],
    arg: trampoline,
    fallible: true,
    safety: `\`${name}\` is called only during this call, on this thread; null is rejected.`,
  };
}
