import { exportAttribute, linkName, WalkContext } from './boundary';
import { checkedTypesOfFn, CheckedType } from './boundary-types';
import { checkBoundaryType } from './ffi';
import type { Fix, FixContext, TextEdit } from './fixes';
import type { FnItem, TypeExpr } from './model';
import { isOptionOrResult } from './std-types';
import { isUnit, Ty } from './types';

/**
 * Boundary conversions as a generated shim. The idiomatic function keeps its name, body and Rust
 * signature and loses its export attributes and its `extern`; a new `extern "C"` function
 * `<name>_ffi` exported under the original symbol takes C types, converts them (checking nulls, UTF-8,
 * `char` validity) and calls it. Conversions that can fail make the shim return early: nothing for a
 * `()` function, null for a pointer, `false` for a flag, -1 for a status code.
 */

const C_CHAR = 'std::ffi::c_char';

interface ParamPlan {
  /** Parameters of the shim for this one (`name: *const c_char`, or pointer + length). */
  cParams: string[];
  /** Statements that bind `name` to the Rust value, returning `{ERR}` on bad input. */
  prologue: string[];
  arg: string;
  fallible: boolean;
  safety: string | null;
}

type ReturnPlan =
  | { kind: 'none' }
  | { kind: 'direct'; cType: string }
  | { kind: 'owned-string' }
  | { kind: 'owned-slice'; elem: string }
  | { kind: 'option'; cType: string }
  | { kind: 'result'; cType: string | null }
  | { kind: 'char' };

/** The shim fix for a function whose signature rustc rejects, or null when we cannot convert it. */
export function planShim(fn: FnItem, walk: WalkContext, ctx: FixContext): Fix | null {
  if (walk.container !== 'free' || walk.module.isBlock || fn.fromMacro || fn.generics.some((g) => g.kind !== 'lifetime') || fn.hasImplTraitArg) return null;
  const text = ctx.textOf(fn.origin.file);
  if (text === undefined) return null;
  const checked = checkedTypesOfFn(fn, walk);
  const params: ParamPlan[] = [];
  for (let i = 0; i < fn.params.length; i++) {
    const p = fn.params[i];
    const name = /^[a-z_][a-z0-9_]*$/i.test(p.name) && p.name !== '_' && p.name !== 'self' ? p.name : `arg${i}`;
    const plan = planParam(name, p.type, checked[i], text);
    if (!plan) return null;
    params.push(plan);
  }
  const ret = fn.ret ? planReturn(checked[fn.params.length], fn.ret, text) : { kind: 'none' as const };
  if (!ret) return null;
  const fallible = params.some((p) => p.fallible);
  const exported = exportAttribute(fn.attrs);
  const symbol = exported ? linkName(fn.attrs, fn.name) : null;
  const shimName = freeName(`${fn.name}_ffi`, walk);
  const lifetimes = fn.generics.filter((g) => g.kind === 'lifetime').map((g) => g.name);
  const shim = renderShim({ fn, params, ret, fallible, symbol, shimName, lifetimes, edition: ctx.edition });
  const removal = removeExport(fn, text);
  if (!removal) return null;
  const indent = indentOf(text, fn.origin.span.start);
  const helpers = helperFunctions(ret, walk, ctx.edition);
  const insertion: TextEdit = {
    file: fn.origin.file,
    start: fn.origin.span.end,
    end: fn.origin.span.end,
    newText: '\n\n' + [shim, ...helpers].map((block) => reindent(block, indent)).join('\n\n'),
  };
  const conversions = fn.params
    .map((p, i) => (checked[i]?.verdict.kind === 'unsafe' ? `\`${p.name}\`` : null))
    .filter((x): x is string => x !== null)
    .concat(ret.kind !== 'none' && ret.kind !== 'direct' ? ['the return value'] : []);
  return {
    title: `Generate an \`extern "C"\` shim \`${shimName}\` converting ${conversions.join(', ') || 'the signature'}`,
    preferred: true,
    edits: [...removal, insertion],
  };
}

