import { exportAttribute, linkName, WalkContext } from './boundary';
import { checkedTypesOfFn, CheckedType } from './boundary-types';
import { adtShape, checkBoundaryType, is1Zst, isSized } from './ffi';
import type { Fix, FixContext, TextEdit } from './fixes';
import type { FnItem, ImplItem, Origin, TypeExpr } from './model';
import type { ModuleScope } from './workspace';
import { resolvePath, typeText } from './resolve';
import {
  camel,
  convertingTupleStruct,
  crateTypeModule,
  ElemConv,
  FFI_OPTION,
  FFI_RESULT,
  ffiOption,
  ffiResult,
  GeneratedItem,
  handleFree,
  handleFreeName,
  pathFrom,
  receiverOf,
  snake,
  traitOf,
  tupleStruct,
  vtableFor,
} from './shim-types';
import { isOptionOrResult } from './std-types';
import { displayTy, isUnit, Ty } from './types';

/**
 * Boundary conversions as a generated shim. The idiomatic function keeps its name, body and Rust
 * signature and loses its export attributes and its `extern`; a new `extern "C"` function
 * `<name>_ffi` exported under the original symbol takes C types, converts them (checking nulls, UTF-8,
 * `char` validity) and calls it. Conversions that can fail make the shim return early: nothing for a
 * `()` function, null for a pointer, `false` for a flag, -1 for a status code.
 *
 * A method of an inherent `impl` gets its shim as a free function after the impl block, named
 * `<type>_<method>_ffi` and calling `Type::method(..)`; a `&self` / `&mut self` receiver becomes a
 * `this: *const Type` / `*mut Type` parameter, null checked. Methods taking `self` by value are left to a
 * person.
 *
 * Besides the preferred shim, two alternatives are offered (not preferred) where they apply: strings as
 * pointer + length (`*const u8`, `usize`) instead of NUL-terminated, and `Option` / `Result` as the
 * generated `#[repr(C)]` tagged types `FfiOption` / `FfiResult` instead of flags and out-parameters.
 */

const C_CHAR = 'std::ffi::c_char';
const C_VOID = 'std::ffi::c_void';

/** Which alternative conversions a plan uses. */
interface ShimOptions {
  /** `&str`/`String` parameters as `*const u8` + length. */
  strAsPtrLen?: boolean;
  /** `Option`/`Result` as `FfiOption`/`FfiResult`. */
  tagged?: boolean;
}

/** What one plan needs besides itself: options it used, types it names, items to generate. */
interface PlanEnv {
  options: ShimOptions;
  used: Set<keyof ShimOptions>;
  /** The written type of an expression, `Self` replaced by the impl's type. */
  src: (e: TypeExpr) => string;
  walk: WalkContext;
  ctx: FixContext;
  /** Items to generate after the shim, by name. */
  items: Map<string, GeneratedItem>;
  /** Names this plan has taken in the module. */
  taken: Set<string>;
  /** `MinMax`, `PointSplit`: the prefix of generated type names. */
  label: string;
  exportAttr: (name: string) => string;
}

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
  /** `wrap`: the conversion of the Rust value to `cType` (`MinMaxOutput::from(…)`). */
  | { kind: 'direct'; cType: string; wrap?: (call: string) => string }
  /** `optional`: the Rust function returns an `Option` of it, and `None` becomes null. */
  /** `utf8`: how the value becomes an `Option` of UTF-8 text (OS strings and paths), when it is not text already. */
  | { kind: 'owned-string'; boxed: boolean; optional?: boolean; utf8?: (value: string) => string }
  | { kind: 'owned-slice'; elem: string; boxed: boolean; optional?: boolean }
  /** `map`: turns the payload into `cType` (`u32::from` for a `char`). */
  | { kind: 'option'; cType: string; map?: string }
  /** A borrowed or raw slice (or `str`) returned as its first element's pointer, the length written to `out_len`. */
  | { kind: 'raw-slice'; elem: string; mutable: boolean; str: boolean; raw: boolean }
  /** A Rust value returned as an opaque `*mut T` handle from `Box::into_raw`. */
  | { kind: 'boxed'; written: string; free: string; optional?: boolean }
  /**
   * `cType`: the out-parameter's pointee. `ok`: the plan of an `Ok` value that needs converting (a string,
   * a handle, a vector), whose C form is written to `out` (and its length to `out_len`).
   */
  | { kind: 'result'; cType: string | null; ok?: ReturnPlan }
  | { kind: 'char' }
  /** An array returned by value: written to a caller's buffer. */
  | { kind: 'array-out'; elem: string; array: string; len: string; map?: string }
  | { kind: 'handle'; trait: string; dyn: string; optional?: boolean };

/** The method's impl block, when `fn` is a method of a plain inherent impl we can name. */
interface Owner {
  impl: ImplItem;
  selfText: string;
  /** `&self`, `&mut self`, `self`. */
  receiver: 'ref' | 'mut' | 'value' | null;
}

/**
 * The shim fixes for a function whose signature rustc rejects: the preferred one first, then the
 * alternatives that differ from it. Empty when we cannot convert it. The caller checks `usedAsValue` first:
 * a shim takes the function's `extern "C"` away from its uses as a pointer.
 */
export function planShims(fn: FnItem, walk: WalkContext, ctx: FixContext): Fix[] {
  const out: Fix[] = [];
  const main = planShim(fn, walk, ctx, {});
  if (main) out.push(main.fix);
  for (const options of [{ strAsPtrLen: true }, { tagged: true }] as ShimOptions[]) {
    const alt = planShim(fn, walk, ctx, options);
    const same = main && JSON.stringify(alt?.fix.edits) === JSON.stringify(main.fix.edits);
    if (alt && alt.used.size && !same) out.push({ ...alt.fix, preferred: !main && !out.length ? alt.fix.preferred : false });
  }
  return out;
}

/** True when the signature holds a trait object: no conversion keeps its meaning. */
export function hasTraitObject(fn: FnItem, walk: WalkContext): boolean {
  return checkedTypesOfFn(fn, walk).some((c) => c.verdict.kind === 'unsafe' && mentionsDyn(c.ty));
}

function mentionsDyn(t: Ty): boolean {
  if (t.k === 'dyn') return true;
  if (t.k === 'ref' || t.k === 'ptr' || t.k === 'slice' || t.k === 'array') return mentionsDyn(t.inner);
  if (t.k === 'adt') return t.args.some(mentionsDyn);
  if (t.k === 'tuple') return t.elems.some(mentionsDyn);
  return false;
}

