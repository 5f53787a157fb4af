import { C_CHAR, isStd } from '../shim-plan';
import type { Converter } from './converter';

/**
 * Lists of strings: `&[&str]`, `&[String]`, `Vec<&str>`, `Vec<String>` arrive as an array of C strings and
 * its length, as `argv` and `argc` are passed; each string is null and UTF-8 checked.
 *
 * ```text
 * pub extern "C" fn longest(words: &[&str]) -> usize
 *   →  pub unsafe extern "C" fn longest_ffi(words: *const *const c_char, words_len: usize, out: *mut usize) -> i32
 * ```
 */
export const stringList: Converter = {
  name: 'string-list',
  param({ name, ty }) {
    const list =
      ty.k === 'ref' && !ty.mutable && ty.inner.k === 'slice'
        ? ty.inner.inner
        : ty.k === 'adt' && isStd(ty, 'Vec')
          ? ty.args[0]
          : null;
    if (!list) return undefined;
    const owned = isStd(list, 'String');
    if (!owned && !(list.k === 'ref' && !list.mutable && list.inner.k === 'prim' && list.inner.name === 'str'))
      return undefined;
    const len = `${name}_len`;
    const items = `${name}_items`;
    return {
      cParams: [`${name}: *const *const ${C_CHAR}`, `${len}: usize`],
      prologue: [
        `let ${name}: &[*const ${C_CHAR}] = if ${len} == 0 {\n    &[]\n} else if ${name}.is_null() {\n    return {ERR};\n} else {\n    unsafe { std::slice::from_raw_parts(${name}, ${len}) }\n};`,
        `let mut ${items} = std::vec::Vec::with_capacity(${name}.len());`,
        `for &item in ${name} {\n    if item.is_null() {\n        return {ERR};\n    }\n    let Ok(item) = unsafe { std::ffi::CStr::from_ptr(item) }.to_str() else {\n        return {ERR};\n    };\n    ${items}.push(item${owned ? '.to_owned()' : ''});\n}`,
      ],
      arg: ty.k === 'ref' ? `&${items}` : items,
      fallible: true,
      safety: `\`${name}\` must be null or point to \`${len}\` pointers to NUL-terminated strings, all valid during the call.`,
    };
  },
};
