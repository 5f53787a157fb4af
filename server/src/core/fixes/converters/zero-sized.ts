import { adtShape, is1Zst } from '../../analysis/ffi';
import { isUnit, Ty } from '../../workspace/types';
import type { PlanEnv } from '../shim-plan';
import type { Converter } from './converter';

/**
 * A zero-sized value carries nothing C could pass: the shim drops the parameter and builds the value
 * itself; a zero-sized return value is dropped. Only for values it can build: `()`, `PhantomData`, and
 * structs whose fields are all such values (a struct with fields only when it is defined in the shim's
 * module, where they are visible).
 *
 * ```text
 * pub extern "C" fn with_token(token: Token, unit: (), x: u32) -> u32
 *   →  pub unsafe extern "C" fn with_token_ffi(x: u32) -> u32 { let token = Token {}; let unit = (); … }
 * ```
 */
export const zeroSized: Converter = {
  name: 'zero-sized',
  param({ name, ty, written }, env) {
    const value = zeroSizedValue(ty, written, env, 0);
    if (value === null) return undefined;
    return { cParams: [], prologue: [`let ${name} = ${value};`], arg: name, fallible: false, safety: null };
  },
  ret({ ty }) {
    return is1Zst(ty) ? { kind: 'none' } : undefined;
  },
};

function zeroSizedValue(ty: Ty, written: string | null, env: PlanEnv, depth: number): string | null {
  if (depth > 8 || !is1Zst(ty)) return null;
  if (isUnit(ty)) return '()';
  if (ty.k !== 'adt') return null;
  if (ty.def.source === 'std') {
    if (ty.def.name === 'PhantomPinned') return 'std::marker::PhantomPinned';
    return ty.def.category === 'phantom' ? 'std::marker::PhantomData' : null;
  }
  const item = ty.def.item;
  if (item.kind !== 'struct' || (item.fields.length && ty.def.module !== env.walk.module)) return null;
  // A struct expression names the type without its generic arguments, which the call infers.
  const path =
    written && /^[\w:]+(<.*>)?$/s.test(written)
      ? written.replace(/<.*$/s, '').trim()
      : ty.def.module === env.walk.module
        ? item.name
        : null;
  if (!path) return null;
  const fields = adtShape(ty).variants[0];
  const values = fields.map((f) => zeroSizedValue(f.ty, null, env, depth + 1));
  if (values.some((v) => v === null)) return null;
  const names = item.fields.map((f, i) => f.name ?? String(i));
  return `${path} {${values.length ? ` ${values.map((v, i) => `${names[i]}: ${v}`).join(', ')} ` : ''}}`;
}
