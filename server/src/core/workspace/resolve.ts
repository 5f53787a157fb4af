import type { AdtItem, GenericArgs, GenericParam, TypeExpr, TypePath } from '../syntax/model';
import { isFfiCrateGlobName, isFfiCrateType, isStabbyStruct } from './ffi-crates';
import { parseRepr } from './repr';
import { PRELUDE_TYPES, PRIMITIVES, resolveLibcPath, resolveStdPath, STD_CRATES, unmodelledStdType } from './std-types';
import type { LocalAdt, ReprInfo, Ty } from './types';
import type { ModuleScope, TypeDefEntry } from './scopes';
import { childModule, loadDeferredRoot, loadTypeDefinitions } from './crates';
import { memoOf, pathKey, typesOf, writtenTypeKey } from './resolution-memo';

/**
 * Name and type resolution: from a type as written, in a module, to what it means. Follows Rust 2018
 * paths: `crate::`, `self::`, `super::`, names defined in the module, `use` imports (renames and
 * re-exports included), glob imports, extern crates and the std prelude. What cannot be resolved is
 * an `unknown` type with the reason, never a guess.
 */

/** What a path names. */
export type Resolution =
  | { kind: 'module'; module: ModuleScope }
  | { kind: 'type'; entry: TypeDefEntry }
  | { kind: 'std'; path: string[] }
  | { kind: 'libc'; path: string[] }
  | { kind: 'extern'; path: string[] }
  | { kind: 'prim'; name: string };

/** Where a type is written: the module, the generic parameters in scope and their substitutions. */
export interface TypeScope {
  module: ModuleScope;
  /** Generic parameter name → its meaning (a `param`, or an argument substituted for it). */
  generics: Map<string, Ty>;
  /**
   * What `Self` means here (impl blocks, type definitions), or how to work it out (`selfTyOf`): an impl's self
   * type is resolved the first time `Self` is asked for, as most impls' methods never ask (a Rust method's
   * signature is read only for C fn pointers), and resolving it could load the module that defines it.
   */
  selfTy: Ty | LazySelfTy | null;
  /** Const generic parameter name → the argument substituted for it (`N` → `16`), in a type's fields. */
  consts?: Map<string, string>;
  /** Type paths declared FFI-safe by the user (`safeTypes`), as written or fully qualified. */
  safeTypes?: Set<string>;
  /** In argument position `impl Trait` is an anonymous generic parameter, not an opaque type. */
  implTraitIsParam?: boolean;
}

const MAX_DEPTH = 32;

/** An impl's self type, resolved on first use (see `TypeScope.selfTy`). */
export class LazySelfTy {
  private ty: Ty | null = null;

  constructor(
    private readonly written: TypeExpr,
    /** Where it is written: the impl's scope, as it was before `Self` was given a meaning there. */
    private readonly scope: TypeScope,
  ) {}

  get(): Ty {
    return (this.ty ??= resolveType(this.written, this.scope));
  }
}

/** What `Self` means in a scope (resolved now, if it was left for later), or null outside an impl. */
export function selfTyOf(scope: TypeScope): Ty | null {
  const s = scope.selfTy;
  return s instanceof LazySelfTy ? s.get() : s;
}

/**
 * The scope of what is written inside an item: `outer`'s, with the item's generic parameters. An item
 * that adds none (most functions and fields) shares `outer`'s maps rather than copying them; a scope's
 * maps are filled by whoever makes it, and only before anyone reads them.
 */
export function scopeFor(
  module: ModuleScope,
  generics: GenericParam[] = [],
  selfTy: Ty | null = null,
  outer?: TypeScope,
): TypeScope {
  if (outer && !generics.some((g) => g.kind !== 'lifetime')) {
    const same: TypeScope = {
      module,
      generics: outer.generics,
      selfTy: selfTy ?? outer.selfTy ?? null,
      safeTypes: outer.safeTypes,
    };
    if (outer.consts?.size) same.consts = outer.consts;
    return same;
  }
  const map = new Map(outer?.generics ?? []);
  const consts = outer?.consts ? new Map(outer.consts) : undefined;
  for (const g of generics)
    if (g.kind !== 'lifetime') {
      map.set(g.name, { k: 'param', name: g.name });
      consts?.delete(g.name);
    }
  const scope: TypeScope = {
    module,
    generics: map,
    selfTy: selfTy ?? outer?.selfTy ?? null,
    safeTypes: outer?.safeTypes,
  };
  if (consts?.size) scope.consts = consts;
  return scope;
}

