import type { AdtItem, Origin } from '../syntax/model';
import type { ModuleScope } from './scopes';

/**
 * Semantic types: what a written type means after paths, aliases and generic arguments are resolved.
 * This is the level rustc's `improper_ctypes` works at.
 */
export type Ty =
  /** `cAlias`: the C name it was written as (`c_char` → `char`), for headers; rustc prints `name`. */
  | { k: 'prim'; name: string; cAlias?: string }
  | { k: 'tuple'; elems: Ty[] }
  /** `elided`: no lifetime written, so inside a fn pointer it is bound by the pointer (`for<'a>`). */
  | { k: 'ref'; mutable: boolean; inner: Ty; elided?: boolean }
  | { k: 'ptr'; mutable: boolean; inner: Ty }
  | { k: 'slice'; inner: Ty }
  | { k: 'array'; inner: Ty; len: string }
  | { k: 'fnptr'; abi: string | null; unsafe: boolean; params: Ty[]; ret: Ty; variadic: boolean }
  | { k: 'dyn'; text: string }
  | { k: 'opaque'; text: string }
  | { k: 'param'; name: string }
  /**
   * `consts`: the const generic arguments, in the order of the definition's const parameters: the value
   * where it is known (`16`), else as written (`N`). Absent when the definition has none.
   */
  | { k: 'adt'; def: AdtDef; args: Ty[]; consts?: string[] }
  /** A type outside the workspace declared FFI-safe (C types of `libc`, the `safeTypes` setting). */
  | {
      k: 'foreign-safe';
      text: string;
      /** The FFI crate it belongs to (`safer_ffi`…), if one of those. */ crate?: string;
    }
  /** A path we could not resolve, or a projection: its layout is unknown to us. */
  | { k: 'unknown'; text: string; why: string };

/** A struct, enum or union: defined in the workspace, or one of the std types we model. */
export type AdtDef = LocalAdt | StdAdt;

export interface LocalAdt {
  source: 'local';
  item: AdtItem;
  /** The module that defines it, where its field types are resolved. */
  module: ModuleScope;
  /** `crate::a::B`, for messages. */
  path: string;
  repr: ReprInfo;
}

export interface ReprInfo {
  c: boolean;
  transparent: boolean;
  int: string | null;
  packed: boolean;
  align: string | null;
  /** Where the `#[repr]` attribute is written, if any. */
  origin: Origin | null;
}

export type StdCategory =
  | 'box'
  | 'phantom'
  /** A plain Rust struct of std: unspecified layout. */
  | 'plain-struct'
  | 'plain-enum'
  | 'cstr'
  | 'transparent'
  | 'repr-c'
  | 'repr-int';

export interface StdAdt {
  source: 'std';
  /** Name, as rustc prints it when unambiguous (`String`, `Option`). */
  name: string;
  /** rustc's printed name where the bare one is ambiguous (`std::cmp::Ordering`). */
  display?: string;
  /** Full path for documentation (`std::string::String`). */
  path: string;
  kind: 'struct' | 'enum' | 'union';
  category: StdCategory;
  params: string[];
  sized: boolean;
  /** `#[rustc_nonnull_optimization_guaranteed]` (NonNull, NonZero). */
  nonnullGuaranteed?: boolean;
  /** UnsafeCell hides its field's niche. */
  unsafeCell?: boolean;
  /** For `transparent` / `repr-c` types: the fields, in terms of the parameters. */
  fields?: (args: Ty[]) => Ty[];
  /** For enums: the variants' fields, in terms of the parameters. */
  variants?: (args: Ty[]) => Ty[][];
  /** A `#[non_exhaustive]` type from another crate. */
  nonExhaustive?: boolean;
  /** Lifetime parameters, which rustc prints as `'_` (`Cow<'_, str>`). */
  lifetimes?: number;
}

export const UNIT: Ty = { k: 'tuple', elems: [] };

export function isUnit(t: Ty): boolean {
  return t.k === 'tuple' && t.elems.length === 0;
}

/** How names print in one crate: rustc trims a path to the bare name only where that name is unique. */
export interface TypeNames {
  isAmbiguous(name: string): boolean;
}

/**
 * The type as rustc prints it in "uses type `…`": aliases resolved, lifetimes erased except those a
 * fn pointer binds (`for<'a> fn(&'a str)`), paths trimmed where the name is unambiguous.
 */
export function displayTy(t: Ty, names?: TypeNames, model?: CAliasModel): string {
  return show(t, names, null, model);
}

/**
 * What decides the C aliases whose meaning depends on the target (analysis/data-model.ts): `c_char`
 * is `u8` where `char` is unsigned (ARM and AArch64 Linux), `c_long` / `c_ulong` are 32-bit on Windows
 * and 32-bit targets. Types are resolved for x86_64 Linux; `displayTy` given a model prints them as
 * rustc prints them for that target.
 */
export interface CAliasModel {
  cCharSigned: boolean;
  cLong: number;
}

