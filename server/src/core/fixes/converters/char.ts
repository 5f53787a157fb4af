import { writeOut } from '../shim-plan';
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
  renders: {
    char: {
      render: (_plan, r) => ({
        cParams: ['out: *mut u32'],
        cRet: ' -> i32',
        err: '-1',
        epilogue: [
          `let result = ${r.call};`,
          `if !out.is_null() {\n    unsafe { out.write(u32::from(result)) };\n}`,
          '0',
        ],
        safety: [
          '`out` must be null or valid for a write of the character as a `u32`. Returns 0, or -1 when an argument is invalid.',
        ],
      }),
      okCType: () => 'u32',
      writeOk: () => [writeOut('u32::from(value)')],
    },
  },
};