/** Resolve a parameter's type: `impl Trait` there is a generic parameter. */
export function resolveParamType(t: TypeExpr, scope: TypeScope): Ty {
  return resolveMemoised(t, scope, true);
}

/** Resolve a written type to its meaning (memoised: see resolution-memo.ts). */
export function resolveType(t: TypeExpr, scope: TypeScope, depth = 0): Ty {
  if (depth > 0) return resolveUncached(t, scope, depth);
  return resolveMemoised(t, scope, !!scope.implTraitIsParam);
}

/**
 * How many times resolution has read what a scope adds to its module (`readsScope`): a resolution that
 * leaves it unchanged means the same in every scope of its module, generic or not.
 */
let scopeReads = 0;

/** The answer being worked out depends on the scope, not only on its module. */
function readsScope(): void {
  scopeReads++;
}

/** Whether a scope adds nothing to its module: no generic parameter, no `Self`, no const argument. */
function addsNothing(scope: TypeScope): boolean {
  return !scope.generics.size && !scope.selfTy && !scope.consts?.size;
}

/**
 * Whether a written type names one of the scope's generic parameters anywhere a resolution looks names up
 * among them (a path's segments, an array's length), so that the module's answer may not be its answer.
 * What a type alias or a default type reached from it names is looked up among that definition's own
 * parameters, never among these. A const argument (a field of `Title<16>`) is looked up in default types
 * too, so a scope that has one is never given the module's answers (`resolveMemoised`).
 */
function namesGenericOf(t: TypeExpr, generics: ReadonlyMap<string, Ty>): boolean {
  switch (t.kind) {
    case 'primitive':
      return generics.has(t.name);
    case 'path':
      return t.path.segments.some(
        (s) =>
          generics.has(s.name) ||
          (s.args !== null &&
            (s.args.types.some((a) => namesGenericOf(a, generics)) ||
              s.args.consts.some((c) => textNamesAny(c, generics)))),
      );
    case 'ref':
    case 'ptr':
    case 'slice':
      return namesGenericOf(t.inner, generics);
    case 'array':
      return namesGenericOf(t.inner, generics) || textNamesAny(t.length, generics);
    case 'tuple':
      return t.elems.some((e) => namesGenericOf(e, generics));
    case 'fnptr':
      return t.fn.params.some((p) => namesGenericOf(p, generics)) || (!!t.fn.ret && namesGenericOf(t.fn.ret, generics));
    case 'dyn':
    case 'impl':
    case 'opaque-syntax':
    case 'never':
    case 'infer':
      return false;
  }
}

/** Whether free text (an array's length, a const argument) holds one of the names as a word. */
function textNamesAny(text: string, names: ReadonlyMap<string, Ty>): boolean {
  return (text.match(/[A-Za-z_][A-Za-z0-9_]*/g) ?? []).some((w) => names.has(w));
}

function resolveMemoised(t: TypeExpr, scope: TypeScope, implTraitIsParam: boolean): Ty {
  const bare = addsNothing(scope);
  if (!bare && (scope.consts?.size || namesGenericOf(t, scope.generics)))
    return resolveUncached(t, askedWith(scope, implTraitIsParam), 0);
  const key = writtenTypeKey(t);
  const known = typesOf(memoOf(scope.module), scope.safeTypes, implTraitIsParam).get(key);
  if (known && (bare || !known.scoped)) {
    // What a scoped answer read, the resolution that asked for it reads too.
    if (known.scoped) readsScope();
    return known.ty;
  }
  const before = scopeReads;
  const ty = resolveUncached(t, askedWith(scope, implTraitIsParam), 0);
  const scoped = scopeReads !== before;
  // A scoped answer worked out in a generic scope holds there alone. Resolving may have loaded modules: the
  // memo is looked up again, emptied if so.
  if (bare || !scoped) typesOf(memoOf(scope.module), scope.safeTypes, implTraitIsParam).set(key, { ty, scoped });
  return ty;
}

/** The scope a resolution asked for with `implTraitIsParam` works in. */
function askedWith(scope: TypeScope, implTraitIsParam: boolean): TypeScope {
  return !!scope.implTraitIsParam === implTraitIsParam ? scope : { ...scope, implTraitIsParam };
}

