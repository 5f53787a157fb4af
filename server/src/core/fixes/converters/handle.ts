import type { CheckedType } from '../../analysis/boundary-types';
import { displayTy, Ty } from '../../workspace/types';
import { helperName, snake } from '../shim-types';
import { crateHasFn, isHandleType, oneLine, ParamPlan, writeOut } from '../shim-plan';
import type { Converter } from './converter';

/**
 * A Rust value C cannot hold (a std collection, a struct with Rust fields) travels as an opaque handle:
 * returned as the `*mut T` of `Box::into_raw`, freed by the generated `<crate>_free_<type>`; a
 * parameter takes such a handle back over.
 *
 * ```text
 * pub extern "C" fn config_new(retries: u32) -> Config  →  pub unsafe extern "C" fn config_new_ffi(retries: u32) -> *mut Config
 * pub extern "C" fn config_retries(config: Config) -> u32  →  pub unsafe extern "C" fn config_retries_ffi(config: *mut Config, out: *mut u32) -> i32
 * ```
 */
export const handle: Converter = {
  name: 'handle',
  param({ name, ty, written }) {
    return handleParam(name, ty, oneLine(written)) ?? undefined;
  },
  ret({ ty, expr }, env) {
    if (!isHandleType(ty)) return undefined;
    const written = oneLine(env.src(expr));
    const free = helperName(env.walk, `free_${snake(displayTy(ty).replace(/\b[a-z_][a-z0-9_]*::/g, ''))}`);
    return { kind: 'boxed', written, free };
  },
  renders: {
    boxed: {
      render: (plan, r) => ({
        cParams: [],
        cRet: ` -> *mut ${plan.written}`,
        err: 'std::ptr::null_mut()',
        epilogue: [...r.unwrap, `std::boxed::Box::into_raw(std::boxed::Box::new(${r.value}))`],
        safety: [
          `Returns an opaque handle to a \`${plan.written}\` owned by the caller (null when ${plan.optional ? 'there is none or ' : ''}an argument is invalid): pass it to this library's functions and free it once with \`${plan.free}\`.`,
        ],
      }),
      okCType: (plan) => (plan.optional ? null : `*mut ${plan.written}`),
      writeOk: () => [writeOut('std::boxed::Box::into_raw(std::boxed::Box::new(value))')],
      okOwnership: (plan) =>
        ` On success \`*out\` is a \`${plan.written}\` handle owned by the caller, to be freed once with \`${plan.free}\`.`,
      helpers: (plan, env) => {
        if (crateHasFn(env.walk, plan.free)) return;
        env.items.set(plan.free, {
          key: plan.free,
          text: [
            `/// Frees a \`${plan.written}\` handle returned by this library.`,
            '///',
            '/// # Safety',
            '///',
            `/// \`handle\` must be null or a \`${plan.written}\` handle returned by this library, not yet freed; it must not be used afterwards.`,
            env.exportAttr(plan.free),
            `pub unsafe extern "C" fn ${plan.free}(handle: *mut ${plan.written}) {`,
            '    if !handle.is_null() {',
            '        drop(unsafe { std::boxed::Box::from_raw(handle) });',
            '    }',
            '}',
          ].join('\n'),
        });
      },
    },
  },
};

/** A `self` receiver by value: passed as it is when C can hold it, else as a handle the call takes over. */
export function selfByValue(selfText: string, checked: CheckedType | undefined): ParamPlan | null {
  if (!checked) return null;
  if (checked.verdict.kind === 'safe')
    return { cParams: [`this: ${selfText}`], prologue: [], arg: 'this', fallible: false, safety: null };
  return handleParam('this', checked.ty, selfText);
}

function handleParam(name: string, ty: Ty, written: string): ParamPlan | null {
  if (!isHandleType(ty)) return null;
  return {
    cParams: [`${name}: *mut ${written}`],
    prologue: [`if ${name}.is_null() {\n    return {ERR};\n}`],
    arg: `*unsafe { std::boxed::Box::from_raw(${name}) }`,
    fallible: true,
    safety: `\`${name}\` must be null or a \`${written}\` handle returned by this library, not yet freed; the call takes it over (it must not be used or freed afterwards).`,
  };
}
