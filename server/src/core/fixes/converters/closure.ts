import type { Ty } from '../../workspace/types';
import { C_VOID } from '../shim-plan';
import { callbackArg } from './callback';
import type { Converter } from './converter';

/**
 * `&dyn Fn(u32) -> bool` / `&mut dyn FnMut(&str)`: C's classic callback plus user data. The shim takes an
 * `extern "C"` function whose first argument is the caller's `*mut c_void`, and passes a closure calling it.
 *
 * ```text
 * pub extern "C" fn each_even(limit: u32, f: &dyn Fn(u32))
 *   →  pub unsafe extern "C" fn each_even_ffi(limit: u32, f: Option<extern "C" fn(*mut c_void, u32)>, f_data: *mut c_void)
 * ```
 */
export const closure: Converter = {
  name: 'closure',
  param({ name, ty }) {
    if (!(ty.k === 'ref' && ty.inner.k === 'dyn')) return undefined;
    const m = /^(?:dyn\s+)?(Fn|FnMut)\s*\(([^()]*)\)\s*(?:->\s*([^+]+?))?\s*(?:\+\s*(?:Send|Sync|'\w+)\s*)*$/.exec(
      ty.inner.text.trim(),
    );
    const mutable = ty.mutable;
    if (!m || (m[1] === 'FnMut' && !mutable)) return undefined;
    const params = m[2].trim() ? m[2].split(',').map((p) => p.trim()) : [];
    const tys = params.map(simpleType);
    if (tys.some((t) => t === null)) return undefined;
    const args = tys.map((t, i) => callbackArg(t!, params[i], `a${i}`));
    if (args.some((a) => a === null)) return undefined;
    const ret = m[3]?.trim();
    if (ret && !/^(bool|u8|u16|u32|u64|usize|i8|i16|i32|i64|isize|f32|f64|\(\))$/.test(ret)) return undefined;
    const retText = ret && ret !== '()' ? ` -> ${ret}` : '';
    const cFn = `extern "C" fn(*mut ${C_VOID}${args.map((a) => a!.cTypes.map((c) => `, ${c}`).join('')).join('')})${retText}`;
    const data = `${name}_data`;
    return {
      cParams: [`${name}: Option<${cFn}>`, `${data}: *mut ${C_VOID}`],
      prologue: [
        `let Some(${name}) = ${name} else {\n    return {ERR};\n};`,
        `let ${mutable ? 'mut ' : ''}${name} = |${params.map((p, i) => `a${i}: ${p}`).join(', ')}| ${name}(${[data, ...args.flatMap((a) => a!.pass)].join(', ')});`,
      ],
      arg: `&${mutable ? 'mut ' : ''}${name}`,
      fallible: true,
      safety: `\`${name}\` is called only during this call, with \`${data}\` as its first argument; null is rejected.`,
    };
  },
};

/** The written types a closure signature may use, as the types `callbackArg` converts. */
function simpleType(written: string): Ty | null {
  const t = written.trim();
  if (/^(bool|char|u8|u16|u32|u64|usize|i8|i16|i32|i64|isize|f32|f64)$/.test(t)) return { k: 'prim', name: t };
  if (/^&\s*str$/.test(t)) return { k: 'ref', mutable: false, inner: { k: 'prim', name: 'str' } };
  const slice = /^&\s*(mut\s+)?\[\s*(bool|u8|u16|u32|u64|usize|i8|i16|i32|i64|isize|f32|f64)\s*\]$/.exec(t);
  if (slice) return { k: 'ref', mutable: !!slice[1], inner: { k: 'slice', inner: { k: 'prim', name: slice[2] } } };
  return null;
}