function planParam(name: string, expr: TypeExpr, checked: CheckedType | undefined, text: string): ParamPlan | null {
  const written = text.slice(expr.origin.span.start, expr.origin.span.end);
  if (!checked || checked.verdict.kind === 'safe') return { cParams: [`${name}: ${written}`], prologue: [], arg: name, fallible: false, safety: null };
  const ty = checked.ty;
  const nullCheck = `if ${name}.is_null() {\n    return {ERR};\n}`;
  const cstr = `let Ok(${name}) = unsafe { std::ffi::CStr::from_ptr(${name}) }.to_str() else {\n    return {ERR};\n};`;
  const cstrSafety = `\`${name}\` must be null or point to a NUL-terminated string that stays valid during the call.`;
  if (ty.k === 'ref' && ty.inner.k === 'prim' && ty.inner.name === 'str' && !ty.mutable) {
    return { cParams: [`${name}: *const ${C_CHAR}`], prologue: [nullCheck, cstr], arg: name, fallible: true, safety: cstrSafety };
  }
  if (ty.k === 'adt' && ty.def.source === 'std' && ty.def.name === 'String') {
    return {
      cParams: [`${name}: *const ${C_CHAR}`],
      prologue: [nullCheck, cstr, `let ${name} = ${name}.to_owned();`],
      arg: name,
      fallible: true,
      safety: cstrSafety,
    };
  }
  if (ty.k === 'ref' && ty.inner.k === 'slice' && elementIsSafe(ty.inner.inner)) {
    const elem = elementText(expr, text);
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
  }
  if (ty.k === 'adt' && ty.def.source === 'std' && ty.def.name === 'Vec' && ty.args[0] && elementIsSafe(ty.args[0])) {
    const elem = genericArgText(expr, text);
    if (!elem) return null;
    return {
      cParams: [`${name}: *const ${elem}`, `${name}_len: usize`],
      prologue: [
        `let ${name}: std::vec::Vec<${elem}> = if ${name}_len == 0 {\n    std::vec::Vec::new()\n} else if ${name}.is_null() {\n    return {ERR};\n} else {\n    unsafe { std::slice::from_raw_parts(${name}, ${name}_len) }.to_vec()\n};`,
      ],
      arg: name,
      fallible: true,
      safety: `\`${name}\` must be null or point to \`${name}_len\` initialised elements (they are copied).`,
    };
  }
  if (ty.k === 'prim' && ty.name === 'char') {
    return {
      cParams: [`${name}: u32`],
      prologue: [`let Some(${name}) = std::primitive::char::from_u32(${name}) else {\n    return {ERR};\n};`],
      arg: name,
      fallible: true,
      safety: null,
    };
  }
  if (ty.k === 'adt' && isOptionOrResult(ty) && ty.def.source === 'std' && ty.def.name === 'Option' && ty.args[0] && elementIsSafe(ty.args[0])) {
    const inner = genericArgText(expr, text);
    if (!inner) return null;
    return {
      cParams: [`${name}: *const ${inner}`],
      prologue: [`let ${name} = if ${name}.is_null() {\n    None\n} else {\n    Some(unsafe { ${name}.read() })\n};`],
      arg: name,
      fallible: false,
      safety: `\`${name}\` must be null (None) or point to a valid \`${inner}\`, which is read once.`,
    };
  }
  return null;
}

function planReturn(checked: CheckedType | undefined, expr: TypeExpr, text: string): ReturnPlan | null {
  const written = text.slice(expr.origin.span.start, expr.origin.span.end);
  if (!checked) return null;
  if (checked.verdict.kind === 'safe') return isUnit(checked.ty) ? { kind: 'none' } : { kind: 'direct', cType: written };
  const ty = checked.ty;
  if (ty.k === 'adt' && ty.def.source === 'std' && ty.def.name === 'String') return { kind: 'owned-string' };
  if (ty.k === 'ref' && ty.inner.k === 'prim' && ty.inner.name === 'str') return { kind: 'owned-string' };
  if (ty.k === 'prim' && ty.name === 'char') return { kind: 'char' };
  if (ty.k === 'adt' && ty.def.source === 'std' && ty.def.name === 'Vec' && ty.args[0] && elementIsSafe(ty.args[0])) {
    const elem = genericArgText(expr, text);
    return elem ? { kind: 'owned-slice', elem } : null;
  }
  if (ty.k === 'adt' && ty.def.source === 'std' && ty.def.name === 'Option' && ty.args[0] && elementIsSafe(ty.args[0])) {
    const inner = genericArgText(expr, text);
    return inner ? { kind: 'option', cType: inner } : null;
  }
  if (ty.k === 'adt' && ty.def.source === 'std' && ty.def.name === 'Result' && ty.args[0] && (isUnit(ty.args[0]) || elementIsSafe(ty.args[0]))) {
    const inner = genericArgText(expr, text);
    return { kind: 'result', cType: isUnit(ty.args[0]) ? null : inner };
  }
  return null;
}

