import { handleFree, handleFreeName, traitOf, vtableFor } from '../shim-types';
import { boxArg, C_VOID, crateHasFn, isStd, writeOut } from '../shim-plan';
import type { Converter } from './converter';

/**
 * Trait objects as opaque handles: a returned `Box<dyn Trait>` is boxed once more and handed out as
 * `*mut c_void`, freed with the generated `<crate>_free_<trait>` (plus, for a trait of the shim's
 * module, a `#[repr(C)]` table of its C-callable methods); a `Box<dyn Trait>` parameter takes such a
 * handle back over, and `&dyn Trait` / `&mut dyn Trait` (or a raw pointer to one) borrow it.
 *
 * ```text
 * pub extern "C" fn make_circle(r: f64) -> Box<dyn Shape>  →  pub unsafe extern "C" fn make_circle_ffi(r: f64) -> *mut c_void
 * pub extern "C" fn shape_area(s: &dyn Shape) -> f64       →  pub unsafe extern "C" fn shape_area_ffi(s: *const c_void, out: *mut f64) -> i32
 * ```
 */
export const traitObject: Converter = {
  name: 'trait-object',
  param({ name, ty, expr }, env) {
    if (isStd(ty, 'Box') && ty.k === 'adt' && ty.args[0]?.k === 'dyn') {
      const arg = boxArg(expr);
      const t = traitOf(ty.args[0].text, env.walk);
      if (!arg || !t) return undefined;
      return {
        cParams: [`${name}: *mut ${C_VOID}`],
        prologue: [`if ${name}.is_null() {\n    return {ERR};\n}`],
        arg: `*unsafe { std::boxed::Box::from_raw(${name}.cast::<std::boxed::Box<${env.src(arg)}>>()) }`,
        fallible: true,
        safety: `\`${name}\` must be null or a \`${t.name}\` handle returned by this library, not yet freed; the call takes it over (it must not be used or freed afterwards).`,
      };
    }
    // A raw trait-object pointer is handed over like a reference: a handle this library returned.
    if ((ty.k === 'ref' || ty.k === 'ptr') && ty.inner.k === 'dyn' && (expr.kind === 'ref' || expr.kind === 'ptr')) {
      const t = traitOf(ty.inner.text, env.walk);
      if (!t) return null;
      const dyn = env.src(expr.inner);
      const mut = ty.mutable;
      return {
        cParams: [`${name}: *${mut ? 'mut' : 'const'} ${C_VOID}`],
        prologue: [
          `let Some(${name}) = (unsafe { ${name}.cast::<std::boxed::Box<${dyn}>>().${mut ? 'as_mut' : 'as_ref'}() }) else {\n    return {ERR};\n};`,
        ],
        arg: `&${mut ? 'mut ' : ''}**${name}`,
        fallible: true,
        safety: `\`${name}\` must be null or a live \`${t.name}\` handle returned by this library${mut ? ', not used elsewhere during the call' : ''}.`,
      };
    }
    return undefined;
  },
  ret({ ty, expr }, env) {
    if (!(ty.k === 'adt' && isStd(ty, 'Box') && ty.args[0]?.k === 'dyn')) return undefined;
    const arg = boxArg(expr);
    if (!arg) return null;
    const t = traitOf(ty.args[0].text, env.walk);
    return t ? { kind: 'handle', free: handleFreeName(env.walk, t.name), trait: t.written, dyn: env.src(arg) } : null;
  },
  renders: {
    handle: {
      render: (plan, r) => ({
        cParams: [],
        cRet: ` -> *mut ${C_VOID}`,
        err: 'std::ptr::null_mut()',
        epilogue: [
          ...r.unwrap,
          `let result: std::boxed::Box<${plan.dyn}> = ${r.value};`,
          `std::boxed::Box::into_raw(std::boxed::Box::new(result)).cast::<${C_VOID}>()`,
        ],
        safety: [
          `Returns an opaque handle to a \`${plan.trait}\` owned by the caller (null when ${plan.optional ? 'there is none or ' : ''}an argument is invalid): pass it to this library's functions and free it once with \`${plan.free}\`.`,
        ],
      }),
      okCType: (plan) => (plan.optional ? null : `*mut ${C_VOID}`),
      writeOk: (plan) => [
        `let value: std::boxed::Box<${plan.dyn}> = value;`,
        writeOut(`std::boxed::Box::into_raw(std::boxed::Box::new(value)).cast::<${C_VOID}>()`),
      ],
      okOwnership: (plan) =>
        ` On success \`*out\` is a \`${plan.trait}\` handle owned by the caller, to be freed once with \`${plan.free}\`.`,
      helpers: (plan, env) => {
        const t = traitOf(plan.dyn, env.walk);
        if (!t || crateHasFn(env.walk, handleFreeName(env.walk, t.name))) return;
        const free = handleFree(t, plan.dyn, env.walk, env.exportAttr);
        env.items.set(free.key, free);
        // The vtable goes with the free function it points to, in the same module.
        const vtable = vtableFor(t, plan.dyn, env.walk, (file) => env.ctx.textOf(file), env.exportAttr);
        if (vtable && !env.taken.has(vtable.key)) env.items.set(vtable.key, vtable);
      },
    },
  },
};