function resolveUncached(t: TypeExpr, scope: TypeScope, depth: number): Ty {
  if (depth > MAX_DEPTH) return { k: 'unknown', text: typeText(t), why: 'type aliases nest too deeply (a cycle?)' };
  switch (t.kind) {
    case 'primitive':
      return resolvePathType(
        { global: false, qualified: false, segments: [{ name: t.name, args: null }] },
        scope,
        depth,
      );
    case 'path':
      return resolvePathType(t.path, scope, depth);
    case 'ref':
      return {
        k: 'ref',
        mutable: t.mutable,
        inner: resolveType(t.inner, scope, depth + 1),
        elided: t.lifetime === null,
      };
    case 'ptr':
      return { k: 'ptr', mutable: t.mutable, inner: resolveType(t.inner, scope, depth + 1) };
    case 'slice':
      return { k: 'slice', inner: resolveType(t.inner, scope, depth + 1) };
    case 'array':
      return {
        k: 'array',
        inner: resolveType(t.inner, scope, depth + 1),
        len: constValue(t.length, scope),
      };
    case 'tuple':
      return { k: 'tuple', elems: t.elems.map((e) => resolveType(e, scope, depth + 1)) };
    case 'fnptr':
      return {
        k: 'fnptr',
        abi: t.fn.abi,
        unsafe: t.fn.unsafe,
        params: t.fn.params.map((p) => resolveType(p, scope, depth + 1)),
        ret: t.fn.ret ? resolveType(t.fn.ret, scope, depth + 1) : { k: 'tuple', elems: [] },
        variadic: t.fn.variadic,
      };
    case 'dyn':
      return { k: 'dyn', text: dynText(t.text) };
    case 'impl':
      if (scope.implTraitIsParam) return { k: 'param', name: t.text.replace(/\s+/g, ' ') };
      return { k: 'opaque', text: t.text.replace(/\s+/g, ' ') };
    case 'never':
      return { k: 'prim', name: '!' };
    case 'infer':
      return { k: 'unknown', text: '_', why: 'an inferred type' };
    case 'opaque-syntax':
      return { k: 'unknown', text: t.text, why: 'a type we cannot read (a macro in type position, or a syntax error)' };
  }
}

function resolvePathType(p: TypePath, scope: TypeScope, depth: number): Ty {
  const text = pathText(p);
  if (p.qualified) return { k: 'unknown', text, why: 'a qualified associated type (`<T as Trait>::X`)' };
  const names = p.segments.map((s) => s.name);
  const last = p.segments[p.segments.length - 1];
  const args = (last.args?.types ?? []).map((a) => resolveType(a, scope, depth + 1));
  if (scope.safeTypes && (scope.safeTypes.has(text.replace(/<.*$/, '')) || scope.safeTypes.has(names.join('::')))) {
    return { k: 'foreign-safe', text };
  }
  if (names.length === 1) {
    const g = scope.generics.get(names[0]);
    if (g) {
      readsScope();
      return g;
    }
    if (names[0] === 'Self') {
      readsScope();
      return selfTyOf(scope) ?? { k: 'unknown', text, why: '`Self` outside an impl' };
    }
  }
  if (names.length > 1 && (names[0] === 'Self' || scope.generics.has(names[0]))) {
    readsScope();
    return { k: 'param', name: text };
  }
  const r = resolvePath(scope.module, names, p.global);
  // `use std::str;` brings a module named `str` in, which is no type: in a type, `str` is still the primitive.
  if (names.length === 1 && PRIMITIVES.has(names[0]) && r && namesNoType(r, args)) return { k: 'prim', name: names[0] };
  if (!r)
    return { k: 'unknown', text, why: `\`${text}\` is not defined in this crate (or we could not follow its import)` };
  switch (r.kind) {
    case 'prim':
      return { k: 'prim', name: r.name };
    case 'std': {
      const std = resolveStdPath(r.path, args) ?? unmodelledStdType(r.path, args, last.args?.lifetimes ?? 0);
      if (std) return std;
      return { k: 'unknown', text, why: `\`${r.path.join('::')}\` is a std item whose layout we do not model` };
    }
    case 'libc':
      return resolveLibcPath(r.path);
    case 'extern':
      if (isFfiCrateType(r.path)) return { k: 'foreign-safe', text, crate: r.path[0] };
      if (scope.safeTypes?.has(r.path.join('::'))) return { k: 'foreign-safe', text };
      return { k: 'unknown', text, why: `\`${r.path.join('::')}\` is defined outside the workspace` };
    case 'module':
      return { k: 'unknown', text, why: `\`${text}\` is a module, not a type` };
    case 'type':
      return typeOfEntry(r.entry, args, last.args, depth, scope);
  }
}

