import type { Converter } from './converter';

/**
 * `char`, which C has no type for: it arrives as a `u32`, checked to be a Unicode scalar value (else the
 * call is rejected); returned, it is written as a `u32` to `out`, and the shim returns a status.
 *
 * ```text
 * pub extern "C" fn upper(c: char) -> char  →  pub unsafe extern "C" fn upper_ffi(c: u32, out: *mut u32) -> i32
 * ```
 */
export const char: Converter = {
  name: 'char',
  param({ name, ty }) {
    if (!(ty.k === 'prim' && ty.name === 'char')) return undefined;
    return {
      cParams: [`${name}: u32`],
      prologue: [`let Some(${name}) = std::primitive::char::from_u32(${name}) else {\n    return {ERR};\n};`],
      arg: name,
      fallible: true,
      safety: null,
    };
  },
  ret({ ty }) {
    return ty.k === 'prim' && ty.name === 'char' ? { kind: 'char' } : undefined;
  },
};
