import type { WalkContext } from '../analysis/boundary';
import type { FnItem } from '../syntax/model';
import { handleFree, handleFreeName, traitOf, vtableFor } from './shim-types';
import { C_CHAR, C_VOID, ParamPlan, PlanEnv, ReturnPlan } from './shim-plan';

/** The text of a shim from its plans, and the free functions its return value needs. */

export interface ShimSpec {
  fn: FnItem;
  /** How the shim calls it: `name` or `Type::name`. */
  qualified: string;
  params: ParamPlan[];
  ret: ReturnPlan;
  fallible: boolean;
  symbol: string | null;
  shimName: string;
  lifetimes: string[];
  edition: string;
}

export function renderShim(s: ShimSpec): string {
  const cParams = s.params.flatMap((p) => p.cParams);
  let cRet = '';
  let err = '';
  const epilogue: string[] = [];
  const call = `${s.fn.isUnsafe ? 'unsafe { ' : ''}${s.qualified}(${s.params.map((p) => p.arg).join(', ')})${s.fn.isUnsafe ? ' }' : ''}`;
  const safety = s.params.map((p) => p.safety).filter((x): x is string => !!x);
  // A return that is an `Option` of a pointer-like value: `None` is null, and `result` is the value.
  const optional = 'optional' in s.ret && !!s.ret.optional;
  const unwrap = optional ? [`let Some(result) = ${call} else {\n    return std::ptr::null_mut();\n};`] : [];
  const value = optional ? 'result' : call;
  switch (s.ret.kind) {
    case 'none':
      err = '';
      epilogue.push(`${call};`);
      break;
    case 'direct': {
      const value = s.ret.wrap ? s.ret.wrap(call) : call;
      if (s.fallible) {
        cParams.push(`out: *mut ${s.ret.cType}`);
        cRet = ' -> i32';
        err = '-1';
        epilogue.push(`let result = ${value};`, `if !out.is_null() {\n    unsafe { out.write(result) };\n}`, '0');
        safety.push(
          '`out` must be null or valid for a write. Returns 0, or -1 when an argument is invalid (nothing is written).',
        );
      } else {
        cRet = ` -> ${s.ret.cType}`;
        epilogue.push(value);
      }
      break;
    }
    case 'array-out':
      cParams.push(`out: *mut ${s.ret.elem}`);
      epilogue.push(
        `let result = ${call};`,
        `if !out.is_null() {\n    unsafe { out.cast::<${s.ret.array}>().write(result${s.ret.map ? `.map(${s.ret.map})` : ''}) };\n}`,
      );
      if (s.fallible) {
        cRet = ' -> i32';
        err = '-1';
        epilogue.push('0');
      }
      safety.push(
        `\`out\` must be null or valid for writing ${s.ret.len} elements.${s.fallible ? ' Returns 0, or -1 when an argument is invalid (nothing is written).' : ''}`,
      );
      break;
    case 'char':
      cParams.push('out: *mut u32');
      cRet = ' -> i32';
      err = '-1';
      epilogue.push(
        `let result = ${call};`,
        `if !out.is_null() {\n    unsafe { out.write(u32::from(result)) };\n}`,
        '0',
      );
      safety.push(
        '`out` must be null or valid for a write of the character as a `u32`. Returns 0, or -1 when an argument is invalid.',
      );
      break;
    case 'owned-string':
      cRet = ` -> *mut ${C_CHAR}`;
      err = 'std::ptr::null_mut()';
      epilogue.push(
        ...unwrap,
        ...(s.ret.utf8
          ? [`let Some(result) = ${s.ret.utf8(value)} else {\n    return std::ptr::null_mut();\n};`]
          : bindResult(s.ret.boxed ? `std::string::String::from(${value})` : value)),
        `std::ffi::CString::new(result).map_or(std::ptr::null_mut(), std::ffi::CString::into_raw)`,
      );
      safety.push(
        `Returns a NUL-terminated string owned by the caller, to be freed with \`ffi_guard_free_string\`, or null when ${s.ret.optional ? 'there is none, ' : ''}an argument is invalid${s.ret.utf8 ? ', the text is not UTF-8' : ''} or the text contains a NUL byte.`,
      );
      break;
    case 'owned-slice':
      cParams.push('out_len: *mut usize');
      cRet = ` -> *mut ${s.ret.elem}`;
      err = 'std::ptr::null_mut()';
      epilogue.push(
        ...unwrap,
        ...bindResult(s.ret.boxed ? value : `${value}.into_boxed_slice()`),
        `if !out_len.is_null() {\n    unsafe { out_len.write(result.len()) };\n}`,
        `std::boxed::Box::into_raw(result).cast::<${s.ret.elem}>()`,
      );
      safety.push(
        `\`out_len\` must be null or valid for a write. Returns \`*out_len\` elements owned by the caller, to be freed with \`${sliceFreeName(s.ret.elem)}\` with the same length, or null when ${s.ret.optional ? 'there is none or ' : ''}an argument is invalid.`,
      );
      break;
    case 'option':
      cParams.push(`out: *mut ${s.ret.cType}`);
      cRet = ' -> bool';
      err = 'false';
      epilogue.push(
        `match ${call} {\n    Some(value) => {\n        if !out.is_null() {\n            unsafe { out.write(${s.ret.map ? `${s.ret.map}(value)` : 'value'}) };\n        }\n        true\n    }\n    None => false,\n}`,
      );
      safety.push(
        '`out` must be null or valid for a write. Returns true and writes the value when there is one, false otherwise.',
      );
      break;
    case 'handle':
      cRet = ` -> *mut ${C_VOID}`;
      err = 'std::ptr::null_mut()';
      epilogue.push(
        ...unwrap,
        `let result: std::boxed::Box<${s.ret.dyn}> = ${value};`,
        `std::boxed::Box::into_raw(std::boxed::Box::new(result)).cast::<${C_VOID}>()`,
      );
      safety.push(
        `Returns an opaque handle to a \`${s.ret.trait}\` owned by the caller (null when ${s.ret.optional ? 'there is none or ' : ''}an argument is invalid): pass it to this library's functions and free it once with \`${handleFreeName(s.ret.trait.split('::').pop()!)}\`.`,
      );
      break;
    case 'boxed':
      cRet = ` -> *mut ${s.ret.written}`;
      err = 'std::ptr::null_mut()';
      epilogue.push(...unwrap, `std::boxed::Box::into_raw(std::boxed::Box::new(${value}))`);
      safety.push(
        `Returns an opaque handle to a \`${s.ret.written}\` owned by the caller (null when ${s.ret.optional ? 'there is none or ' : ''}an argument is invalid): pass it to this library's functions and free it once with \`${s.ret.free}\`.`,
      );
      break;
    case 'raw-slice': {
      const m = s.ret.mutable ? 'mut' : 'const';
      cParams.push('out_len: *mut usize');
      cRet = ` -> *${m} ${s.ret.elem}`;
      err = s.ret.mutable ? 'std::ptr::null_mut()' : 'std::ptr::null()';
      const len = s.ret.str ? `(result as *${m} [u8]).len()` : 'result.len()';
      epilogue.push(
        `let result = ${call};`,
        `if !out_len.is_null() {\n    unsafe { out_len.write(${len}) };\n}`,
        s.ret.raw ? `result.cast::<${s.ret.elem}>()` : 'result.as_ptr()',
      );
      safety.push(
        `\`out_len\` must be null or valid for a write. Returns a pointer to \`*out_len\` elements that the caller borrows (it does not free them)${s.fallible ? ', or null when an argument is invalid' : ''}.`,
      );
      break;
    }
    case 'result': {
      if (s.ret.cType) cParams.push(`out: *mut ${s.ret.cType}`);
      if (s.ret.ok?.kind === 'owned-slice') cParams.push('out_len: *mut usize');
      cRet = ' -> i32';
      err = '-1';
      const ok = (s.ret.ok ? writeOk(s.ret.ok) : writeOk({ kind: 'direct', cType: s.ret.cType ?? '' }))
        .join('\n')
        .replace(/^/gm, '        ');
      epilogue.push(
        s.ret.cType
          ? `match ${call} {\n    Ok(value) => {\n${ok}\n        0\n    }\n    Err(_) => 1,\n}`
          : `match ${call} {\n    Ok(()) => 0,\n    Err(_) => 1,\n}`,
      );
      safety.push(
        `${s.ret.cType ? `\`out\`${s.ret.ok?.kind === 'owned-slice' ? ' and `out_len`' : ''} must be null or valid for a write. ` : ''}Returns 0 on success, 1 on error, -1 when an argument is invalid.${s.ret.ok ? okOwnership(s.ret.ok) : ''}`,
      );
      break;
    }
  }
  const prologue = s.params
    .flatMap((p) => p.prologue)
    .map((line) => line.replace(/\{ERR\}/g, err).replace(/return ;/g, 'return;'));
  const attr = s.symbol
    ? s.edition === '2024'
      ? `#[unsafe(export_name = "${s.symbol}")]`
      : `#[export_name = "${s.symbol}"]`
    : null;
  const generics = s.lifetimes.length ? `<${s.lifetimes.join(', ')}>` : '';
  const docs = [
    `/// C entry point for [\`${s.qualified}\`]: the same function with C types at the boundary.`,
    '///',
    '/// # Safety',
    '///',
    ...(safety.length ? safety : ['Every pointer argument must be valid as its type says.']).map((l) => `/// ${l}`),
  ];
  const body = [...prologue, ...epilogue]
    .join('\n')
    .split('\n')
    .map((l) => (l ? `    ${l}` : l));
  return [
    ...docs,
    ...(attr ? [attr] : []),
    `pub unsafe extern "C" fn ${s.shimName}${generics}(${cParams.join(', ')})${cRet} {`,
    ...body,
    '}',
  ].join('\n');
}

/** The C type an `Ok` value of this plan is written as, when it is a single value (not a flag, not an array). */
export function okCType(plan: ReturnPlan): string | null {
  switch (plan.kind) {
    case 'owned-string':
      return plan.optional || plan.utf8 ? null : `*mut ${C_CHAR}`;
    case 'owned-slice':
      return plan.optional ? null : `*mut ${plan.elem}`;
    case 'boxed':
      return plan.optional ? null : `*mut ${plan.written}`;
    case 'handle':
      return plan.optional ? null : `*mut ${C_VOID}`;
    case 'char':
      return 'u32';
    case 'direct':
      return plan.wrap ? plan.cType : null;
    default:
      return null;
  }
}

/** Statements writing the C form of the Rust value `value` of an `Ok` to `out` (and `out_len`), both possibly null. */
export function writeOk(plan: ReturnPlan): string[] {
  const write = (expr: string): string => `if !out.is_null() {\n    unsafe { out.write(${expr}) };\n}`;
  switch (plan.kind) {
    case 'owned-string':
      return [
        write(
          `std::ffi::CString::new(${plan.boxed ? 'std::string::String::from(value)' : 'value'}).map_or(std::ptr::null_mut(), std::ffi::CString::into_raw)`,
        ),
      ];
    case 'owned-slice':
      return [
        `let value = value${plan.boxed ? '' : '.into_boxed_slice()'};`,
        `if !out_len.is_null() {\n    unsafe { out_len.write(value.len()) };\n}`,
        write(`std::boxed::Box::into_raw(value).cast::<${plan.elem}>()`),
      ];
    case 'boxed':
      return [write('std::boxed::Box::into_raw(std::boxed::Box::new(value))')];
    case 'handle':
      return [
        `let value: std::boxed::Box<${plan.dyn}> = value;`,
        write(`std::boxed::Box::into_raw(std::boxed::Box::new(value)).cast::<${C_VOID}>()`),
      ];
    case 'char':
      return [write('u32::from(value)')];
    case 'direct':
      return [write(plan.wrap ? plan.wrap('value') : 'value')];
    default:
      return [write('value')];
  }
}

/** What the caller owns after a successful call, for the `# Safety` section. */
export function okOwnership(plan: ReturnPlan): string {
  switch (plan.kind) {
    case 'owned-string':
      return ' On success `*out` is a NUL-terminated string owned by the caller, to be freed with `ffi_guard_free_string` (null when the text contains a NUL byte).';
    case 'owned-slice':
      return ` On success \`*out\` holds \`*out_len\` elements owned by the caller, to be freed with \`${sliceFreeName(plan.elem)}\` with the same length.`;
    case 'boxed':
      return ` On success \`*out\` is a \`${plan.written}\` handle owned by the caller, to be freed once with \`${plan.free}\`.`;
    case 'handle':
      return ` On success \`*out\` is a \`${plan.trait}\` handle owned by the caller, to be freed once with \`${handleFreeName(plan.trait.split('::').pop()!)}\`.`;
    default:
      return '';
  }
}

/** `let result = …;`, unless `…` is `result` already (an unwrapped `Option`). */
function bindResult(expr: string): string[] {
  return expr === 'result' ? [] : [`let result = ${expr};`];
}

/** Functions the shim's return value needs, generated once per crate, added to the plan's items. */
export function helperFunctions(ret: ReturnPlan, env: PlanEnv): void {
  const { walk, exportAttr } = env;
  if (ret.kind === 'result' && ret.ok) helperFunctions(ret.ok, env);
  if (ret.kind === 'owned-string' && !crateHasFn(walk, 'ffi_guard_free_string')) {
    env.items.set('ffi_guard_free_string', {
      key: 'ffi_guard_free_string',
      text: [
        '/// Frees a string returned by this library.',
        '///',
        '/// # Safety',
        '///',
        '/// `s` must be null or a pointer returned by this library as an owned string, not yet freed.',
        exportAttr('ffi_guard_free_string'),
        `pub unsafe extern "C" fn ffi_guard_free_string(s: *mut ${C_CHAR}) {`,
        '    if !s.is_null() {',
        '        drop(unsafe { std::ffi::CString::from_raw(s) });',
        '    }',
        '}',
      ].join('\n'),
    });
  }
  if (ret.kind === 'owned-slice' && !crateHasFn(walk, sliceFreeName(ret.elem))) {
    const name = sliceFreeName(ret.elem);
    env.items.set(name, {
      key: name,
      text: [
        `/// Frees an array of \`${ret.elem}\` returned by this library.`,
        '///',
        '/// # Safety',
        '///',
        '/// `ptr` and `len` must be a pointer and length returned together by this library, not yet freed.',
        exportAttr(name),
        `pub unsafe extern "C" fn ${name}(ptr: *mut ${ret.elem}, len: usize) {`,
        '    if !ptr.is_null() {',
        '        drop(unsafe { std::boxed::Box::from_raw(std::ptr::slice_from_raw_parts_mut(ptr, len)) });',
        '    }',
        '}',
      ].join('\n'),
    });
  }
  if (ret.kind === 'boxed' && !crateHasFn(walk, ret.free)) {
    env.items.set(ret.free, {
      key: ret.free,
      text: [
        `/// Frees a \`${ret.written}\` handle returned by this library.`,
        '///',
        '/// # Safety',
        '///',
        `/// \`handle\` must be null or a \`${ret.written}\` handle returned by this library, not yet freed; it must not be used afterwards.`,
        exportAttr(ret.free),
        `pub unsafe extern "C" fn ${ret.free}(handle: *mut ${ret.written}) {`,
        '    if !handle.is_null() {',
        '        drop(unsafe { std::boxed::Box::from_raw(handle) });',
        '    }',
        '}',
      ].join('\n'),
    });
  }
  if (ret.kind === 'handle') {
    const t = traitOf(ret.dyn, walk);
    if (t && !crateHasFn(walk, handleFreeName(t.name))) {
      const free = handleFree(t, ret.dyn, exportAttr);
      env.items.set(free.key, free);
      // The vtable goes with the free function it points to, in the same module.
      const vtable = vtableFor(t, ret.dyn, walk, (file) => env.ctx.textOf(file), exportAttr);
      if (vtable && !env.taken.has(vtable.key)) env.items.set(vtable.key, vtable);
    }
  }
}

export function sliceFreeName(elem: string): string {
  return `ffi_guard_free_${elem
    .replace(/[^A-Za-z0-9]+/g, '_')
    .replace(/^_|_$/g, '')
    .toLowerCase()}_array`;
}

export function crateHasFn(walk: WalkContext, name: string): boolean {
  return walk.crate.modules.some((m) => m.items.some((i) => i.kind === 'fn' && i.name === name));
}
