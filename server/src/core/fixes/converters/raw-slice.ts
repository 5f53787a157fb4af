import { elementIsSafe, pointee, rustText, sliceElem } from '../shim-plan';
import type { Converter } from './converter';

/**
 * Raw pointers to unsized values: `*const [T]` / `*mut [T]` and `*const str` arrive as a thin pointer and
 * a length, rebuilt into the raw fat pointer unchecked (as raw pointers are); returned, they are handed
 * out as their first element's pointer, the length written to `out_len`.
 *
 * ```text
 * pub unsafe extern "C" fn raw_str_len(text: *const str) -> usize  →  pub unsafe extern "C" fn raw_str_len_ffi(text: *const u8, text_len: usize) -> usize
 * pub extern "C" fn tail(values: *const [u16]) -> *const [u16]      →  … -> *const u16, the length in `out_len`
 * ```
 */
export const rawSlice: Converter = {
  name: 'raw-slice',
  param({ name, ty, expr }, env) {
    if (!(ty.k === 'ptr' && (ty.inner.k === 'slice' || (ty.inner.k === 'prim' && ty.inner.name === 'str'))))
      return undefined;
    const len = `${name}_len`;
    const isStr = ty.inner.k === 'prim';
    const elem = isStr
      ? 'u8'
      : ty.inner.k === 'slice' && elementIsSafe(ty.inner.inner)
        ? rustText(ty.inner.inner, sliceElem(pointee(expr)), env)
        : null;
    if (!elem) return undefined;
    const m = ty.mutable ? 'mut' : 'const';
    const raw = `std::ptr::slice_from_raw_parts${ty.mutable ? '_mut' : ''}(${name}, ${len})`;
    return {
      cParams: [`${name}: *${m} ${elem}`, `${len}: usize`],
      prologue: [`let ${name} = ${isStr ? `${raw} as *${m} str` : raw};`],
      arg: name,
      fallible: false,
      safety: `\`${name}\` and \`${len}\` are passed on as one raw pointer; they must be valid as the function expects.`,
    };
  },
  ret({ ty, expr }, env) {
    if (!(ty.k === 'ptr' && (ty.inner.k === 'slice' || (ty.inner.k === 'prim' && ty.inner.name === 'str'))))
      return undefined;
    const isStr = ty.inner.k === 'prim';
    const elem = isStr
      ? 'u8'
      : ty.inner.k === 'slice' && elementIsSafe(ty.inner.inner)
        ? rustText(ty.inner.inner, sliceElem(pointee(expr)), env)
        : null;
    return elem ? { kind: 'raw-slice', elem, mutable: ty.mutable, str: isStr, raw: true } : null;
  },
  renders: {
    // Also the plan of a borrowed slice (slice.ts): both are handed out as their first element's pointer.
    'raw-slice': {
      render: (plan, r) => {
        const m = plan.mutable ? 'mut' : 'const';
        const len = plan.str ? `(result as *${m} [u8]).len()` : 'result.len()';
        return {
          cParams: ['out_len: *mut usize'],
          cRet: ` -> *${m} ${plan.elem}`,
          err: plan.mutable ? 'std::ptr::null_mut()' : 'std::ptr::null()',
          epilogue: [
            `let result = ${r.call};`,
            `if !out_len.is_null() {\n    unsafe { out_len.write(${len}) };\n}`,
            plan.raw ? `result.cast::<${plan.elem}>()` : 'result.as_ptr()',
          ],
          safety: [
            `\`out_len\` must be null or valid for a write. Returns a pointer to \`*out_len\` elements that the caller borrows (it does not free them)${r.fallible ? ', or null when an argument is invalid' : ''}.`,
          ],
        };
      },
    },
  },
};