/** A resolution that is a module (ours, std's or another crate's), not a type. */
function namesNoType(r: Resolution, args: Ty[]): boolean {
  if (r.kind === 'module') return true;
  if (r.kind === 'std') return !resolveStdPath(r.path, args) && !unmodelledStdType(r.path, args, 0);
  return false;
}

function typeOfEntry(
  entry: TypeDefEntry,
  resolved: Ty[],
  written: GenericArgs | null,
  depth: number,
  outer: TypeScope,
): Ty {
  const { args, consts } = constArguments(entry.item.generics, resolved, written, outer);
  switch (entry.kind) {
    case 'adt': {
      const ty: Ty & { k: 'adt' } = {
        k: 'adt',
        def: localAdt(entry.item, entry.module),
        args: withDefaults(entry.item.generics, args, entry.module, outer),
      };
      if (consts.length) ty.consts = consts;
      return ty;
    }
    case 'alias': {
      if (!entry.item.type) return { k: 'unknown', text: entry.item.name, why: 'a type alias without a type' };
      const scope = scopeFor(entry.module, [], null, { ...outer, generics: new Map(), consts: undefined });
      const constParams = entry.item.generics.filter((g) => g.kind === 'const');
      if (constParams.length) scope.consts = new Map(constParams.map((g, i) => [g.name, consts[i] ?? g.name]));
      const params = entry.item.generics.filter((g) => g.kind === 'type');
      params.forEach((g, i) =>
        scope.generics.set(
          g.name,
          args[i] ?? (g.defaultType ? resolveType(g.defaultType, scope, depth + 1) : { k: 'param', name: g.name }),
        ),
      );
      return resolveType(entry.item.type, scope, depth + 1);
    }
    case 'trait':
      return { k: 'dyn', text: entry.item.name };
  }
}

/**
 * The written arguments split into type and const arguments, by the definition's parameters: a const
 * argument that is a bare name (`Title<N>`, `Title<CAP>`) parses as a type, and is one where more types
 * are written than the definition has type parameters. Const arguments are evaluated where they can be.
 */
function constArguments(
  generics: GenericParam[],
  resolved: Ty[],
  written: GenericArgs | null,
  scope: TypeScope,
): { args: Ty[]; consts: string[] } {
  const params = generics.filter((g) => g.kind !== 'lifetime');
  if (!params.some((g) => g.kind === 'const')) return { args: resolved, consts: [] };
  const writtenTypes = written?.types ?? [];
  const writtenConsts = written?.consts ?? [];
  const args: Ty[] = [];
  const consts: string[] = [];
  let ti = 0;
  let ci = 0;
  params.forEach((g, i) => {
    if (g.kind === 'type') {
      if (ti < resolved.length) args.push(resolved[ti++]);
      return;
    }
    const typesAfter = params.slice(i + 1).filter((p) => p.kind === 'type').length;
    const bare = writtenTypes[ti];
    if (
      bare?.kind === 'path' &&
      !bare.path.global &&
      bare.path.segments.length === 1 &&
      !bare.path.segments[0].args &&
      writtenTypes.length - ti > typesAfter
    ) {
      consts.push(constValue(bare.path.segments[0].name, scope));
      ti++;
    } else if (ci < writtenConsts.length) consts.push(constValue(writtenConsts[ci++], scope));
    else consts.push(g.name);
  });
  return { args: [...args, ...resolved.slice(ti)], consts };
}

/**
 * A const generic argument or array length: the value substituted for a const parameter, else its
 * value where we can evaluate it (literals, `const` items), else as written.
 */
function constValue(text: string, scope: TypeScope): string {
  const bare = text.replace(/[{}\s]/g, '');
  const substituted = scope.consts?.get(bare);
  if (substituted !== undefined) {
    readsScope();
    return substituted;
  }
  if (scope.generics.has(bare)) {
    readsScope();
    return bare;
  }
  return evalConstLength(text, scope.module, selfName(scope)) ?? text;
}

