import { checkBoundaryType } from '../../analysis/ffi';
import { isUnit } from '../../workspace/types';
import { FFI_RESULT } from '../shim-types';
import { elementIsSafe, genericArg, isStd, stdArgs, taggedType } from '../shim-plan';
import type { Converter } from './converter';

/**
 * `Result<T, E>`. Returned, the shim returns a status (0 `Ok`, 1 `Err`, -1 a rejected argument) and
 * writes the `Ok` value to `out`, converted as a return value of its type is (a string, a vector, a
 * handle…); with the alternative `tagged`, both sides C values, it returns the generated `#[repr(C)]`
 * `FfiResult<T, E>`. As a parameter: `FfiResult<T, E>`; a nullable pointer when one side is `()` (null is
 * that side); a flag when both are.
 *
 * ```text
 * pub extern "C" fn parse(digit: char) -> Result<u32, String>  →  pub unsafe extern "C" fn parse_ffi(digit: u32, out: *mut u32) -> i32
 * pub extern "C" fn errno_of(status: Result<(), i32>) -> i32    →  pub unsafe extern "C" fn errno_of_ffi(status: *const i32) -> i32
 * ```
 */
export const result: Converter = {
  name: 'result',
  param({ name, ty, expr, written }, env) {
    if (!(ty.k === 'adt' && isStd(ty, 'Result') && ty.args.length === 2)) return undefined;
    const [ok, err] = ty.args;
    const okText = genericArg(expr, 0, env);
    const errText = genericArg(expr, 1, env);
    if (!okText || !errText || ![ok, err].every((t) => isUnit(t) || elementIsSafe(t))) return undefined;
    if (isUnit(ok) && isUnit(err)) {
      return {
        cParams: [`${name}: bool`],
        prologue: [`let ${name} = if ${name} { Ok(()) } else { Err(()) };`],
        arg: name,
        fallible: false,
        safety: null,
      };
    }
    if (isUnit(ok) || isUnit(err)) {
      const [some, none] = isUnit(err) ? ['Ok', 'Err'] : ['Err', 'Ok'];
      const pointee = isUnit(err) ? okText : errText;
      return {
        cParams: [`${name}: *const ${pointee}`],
        prologue: [
          `let ${name} = if ${name}.is_null() {\n    ${none}(())\n} else {\n    ${some}(unsafe { ${name}.read() })\n};`,
        ],
        arg: name,
        fallible: false,
        safety: `\`${name}\` must be null (\`${none}(())\`) or point to a valid \`${pointee}\` (\`${some}\`), which is read once.`,
      };
    }
    const tagged = taggedType(FFI_RESULT, env);
    return {
      cParams: [`${name}: ${tagged}<${okText}, ${errText}>`],
      prologue: [`let ${name}: ${written} = ${name}.into();`],
      arg: name,
      fallible: false,
      safety: null,
    };
  },
  ret({ ty, expr }, env) {
    if (!(ty.k === 'adt' && isStd(ty, 'Result') && ty.args[0])) return undefined;
    if (isUnit(ty.args[0]) || elementIsSafe(ty.args[0])) {
      const ok = genericArg(expr, 0, env);
      const err = genericArg(expr, 1, env);
      if (env.options.tagged && ok && err && ty.args[1] && (isUnit(ty.args[1]) || elementIsSafe(ty.args[1]))) {
        const tagged = taggedType(FFI_RESULT, env);
        return { kind: 'direct', cType: `${tagged}<${ok}, ${err}>`, wrap: (call) => `${tagged}::from(${call})` };
      }
      return { kind: 'result', cType: isUnit(ty.args[0]) ? null : ok };
    }
    // `Result<String, E>`, `Result<Vec<u8>, E>`, `Result<Config, E>`: the `Ok` value converted as a return is.
    const okExpr = stdArgs(expr)?.[0];
    if (!okExpr) return null;
    const ok = env.planReturn(
      {
        expr: okExpr,
        ty: ty.args[0],
        position: 'return',
        mode: 'definition',
        verdict: checkBoundaryType(ty.args[0], 'definition', 'return'),
      },
      okExpr,
    );
    const cType = ok ? env.okCType(ok) : null;
    return ok && cType ? { kind: 'result', cType, ok } : null;
  },
  renders: {
    result: {
      render: (plan, r) => {
        const ok = (plan.ok ? r.writeOk(plan.ok) : r.writeOk({ kind: 'direct', cType: plan.cType ?? '' }))
          .join('\n')
          .replace(/^/gm, '        ');
        return {
          cParams: [
            ...(plan.cType ? [`out: *mut ${plan.cType}`] : []),
            ...(plan.ok?.kind === 'owned-slice' ? ['out_len: *mut usize'] : []),
          ],
          cRet: ' -> i32',
          err: '-1',
          epilogue: [
            plan.cType
              ? `match ${r.call} {\n    Ok(value) => {\n${ok}\n        0\n    }\n    Err(_) => 1,\n}`
              : `match ${r.call} {\n    Ok(()) => 0,\n    Err(_) => 1,\n}`,
          ],
          safety: [
            `${plan.cType ? `\`out\`${plan.ok?.kind === 'owned-slice' ? ' and `out_len`' : ''} must be null or valid for a write. ` : ''}Returns 0 on success, 1 on error, -1 when an argument is invalid.${plan.ok ? r.okOwnership(plan.ok) : ''}`,
          ],
        };
      },
      helpers: (plan, _env, helpersOf) => {
        if (plan.ok) helpersOf(plan.ok);
      },
    },
  },
};
