import { elementIsSafe } from '../shim-plan';
import type { Converter } from './converter';

/**
 * A batch of buffers, `&[&[T]]` of C values (as `writev` takes them): an array of pointers, an array of
 * their lengths, and the count.
 *
 * ```text
 * pub extern "C" fn total_len(bufs: &[&[u8]]) -> usize
 *   →  pub unsafe extern "C" fn total_len_ffi(bufs: *const *const u8, bufs_lens: *const usize, bufs_len: usize, out: *mut usize) -> i32
 * ```
 */
export const sliceList: Converter = {
  name: 'slice-list',
  param({ name, ty }) {
    if (!(ty.k === 'ref' && !ty.mutable && ty.inner.k === 'slice')) return undefined;
    const each = ty.inner.inner;
    if (!(
      each.k === 'ref' &&
      !each.mutable &&
      each.inner.k === 'slice' &&
      each.inner.inner.k === 'prim' &&
      elementIsSafe(each.inner.inner)
    ))
      return undefined;
    const elem = each.inner.inner.name;
    const len = `${name}_len`;
    const lens = `${name}_lens`;
    const items = `${name}_items`;
    return {
      cParams: [`${name}: *const *const ${elem}`, `${lens}: *const usize`, `${len}: usize`],
      prologue: [
        `let (${name}, ${lens}): (&[*const ${elem}], &[usize]) = if ${len} == 0 {\n    (&[], &[])\n} else if ${name}.is_null() || ${lens}.is_null() {\n    return {ERR};\n} else {\n    unsafe { (std::slice::from_raw_parts(${name}, ${len}), std::slice::from_raw_parts(${lens}, ${len})) }\n};`,
        `let mut ${items}: std::vec::Vec<&[${elem}]> = std::vec::Vec::with_capacity(${len});`,
        `for (&p, &n) in ${name}.iter().zip(${lens}) {\n    if n == 0 {\n        ${items}.push(&[]);\n    } else if p.is_null() {\n        return {ERR};\n    } else {\n        ${items}.push(unsafe { std::slice::from_raw_parts(p, n) });\n    }\n}`,
      ],
      arg: `&${items}`,
      fallible: true,
      safety: `\`${name}\` and \`${lens}\` must be null or point to \`${len}\` buffer pointers and their lengths; each buffer must hold its length in elements, all valid during the call.`,
    };
  },
};