/** A value C can hold by value (the element of a slice, the payload of an Option). */
function elementIsSafe(ty: Ty): boolean {
  return checkBoundaryType(ty, 'definition', 'static').kind === 'safe' && ty.k !== 'ref';
}

function elementText(expr: TypeExpr, text: string): string | null {
  if (expr.kind === 'ref' && expr.inner.kind === 'slice') return text.slice(expr.inner.inner.origin.span.start, expr.inner.inner.origin.span.end);
  return null;
}

function genericArgText(expr: TypeExpr, text: string): string | null {
  if (expr.kind !== 'path') return null;
  const arg = expr.path.segments[expr.path.segments.length - 1].args?.types[0];
  return arg ? text.slice(arg.origin.span.start, arg.origin.span.end) : null;
}

interface ShimSpec {
  fn: FnItem;
  params: ParamPlan[];
  ret: ReturnPlan;
  fallible: boolean;
  symbol: string | null;
  shimName: string;
  lifetimes: string[];
  edition: string;
}

function renderShim(s: ShimSpec): string {
  const cParams = s.params.flatMap((p) => p.cParams);
  let cRet = '';
  let err = '';
  const epilogue: string[] = [];
  const call = `${s.fn.isUnsafe ? 'unsafe { ' : ''}${s.fn.name}(${s.params.map((p) => p.arg).join(', ')})${s.fn.isUnsafe ? ' }' : ''}`;
  const safety = s.params.map((p) => p.safety).filter((x): x is string => !!x);
  switch (s.ret.kind) {
    case 'none':
      err = '';
      epilogue.push(`${call};`);
      break;
    case 'direct':
      if (s.fallible) {
        cParams.push(`out: *mut ${s.ret.cType}`);
        cRet = ' -> i32';
        err = '-1';
        epilogue.push(`let result = ${call};`, `if !out.is_null() {\n    unsafe { out.write(result) };\n}`, '0');
        safety.push('`out` must be null or valid for a write. Returns 0, or -1 when an argument is invalid (nothing is written).');
      } else {
        cRet = ` -> ${s.ret.cType}`;
        epilogue.push(call);
      }
      break;
    case 'char':
      cParams.push('out: *mut u32');
      cRet = ' -> i32';
      err = '-1';
      epilogue.push(`let result = ${call};`, `if !out.is_null() {\n    unsafe { out.write(u32::from(result)) };\n}`, '0');
      safety.push('`out` must be null or valid for a write of the character as a `u32`. Returns 0, or -1 when an argument is invalid.');
      break;
    case 'owned-string':
      cRet = ` -> *mut ${C_CHAR}`;
      err = 'std::ptr::null_mut()';
      epilogue.push(`let result = ${call};`, `std::ffi::CString::new(result).map_or(std::ptr::null_mut(), std::ffi::CString::into_raw)`);
      safety.push(
        'Returns a NUL-terminated string owned by the caller, to be freed with `ffi_guard_free_string`, or null when an argument is invalid or the text contains a NUL byte.',
      );
      break;
    case 'owned-slice':
      cParams.push('out_len: *mut usize');
      cRet = ` -> *mut ${s.ret.elem}`;
      err = 'std::ptr::null_mut()';
      epilogue.push(
        `let result = ${call}.into_boxed_slice();`,
        `if !out_len.is_null() {\n    unsafe { out_len.write(result.len()) };\n}`,
        `std::boxed::Box::into_raw(result).cast::<${s.ret.elem}>()`,
      );
      safety.push(
        `\`out_len\` must be null or valid for a write. Returns \`*out_len\` elements owned by the caller, to be freed with \`${sliceFreeName(s.ret.elem)}\` with the same length, or null when an argument is invalid.`,
      );
      break;
    case 'option':
      cParams.push(`out: *mut ${s.ret.cType}`);
      cRet = ' -> bool';
      err = 'false';
      epilogue.push(
        `match ${call} {\n    Some(value) => {\n        if !out.is_null() {\n            unsafe { out.write(value) };\n        }\n        true\n    }\n    None => false,\n}`,
      );
      safety.push('`out` must be null or valid for a write. Returns true and writes the value when there is one, false otherwise.');
      break;
    case 'result':
      if (s.ret.cType) cParams.push(`out: *mut ${s.ret.cType}`);
      cRet = ' -> i32';
      err = '-1';
      epilogue.push(
        s.ret.cType
          ? `match ${call} {\n    Ok(value) => {\n        if !out.is_null() {\n            unsafe { out.write(value) };\n        }\n        0\n    }\n    Err(_) => 1,\n}`
          : `match ${call} {\n    Ok(()) => 0,\n    Err(_) => 1,\n}`,
      );
      safety.push(`${s.ret.cType ? '`out` must be null or valid for a write. ' : ''}Returns 0 on success, 1 on error, -1 when an argument is invalid.`);
      break;
  }
  const prologue = s.params.flatMap((p) => p.prologue).map((line) => line.replace(/\{ERR\}/g, err).replace(/return ;/g, 'return;'));
  const attr = s.symbol ? (s.edition === '2024' ? `#[unsafe(export_name = "${s.symbol}")]` : `#[export_name = "${s.symbol}"]`) : null;
  const generics = s.lifetimes.length ? `<${s.lifetimes.join(', ')}>` : '';
  const docs = [
    `/// C entry point for [\`${s.fn.name}\`]: the same function with C types at the boundary.`,
    '///',
    '/// # Safety',
    '///',
    ...(safety.length ? safety : ['Every pointer argument must be valid as its type says.']).map((l) => `/// ${l}`),
  ];
  const body = [...prologue, ...epilogue]
    .join('\n')
    .split('\n')
    .map((l) => (l ? `    ${l}` : l));
  return [...docs, ...(attr ? [attr] : []), `pub unsafe extern "C" fn ${s.shimName}${generics}(${cParams.join(', ')})${cRet} {`, ...body, '}'].join('\n');
}