function withDefaults(generics: GenericParam[], args: Ty[], module: ModuleScope, outer: TypeScope): Ty[] {
  const params = generics.filter((g) => g.kind === 'type');
  if (args.length >= params.length) return args;
  const scope = scopeFor(module, [], null, { ...outer, generics: new Map() });
  const out = [...args];
  params.forEach((g, i) => {
    if (i < args.length) scope.generics.set(g.name, args[i]);
    else {
      const t = g.defaultType ? resolveType(g.defaultType, scope) : { k: 'param' as const, name: g.name };
      scope.generics.set(g.name, t);
      out.push(t);
    }
  });
  return out;
}

/** Each module's `LocalAdt`s, by item. */
const adtCache = new WeakMap<ModuleScope, WeakMap<AdtItem, LocalAdt>>();

/**
 * The `LocalAdt` for an item in the module that defines it, created once so identity comparisons hold. Kept
 * by module, not by item alone: an item of a file the editor did not change is shared by every load of its
 * crate (`applyCfg`), and by the modules that read one file twice (`#[path]`, `include!`); each module
 * resolves its fields among its own items.
 */
export function localAdt(item: AdtItem, module: ModuleScope): LocalAdt {
  let defs = adtCache.get(module);
  if (!defs) adtCache.set(module, (defs = new WeakMap()));
  let def = defs.get(item);
  if (!def) {
    def = { source: 'local', item, module, path: `${module.path}::${item.name}`, repr: reprOf(item) };
    defs.set(item, def);
  }
  return def;
}

/**
 * The value of an array length as rustc prints it: integer literals and `const` items combined with
 * `+ - * / % << >>`. Anything else (a `const fn` call, a generic) stays as written.
 */
export function evalConstLength(
  text: string,
  module: ModuleScope,
  self: string | null = null,
  depth = 0,
): string | null {
  if (depth > 8) return null;
  // `size_of::<u64>()` of a primitive is known; `Self::N` / `Type::N` are associated consts.
  text = text.replace(
    /(?:(?:::)?(?:core|std)::)?(?:mem::)?size_of::<\s*([a-z0-9]+)\s*>\(\)/g,
    (whole, prim: string) => {
      const size = PRIMITIVE_SIZES[prim];
      return size !== undefined ? String(size) : whole;
    },
  );
  const tokens =
    text
      .replace(/[{}]/g, ' ')
      .match(
        /\d[\d_]*(?:u8|u16|u32|u64|u128|usize|i8|i16|i32|i64|i128|isize)?|[A-Za-z_][A-Za-z0-9_]*(?:::[A-Za-z_][A-Za-z0-9_]*)*|<<|>>|[-+*/%()]|\S/g,
      ) ?? [];
  const values: (number | string)[] = [];
  for (const tok of tokens) {
    if (/^\d/.test(tok)) values.push(Number(tok.replace(/_/g, '').replace(/[iu]\d+$|[iu]size$/, '')));
    else if (/^[A-Za-z_]/.test(tok)) {
      const segments = tok.split('::');
      const name = segments.pop()!;
      const ofSelf = segments[segments.length - 1] === 'Self';
      if (ofSelf) readsScope();
      const owner = segments.length ? (ofSelf ? self : segments[segments.length - 1]) : null;
      const c = owner && /^[A-Z]/.test(owner) ? findAssocConst(module, owner, name) : findConst(module, name);
      const v = c?.valueText
        ? evalConstLength(c.valueText, module, owner && /^[A-Z]/.test(owner) ? owner : self, depth + 1)
        : null;
      if (v === null) return null;
      values.push(Number(v));
    } else if (/^(<<|>>|[-+*/%()])$/.test(tok)) values.push(tok);
    else return null;
  }
  const value = evalArithmetic(values);
  return value !== null && Number.isSafeInteger(value) && value >= 0 ? String(value) : null;
}