function ownerOf(fn: FnItem, walk: WalkContext, text: string): Owner | null | undefined {
  if (walk.container === 'free') return null;
  if (walk.container !== 'impl') return undefined;
  const impl = walk.module.items.find((i): i is ImplItem => i.kind === 'impl' && i.items.includes(fn));
  if (!impl || impl.traitName !== null || impl.generics.length || !impl.selfType || impl.origin.file !== fn.origin.file) return undefined;
  const selfText = text.slice(impl.selfType.origin.span.start, impl.selfType.origin.span.end);
  // A plain path, with concrete generic arguments (`impl Wrapper<String>`) at most.
  if (!/^[A-Za-z_]\w*(::[A-Za-z_]\w*)*(<[\w\s,:<>&']*>)?$/.test(selfText)) return undefined;
  const params = text.slice(fn.paramsOrigin.span.start, fn.paramsOrigin.span.end);
  const receiver = fn.selfParam ? (receiverOf(fn, text) ?? (/^\(\s*(mut\s+)?self\s*[,)]/.test(params) ? 'value' : null)) : null;
  if (fn.selfParam && !receiver) return undefined;
  return { impl, selfText, receiver };
}

function planShim(fn: FnItem, walk: WalkContext, ctx: FixContext, options: ShimOptions): { fix: Fix; used: Set<keyof ShimOptions> } | null {
  if (fn.fromMacro || fn.generics.some((g) => g.kind !== 'lifetime') || fn.hasImplTraitArg) return null;
  const text = ctx.textOf(fn.origin.file);
  if (text === undefined) return null;
  const owner = ownerOf(fn, walk, text);
  if (owner === undefined) return null;
  const typeName = owner ? owner.selfText.replace(/<.*$/s, '').split('::').pop()! : null;
  // `Wrapper<String>::f` is not an expression; `<Wrapper<String>>::f` is.
  const qualified = owner ? (owner.selfText.includes('<') ? `<${owner.selfText}>::${fn.name}` : `${owner.selfText}::${fn.name}`) : fn.name;
  // `Counter::new` → `counter_new`; `Counter::counter_new` stays `counter_new`.
  const bare = fn.name.replace(/^r#/, ''); // `r#loop` → `loop_ffi`
  const base = owner && !bare.startsWith(`${snake(typeName!)}_`) ? `${snake(typeName!)}_${bare}` : bare;
  const env: PlanEnv = {
    options,
    used: new Set(),
    src: (e) => {
      // An alias's definition may be in another file of the module (`include!`); a substituted alias has no single text.
      const written = SYNTHESIZED.has(e) ? typeText(e) : (ctx.textOf(e.origin.file) ?? text).slice(e.origin.span.start, e.origin.span.end);
      return owner ? written.replace(/\bSelf\b/g, owner.selfText) : written;
    },
    walk,
    ctx,
    items: new Map(),
    taken: new Set(walk.module.items.map((i) => i.name)),
    label: camel(base),
    exportAttr: (name) => (ctx.edition === '2024' ? `#[unsafe(export_name = "${name}")]` : `#[no_mangle]`),
  };
  const checked = checkedTypesOfFn(fn, walk);
  const params: ParamPlan[] = [];
  if (owner?.receiver === 'value') {
    const plan = selfByValue(owner.selfText, checked[0]);
    if (!plan) return null;
    params.push(plan);
  } else if (owner?.receiver) {
    const mut = owner.receiver === 'mut';
    params.push({
      cParams: [`this: *${mut ? 'mut' : 'const'} ${owner.selfText}`],
      prologue: [`let Some(this) = (unsafe { this.${mut ? 'as_mut' : 'as_ref'}() }) else {\n    return {ERR};\n};`],
      arg: 'this',
      fallible: true,
      safety: `\`this\` must be null or point to a valid \`${owner.selfText}\`${mut ? ' that nothing else accesses' : ''} during the call.`,
    });
  }
  for (let i = 0; i < fn.params.length; i++) {
    const p = fn.params[i];
    if (owner?.receiver && i === 0 && p.name === 'self') continue;
    const name = /^[a-z_][a-z0-9_]*$/i.test(p.name) && p.name !== '_' && p.name !== 'self' && p.name !== 'this' ? p.name : `arg${i}`;
    const plan = planParam(name, p.type, checked[i], env);
    if (!plan) return null;
    params.push(plan);
  }
  const ret = fn.ret ? planReturn(checked[fn.params.length], fn.ret, env) : { kind: 'none' as const };
  if (!ret) return null;
  const fallible = params.some((p) => p.fallible);
  const exported = exportAttribute(fn.attrs);
  const symbol = exported ? linkName(fn.attrs, fn.name) : null;
  const shimName = freeName(`${base}_ffi`, walk);
  const lifetimes = fn.generics.filter((g) => g.kind === 'lifetime').map((g) => g.name);
  const shim = renderShim({ fn, qualified, params, ret, fallible, symbol, shimName, lifetimes, edition: ctx.edition });
  const removal = removeExport(fn, text);
  if (!removal) return null;
  const anchor = owner ? owner.impl.origin : fn.origin;
  const indent = indentOf(text, anchor.span.start);
  helperFunctions(ret, env);
  const helpers = [...env.items.values()].map((i) => i.text);
  // In a function body the shim goes beside the function, and items shared crate-wide (free functions,
  // generated types) after the item holding the body, where the next shim sees them too.
  const outer = walk.module.isBlock && helpers.length ? enclosingItem(walk.module, fn) : null;
  if (walk.module.isBlock && helpers.length && (!outer || helpers.some((h) => namesBlockItem(h, walk.module, fn)))) return null;
  const insertions: TextEdit[] = outer
    ? [
        { file: fn.origin.file, start: anchor.span.end, end: anchor.span.end, newText: '\n\n' + reindent(shim, indent) },
        {
          file: fn.origin.file,
          start: outer.span.end,
          end: outer.span.end,
          newText: '\n\n' + helpers.map((block) => reindent(block, indentOf(text, outer.span.start))).join('\n\n'),
        },
      ]
    : [
        {
          file: fn.origin.file,
          start: anchor.span.end,
          end: anchor.span.end,
          newText: '\n\n' + [shim, ...helpers].map((block) => reindent(block, indent)).join('\n\n'),
        },
      ];
  const conversions = [
    ...(owner?.receiver ? ['`self`'] : []),
    ...fn.params.map((p, i) => (checked[i]?.verdict.kind === 'unsafe' && p.name !== 'self' ? `\`${p.name}\`` : null)).filter((x): x is string => x !== null),
    ...(ret.kind !== 'none' && !(ret.kind === 'direct' && !ret.wrap) ? ['the return value'] : []),
  ];
  const how = env.used.has('strAsPtrLen')
    ? ', strings as pointer + length'
    : env.used.has('tagged')
      ? `, with the \`#[repr(C)]\` tagged types ${FFI_OPTION}/${FFI_RESULT}`
      : '';
  return {
    fix: {
      title: `Generate an \`extern "C"\` shim \`${shimName}\` converting ${conversions.join(', ') || 'the signature'}${how}`,
      preferred: true,
      edits: [...removal, ...insertions],
      defines: [shimName, ...env.items.keys()],
    },
    used: env.used,
  };
}

/** A `self` receiver by value: passed as it is when C can hold it, else as a handle the call takes over. */
function selfByValue(selfText: string, checked: CheckedType | undefined): ParamPlan | null {
  if (!checked) return null;
  if (checked.verdict.kind === 'safe') return { cParams: [`this: ${selfText}`], prologue: [], arg: 'this', fallible: false, safety: null };
  return handleParam('this', checked.ty, selfText);
}

/** Where the module-level item holding a function body's block is written. */
function enclosingItem(block: ModuleScope, fn: FnItem): Origin | null {
  let module: ModuleScope | null = block;
  while (module?.isBlock) module = module.parent;
  const item = module?.items.find(
    (i) => i.origin.file === fn.origin.file && i.origin.span.start <= fn.origin.span.start && fn.origin.span.end <= i.origin.span.end,
  );
  return item && !item.fromMacro ? item.origin : null;
}

/** Whether generated text names an item declared in a body (up to module level), which module level cannot see. */
function namesBlockItem(text: string, block: ModuleScope, fn: FnItem): boolean {
  for (let m: ModuleScope | null = block; m?.isBlock; m = m.parent) {
    for (const i of m.items) if (i !== fn && i.name && new RegExp(`\\b${i.name.replace(/^r#/, '')}\\b`).test(text)) return true;
  }
  return false;
}

/** A name for a generated type, free in the module and in this plan. */
function typeName(base: string, env: PlanEnv): string {
  let name = base;
  for (let n = 2; env.taken.has(name); n++) name = `${base}${n}`;
  env.taken.add(name);
  return name;
}

/** `FfiOption` / `FfiResult` as the shim's module names it, generated here when the crate has none. */
function taggedType(name: string, env: PlanEnv): string {
  env.used.add('tagged');
  const module = crateTypeModule(env.walk, name);
  if (module) return pathFrom(env.walk, module, name);
  const item = name === FFI_OPTION ? ffiOption() : ffiResult();
  env.items.set(item.key, item);
  return name;
}

/** How one argument of a Rust callback reaches the C callback: its C parameters and the expressions passing it. */
function callbackArg(ty: Ty, written: string, name: string): { cTypes: string[]; pass: string[] } | null {
  if (ty.k === 'prim' && ty.name === 'char') return { cTypes: ['u32'], pass: [`u32::from(${name})`] };
  if (ty.k === 'prim' && ty.name !== 'str') return { cTypes: [written], pass: [name] };
  if (ty.k === 'ref' && !ty.mutable && ty.inner.k === 'prim' && ty.inner.name === 'str')
    return { cTypes: ['*const u8', 'usize'], pass: [`${name}.as_ptr()`, `${name}.len()`] };
  if (ty.k === 'ref' && ty.inner.k === 'slice' && elementIsSafe(ty.inner.inner) && ty.inner.inner.k === 'prim') {
    const m = ty.mutable ? 'mut' : 'const';
    return { cTypes: [`*${m} ${ty.inner.inner.name}`, 'usize'], pass: [`${name}.as_${ty.mutable ? 'mut_' : ''}ptr()`, `${name}.len()`] };
  }
  if (ty.k === 'ptr' || (ty.k === 'ref' && checkBoundaryType(ty, 'definition', 'param').kind === 'safe')) return { cTypes: [written], pass: [name] };
  return null;
}

/** The written types a closure signature may use, as the types `callbackArg` converts. */
function simpleType(written: string): Ty | null {
  const t = written.trim();
  if (/^(bool|char|u8|u16|u32|u64|usize|i8|i16|i32|i64|isize|f32|f64)$/.test(t)) return { k: 'prim', name: t };
  if (/^&\s*str$/.test(t)) return { k: 'ref', mutable: false, inner: { k: 'prim', name: 'str' } };
  const slice = /^&\s*(mut\s+)?\[\s*(bool|u8|u16|u32|u64|usize|i8|i16|i32|i64|isize|f32|f64)\s*\]$/.exec(t);
  if (slice) return { k: 'ref', mutable: !!slice[1], inner: { k: 'slice', inner: { k: 'prim', name: slice[2] } } };
  return null;
}

/**
 * `&dyn Fn(u32) -> bool` / `&mut dyn FnMut(&str)`: C's classic callback plus user data. The shim takes an
 * `extern "C"` function whose first argument is the caller's `*mut c_void`, and passes a closure calling it.
 */
function closureParam(name: string, dynText: string, mutable: boolean): ParamPlan | null {
  const m = /^(?:dyn\s+)?(Fn|FnMut)\s*\(([^()]*)\)\s*(?:->\s*([^+]+?))?\s*(?:\+\s*(?:Send|Sync|'\w+)\s*)*$/.exec(dynText.trim());
  if (!m || (m[1] === 'FnMut' && !mutable)) return null;
  const params = m[2].trim() ? m[2].split(',').map((p) => p.trim()) : [];
  const tys = params.map(simpleType);
  if (tys.some((t) => t === null)) return null;
  const args = tys.map((t, i) => callbackArg(t!, params[i], `a${i}`));
  if (args.some((a) => a === null)) return null;
  const ret = m[3]?.trim();
  if (ret && !/^(bool|u8|u16|u32|u64|usize|i8|i16|i32|i64|isize|f32|f64|\(\))$/.test(ret)) return null;
  const retText = ret && ret !== '()' ? ` -> ${ret}` : '';
  const cFn = `extern "C" fn(*mut ${C_VOID}${args.map((a) => a!.cTypes.map((c) => `, ${c}`).join('')).join('')})${retText}`;
  const data = `${name}_data`;
  return {
    cParams: [`${name}: Option<${cFn}>`, `${data}: *mut ${C_VOID}`],
    prologue: [
      `let Some(${name}) = ${name} else {\n    return {ERR};\n};`,
      `let ${mutable ? 'mut ' : ''}${name} = |${params.map((p, i) => `a${i}: ${p}`).join(', ')}| ${name}(${[data, ...args.flatMap((a) => a!.pass)].join(', ')});`,
    ],
    arg: `&${mutable ? 'mut ' : ''}${name}`,
    fallible: true,
    safety: `\`${name}\` is called only during this call, with \`${data}\` as its first argument; null is rejected.`,
  };
}

/**
 * A Rust-ABI callback parameter (`visit: fn(&str, i64)`): the shim takes an `extern "C"` callback with C
 * types, and passes the Rust function a trampoline that calls it. The C callback lives in a thread-local for
 * the duration of the call, so a callback that is only called during the call (the usual contract) works.
 */
function callbackTrampoline(name: string, ty: Ty & { k: 'fnptr' }, expr: TypeExpr & { kind: 'fnptr' }, env: PlanEnv): ParamPlan | null {
  if (ty.variadic || expr.fn.params.length !== ty.params.length) return null;
  const args = ty.params.map((p, i) => callbackArg(p, env.src(expr.fn.params[i]), `a${i}`));
  if (args.some((a) => a === null)) return null;
  const ret = isUnit(ty.ret) ? null : ty.ret.k === 'prim' && !['char', 'str', '!'].includes(ty.ret.name) ? env.src(expr.fn.ret!) : undefined;
  if (ret === undefined) return null;
  const cFn = `extern "C" fn(${args.flatMap((a) => a!.cTypes).join(', ')})${ret ? ` -> ${ret}` : ''}`;
  const base = `${snake(env.label)}_${name}`;
  const slot = typeName(`${base.toUpperCase()}_CALLBACK`, env);
  const trampoline = typeName(`${base}_trampoline`, env);
  const rustParams = ty.params.map((_, i) => `a${i}: ${env.src(expr.fn.params[i])}`).join(', ');
  const call = `cb(${args.flatMap((a) => a!.pass).join(', ')})`;
  env.items.set(slot, {
    key: slot,
    text: [
      'thread_local! {',
      `    /// The C callback of the running shim, for \`${trampoline}\`.`,
      `    static ${slot}: std::cell::Cell<Option<${cFn}>> = const { std::cell::Cell::new(None) };`,
      '}',
      '',
      `/// Calls the running shim's C callback with C types.`,
      `fn ${trampoline}(${rustParams})${ret ? ` -> ${ret}` : ''} {`,
      ...(ret
        ? [`    ${slot}.with(|cb| cb.get().map_or(Default::default(), |cb| ${call}))`]
        : [`    ${slot}.with(|cb| {`, '        if let Some(cb) = cb.get() {', `            ${call};`, '        }', '    });']),
      '}',
    ].join('\n'),
  });
  const guard = `Restore${camel(name)}`;
  return {
    cParams: [`${name}: Option<${cFn}>`],
    prologue: [
      `let Some(${name}) = ${name} else {\n    return {ERR};\n};`,
      `struct ${guard}(Option<${cFn}>);\nimpl Drop for ${guard} {\n    fn drop(&mut self) {\n        ${slot}.with(|cb| cb.set(self.0));\n    }\n}\nlet _restore = ${guard}(${slot}.with(|cell| cell.replace(Some(${name}))));`,
    ],
    arg: trampoline,
    fallible: true,
    safety: `\`${name}\` is called only during this call, on this thread; null is rejected.`,
  };
}

/**
 * Whether the crate mentions the function other than by calling it (`register(on_event)`, `let f = on_event;`).
 * Textual, so a local variable of the same name counts too: a missed shim is a lost convenience, a shim
 * for a function used as a pointer would break the build.
 */
export function usedAsValue(fn: FnItem, walk: WalkContext, ctx: FixContext): boolean {
  const name = fn.name.replace(/^r#/, '');
  // `r#loop` is always written so; `r#foo` may be written `foo` too.
  const written = RUST_KEYWORDS.has(name) ? `r#${name}` : `(?:r#)?${name}`;
  // A call, method call, path segment, binding or field declaration is not a use as a value.
  const pattern = new RegExp(`(?<![\\w"\`.#]|\\b(?:let|mut|fn)\\s+)${written.replace(/[$]/g, '\\$&')}\\b(?!\\s*[(!"\`:])`, 'g');
  for (const file of walk.crate.files) {
    const text = ctx.textOf(file);
    if (!text || !text.includes(name)) continue;
    for (const m of text.matchAll(pattern)) {
      const at = m.index!;
      if (file === fn.nameOrigin.file && at === fn.nameOrigin.span.start) continue;
      const line = text.slice(text.lastIndexOf('\n', at) + 1, at);
      if (/^\s*\/\//.test(line)) continue; // a comment
      if (/#!?\[[^\]]*$/.test(line)) continue; // an attribute (`#[must_use]`)
      return true;
    }
  }
  return false;
}

const RUST_KEYWORDS = new Set(
  'as async await box break const continue crate do dyn else enum extern false final fn for gen if impl in let loop macro match mod move mut override priv pub ref return self static struct super trait true try type typeof unsafe unsized use virtual where while yield'.split(
    ' ',
  ),
);

function isStd(ty: Ty, name: string): boolean {
  return ty.k === 'adt' && ty.def.source === 'std' && ty.def.name === name;
}

function planParam(name: string, writtenExpr: TypeExpr, checked: CheckedType | undefined, env: PlanEnv): ParamPlan | null {
  const written = env.src(writtenExpr);
  if (!checked || checked.verdict.kind === 'safe') return { cParams: [`${name}: ${written}`], prologue: [], arg: name, fallible: false, safety: null };
  const ty = checked.ty;
  const expr = expandAlias(writtenExpr, env);
  const nullCheck = `if ${name}.is_null() {\n    return {ERR};\n}`;
  const cstr = `let Ok(${name}) = unsafe { std::ffi::CStr::from_ptr(${name}) }.to_str() else {\n    return {ERR};\n};`;
  const cstrSafety = `\`${name}\` must be null or point to a NUL-terminated string that stays valid during the call.`;
  const fromStr = fromText(ty, name);
  const isStr = fromStr === name;
  const isString = fromStr !== null && !isStr;
  const owned = `let ${name} = ${fromStr};`;
  if ((isStr || isString) && env.options.strAsPtrLen) {
    env.used.add('strAsPtrLen');
    return {
      cParams: [`${name}: *const u8`, `${name}_len: usize`],
      prologue: [
        `let ${name}: &str = if ${name}_len == 0 {\n    ""\n} else if ${name}.is_null() {\n    return {ERR};\n} else {\n    let Ok(${name}) = std::str::from_utf8(unsafe { std::slice::from_raw_parts(${name}, ${name}_len) }) else {\n        return {ERR};\n    };\n    ${name}\n};`,
        ...(isString ? [owned] : []),
      ],
      arg: name,
      fallible: true,
      safety: `\`${name}\` must be null or point to \`${name}_len\` bytes of UTF-8 (no NUL needed) that stay valid during the call.`,
    };
  }
  if (isStr) {
    return { cParams: [`${name}: *const ${C_CHAR}`], prologue: [nullCheck, cstr], arg: name, fallible: true, safety: cstrSafety };
  }
  if (isString) {
    return {
      cParams: [`${name}: *const ${C_CHAR}`],
      prologue: [nullCheck, cstr, owned],
      arg: name,
      fallible: true,
      safety: cstrSafety,
    };
  }
  const cstrIn = ty.k === 'ref' && !ty.mutable && isStd(ty.inner, 'CStr');
  if (cstrIn || isStd(ty, 'CString')) {
    return {
      cParams: [`${name}: *const ${C_CHAR}`],
      prologue: [nullCheck, `let ${name} = unsafe { std::ffi::CStr::from_ptr(${name}) }${cstrIn ? '' : '.to_owned()'};`],
      arg: name,
      fallible: true,
      safety: cstrSafety,
    };
  }
  if (ty.k === 'array' && elementIsSafe(ty.inner) && expr.kind === 'array') {
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
  if (ty.k === 'array' && ty.inner.k === 'prim' && ty.inner.name === 'char' && expr.kind === 'array') {
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
  if (ty.k === 'ref' && ty.inner.k === 'slice' && elementIsSafe(ty.inner.inner)) {
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
  }
  const strings = stringList(name, ty);
  if (strings) return strings;
  const boxedSlice = ty.k === 'adt' && isStd(ty, 'Box') && ty.args[0]?.k === 'slice' && elementIsSafe(ty.args[0].inner);
  if (ty.k === 'adt' && ((isStd(ty, 'Vec') && ty.args[0] && elementIsSafe(ty.args[0])) || boxedSlice)) {
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
  }
  if (ty.k === 'fnptr' && (ty.abi === null || ty.abi === 'Rust') && expr.kind === 'fnptr') {
    const plan = callbackTrampoline(name, ty, expr, env);
    if (plan) return plan;
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
  if (ty.k === 'adt' && isOptionOrResult(ty) && ty.k === 'adt' && isStd(ty, 'Option') && ty.args[0] && elementIsSafe(ty.args[0])) {
    const inner = genericArg(expr, 0, env);
    if (!inner) return null;
    if (env.options.tagged) {
      const tagged = taggedType(FFI_OPTION, env);
      return { cParams: [`${name}: ${tagged}<${inner}>`], prologue: [`let ${name}: ${written} = ${name}.into();`], arg: name, fallible: false, safety: null };
    }
    return {
      cParams: [`${name}: *const ${inner}`],
      prologue: [`let ${name} = if ${name}.is_null() {\n    None\n} else {\n    Some(unsafe { ${name}.read() })\n};`],
      arg: name,
      fallible: false,
      safety: `\`${name}\` must be null (None) or point to a valid \`${inner}\`, which is read once.`,
    };
  }
  if (ty.k === 'tuple' && expr.kind === 'tuple' && ty.elems.length && ty.elems.every(elementIsSafe)) {
    const struct = typeName(`${env.label}${camel(name)}`, env);
    const item = tupleStruct(struct, expr.elems.map(env.src), `Parameter \`${name}\``);
    env.items.set(item.key, item);
    return { cParams: [`${name}: ${struct}`], prologue: [`let ${name}: ${written} = ${name}.into();`], arg: name, fallible: false, safety: null };
  }
  const converted =
    ty.k === 'tuple' && expr.kind === 'tuple' && ty.elems.length ? tupleConv(ty, expr, `${env.label}${camel(name)}`, `Parameter \`${name}\``, env) : null;
  if (converted) {
    return {
      cParams: [`${name}: ${converted.c}`],
      prologue: [
        converted.fallible
          ? `let Ok(${name}) = <${converted.rust} as std::convert::TryFrom<_>>::try_from(${name}) else {\n    return {ERR};\n};`
          : `let ${name}: ${converted.rust} = ${name}.into();`,
      ],
      arg: name,
      fallible: converted.fallible,
      safety: converted.fallible ? `Every \`char\` in \`${name}\` must be a Unicode scalar value (else the call is rejected).` : null,
    };
  }
  const more =
    zeroSizedParam(name, ty, written, env) ??
    unsizedParam(name, ty, expr, env) ??
    optionParam(name, ty, expr, env) ??
    resultParam(name, ty, expr, written, env) ??
    handleParam(name, ty, oneLine(written));
  if (more) return more;
  const closure = ty.k === 'ref' && ty.inner.k === 'dyn' ? closureParam(name, ty.inner.text, ty.mutable) : null;
  if (closure) return closure;
  // A raw trait-object pointer is handed over like a reference: a handle this library returned.
  if ((ty.k === 'ref' || ty.k === 'ptr') && ty.inner.k === 'dyn' && (expr.kind === 'ref' || expr.kind === 'ptr')) {
    const t = traitOf(ty.inner.text, env.walk);
    if (!t) return null;
    const dyn = env.src(expr.inner);
    const mut = ty.mutable;
    return {
      cParams: [`${name}: *${mut ? 'mut' : 'const'} ${C_VOID}`],
      prologue: [`let Some(${name}) = (unsafe { ${name}.cast::<std::boxed::Box<${dyn}>>().${mut ? 'as_mut' : 'as_ref'}() }) else {\n    return {ERR};\n};`],
      arg: `&${mut ? 'mut ' : ''}**${name}`,
      fallible: true,
      safety: `\`${name}\` must be null or a live \`${t.name}\` handle returned by this library${mut ? ', not used elsewhere during the call' : ''}.`,
    };
  }
  return null;
}

/**
 * `&[&str]`, `&[String]`, `Vec<&str>`, `Vec<String>`: an array of C strings and its length, as `argv`
 * and `argc` are passed; each string is null and UTF-8 checked.
 */
function stringList(name: string, ty: Ty): ParamPlan | null {
  const list = ty.k === 'ref' && !ty.mutable && ty.inner.k === 'slice' ? ty.inner.inner : ty.k === 'adt' && isStd(ty, 'Vec') ? ty.args[0] : null;
  if (!list) return null;
  const owned = isStd(list, 'String');
  if (!owned && !(list.k === 'ref' && !list.mutable && list.inner.k === 'prim' && list.inner.name === 'str')) return null;
  const len = `${name}_len`;
  const items = `${name}_items`;
  return {
    cParams: [`${name}: *const *const ${C_CHAR}`, `${len}: usize`],
    prologue: [
      `let ${name}: &[*const ${C_CHAR}] = if ${len} == 0 {\n    &[]\n} else if ${name}.is_null() {\n    return {ERR};\n} else {\n    unsafe { std::slice::from_raw_parts(${name}, ${len}) }\n};`,
      `let mut ${items} = std::vec::Vec::with_capacity(${name}.len());`,
      `for &item in ${name} {\n    if item.is_null() {\n        return {ERR};\n    }\n    let Ok(item) = unsafe { std::ffi::CStr::from_ptr(item) }.to_str() else {\n        return {ERR};\n    };\n    ${items}.push(item${owned ? '.to_owned()' : ''});\n}`,
    ],
    arg: ty.k === 'ref' ? `&${items}` : items,
    fallible: true,
    safety: `\`${name}\` must be null or point to \`${len}\` pointers to NUL-terminated strings, all valid during the call.`,
  };
}

/**
 * How a string type is made from `name: &str`: `name` itself for `&str`; owned strings are built from a
 * copy of C's text (C keeps its buffer); paths and OS strings from UTF-8 text, which every platform accepts.
 * Null for other types.
 */
function fromText(ty: Ty, name: string): string | null {
  if (ty.k === 'ref' && !ty.mutable) {
    if (ty.inner.k === 'prim' && ty.inner.name === 'str') return name;
    if (isStd(ty.inner, 'OsStr')) return `std::ffi::OsStr::new(${name})`;
    if (isStd(ty.inner, 'Path')) return `std::path::Path::new(${name})`;
    return null;
  }
  if (isStd(ty, 'String')) return `${name}.to_owned()`;
  if (ty.k === 'adt' && isStd(ty, 'Box') && ty.args[0]?.k === 'prim' && ty.args[0].name === 'str') return `std::boxed::Box::<str>::from(${name})`;
  if (isStd(ty, 'OsString')) return `std::ffi::OsString::from(${name})`;
  if (isStd(ty, 'PathBuf')) return `std::path::PathBuf::from(${name})`;
  return null;
}

/**
 * A zero-sized value carries nothing C could pass: the shim drops the parameter and builds the value
 * itself. Only for values it can build: `()`, `PhantomData`, and structs whose fields are all such values
 * (a struct with fields only when it is defined in the shim's module, where they are visible).
 */
function zeroSizedParam(name: string, ty: Ty, written: string, env: PlanEnv): ParamPlan | null {
  const value = zeroSizedValue(ty, written, env, 0);
  return value === null ? null : { cParams: [], prologue: [`let ${name} = ${value};`], arg: name, fallible: false, safety: null };
}

function zeroSizedValue(ty: Ty, written: string | null, env: PlanEnv, depth: number): string | null {
  if (depth > 8 || !is1Zst(ty)) return null;
  if (isUnit(ty)) return '()';
  if (ty.k !== 'adt') return null;
  if (ty.def.source === 'std') {
    if (ty.def.name === 'PhantomPinned') return 'std::marker::PhantomPinned';
    return ty.def.category === 'phantom' ? 'std::marker::PhantomData' : null;
  }
  const item = ty.def.item;
  if (item.kind !== 'struct' || (item.fields.length && ty.def.module !== env.walk.module)) return null;
  // A struct expression names the type without its generic arguments, which the call infers.
  const path = written && /^[\w:]+(<.*>)?$/s.test(written) ? written.replace(/<.*$/s, '').trim() : ty.def.module === env.walk.module ? item.name : null;
  if (!path) return null;
  const fields = adtShape(ty).variants[0];
  const values = fields.map((f) => zeroSizedValue(f.ty, null, env, depth + 1));
  if (values.some((v) => v === null)) return null;
  const names = item.fields.map((f, i) => f.name ?? String(i));
  return `${path} {${values.length ? ` ${values.map((v, i) => `${names[i]}: ${v}`).join(', ')} ` : ''}}`;
}

/**
 * Unsized pointees as pointer + length: `&mut str` (UTF-8 checked), raw `*const str` / `*const [T]`
 * (rebuilt unchecked, as raw pointers are), and a `Box<dyn Trait>` handle given back to the library.
 */
function unsizedParam(name: string, ty: Ty, expr: TypeExpr, env: PlanEnv): ParamPlan | null {
  const len = `${name}_len`;
  if (ty.k === 'ref' && ty.mutable && ty.inner.k === 'prim' && ty.inner.name === 'str') {
    return {
      cParams: [`${name}: *mut u8`, `${len}: usize`],
      prologue: [
        `let ${name}: &mut [u8] = if ${len} == 0 {\n    &mut []\n} else if ${name}.is_null() {\n    return {ERR};\n} else {\n    unsafe { std::slice::from_raw_parts_mut(${name}, ${len}) }\n};`,
        `let Ok(${name}) = std::str::from_utf8_mut(${name}) else {\n    return {ERR};\n};`,
      ],
      arg: name,
      fallible: true,
      safety: `\`${name}\` must be null or point to \`${len}\` bytes of UTF-8 that nothing else accesses during the call.`,
    };
  }
  if (ty.k === 'ptr' && (ty.inner.k === 'slice' || (ty.inner.k === 'prim' && ty.inner.name === 'str'))) {
    const isStr = ty.inner.k === 'prim';
    const elem = isStr ? 'u8' : ty.inner.k === 'slice' && elementIsSafe(ty.inner.inner) ? rustText(ty.inner.inner, sliceElem(pointee(expr)), env) : null;
    if (!elem) return null;
    const m = ty.mutable ? 'mut' : 'const';
    const raw = `std::ptr::slice_from_raw_parts${ty.mutable ? '_mut' : ''}(${name}, ${len})`;
    return {
      cParams: [`${name}: *${m} ${elem}`, `${len}: usize`],
      prologue: [`let ${name} = ${isStr ? `${raw} as *${m} str` : raw};`],
      arg: name,
      fallible: false,
      safety: `\`${name}\` and \`${len}\` are passed on as one raw pointer; they must be valid as the function expects.`,
    };
  }
  if (isStd(ty, 'Box') && ty.k === 'adt' && ty.args[0]?.k === 'dyn') {
    const arg = boxArg(expr);
    const t = traitOf(ty.args[0].text, env.walk);
    if (!arg || !t) return null;
    return {
      cParams: [`${name}: *mut ${C_VOID}`],
      prologue: [`if ${name}.is_null() {\n    return {ERR};\n}`],
      arg: `*unsafe { std::boxed::Box::from_raw(${name}.cast::<std::boxed::Box<${env.src(arg)}>>()) }`,
      fallible: true,
      safety: `\`${name}\` must be null or a \`${t.name}\` handle returned by this library, not yet freed; the call takes it over (it must not be used or freed afterwards).`,
    };
  }
  return null;
}

/**
 * `Option<T>` whose `T` travels as a pointer (strings, slices, handles): null is `None`. `Option<char>`
 * travels as a `u32`, where any value that is not a Unicode scalar value is `None`.
 */
function optionParam(name: string, ty: Ty, expr: TypeExpr, env: PlanEnv): ParamPlan | null {
  if (!(ty.k === 'adt' && isStd(ty, 'Option') && ty.args[0]) || env.options.tagged) return null;
  const inner = ty.args[0];
  if (isUnit(inner)) return { cParams: [`${name}: bool`], prologue: [`let ${name} = ${name}.then_some(());`], arg: name, fallible: false, safety: null };
  if (inner.k === 'prim' && inner.name === 'char') {
    return { cParams: [`${name}: u32`], prologue: [`let ${name} = std::primitive::char::from_u32(${name});`], arg: name, fallible: false, safety: null };
  }
  const innerExpr = stdArgs(expr)?.[0];
  if (!innerExpr) return null;
  if (inner.k === 'fnptr' && (inner.abi === null || inner.abi === 'Rust') && innerExpr.kind === 'fnptr') {
    // An optional Rust callback: a null C callback is `None`, any other one is called through the trampoline.
    const plan = callbackTrampoline(name, inner, innerExpr, env);
    if (!plan) return null;
    return {
      ...plan,
      prologue: plan.prologue.slice(1).map((line) => line.replace(`cell.replace(Some(${name}))`, `cell.replace(${name})`)),
      arg: `${name}.map(|_| ${plan.arg} as ${env.src(innerExpr)})`,
      fallible: false,
      safety: `\`${name}\` is called only during this call, on this thread; null is \`None\`.`,
    };
  }
  if (inner.k === 'ref' && inner.inner.k === 'slice' && elementIsSafe(inner.inner.inner) && innerExpr.kind === 'ref' && innerExpr.inner.kind === 'slice') {
    const m = inner.mutable ? 'mut' : 'const';
    return {
      cParams: [`${name}: *${m} ${env.src(innerExpr.inner.inner)}`, `${name}_len: usize`],
      prologue: [
        `let ${name} = if ${name}.is_null() {\n    None\n} else {\n    Some(unsafe { std::slice::from_raw_parts${inner.mutable ? '_mut' : ''}(${name}, ${name}_len) })\n};`,
      ],
      arg: name,
      fallible: false,
      safety: `\`${name}\` must be null (\`None\`) or point to \`${name}_len\` initialised elements${inner.mutable ? ' that nothing else accesses' : ''} during the call.`,
    };
  }
  const plan = planParam(
    name,
    innerExpr,
    { expr: innerExpr, ty: inner, position: 'param', mode: 'definition', verdict: checkBoundaryType(inner, 'definition', 'param') },
    env,
  );
  if (!plan || !plan.cParams.length || !plan.cParams[0].startsWith(`${name}: *`)) return null;
  const nullCheck = `if ${name}.is_null() {\n    return {ERR};\n}`;
  const convert = plan.prologue.filter((line) => line !== nullCheck);
  const body = [...convert, `Some(${plan.arg})`].join('\n').replace(/^/gm, '    ');
  return {
    cParams: plan.cParams,
    prologue: [`let ${name} = if ${name}.is_null() {\n    None\n} else {\n${body}\n};`],
    arg: name,
    fallible: plan.fallible,
    safety: `${plan.safety ?? ''} Null is \`None\`.`.trim(),
  };
}

/**
 * A `Result` argument: the tagged `FfiResult<T, E>` when both sides are C values; when one side is `()`,
 * a nullable pointer to the other (null is that `()` side); when both are, a flag.
 */
function resultParam(name: string, ty: Ty, expr: TypeExpr, written: string, env: PlanEnv): ParamPlan | null {
  if (!(ty.k === 'adt' && isStd(ty, 'Result') && ty.args.length === 2)) return null;
  const [ok, err] = ty.args;
  const okText = genericArg(expr, 0, env);
  const errText = genericArg(expr, 1, env);
  if (!okText || !errText || ![ok, err].every((t) => isUnit(t) || elementIsSafe(t))) return null;
  if (isUnit(ok) && isUnit(err)) {
    return { cParams: [`${name}: bool`], prologue: [`let ${name} = if ${name} { Ok(()) } else { Err(()) };`], arg: name, fallible: false, safety: null };
  }
  if (isUnit(ok) || isUnit(err)) {
    const [some, none] = isUnit(err) ? ['Ok', 'Err'] : ['Err', 'Ok'];
    const pointee = isUnit(err) ? okText : errText;
    return {
      cParams: [`${name}: *const ${pointee}`],
      prologue: [`let ${name} = if ${name}.is_null() {\n    ${none}(())\n} else {\n    ${some}(unsafe { ${name}.read() })\n};`],
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
}

/** A Rust value C cannot hold (a std collection, a struct with Rust fields) travels as an opaque handle. */
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

const NOT_HANDLES = new Set(['Option', 'Result', 'Box', 'Vec', 'String', 'CString']);

/** Sized Rust types without a C conversion: they cross as `*mut T` from `Box::into_raw`. */
function isHandleType(ty: Ty): boolean {
  if (ty.k !== 'adt' || !isSized(ty) || is1Zst(ty)) return false;
  return ty.def.source === 'local' || (ty.def.category !== 'phantom' && !NOT_HANDLES.has(ty.def.name));
}

/**
 * The type a local alias stands for (`type Bytes<'a> = &'a [u8]`), so conversions see its shape. Only
 * aliases of the shim's module without type parameters: their text names the same types there.
 */
function expandAlias(expr: TypeExpr, env: PlanEnv, depth = 0): TypeExpr {
  if (depth > 8 || expr.kind !== 'path' || expr.path.qualified) return expr;
  const resolved = resolvePath(
    env.walk.module,
    expr.path.segments.map((s) => s.name),
    expr.path.global,
  );
  if (resolved?.kind !== 'type' || resolved.entry.kind !== 'alias' || resolved.entry.module !== env.walk.module) return expr;
  const alias = resolved.entry.item;
  if (!alias.type || alias.generics.some((g) => g.kind === 'const')) return expr;
  // `type Pair<A, B = A> = (A, B)` written `Pair<u8>`: `(u8, u8)`, its parts written where the alias is used.
  const params = alias.generics.filter((g) => g.kind === 'type');
  const args = expr.path.segments[expr.path.segments.length - 1].args?.types ?? [];
  const map = new Map<string, TypeExpr>();
  for (const [i, g] of params.entries()) {
    const arg = args[i] ?? (g.defaultType ? substitute(g.defaultType, map) : null);
    if (!arg) return expr;
    map.set(g.name, arg);
  }
  return expandAlias(map.size ? substitute(alias.type, map) : alias.type, env, depth + 1);
}

/** Type expressions built by substituting an alias's parameters: their text is rebuilt, not read from one place. */
const SYNTHESIZED = new WeakSet<TypeExpr>();

function substitute(e: TypeExpr, map: Map<string, TypeExpr>): TypeExpr {
  const made = (x: TypeExpr): TypeExpr => {
    SYNTHESIZED.add(x);
    return x;
  };
  switch (e.kind) {
    case 'path': {
      const [only] = e.path.segments;
      if (!e.path.global && e.path.segments.length === 1 && !only.args && map.has(only.name)) return map.get(only.name)!;
      const segments = e.path.segments.map((seg) => (seg.args ? { ...seg, args: { ...seg.args, types: seg.args.types.map((t) => substitute(t, map)) } } : seg));
      return made({ ...e, path: { ...e.path, segments } });
    }
    case 'ref':
    case 'ptr':
    case 'slice':
    case 'array':
      return made({ ...e, inner: substitute(e.inner, map) });
    case 'tuple':
      return made({ ...e, elems: e.elems.map((t) => substitute(t, map)) });
    case 'fnptr':
      return made({ ...e, fn: { ...e.fn, params: e.fn.params.map((t) => substitute(t, map)), ret: e.fn.ret ? substitute(e.fn.ret, map) : e.fn.ret } });
    default:
      return e;
  }
}

/** A type written over several lines, on one (it goes into doc comments). */
function oneLine(written: string): string {
  return written
    .replace(/\/\/[^\n]*/g, '')
    .replace(/\s*\n\s*/g, ' ')
    .replace(/<\s+/g, '<')
    .replace(/,?\s+>/g, '>');
}

/** The pointee of a written pointer or reference type. */
function pointee(expr: TypeExpr): TypeExpr | null {
  return expr.kind === 'ptr' || expr.kind === 'ref' ? expr.inner : null;
}

function sliceElem(expr: TypeExpr | null): TypeExpr | null {
  return expr?.kind === 'slice' ? expr.inner : null;
}

/** Rust source naming `ty` in the shim's module: the written text when there is one, else built for simple types. */
function rustText(ty: Ty, expr: TypeExpr | null, env: PlanEnv): string | null {
  if (expr) return env.src(expr);
  if (ty.k === 'prim') return ty.name;
  if (ty.k === 'adt' && ty.def.source === 'local' && !ty.args.length) return pathFrom(env.walk, ty.def.module, ty.def.item.name);
  return null;
}

function planReturn(checked: CheckedType | undefined, writtenExpr: TypeExpr, env: PlanEnv): ReturnPlan | null {
  const written = env.src(writtenExpr);
  if (!checked) return null;
  if (checked.verdict.kind === 'safe') return isUnit(checked.ty) ? { kind: 'none' } : { kind: 'direct', cType: written };
  const ty = checked.ty;
  const expr = expandAlias(writtenExpr, env);
  if (isStd(ty, 'String') || isStd(ty, 'CString')) return { kind: 'owned-string', boxed: false };
  // A borrowed C string is handed out as the pointer it already is.
  if (ty.k === 'ref' && !ty.mutable && isStd(ty.inner, 'CStr')) return { kind: 'direct', cType: `*const ${C_CHAR}`, wrap: (call) => `${call}.as_ptr()` };
  if (ty.k === 'array' && elementIsSafe(ty.inner) && expr.kind === 'array')
    return { kind: 'array-out', elem: env.src(expr.inner), array: written, len: ty.len };
  if (ty.k === 'array' && ty.inner.k === 'prim' && ty.inner.name === 'char' && expr.kind === 'array')
    return { kind: 'array-out', elem: 'u32', array: `[u32; ${expr.length}]`, len: ty.len, map: 'u32::from' };
  if (ty.k === 'ref' && ty.inner.k === 'prim' && ty.inner.name === 'str') return { kind: 'owned-string', boxed: false };
  if (isStd(ty, 'OsString')) return { kind: 'owned-string', boxed: false, utf8: (v) => `${v}.into_string().ok()` };
  if (isStd(ty, 'PathBuf')) return { kind: 'owned-string', boxed: false, utf8: (v) => `${v}.into_os_string().into_string().ok()` };
  if (ty.k === 'ref' && (isStd(ty.inner, 'OsStr') || isStd(ty.inner, 'Path'))) return { kind: 'owned-string', boxed: false, utf8: (v) => `${v}.to_str()` };
  if (ty.k === 'prim' && ty.name === 'char') return { kind: 'char' };
  if (ty.k === 'adt' && isStd(ty, 'Box') && ty.args[0]) {
    const inner = ty.args[0];
    const arg = boxArg(expr);
    if (inner.k === 'prim' && inner.name === 'str') return { kind: 'owned-string', boxed: true };
    if (inner.k === 'slice' && elementIsSafe(inner.inner) && arg?.kind === 'slice') return { kind: 'owned-slice', elem: env.src(arg.inner), boxed: true };
    if (inner.k === 'dyn' && arg) {
      const t = traitOf(inner.text, env.walk);
      return t ? { kind: 'handle', trait: t.written, dyn: env.src(arg) } : null;
    }
    return null;
  }
  if (ty.k === 'adt' && isStd(ty, 'Vec') && ty.args[0] && elementIsSafe(ty.args[0])) {
    const elem = genericArg(expr, 0, env);
    return elem ? { kind: 'owned-slice', elem, boxed: false } : null;
  }
  if (ty.k === 'adt' && isStd(ty, 'Option') && ty.args[0] && elementIsSafe(ty.args[0])) {
    const inner = genericArg(expr, 0, env);
    if (!inner) return null;
    if (env.options.tagged) {
      const tagged = taggedType(FFI_OPTION, env);
      return { kind: 'direct', cType: `${tagged}<${inner}>`, wrap: (call) => `${tagged}::from(${call})` };
    }
    return { kind: 'option', cType: inner };
  }
  if (ty.k === 'adt' && isStd(ty, 'Result') && ty.args[0] && (isUnit(ty.args[0]) || elementIsSafe(ty.args[0]))) {
    const ok = genericArg(expr, 0, env);
    const err = genericArg(expr, 1, env);
    if (env.options.tagged && ok && err && ty.args[1] && (isUnit(ty.args[1]) || elementIsSafe(ty.args[1]))) {
      const tagged = taggedType(FFI_RESULT, env);
      return { kind: 'direct', cType: `${tagged}<${ok}, ${err}>`, wrap: (call) => `${tagged}::from(${call})` };
    }
    return { kind: 'result', cType: isUnit(ty.args[0]) ? null : ok };
  }
  if (ty.k === 'adt' && isStd(ty, 'Result') && ty.args[0]) {
    // `Result<String, E>`, `Result<Vec<u8>, E>`, `Result<Config, E>`: the `Ok` value converted as a return is.
    const okExpr = stdArgs(expr)?.[0];
    if (!okExpr) return null;
    const ok = planReturn(
      { expr: okExpr, ty: ty.args[0], position: 'return', mode: 'definition', verdict: checkBoundaryType(ty.args[0], 'definition', 'return') },
      okExpr,
      env,
    );
    const cType = ok ? okCType(ok) : null;
    return ok && cType ? { kind: 'result', cType, ok } : null;
  }
  if (ty.k === 'tuple' && expr.kind === 'tuple' && ty.elems.every(elementIsSafe)) {
    const struct = typeName(`${env.label}Output`, env);
    const item = tupleStruct(struct, expr.elems.map(env.src), 'The return value');
    env.items.set(item.key, item);
    return { kind: 'direct', cType: struct, wrap: (call) => `${struct}::from(${call})` };
  }
  if (ty.k === 'tuple' && expr.kind === 'tuple' && ty.elems.length) {
    const converted = tupleConv(ty, expr, `${env.label}Output`, 'The return value', env);
    if (converted) return { kind: 'direct', cType: converted.c, wrap: (call) => converted.toC(call) };
  }
  return planReturnMore(ty, expr, env);
}

/**
 * A tuple whose elements are C values, `char`s or such tuples, as a generated struct (one per nested
 * tuple). Null when an element is anything else.
 */
function tupleConv(ty: Ty & { k: 'tuple' }, expr: TypeExpr & { kind: 'tuple' }, base: string, what: string, env: PlanEnv, depth = 0): ElemConv | null {
  if (depth > 4) return null;
  const elems: ElemConv[] = [];
  for (const [i, t] of ty.elems.entries()) {
    const e = expr.elems[i];
    const rust = env.src(e);
    if (t.k === 'prim' && t.name === 'char') {
      elems.push({ rust, c: 'u32', toC: (v) => `u32::from(${v})`, fromC: (v) => `std::primitive::char::from_u32(${v})`, fallible: true });
    } else if (t.k === 'tuple' && e.kind === 'tuple' && t.elems.length) {
      const inner = tupleConv(t, e, `${base}${i}`, `Element ${i} of ${what.toLowerCase()}`, env, depth + 1);
      if (!inner) return null;
      elems.push(inner);
    } else if (elementIsSafe(t)) {
      elems.push({ rust, c: rust, toC: (v) => v, fromC: (v) => v, fallible: false });
    } else return null;
  }
  const name = typeName(base, env);
  const item = elems.every((e) => e.c === e.rust)
    ? tupleStruct(
        name,
        elems.map((e) => e.rust),
        what,
      )
    : convertingTupleStruct(name, elems, what);
  env.items.set(item.key, item);
  const rust = env.src(expr);
  const fallible = elems.some((e) => e.fallible);
  return {
    rust,
    c: name,
    toC: (v) => `${name}::from(${v})`,
    fromC: (v) => (fallible ? `<${rust} as std::convert::TryFrom<_>>::try_from(${v}).ok()` : `${v}.into()`),
    fallible,
  };
}

/** Returns C holds as a pointer: optional strings, slices and handles, zero-sized values, raw and borrowed slices. */
function planReturnMore(ty: Ty, expr: TypeExpr, env: PlanEnv): ReturnPlan | null {
  if (is1Zst(ty)) return { kind: 'none' };
  if (ty.k === 'adt' && isStd(ty, 'Option') && ty.args[0] && !env.options.tagged) {
    const inner = ty.args[0];
    if (inner.k === 'prim' && inner.name === 'char') return { kind: 'option', cType: 'u32', map: 'u32::from' };
    const innerExpr = stdArgs(expr)?.[0];
    if (!innerExpr) return null;
    const plan = planReturn(
      { expr: innerExpr, ty: inner, position: 'return', mode: 'definition', verdict: checkBoundaryType(inner, 'definition', 'return') },
      innerExpr,
      env,
    );
    if (plan && (plan.kind === 'owned-string' || plan.kind === 'owned-slice' || plan.kind === 'boxed' || plan.kind === 'handle'))
      return { ...plan, optional: true };
    return null;
  }
  if ((ty.k === 'ptr' || (ty.k === 'ref' && !ty.mutable)) && (ty.inner.k === 'slice' || (ty.inner.k === 'prim' && ty.inner.name === 'str'))) {
    const isStr = ty.inner.k === 'prim';
    if (ty.k === 'ref' && isStr) return null;
    const elem = isStr ? 'u8' : ty.inner.k === 'slice' && elementIsSafe(ty.inner.inner) ? rustText(ty.inner.inner, sliceElem(pointee(expr)), env) : null;
    return elem ? { kind: 'raw-slice', elem, mutable: ty.mutable, str: isStr, raw: ty.k === 'ptr' } : null;
  }
  if (isHandleType(ty)) {
    const written = oneLine(env.src(expr));
    const free = `ffi_guard_free_${snake(displayTy(ty).replace(/\b[a-z_][a-z0-9_]*::/g, ''))}`;
    return { kind: 'boxed', written, free };
  }
  return null;
}

function boxArg(expr: TypeExpr): TypeExpr | null {
  return stdArgs(expr)?.[0] ?? null;
}

/** A value C can hold by value (the element of a slice, the payload of an Option). */
function elementIsSafe(ty: Ty): boolean {
  return checkBoundaryType(ty, 'definition', 'static').kind === 'safe' && ty.k !== 'ref';
}

function genericArg(expr: TypeExpr, index: number, env: PlanEnv): string | null {
  const arg = stdArgs(expr)?.[index];
  return arg ? env.src(arg) : null;
}

/**
 * The generic arguments written on `Option<…>`, `Result<…>`, `Vec<…>` or `Box<…>`. Not on a generic alias
 * (`Nested<&u8>` for `Option<Result<&u8, ()>>`), whose arguments are not those of the type it stands for.
 */
function stdArgs(expr: TypeExpr): TypeExpr[] | null {
  if (expr.kind !== 'path') return null;
  const last = expr.path.segments[expr.path.segments.length - 1];
  return ['Option', 'Result', 'Vec', 'Box'].includes(last.name) ? (last.args?.types ?? null) : null;
}

interface ShimSpec {
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

function renderShim(s: ShimSpec): string {
  const cParams = s.params.flatMap((p) => p.cParams);
  let cRet = '';
  let err = '';
  const epilogue: string[] = [];
  const call = `${s.fn.isUnsafe ? 'unsafe { ' : ''}${s.qualified}(${s.params.map((p) => p.arg).join(', ')})${s.fn.isUnsafe ? ' }' : ''}`;
  const safety = s.params.map((p) => p.safety).filter((x): x is string => !!x);
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
        safety.push('`out` must be null or valid for a write. Returns 0, or -1 when an argument is invalid (nothing is written).');
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
      epilogue.push(`let result = ${call};`, `if !out.is_null() {\n    unsafe { out.write(u32::from(result)) };\n}`, '0');
      safety.push('`out` must be null or valid for a write of the character as a `u32`. Returns 0, or -1 when an argument is invalid.');
      break;
    case 'owned-string':
      cRet = ` -> *mut ${C_CHAR}`;
      err = 'std::ptr::null_mut()';
      epilogue.push(
        ...someOrNull(s.ret.optional, call),
        ...(s.ret.utf8
          ? [`let Some(result) = ${s.ret.utf8(value(s.ret.optional, call))} else {\n    return std::ptr::null_mut();\n};`]
          : bindResult(s.ret.optional, s.ret.boxed ? `std::string::String::from(${value(s.ret.optional, call)})` : value(s.ret.optional, call))),
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
        ...someOrNull(s.ret.optional, call),
        ...bindResult(s.ret.optional, s.ret.boxed ? value(s.ret.optional, call) : `${value(s.ret.optional, call)}.into_boxed_slice()`),
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
      safety.push('`out` must be null or valid for a write. Returns true and writes the value when there is one, false otherwise.');
      break;
    case 'handle':
      cRet = ` -> *mut ${C_VOID}`;
      err = 'std::ptr::null_mut()';
      epilogue.push(
        ...someOrNull(s.ret.optional, call),
        `let result: std::boxed::Box<${s.ret.dyn}> = ${value(s.ret.optional, call)};`,
        `std::boxed::Box::into_raw(std::boxed::Box::new(result)).cast::<${C_VOID}>()`,
      );
      safety.push(
        `Returns an opaque handle to a \`${s.ret.trait}\` owned by the caller (null when ${s.ret.optional ? 'there is none or ' : ''}an argument is invalid): pass it to this library's functions and free it once with \`${handleFreeName(s.ret.trait.split('::').pop()!)}\`.`,
      );
      break;
    case 'boxed':
      cRet = ` -> *mut ${s.ret.written}`;
      err = 'std::ptr::null_mut()';
      epilogue.push(...someOrNull(s.ret.optional, call), `std::boxed::Box::into_raw(std::boxed::Box::new(${value(s.ret.optional, call)}))`);
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
      const ok = (s.ret.ok ? writeOk(s.ret.ok) : writeOk({ kind: 'direct', cType: s.ret.cType ?? '' })).join('\n').replace(/^/gm, '        ');
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
  const prologue = s.params.flatMap((p) => p.prologue).map((line) => line.replace(/\{ERR\}/g, err).replace(/return ;/g, 'return;'));
  const attr = s.symbol ? (s.edition === '2024' ? `#[unsafe(export_name = "${s.symbol}")]` : `#[export_name = "${s.symbol}"]`) : null;
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
  return [...docs, ...(attr ? [attr] : []), `pub unsafe extern "C" fn ${s.shimName}${generics}(${cParams.join(', ')})${cRet} {`, ...body, '}'].join('\n');
}

/** The C type an `Ok` value of this plan is written as, when it is a single value (not a flag, not an array). */
function okCType(plan: ReturnPlan): string | null {
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
function writeOk(plan: ReturnPlan): string[] {
  const write = (expr: string): string => `if !out.is_null() {\n    unsafe { out.write(${expr}) };\n}`;
  switch (plan.kind) {
    case 'owned-string':
      return [
        write(`std::ffi::CString::new(${plan.boxed ? 'std::string::String::from(value)' : 'value'}).map_or(std::ptr::null_mut(), std::ffi::CString::into_raw)`),
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
      return [`let value: std::boxed::Box<${plan.dyn}> = value;`, write(`std::boxed::Box::into_raw(std::boxed::Box::new(value)).cast::<${C_VOID}>()`)];
    case 'char':
      return [write('u32::from(value)')];
    case 'direct':
      return [write(plan.wrap ? plan.wrap('value') : 'value')];
    default:
      return [write('value')];
  }
}

/** What the caller owns after a successful call, for the `# Safety` section. */
function okOwnership(plan: ReturnPlan): string {
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

/** For an `Option` return: unwraps the call's value into `result`, returning null for `None`. */
function someOrNull(optional: boolean | undefined, call: string): string[] {
  return optional ? [`let Some(result) = ${call} else {\n    return std::ptr::null_mut();\n};`] : [];
}

function value(optional: boolean | undefined, call: string): string {
  return optional ? 'result' : call;
}

/** `let result = …;`, unless `…` is `result` already. */
function bindResult(optional: boolean | undefined, expr: string): string[] {
  return optional && expr === 'result' ? [] : [`let result = ${expr};`];
}

/** Functions the shim's return value needs, generated once per crate, added to the plan's items. */
function helperFunctions(ret: ReturnPlan, env: PlanEnv): void {
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
      const vtable = vtableFor(t, ret.dyn, walk, env.ctx.textOf, exportAttr);
      if (vtable && !env.taken.has(vtable.key)) env.items.set(vtable.key, vtable);
    }
  }
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
