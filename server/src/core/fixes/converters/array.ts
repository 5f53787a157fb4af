import { elementIsSafe } from '../shim-plan';
import type { Converter } from './converter';

/**
 * Arrays by value, which C passes as a pointer to their first element: `[T; N]` of C values arrives as
 * `*const T` and is copied; `[char; N]` as `*const u32`, each checked to be a Unicode scalar value.
 * Returned, the array is written to a buffer of N elements the caller passes as `out`.
 *
 * ```text
 * pub extern "C" fn checksum(block: [u8; 4]) -> u8  →  pub unsafe extern "C" fn checksum_ffi(block: *const u8, out: *mut u8) -> i32
 * pub extern "C" fn identity() -> [u32; 3]          →  pub unsafe extern "C" fn identity_ffi(out: *mut u32)
 * ```
 */
export const array: Converter = {
  name: 'array',
  param({ name, ty, expr, written }, env) {
    if (ty.k !== 'array' || expr.kind !== 'array') return undefined;
    const nullCheck = `if ${name}.is_null() {\n    return {ERR};\n}`;
    if (elementIsSafe(ty.inner)) {
      // C passes arrays as a pointer to their first element.
      const elem = env.src(expr.inner);
      return {
        cParams: [`${name}: *const ${elem}`],
        prologue: [nullCheck, `let ${name}: ${written} = unsafe { ${name}.cast::<${written}>().read() };`],
        arg: name,
        fallible: true,
        safety: `\`${name}\` must be null or point to ${ty.len} initialised elements, which are copied.`,
      };
    }
    if (ty.inner.k === 'prim' && ty.inner.name === 'char') {
      // `[char; N]`: N `u32`s, each checked to be a Unicode scalar value.
      return {
        cParams: [`${name}: *const u32`],
        prologue: [
          nullCheck,
          `let ${name}: [u32; ${expr.length}] = unsafe { ${name}.cast::<[u32; ${expr.length}]>().read() };`,
          `let mut ${name}_chars = ['\\0'; ${expr.length}];\nfor (c, &u) in ${name}_chars.iter_mut().zip(${name}.iter()) {\n    let Some(u) = std::primitive::char::from_u32(u) else {\n        return {ERR};\n    };\n    *c = u;\n}`,
        ],
        arg: `${name}_chars`,
        fallible: true,
        safety: `\`${name}\` must be null or point to ${ty.len} \`u32\`s, each a Unicode scalar value (else the call is rejected).`,
      };
    }
    return undefined;
  },
  ret({ ty, expr, written }, env) {
    if (ty.k !== 'array' || expr.kind !== 'array') return undefined;
    if (elementIsSafe(ty.inner)) return { kind: 'array-out', elem: env.src(expr.inner), array: written, len: ty.len };
    if (ty.inner.k === 'prim' && ty.inner.name === 'char')
      return { kind: 'array-out', elem: 'u32', array: `[u32; ${expr.length}]`, len: ty.len, map: 'u32::from' };
    return undefined;
  },
  renders: {
    'array-out': {
      render: (plan, r) => ({
        cParams: [`out: *mut ${plan.elem}`],
        cRet: r.fallible ? ' -> i32' : '',
        err: r.fallible ? '-1' : '',
        epilogue: [
          `let result = ${r.call};`,
          `if !out.is_null() {\n    unsafe { out.cast::<${plan.array}>().write(result${plan.map ? `.map(${plan.map})` : ''}) };\n}`,
          ...(r.fallible ? ['0'] : []),
        ],
        safety: [
          `\`out\` must be null or valid for writing ${plan.len} elements.${r.fallible ? ' Returns 0, or -1 when an argument is invalid (nothing is written).' : ''}`,
        ],
      }),
    },
  },
};