/** Integer arithmetic over numbers and operator tokens, with Rust's precedence; null if malformed. */
function evalArithmetic(tokens: (number | string)[]): number | null {
  let i = 0;
  const levels: string[][] = [
    ['<<', '>>'],
    ['+', '-'],
    ['*', '/', '%'],
  ];
  const apply = (op: string, a: number, b: number): number => {
    switch (op) {
      case '<<':
        return a * 2 ** b;
      case '>>':
        return Math.floor(a / 2 ** b);
      case '+':
        return a + b;
      case '-':
        return a - b;
      case '*':
        return a * b;
      case '/':
        return Math.trunc(a / b);
      default:
        return a % b;
    }
  };
  const binary = (level: number): number => {
    if (level === levels.length) return unary();
    let left = binary(level + 1);
    while (i < tokens.length && levels[level].includes(tokens[i] as string)) {
      const op = tokens[i++] as string;
      left = apply(op, left, binary(level + 1));
    }
    return left;
  };
  const unary = (): number => {
    const t = tokens[i++];
    if (typeof t === 'number') return t;
    if (t === '-') return -unary();
    if (t === '(') {
      const v = binary(0);
      if (tokens[i++] !== ')') throw new Error('unbalanced');
      return v;
    }
    throw new Error('unexpected token');
  };
  try {
    const v = binary(0);
    return i === tokens.length ? v : null;
  } catch {
    return null;
  }
}

const PRIMITIVE_SIZES: Record<string, number> = {
  u8: 1,
  i8: 1,
  bool: 1,
  u16: 2,
  i16: 2,
  u32: 4,
  i32: 4,
  f32: 4,
  char: 4,
  u64: 8,
  i64: 8,
  f64: 8,
  usize: 8,
  isize: 8,
  u128: 16,
  i128: 16,
};

function selfName(scope: TypeScope): string | null {
  const s = selfTyOf(scope);
  return s && s.k === 'adt' ? (s.def.source === 'local' ? s.def.item.name : s.def.name) : null;
}

function findAssocConst(module: ModuleScope, owner: string, name: string): import('../syntax/model').StaticItem | null {
  loadTypeDefinitions(module.crate, owner);
  for (const m of module.crate.modules) {
    const c = m.implConsts.get(`${owner}::${name}`);
    if (c) return c;
  }
  return null;
}

function findConst(module: ModuleScope, name: string): import('../syntax/model').StaticItem | null {
  for (let m: ModuleScope | null = module; m; m = m.isBlock ? m.parent : null) {
    const c = m.consts.get(name);
    if (c) return c;
    if (!m.isBlock) {
      const use = m.uses.get(name);
      if (use) {
        const owner = resolvePath(m, use.slice(0, -1));
        if (owner?.kind === 'module') return owner.module.consts.get(use[use.length - 1]) ?? null;
      }
    }
  }
  return null;
}

/** Traits whose bare names are ambiguous in std, so rustc prints their paths. */
const AMBIGUOUS_TRAITS: Record<string, string> = { Display: 'std::fmt::Display', Error: 'std::error::Error' };

/**
 * A trait object as rustc prints it: `dyn` + the bounds with trimmed paths, without lifetime bounds
 * (`dyn crate::Plugin + Send + 'static` → `dyn Plugin + Send`).
 */
