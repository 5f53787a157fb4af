import type { WalkContext } from '../analysis/boundary';
import { checkBoundaryType } from '../analysis/ffi';
import type { FnItem, TraitItem } from '../syntax/model';
import { resolvePath, resolveType, scopeFor } from '../workspace/resolve';
import type { ModuleScope } from '../workspace/scopes';

/**
 * Rust items a shim needs besides itself: a `#[repr(C)]` struct standing for a tuple, the tagged
 * `FfiOption` / `FfiResult` types (once per crate), and for trait objects an opaque handle's free
 * function and a `#[repr(C)]` vtable of the trait's C-callable methods. Each is a block of text keyed by
 * the name it defines, so one fix generates it once.
 */

export interface GeneratedItem {
  /** The name it defines: two plans wanting the same item share it. */
  key: string;
  text: string;
}

const C_VOID = 'std::ffi::c_void';

/** `min_max` → `MinMax`. */
export function camel(name: string): string {
  return name
    .replace(/^r#/, '')
    .split('_')
    .filter(Boolean)
    .map((s) => s[0].toUpperCase() + s.slice(1))
    .join('');
}

/** `MinMax` → `min_max`. */
export function snake(name: string): string {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .replace(/[^A-Za-z0-9]+/g, '_')
    .replace(/^_|_$/g, '')
    .toLowerCase();
}

/**
 * The name of a function a fix exports besides the shim (a free function, a vtable getter), prefixed
 * with the crate's name (`mylib_free_string`): two fixed libraries linked into one program must not
 * export the same symbol.
 */
export function helperName(walk: WalkContext, rest: string): string {
  const crate = walk.crate.name.replace(/[^A-Za-z0-9_]+/g, '_').toLowerCase() || 'crate';
  return `${/^[0-9]/.test(crate) ? `_${crate}` : crate}_${rest}`;
}

/** A `#[repr(C)]` struct with one field per tuple element, and `From` both ways. */
export function tupleStruct(name: string, elems: string[], what: string): GeneratedItem {
  const tuple = elems.length === 1 ? `(${elems[0]},)` : `(${elems.join(', ')})`;
  const fields = elems.map((e, i) => `    pub _${i}: ${e},`);
  const binds = elems.map((_, i) => `v${i}`);
  const pattern = binds.length === 1 ? `(${binds[0]},)` : `(${binds.join(', ')})`;
  const back = elems.length === 1 ? `(v._0,)` : `(${elems.map((_, i) => `v._${i}`).join(', ')})`;
  const text = [
    `/// ${what} as C sees it: the tuple \`${tuple}\` with C's field order and padding.`,
    '#[repr(C)]',
    `pub struct ${name} {`,
    ...fields,
    '}',
    '',
    `impl From<${tuple}> for ${name} {`,
    `    fn from(${pattern}: ${tuple}) -> Self {`,
    `        Self { ${binds.map((b, i) => `_${i}: ${b}`).join(', ')} }`,
    '    }',
    '}',
    '',
    `impl From<${name}> for ${tuple} {`,
    `    fn from(v: ${name}) -> Self {`,
    `        ${back}`,
    '    }',
    '}',
  ].join('\n');
  return { key: name, text };
}

/** How one element of a tuple crosses: its C type, and the conversions both ways (`v` is the value). */
export interface ElemConv {
  rust: string;
  c: string;
  toC: (v: string) => string;
  /** The Rust value; when `fallible`, an `Option` of it (`None`: C passed an invalid one, a surrogate for a `char`). */
  fromC: (v: string) => string;
  fallible: boolean;
}

/**
 * A `#[repr(C)]` struct for a tuple whose elements need converting (`char` → `u32`, a nested tuple → its
 * own struct): `From` the tuple, and back `TryFrom` (with `()` as the error) when an element can be invalid.
 */
export function convertingTupleStruct(name: string, elems: ElemConv[], what: string): GeneratedItem {
  const tuple = elems.length === 1 ? `(${elems[0].rust},)` : `(${elems.map((e) => e.rust).join(', ')})`;
  const binds = elems.map((_, i) => `v${i}`);
  const pattern = binds.length === 1 ? `(${binds[0]},)` : `(${binds.join(', ')})`;
  const fallible = elems.some((e) => e.fallible);
  const back = elems.map((e, i) => (e.fallible ? `${e.fromC(`v._${i}`)}.ok_or(())?` : e.fromC(`v._${i}`)));
  const backTuple = back.length === 1 ? `(${back[0]},)` : `(${back.join(', ')})`;
  const text = [
    `/// ${what} as C sees it: the tuple \`${tuple}\` with C's field order and padding${fallible ? ', `char`s as `u32`' : ''}.`,
    '#[repr(C)]',
    `pub struct ${name} {`,
    ...elems.map((e, i) => `    pub _${i}: ${e.c},`),
    '}',
    '',
    `impl From<${tuple}> for ${name} {`,
    `    fn from(${pattern}: ${tuple}) -> Self {`,
    `        Self { ${elems.map((e, i) => `_${i}: ${e.toC(binds[i])}`).join(', ')} }`,
    '    }',
    '}',
    '',
    ...(fallible
      ? [
          `impl std::convert::TryFrom<${name}> for ${tuple} {`,
          '    type Error = ();',
          '',
          `    fn try_from(v: ${name}) -> Result<Self, ()> {`,
          `        Ok(${backTuple})`,
          '    }',
          '}',
        ]
      : [
          `impl From<${name}> for ${tuple} {`,
          `    fn from(v: ${name}) -> Self {`,
          `        ${backTuple}`,
          '    }',
          '}',
        ]),
  ].join('\n');
  return { key: name, text };
}

export const FFI_OPTION = 'FfiOption';
export const FFI_RESULT = 'FfiResult';

/** `#[repr(C)] enum FfiOption<T> { None, Some(T) }`, in the spirit of abi_stable's `ROption`. */
export function ffiOption(): GeneratedItem {
  const text = [
    '/// An `Option` with a C layout (a tag, then the value): `#[repr(C)]` with an FFI-safe `T`.',
    '/// Convert with `From`/`Into` both ways.',
    '#[repr(C)]',
    '#[derive(Debug, Clone, Copy, PartialEq, Eq)]',
    `pub enum ${FFI_OPTION}<T> {`,
    '    None,',
    '    Some(T),',
    '}',
    '',
    `impl<T> From<Option<T>> for ${FFI_OPTION}<T> {`,
    '    fn from(value: Option<T>) -> Self {',
    '        match value {',
    `            Some(v) => ${FFI_OPTION}::Some(v),`,
    `            None => ${FFI_OPTION}::None,`,
    '        }',
    '    }',
    '}',
    '',
    `impl<T> From<${FFI_OPTION}<T>> for Option<T> {`,
    `    fn from(value: ${FFI_OPTION}<T>) -> Self {`,
    '        match value {',
    `            ${FFI_OPTION}::Some(v) => Some(v),`,
    `            ${FFI_OPTION}::None => None,`,
    '        }',
    '    }',
    '}',
  ].join('\n');
  return { key: FFI_OPTION, text };
}

/** `#[repr(C)] enum FfiResult<T, E> { Ok(T), Err(E) }`, in the spirit of abi_stable's `RResult`. */
export function ffiResult(): GeneratedItem {
  const text = [
    '/// A `Result` with a C layout (a tag, then the value or the error): `#[repr(C)]` with FFI-safe `T`',
    '/// and `E`. Convert with `From`/`Into` both ways, so Rust code keeps using `?`.',
    '#[repr(C)]',
    '#[derive(Debug, Clone, Copy, PartialEq, Eq)]',
    `pub enum ${FFI_RESULT}<T, E> {`,
    '    Ok(T),',
    '    Err(E),',
    '}',
    '',
    `impl<T, E> From<Result<T, E>> for ${FFI_RESULT}<T, E> {`,
    '    fn from(value: Result<T, E>) -> Self {',
    '        match value {',
    `            Ok(v) => ${FFI_RESULT}::Ok(v),`,
    `            Err(e) => ${FFI_RESULT}::Err(e),`,
    '        }',
    '    }',
    '}',
    '',
    `impl<T, E> From<${FFI_RESULT}<T, E>> for Result<T, E> {`,
    `    fn from(value: ${FFI_RESULT}<T, E>) -> Self {`,
    '        match value {',
    `            ${FFI_RESULT}::Ok(v) => Ok(v),`,
    `            ${FFI_RESULT}::Err(e) => Err(e),`,
    '        }',
    '    }',
    '}',
  ].join('\n');
  return { key: FFI_RESULT, text };
}

/** The module of the crate that defines a type named `name`, if one does. */
export function crateTypeModule(walk: WalkContext, name: string): ModuleScope | null {
  return (
    walk.crate.modules.find(
      (m) => !m.isBlock && m.items.some((i) => (i.kind === 'enum' || i.kind === 'struct') && i.name === name),
    ) ?? null
  );
}

/** How the shim's module names a type of the crate defined in `module`. */
export function pathFrom(walk: WalkContext, module: ModuleScope, name: string): string {
  return module === walk.module ? name : `${module.path}::${name}`;
}

// ---- trait objects ----

export interface TraitInfo {
  /** The trait's name as written in the signature (`Shape`, `shapes::Shape`). */
  written: string;
  name: string;
  item: TraitItem | null;
  module: ModuleScope | null;
}

/** The trait of `dyn Trait` / `dyn Trait + Send`: only a single trait (auto traits aside) has a vtable we can describe. */
export function traitOf(dynText: string, walk: WalkContext): TraitInfo | null {
  const bounds = dynText
    .replace(/^dyn\s+/, '')
    .split('+')
    .map((s) => s.trim())
    .filter((s) => s && !s.startsWith("'") && !/^(Send|Sync|Unpin|std::marker::\w+|core::marker::\w+)$/.test(s));
  if (bounds.length !== 1 || /[<(]/.test(bounds[0])) return null;
  const written = bounds[0];
  const segments = written.split('::').map((s) => s.trim());
  const resolved = resolvePath(walk.module, segments, false);
  const entry = resolved?.kind === 'type' && resolved.entry.kind === 'trait' ? resolved.entry : null;
  return {
    written,
    name: segments[segments.length - 1],
    item: entry ? entry.item : null,
    module: entry?.module ?? null,
  };
}

/** The free function of a trait-object handle, generated once per trait. */
export function handleFreeName(walk: WalkContext, traitName: string): string {
  return helperName(walk, `free_${snake(traitName)}`);
}

export function handleFree(
  t: TraitInfo,
  dynText: string,
  walk: WalkContext,
  exportAttr: (name: string) => string,
): GeneratedItem {
  const name = handleFreeName(walk, t.name);
  const text = [
    `/// Frees a \`${t.name}\` handle returned by this library.`,
    '///',
    '/// # Safety',
    '///',
    `/// \`handle\` must be null or a handle to a \`${t.name}\` returned by this library, not yet freed; it must not be used`,
    '/// afterwards.',
    exportAttr(name),
    `pub unsafe extern "C" fn ${name}(handle: *mut ${C_VOID}) {`,
    '    if !handle.is_null() {',
    `        drop(unsafe { std::boxed::Box::from_raw(handle.cast::<std::boxed::Box<${dynText}>>()) });`,
    '    }',
    '}',
  ].join('\n');
  return { key: name, text };
}

/**
 * A `#[repr(C)]` table of `extern "C"` fn pointers for the trait's methods that C can call (a `&self`
 * or `&mut self` receiver, no generics, FFI-safe parameters and return), each taking the handle first,
 * plus the table's `free`, and an exported function returning it. Only for a trait defined in the shim's
 * module, whose types the generated code can name as written. Null when no method qualifies.
 */
export function vtableFor(
  t: TraitInfo,
  dynText: string,
  walk: WalkContext,
  textOf: (file: string) => string | undefined,
  exportAttr: (name: string) => string,
): GeneratedItem | null {
  if (!t.item || t.module !== walk.module || t.item.generics.length) return null;
  const text = textOf(t.item.origin.file);
  if (text === undefined) return null;
  const scope = scopeFor(t.module, [], { k: 'param', name: 'Self' });
  const methods: { name: string; mutable: boolean; params: { name: string; type: string }[]; ret: string | null }[] =
    [];
  for (const m of t.item.items) {
    if (m.kind !== 'fn' || !m.selfParam || m.generics.length || m.hasImplTraitArg || m.isAsync) continue;
    const receiver = receiverOf(m, text);
    if (!receiver) continue;
    const own = m.params.filter((p, i) => !(i === 0 && p.name === 'self'));
    const types = [...own.map((p) => p.type), ...(m.ret ? [m.ret] : [])];
    const safe = types.every((e) => {
      const written = text.slice(e.origin.span.start, e.origin.span.end);
      if (/\bSelf\b/.test(written)) return false;
      const ty = resolveType(e, scope);
      return ty.k !== 'ref' && checkBoundaryType(ty, 'definition', 'param').kind === 'safe';
    });
    if (!safe) continue;
    methods.push({
      name: m.name,
      mutable: receiver === 'mut',
      params: own.map((p, i) => ({
        name: /^[a-z_][a-z0-9_]*$/i.test(p.name) && p.name !== '_' ? p.name : `arg${i}`,
        type: text.slice(p.type.origin.span.start, p.type.origin.span.end),
      })),
      ret: m.ret ? text.slice(m.ret.origin.span.start, m.ret.origin.span.end) : null,
    });
  }
  if (!methods.length) return null;
  const table = `${t.name}VTable`;
  const getter = helperName(walk, `${snake(t.name)}_vtable`);
  const statik = `${snake(t.name).toUpperCase()}_VTABLE`;
  const boxed = `std::boxed::Box<${dynText}>`;
  const sig = (m: (typeof methods)[number]): string =>
    `(handle: *${m.mutable ? 'mut' : 'const'} ${C_VOID}${m.params.map((p) => `, ${p.name}: ${p.type}`).join('')})${m.ret ? ` -> ${m.ret}` : ''}`;
  const thunk = (m: (typeof methods)[number]): string => `${snake(t.name)}_vtable_${m.name}`;
  const out: string[] = [
    `/// The methods of [\`${t.name}\`] that C can call, each taking a handle this library returned first.`,
    `/// Get it from \`${getter}\`; free a handle with \`free\` (or \`${handleFreeName(walk, t.name)}\`).`,
    '#[repr(C)]',
    `pub struct ${table} {`,
    ...methods.map((m) => `    pub ${m.name}: unsafe extern "C" fn${sig(m).replace(/^\(handle/, '(handle')},`),
    `    pub free: unsafe extern "C" fn(handle: *mut ${C_VOID}),`,
    '}',
  ];
  for (const m of methods) {
    out.push(
      '',
      `/// [\`${t.name}::${m.name}\`] on a handle.`,
      '///',
      '/// # Safety',
      '///',
      `/// \`handle\` must be a live handle to a \`${t.name}\` returned by this library${m.mutable ? ', not used elsewhere during the call' : ''}.`,
      `unsafe extern "C" fn ${thunk(m)}${sig(m)} {`,
      `    let this = unsafe { &${m.mutable ? 'mut ' : ''}*handle.cast::<${boxed}>() };`,
      `    this.${m.name}(${m.params.map((p) => p.name).join(', ')})`,
      '}',
    );
  }
  out.push('', `static ${statik}: ${table} = ${table} {`);
  for (const m of methods) out.push(`    ${m.name}: ${thunk(m)},`);
  out.push(
    `    free: ${handleFreeName(walk, t.name)},`,
    '};',
    '',
    `/// The table of [\`${t.name}\`]'s C-callable methods; it lives as long as the library.`,
    exportAttr(getter),
    `pub extern "C" fn ${getter}() -> *const ${table} {`,
    `    &${statik}`,
    '}',
  );
  return { key: table, text: out.join('\n') };
}

/** `&self` → 'ref', `&mut self` → 'mut'; other receivers (by value, `self: Box<Self>`) → null. */
export function receiverOf(fn: FnItem, text: string): 'ref' | 'mut' | null {
  const params = text.slice(fn.paramsOrigin.span.start, fn.paramsOrigin.span.end);
  const m = /^\(\s*&\s*('[A-Za-z_]\w*\s+)?(mut\s+)?self\b/.exec(params);
  if (!m) return null;
  return m[2] ? 'mut' : 'ref';
}