/** A C alias's Rust primitive on a target (`char` → `u8` where it is unsigned), or null for any other type. */
export function targetPrim(t: Ty & { k: 'prim' }, model: CAliasModel): string | null {
  switch (t.cAlias) {
    case 'char':
      return model.cCharSigned ? 'i8' : 'u8';
    case 'long':
      return model.cLong === 4 ? 'i32' : 'i64';
    case 'unsigned long':
      return model.cLong === 4 ? 'u32' : 'u64';
    default:
      return null;
  }
}

interface Binder {
  next: number;
}

function show(t: Ty, names: TypeNames | undefined, binder: Binder | null, model?: CAliasModel): string {
  const sub = (x: Ty): string => show(x, names, binder, model);
  switch (t.k) {
    case 'prim':
      return (model && targetPrim(t, model)) ?? t.name;
    case 'tuple':
      return t.elems.length === 1 ? `(${sub(t.elems[0])},)` : `(${t.elems.map(sub).join(', ')})`;
    case 'ref': {
      const lifetime = binder && t.elided ? `'${String.fromCharCode(97 + binder.next++)} ` : '';
      return `&${lifetime}${t.mutable ? 'mut ' : ''}${sub(t.inner)}`;
    }
    case 'ptr':
      return `*${t.mutable ? 'mut' : 'const'} ${sub(t.inner)}`;
    case 'slice':
      return `[${sub(t.inner)}]`;
    case 'array':
      return `[${sub(t.inner)}; ${t.len}]`;
    case 'fnptr': {
      const own: Binder = { next: 0 };
      const inner = (x: Ty): string => show(x, names, own, model);
      const params = t.params.map(inner);
      if (t.variadic) params.push('...');
      const ret = isUnit(t.ret) ? '' : ` -> ${inner(t.ret)}`;
      const bound = own.next
        ? `for<${Array.from({ length: own.next }, (_, i) => `'${String.fromCharCode(97 + i)}`).join(', ')}> `
        : '';
      const head = `${t.unsafe ? 'unsafe ' : ''}${t.abi !== null && t.abi !== 'Rust' ? `extern "${t.abi}" ` : ''}fn`;
      return `${bound}${head}(${params.join(', ')})${ret}`;
    }
    case 'dyn':
      return t.text.startsWith('dyn') ? t.text : `dyn ${t.text}`;
    case 'opaque':
      return t.text;
    case 'param':
      return t.name;
    case 'adt': {
      const name = adtName(t.def, names);
      const lifetimes =
        t.def.source === 'local'
          ? t.def.item.generics.filter((g) => g.kind === 'lifetime').length
          : (t.def.lifetimes ?? 0);
      const args = [
        ...Array.from({ length: lifetimes }, () => "'_"),
        ...genericArgsInOrder(t).map((a) => (typeof a === 'string' ? a : sub(a))),
      ];
      return args.length ? `${name}<${args.join(', ')}>` : name;
    }
    case 'foreign-safe':
    case 'unknown':
      return t.text;
  }
}

function adtName(def: AdtDef, names: TypeNames | undefined): string {
  if (def.source === 'std') {
    if (def.display) return def.display;
    return names?.isAmbiguous(def.name) ? def.path : def.name;
  }
  // An ambiguous local name prints with its parent module only (`types::Entry`, not `ffi::types::Entry`).
  return names?.isAmbiguous(def.item.name)
    ? def.path
        .split('::')
        .slice(-2)
        .filter((s) => s !== 'crate')
        .join('::')
    : def.item.name;
}

/**
 * An ADT's type and const arguments in the order its definition declares their parameters
 * (`Mixed<u32, 4>` for `struct Mixed<T, const N: usize>`); a const argument is a string.
 */
export function genericArgsInOrder(t: Ty & { k: 'adt' }): (Ty | string)[] {
  const consts = t.consts ?? [];
  if (!consts.length) return t.args;
  if (t.def.source !== 'local') return [...t.args, ...consts];
  const out: (Ty | string)[] = [];
  let ti = 0;
  let ci = 0;
  for (const g of t.def.item.generics) {
    if (g.kind === 'type' && ti < t.args.length) out.push(t.args[ti++]);
    else if (g.kind === 'const' && ci < consts.length) out.push(consts[ci++]);
  }
  return [...out, ...t.args.slice(ti), ...consts.slice(ci)];
}

/** A key identifying a type, for memoisation and recursion guards. */
export function tyKey(t: Ty): string {
  if (t.k === 'adt') {
    const id =
      t.def.source === 'local'
        ? `${t.def.module.id}:${t.def.item.name}@${t.def.item.origin.span.start}`
        : `std:${t.def.path}`;
    const consts = t.consts?.length ? `;${t.consts.join(',')}` : '';
    return `${id}<${t.args.map(tyKey).join(',')}${consts}>`;
  }
  if (t.k === 'fnptr') return `fn:${t.abi}:${t.params.map(tyKey).join(',')}->${tyKey(t.ret)}`;
  if (t.k === 'ref' || t.k === 'ptr') return `${t.k}${t.mutable ? 'm' : ''}:${tyKey(t.inner)}`;
  if (t.k === 'slice' || t.k === 'array') return `${t.k}:${tyKey(t.inner)}`;
  if (t.k === 'tuple') return `(${t.elems.map(tyKey).join(',')})`;
  return displayTy(t);
}
