import { elementIsSafe, pointee, rustText, sliceElem } from '../shim-plan';
import type { Converter } from './converter';

/**
 * Borrowed slices of C values: `&[T]` / `&mut [T]` arrive as a pointer and a length (null allowed when
 * the length is 0). A returned `&[T]` is handed out as its first element's pointer, its length written to
 * `out_len`; the caller borrows it.
 *
 * ```text
 * pub extern "C" fn sum(xs: &[u32]) -> u64  →  pub unsafe extern "C" fn sum_ffi(xs: *const u32, xs_len: usize, out: *mut u64) -> i32
 * pub extern "C" fn digits() -> &'static [u8]  →  pub unsafe extern "C" fn digits_ffi(out_len: *mut usize) -> *const u8
 * ```
 */
export const slice: Converter = {
  name: 'slice',
  param({ name, ty, expr }, env) {
    if (!(ty.k === 'ref' && ty.inner.k === 'slice' && elementIsSafe(ty.inner.inner))) return undefined;
    const elem = expr.kind === 'ref' && expr.inner.kind === 'slice' ? env.src(expr.inner.inner) : null;
    if (!elem) return null;
    const mut = ty.mutable;
    return {
      cParams: [`${name}: *${mut ? 'mut' : 'const'} ${elem}`, `${name}_len: usize`],
      prologue: [
        `let ${name}: &${mut ? 'mut ' : ''}[${elem}] = if ${name}_len == 0 {\n    &${mut ? 'mut ' : ''}[]\n} else if ${name}.is_null() {\n    return {ERR};\n} else {\n    unsafe { std::slice::from_raw_parts${mut ? '_mut' : ''}(${name}, ${name}_len) }\n};`,
      ],
      arg: name,
      fallible: true,
      safety: `\`${name}\` must be null or point to \`${name}_len\` initialised elements${mut ? ' that nothing else accesses' : ''} during the call.`,
    };
  },
  ret({ ty, expr }, env) {
    if (!(ty.k === 'ref' && !ty.mutable && ty.inner.k === 'slice')) return undefined;
    const elem = elementIsSafe(ty.inner.inner) ? rustText(ty.inner.inner, sliceElem(pointee(expr)), env) : null;
    return elem ? { kind: 'raw-slice', elem, mutable: false, str: false, raw: false } : null;
  },
};