function dynText(written: string): string {
  const bounds: string[] = [];
  let depth = 0;
  let current = '';
  for (const ch of written.replace(/^\s*dyn\s+/, '').replace(/\s+/g, ' ')) {
    if (ch === '<' || ch === '(') depth++;
    if (ch === '>' || ch === ')') depth--;
    if (ch === '+' && depth === 0) {
      bounds.push(current.trim());
      current = '';
    } else current += ch;
  }
  bounds.push(current.trim());
  const shown = bounds
    .filter((b) => b && !b.startsWith("'"))
    .map((b) => {
      const unwrapped = b.startsWith('(') && b.endsWith(')') ? b.slice(1, -1) : b;
      const m = /^((?:[A-Za-z_][A-Za-z0-9_#]*::)*)([A-Za-z_][A-Za-z0-9_#]*)(.*)$/.exec(unwrapped);
      if (!m) return b;
      return (AMBIGUOUS_TRAITS[m[2]] ?? m[2]) + m[3];
    });
  return `dyn ${shown.join(' + ')}`;
}

/** Resolve a path (`a::b::C`) as seen from `module` (memoised: see resolution-memo.ts). */
export function resolvePath(module: ModuleScope, names: string[], global = false): Resolution | null {
  const key = pathKey(names, global);
  const known = memoOf(module).paths.get(key);
  if (known !== undefined) return known;
  const resolution = resolvePathUncached(module, names, global);
  // Resolving may have loaded modules: the memo is looked up again, emptied if so.
  memoOf(module).paths.set(key, resolution);
  return resolution;
}

function resolvePathUncached(module: ModuleScope, names: string[], global: boolean): Resolution | null {
  if (!names.length) return null;
  let current: Resolution | null;
  let rest = names.slice(1);
  const first = names[0];
  // `::name` is the crate root in edition 2015 (libc's `::c_int`), the extern prelude since 2018.
  if (global && module.crate.edition === '2015')
    current = resolveName(module.crate.root, first, new Set(), false) ?? externRoot(module, first);
  else if (global) current = externRoot(module, first);
  else if (first === 'crate' || first === '$crate') current = { kind: 'module', module: module.crate.root };
  else if (first === 'self') current = { kind: 'module', module: enclosingModule(module) };
  else if (first === 'super') {
    const m = enclosingModule(module);
    current = m.parent ? { kind: 'module', module: enclosingModule(m.parent) } : null;
  } else {
    current = resolveName(module, first, new Set(), true);
    if (!current) current = externRoot(module, first);
  }
  while (current && rest.length) {
    const seg = rest[0];
    rest = rest.slice(1);
    current = step(current, seg);
  }
  return current;
}

/** The module a block scope belongs to (`self::` inside a function body). */
function enclosingModule(m: ModuleScope): ModuleScope {
  while (m.isBlock && m.parent) m = m.parent;
  return m;
}

function step(from: Resolution, seg: string): Resolution | null {
  switch (from.kind) {
    case 'module':
      if (seg === 'super') return from.module.parent ? { kind: 'module', module: from.module.parent } : null;
      if (seg === 'self') return from;
      return resolveName(from.module, seg, new Set(), false);
    case 'std':
      return { kind: 'std', path: [...from.path, seg] };
    case 'libc':
      return { kind: 'libc', path: [...from.path, seg] };
    case 'extern':
      return { kind: 'extern', path: [...from.path, seg] };
    default:
      return null; // associated items of a type: not a type we can lay out
  }
}

function externRoot(module: ModuleScope, name: string): Resolution | null {
  const crateName = module.crate.root.externCrates.get(name) ?? module.externCrates.get(name) ?? name;
  if (STD_CRATES.has(crateName)) return { kind: 'std', path: [crateName] };
  if (crateName === 'libc') return { kind: 'libc', path: ['libc'] };
  if (PRIMITIVES.has(name)) return { kind: 'prim', name };
  const dependency = module.crate.dependency(crateName);
  if (dependency) return { kind: 'module', module: dependency.root };
  if (/^[a-z_][a-z0-9_]*$/.test(crateName)) return { kind: 'extern', path: [crateName] };
  return null;
}

/**
 * A single name in a module's type namespace: its own definitions and child modules, then its `use`
 * imports, then glob imports; with `lexical`, also the extern prelude, the std prelude and primitives.
 */
/** The layout an item's attributes ask for: its `#[repr]`, or `repr(C)` from `#[stabby::stabby]` on a struct. */
function reprOf(item: AdtItem): ReprInfo {
  const repr = parseRepr(item.attrs);
  return item.kind === 'struct' && !repr.c && !repr.transparent && isStabbyStruct(item.attrs)
    ? { ...repr, c: true }
    : repr;
}

function resolveName(module: ModuleScope, name: string, visiting: Set<string>, lexical: boolean): Resolution | null {
  loadDeferredRoot(module.crate);
  const key = `${module.id}:${name}`;
  if (visiting.has(key)) return null;
  visiting.add(key);
  const def = module.types.get(name);
  if (def) return { kind: 'type', entry: def };
  const child = childModule(module, name);
  if (child) return { kind: 'module', module: child };
  const use = module.uses.get(name);
  if (use) {
    const r = resolveUsePath(module, use, visiting);
    if (r) return r;
  }
  if (module.externCrates.has(name)) return externRoot(module, name);
  for (const glob of module.globs) {
    const target = resolveUsePath(module, glob, visiting);
    let r: Resolution | null = null;
    if (target && target.kind === 'module') r = resolveName(target.module, name, visiting, false);
    else if (target && target.kind === 'std') {
      const s = step(target, name);
      if (s && s.kind === 'std' && resolveStdPath(s.path, [])) r = s;
    } else if (target && target.kind === 'libc' && isLibcName(name)) r = step(target, name);
    else if (target && target.kind === 'extern' && isFfiCrateGlobName(target.path, name)) r = step(target, name);
    if (r) {
      // rustc never trims a name that was resolved through a glob import.
      module.crate.globUsedNames.add(name);
      return r;
    }
  }
  if (!lexical) return null;
  if (module.isBlock && module.parent) return resolveName(module.parent, name, visiting, true);
  if (PRELUDE_TYPES[name]) return { kind: 'std', path: PRELUDE_TYPES[name] };
  if (PRIMITIVES.has(name)) return { kind: 'prim', name };
  return null;
}

/**
 * Whether `use libc::*` plausibly brings `name` in. libc's types are C's lowercase names (`c_int`,
 * `stat`, `pthread_t`) and a few capitalised ones; it never shadows the prelude (`Option`, `String`…).
 */
function isLibcName(name: string): boolean {
  if (PRELUDE_TYPES[name]) return false;
  return /^[a-z_]/.test(name) || LIBC_CAPITALISED.has(name);
}

const LIBC_CAPITALISED = new Set([
  'FILE',
  'DIR',
  'Dl_info',
  'Elf32_Ehdr',
  'Elf64_Ehdr',
  'Elf32_Phdr',
  'Elf64_Phdr',
  'Elf32_Sym',
  'Elf64_Sym',
]);

/**
 * `use` paths are relative to the module that holds the `use` (2018 uniform paths); in edition 2015
 * they are relative to the crate root (`use *;` imports the root's names, `use foo::Bar` is `crate::foo`).
 */
function resolveUsePath(module: ModuleScope, names: string[], visiting: Set<string>): Resolution | null {
  if (module.crate.edition === '2015' && names[0] !== 'self' && names[0] !== 'super' && names[0] !== 'crate') {
    if (!names.length) return { kind: 'module', module: module.crate.root };
    // A probe: it must not mark the name as visited for the lookup that follows.
    const inRoot = resolveName(module.crate.root, names[0], new Set(visiting), false);
    if (inRoot) return resolveUsePath(module.crate.root, ['crate', ...names], visiting);
  }
  if (!names.length) return null;
  const first = names[0];
  let current: Resolution | null;
  if (first === 'crate' || first === '$crate') current = { kind: 'module', module: module.crate.root };
  else if (first === 'self') current = { kind: 'module', module };
  else if (first === 'super') current = module.parent ? { kind: 'module', module: module.parent } : null;
  else if (first === '') current = null;
  else {
    current = resolveName(module, first, visiting, false);
    if (!current || (current.kind === 'type' && names.length > 1)) current = externRoot(module, first);
  }
  for (const seg of names.slice(1)) {
    if (!current) return null;
    if (current.kind === 'module') {
      if (seg === 'super') current = current.module.parent ? { kind: 'module', module: current.module.parent } : null;
      else if (seg !== 'self') current = resolveName(current.module, seg, visiting, false);
    } else current = step(current, seg);
  }
  return current;
}

export function pathText(p: TypePath): string {
  return (
    (p.global ? '::' : '') +
    p.segments
      .map((s) => s.name + (s.args && s.args.types.length ? `<${s.args.types.map(typeText).join(', ')}>` : ''))
      .join('::')
  );
}

/** A written type as text, whitespace normalised. */
export function typeText(t: TypeExpr): string {
  switch (t.kind) {
    case 'primitive':
      return t.name;
    case 'path':
      return pathText(t.path);
    case 'ref':
      return `&${t.lifetime ? t.lifetime + ' ' : ''}${t.mutable ? 'mut ' : ''}${typeText(t.inner)}`;
    case 'ptr':
      return `*${t.mutable ? 'mut' : 'const'} ${typeText(t.inner)}`;
    case 'slice':
      return `[${typeText(t.inner)}]`;
    case 'array':
      return `[${typeText(t.inner)}; ${t.length}]`;
    case 'tuple':
      return t.elems.length === 1 ? `(${typeText(t.elems[0])},)` : `(${t.elems.map(typeText).join(', ')})`;
    case 'fnptr':
      return `${t.fn.unsafe ? 'unsafe ' : ''}${t.fn.abi !== null ? `extern "${t.fn.abi}" ` : ''}fn(${t.fn.params.map(typeText).join(', ')}${t.fn.variadic ? ', ...' : ''})${t.fn.ret ? ' -> ' + typeText(t.fn.ret) : ''}`;
    case 'never':
      return '!';
    case 'infer':
      return '_';
    default:
      return t.text.replace(/\s+/g, ' ');
  }
}
