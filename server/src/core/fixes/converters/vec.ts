import { boxArg, elementIsSafe, genericArg, isStd } from '../shim-plan';
import type { Converter } from './converter';

/**
 * Owned sequences of C values: `Vec<T>` and `Box<[T]>` arrive as a pointer and a length, copied (or, for
 * elements that are not `Copy`-like, moved out bit for bit). Returned, the elements become an array C
 * owns, its length written to `out_len`, freed with the generated `ffi_guard_free_<T>_array`.
 *
 * ```text
 * pub extern "C" fn total(values: Vec<i32>)       →  pub unsafe extern "C" fn total_ffi(values: *const i32, values_len: usize)
 * pub extern "C" fn bytes(n: usize) -> Vec<u8>    →  pub unsafe extern "C" fn bytes_ffi(n: usize, out_len: *mut usize) -> *mut u8
 * ```
 */
export const vec: Converter = {
  name: 'vec',
  param({ name, ty, expr }, env) {
    const boxedSlice =
      ty.k === 'adt' && isStd(ty, 'Box') && ty.args[0]?.k === 'slice' && elementIsSafe(ty.args[0].inner);
    if (!(ty.k === 'adt' && ((isStd(ty, 'Vec') && ty.args[0] && elementIsSafe(ty.args[0])) || boxedSlice)))
      return undefined;
    const arg = boxedSlice ? boxArg(expr) : null;
    const elem = boxedSlice ? (arg?.kind === 'slice' ? env.src(arg.inner) : null) : genericArg(expr, 0, env);
    const elemTy = boxedSlice && ty.args[0].k === 'slice' ? ty.args[0].inner : ty.args[0];
    if (!elem) return null;
    // Primitives and pointers are copied; other elements (a struct without `Clone`) are moved out bit for bit.
    const copied = ['prim', 'ptr', 'fnptr'].includes(elemTy.k);
    const collect = copied
      ? `unsafe { std::slice::from_raw_parts(${name}, ${name}_len) }.to_vec()`
      : `(0..${name}_len).map(|i| unsafe { ${name}.add(i).read() }).collect()`;
    return {
      cParams: [`${name}: *const ${elem}`, `${name}_len: usize`],
      prologue: [
        `let ${name}: std::vec::Vec<${elem}> = if ${name}_len == 0 {\n    std::vec::Vec::new()\n} else if ${name}.is_null() {\n    return {ERR};\n} else {\n    ${collect}\n};`,
        ...(boxedSlice ? [`let ${name} = ${name}.into_boxed_slice();`] : []),
      ],
      arg: name,
      fallible: true,
      safety: copied
        ? `\`${name}\` must be null or point to \`${name}_len\` initialised elements (they are copied).`
        : `\`${name}\` must be null or point to \`${name}_len\` initialised elements, which move into the call: the caller must not use or free what they own afterwards.`,
    };
  },
  ret({ ty, expr }, env) {
    if (ty.k !== 'adt') return undefined;
    if (isStd(ty, 'Box') && ty.args[0]?.k === 'slice' && elementIsSafe(ty.args[0].inner)) {
      const arg = boxArg(expr);
      return arg?.kind === 'slice' ? { kind: 'owned-slice', elem: env.src(arg.inner), boxed: true } : undefined;
    }
    if (isStd(ty, 'Vec') && ty.args[0] && elementIsSafe(ty.args[0])) {
      const elem = genericArg(expr, 0, env);
      return elem ? { kind: 'owned-slice', elem, boxed: false } : null;
    }
    return undefined;
  },
};
