import type { WalkContext } from '../../analysis/boundary';
import { helperName } from '../shim-types';
import { bindResult, boxArg, crateHasFn, elementIsSafe, genericArg, isStd, writeOut } from '../shim-plan';
import type { Converter } from './converter';

/**
 * Owned sequences of C values: `Vec<T>` and `Box<[T]>` arrive as a pointer and a length, copied (or, for
 * elements that are not `Copy`-like, moved out bit for bit). Returned, the elements become an array C
 * owns, its length written to `out_len`, freed with the generated `<crate>_free_<T>_array`.
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
      return arg?.kind === 'slice'
        ? {
            kind: 'owned-slice',
            free: sliceFreeName(env.walk, env.src(arg.inner)),
            elem: env.src(arg.inner),
            boxed: true,
          }
        : undefined;
    }
    if (isStd(ty, 'Vec') && ty.args[0] && elementIsSafe(ty.args[0])) {
      const elem = genericArg(expr, 0, env);
      return elem ? { kind: 'owned-slice', free: sliceFreeName(env.walk, elem), elem, boxed: false } : null;
    }
    return undefined;
  },
  renders: {
    'owned-slice': {
      render: (plan, r) => ({
        cParams: ['out_len: *mut usize'],
        cRet: ` -> *mut ${plan.elem}`,
        err: 'std::ptr::null_mut()',
        epilogue: [
          ...r.unwrap,
          ...bindResult(plan.boxed ? r.value : `${r.value}.into_boxed_slice()`),
          `if !out_len.is_null() {\n    unsafe { out_len.write(result.len()) };\n}`,
          `std::boxed::Box::into_raw(result).cast::<${plan.elem}>()`,
        ],
        safety: [
          `\`out_len\` must be null or valid for a write. Returns \`*out_len\` elements owned by the caller, to be freed with \`${plan.free}\` with the same length, or null when ${plan.optional ? 'there is none or ' : ''}an argument is invalid.`,
        ],
      }),
      okCType: (plan) => (plan.optional ? null : `*mut ${plan.elem}`),
      writeOk: (plan) => [
        `let value = value${plan.boxed ? '' : '.into_boxed_slice()'};`,
        `if !out_len.is_null() {\n    unsafe { out_len.write(value.len()) };\n}`,
        writeOut(`std::boxed::Box::into_raw(value).cast::<${plan.elem}>()`),
      ],
      okOwnership: (plan) =>
        ` On success \`*out\` holds \`*out_len\` elements owned by the caller, to be freed with \`${plan.free}\` with the same length.`,
      helpers: (plan, env) => {
        const name = plan.free;
        if (crateHasFn(env.walk, name)) return;
        env.items.set(name, {
          key: name,
          text: [
            `/// Frees an array of \`${plan.elem}\` returned by this library.`,
            '///',
            '/// # Safety',
            '///',
            '/// `ptr` and `len` must be a pointer and length returned together by this library, not yet freed.',
            env.exportAttr(name),
            `pub unsafe extern "C" fn ${name}(ptr: *mut ${plan.elem}, len: usize) {`,
            '    if !ptr.is_null() {',
            '        drop(unsafe { std::boxed::Box::from_raw(std::ptr::slice_from_raw_parts_mut(ptr, len)) });',
            '    }',
            '}',
          ].join('\n'),
        });
      },
    },
  },
};

/** The free function of arrays of `elem` returned by this library. */
function sliceFreeName(walk: WalkContext, elem: string): string {
  return helperName(
    walk,
    `free_${elem
      .replace(/[^A-Za-z0-9]+/g, '_')
      .replace(/^_|_$/g, '')
      .toLowerCase()}_array`,
  );
}
