import { C_CHAR, isStd } from '../shim-plan';
import { helperName } from '../shim-types';
import type { Converter } from './converter';

/**
 * C strings: `&CStr` and `CString` arrive as the `*const c_char` they stand for, null checked (a
 * `CString` is copied, C keeps its buffer). A returned `&CStr` is handed out as the pointer it already
 * is; a returned `CString` becomes a string C owns and frees with `<crate>_free_string`.
 *
 * ```text
 * pub extern "C" fn name_len(name: &CStr) -> usize  →  pub unsafe extern "C" fn name_len_ffi(name: *const c_char, out: *mut usize) -> i32
 * pub extern "C" fn version() -> &'static CStr       →  pub unsafe extern "C" fn version_ffi() -> *const c_char
 * ```
 */
export const cString: Converter = {
  name: 'c-string',
  param({ name, ty }) {
    const cstrIn = ty.k === 'ref' && !ty.mutable && isStd(ty.inner, 'CStr');
    if (!cstrIn && !isStd(ty, 'CString')) return undefined;
    return {
      cParams: [`${name}: *const ${C_CHAR}`],
      prologue: [
        `if ${name}.is_null() {\n    return {ERR};\n}`,
        `let ${name} = unsafe { std::ffi::CStr::from_ptr(${name}) }${cstrIn ? '' : '.to_owned()'};`,
      ],
      arg: name,
      fallible: true,
      safety: `\`${name}\` must be null or point to a NUL-terminated string that stays valid during the call.`,
    };
  },
  ret({ ty }, env) {
    if (isStd(ty, 'CString')) return { kind: 'owned-string', free: helperName(env.walk, 'free_string'), boxed: false };
    if (ty.k === 'ref' && !ty.mutable && isStd(ty.inner, 'CStr'))
      return { kind: 'direct', cType: `*const ${C_CHAR}`, wrap: (call) => `${call}.as_ptr()` };
    return undefined;
  },
};