/** Functions the shim's return value needs, generated once per crate. */
function helperFunctions(ret: ReturnPlan, walk: WalkContext, edition: string): string[] {
  const exportAttr = (name: string): string => (edition === '2024' ? `#[unsafe(export_name = "${name}")]` : `#[no_mangle]`);
  if (ret.kind === 'owned-string' && !crateHasFn(walk, 'ffi_guard_free_string')) {
    return [
      [
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
    ];
  }
  if (ret.kind === 'owned-slice' && !crateHasFn(walk, sliceFreeName(ret.elem))) {
    const name = sliceFreeName(ret.elem);
    return [
      [
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
    ];
  }
  return [];
}

function sliceFreeName(elem: string): string {
  return `ffi_guard_free_${elem
    .replace(/[^A-Za-z0-9]+/g, '_')
    .replace(/^_|_$/g, '')
    .toLowerCase()}_array`;
}

function crateHasFn(walk: WalkContext, name: string): boolean {
  return walk.crate.modules.some((m) => m.items.some((i) => i.kind === 'fn' && i.name === name));
}

/** `<name>_ffi`, or the next free name in the module. */
function freeName(base: string, walk: WalkContext): string {
  const taken = new Set(walk.module.items.map((i) => i.name));
  if (!taken.has(base)) return base;
  for (let n = 2; ; n++) if (!taken.has(`${base}${n}`)) return `${base}${n}`;
}

/** Edits that take the export attributes and the `extern "…"` off the idiomatic function. */
function removeExport(fn: FnItem, text: string): TextEdit[] | null {
  const edits: TextEdit[] = [];
  for (const a of fn.attrs) {
    if (a.name !== 'no_mangle' && a.name !== 'export_name') continue;
    const written = text.slice(a.origin.span.start, a.origin.span.end);
    if (!/^#\[\s*(unsafe\s*\(\s*)?(no_mangle|export_name)/.test(written)) return null; // inside cfg_attr: leave it to a person
    let end = a.origin.span.end;
    const after = /^[ \t]*\r?\n[ \t]*/.exec(text.slice(end));
    if (after) end += after[0].length;
    else end += /^[ \t]*/.exec(text.slice(end))![0].length;
    edits.push({ file: fn.origin.file, start: a.origin.span.start, end, newText: '' });
  }
  const sigStart = fn.signatureOrigin.span.start;
  const sig = text.slice(sigStart, fn.nameOrigin.span.start);
  const ext = /\bextern\s*("[^"]*"\s*)?/.exec(sig);
  if (ext) edits.push({ file: fn.origin.file, start: sigStart + ext.index, end: sigStart + ext.index + ext[0].length, newText: '' });
  return edits;
}

function indentOf(text: string, offset: number): string {
  const lineStart = text.lastIndexOf('\n', offset - 1) + 1;
  return /^[ \t]*/.exec(text.slice(lineStart))![0];
}

function reindent(block: string, indent: string): string {
  return block
    .split('\n')
    .map((l) => (l ? indent + l : l))
    .join('\n');
}
