import type { Attribute, Origin } from '../syntax/model';
import { resolveType, scopeFor } from '../workspace/resolve';
import { forgetResolutions } from '../workspace/resolution-memo';
import { BOX, typeArg } from '../workspace/std-types';
import { displayTy, isUnit, LocalAdt, StdAdt, Ty, tyKey } from '../workspace/types';

/**
 * The FFI verdict: is this type safe at the C boundary here, and if not, why. This follows rustc
 * 1.95's `improper_ctypes` visitor step by step (see docs/rustc-parity.md), quirks included, because
 * agreeing with rustc finding for finding is the contract for the parity rules.
 */

/** rustc's two modes: `extern` blocks (imports) look through pointers; definitions do not. */
export type CItemKind = 'declaration' | 'definition';

/** Where the type is used: a parameter, a return type, an `extern` static, or inside a fn pointer. */
export type Position = 'param' | 'return' | 'static' | 'fnptr-in-item';

export type Reason =
  | 'struct-layout'
  | 'union-layout'
  | 'enum-repr'
  | 'struct-fieldless'
  | 'union-fieldless'
  | 'struct-zst'
  | 'phantom'
  | 'char'
  | 'slice'
  | 'dyn'
  | 'str'
  | 'tuple'
  | 'array'
  | 'box'
  | 'cstr'
  | 'fnptr'
  | 'opaque'
  | 'non-exhaustive'
  | 'non-exhaustive-enum'
  | 'non-exhaustive-variant';

/** One step from the type written at the boundary down to the type the verdict is about. */
export interface ChainStep {
  /** `field \`name\` of \`Wrapper\``, `pointee`, `parameter 1 of the fn pointer`… */
  label: string;
  ty: string;
  /** For a field of a workspace type: where the field is written. */
  field?: { origin: Origin; owner: string; name: string | null; ownerRepr: 'c' | 'transparent' | 'int' | 'none' };
}

export type FfiVerdict =
  { kind: 'safe'; unknowns: Ty[] } | { kind: 'unsafe'; ty: Ty; reason: Reason; chain: ChainStep[]; unknowns: Ty[] };

/** rustc's note and help for each reason, word for word. */
export const REASON_TEXT: Record<Reason, { note: string; help: string | null }> = {
  'struct-layout': {
    note: 'this struct has unspecified layout',
    help: 'consider adding a `#[repr(C)]` or `#[repr(transparent)]` attribute to this struct',
  },
  'union-layout': {
    note: 'this union has unspecified layout',
    help: 'consider adding a `#[repr(C)]` or `#[repr(transparent)]` attribute to this union',
  },
  'enum-repr': {
    note: 'enum has no representation hint',
    help: 'consider adding a `#[repr(C)]`, `#[repr(transparent)]`, or integer `#[repr(...)]` attribute to this enum',
  },
  'struct-fieldless': { note: 'this struct has no fields', help: 'consider adding a member to this struct' },
  'union-fieldless': { note: 'this union has no fields', help: 'consider adding a member to this union' },
  'struct-zst': { note: 'this struct contains only zero-sized fields', help: null },
  phantom: { note: 'composed only of `PhantomData`', help: null },
  char: { note: 'the `char` type has no C equivalent', help: 'consider using `u32` or `libc::wchar_t` instead' },
  slice: { note: 'slices have no C equivalent', help: 'consider using a raw pointer instead' },
  dyn: { note: 'trait objects have no C equivalent', help: null },
  str: { note: 'string slices have no C equivalent', help: 'consider using `*const u8` and a length instead' },
  tuple: { note: 'tuples have unspecified layout', help: 'consider using a struct instead' },
  array: { note: 'passing raw arrays by value is not FFI-safe', help: 'consider passing a pointer to the array' },
  box: { note: 'box cannot be represented as a single pointer', help: null },
  cstr: {
    note: '`CStr`/`CString` do not have a guaranteed layout',
    help: 'consider passing a `*const std::ffi::c_char` instead, and use `CStr::as_ptr()`',
  },
  fnptr: {
    note: 'this function pointer has Rust-specific calling convention',
    help: 'consider using an `extern fn(...) -> ...` function pointer instead',
  },
  opaque: { note: 'opaque types have no C equivalent', help: null },
  'non-exhaustive': { note: 'this struct is non-exhaustive', help: null },
  'non-exhaustive-enum': { note: 'this enum is non-exhaustive', help: null },
  'non-exhaustive-variant': { note: 'this enum has non-exhaustive variants', help: null },
};

const FUNC = 1;
const FN_RETURN = 2;
const DEFINED = 4;
const THEORETICAL = 8;
const STATIC = 16;

/**
 * The way down to the type being visited, as a list from the innermost step up. A step's text is made
 * only when a verdict is unsafe: most visits end safe, and their labels would be thrown away.
 */
interface Trail {
  up: Trail | null;
  step: () => ChainStep;
}

function extend(up: Trail | null, step: () => ChainStep): Trail {
  return { up, step };
}

/** The chain of a verdict, from the type written at the boundary down. */
function chainOf(trail: Trail | null): ChainStep[] {
  const steps: ChainStep[] = [];
  for (let t = trail; t; t = t.up) steps.push(t.step());
  return steps.reverse();
}

type Inner =
  | { kind: 'safe' }
  | { kind: 'phantom'; ty: Ty; trail: Trail | null }
  | { kind: 'unsafe'; ty: Ty; reason: Reason; trail: Trail | null };
const SAFE: Inner = { kind: 'safe' };

/**
 * Check one parameter, return type or static the way rustc does (`check_type` at the top level).
 * `mode` is the kind of item (definition or `extern` block declaration).
 */
export function checkBoundaryType(ty: Ty, mode: CItemKind, position: Position): FfiVerdict {
  // The verdict depends on the type, the mode and the position only (each check starts afresh, its
  // recursion guard included): a type resolved once and written many times (see `resolveType`) is
  // checked once per mode and position. Verdicts are never changed once made, so they can be shared.
  let known = verdicts.get(ty);
  if (!known) {
    known = new Map();
    verdicts.set(ty, known);
  }
  const key = `${mode}:${position}`;
  let verdict = known.get(key);
  if (!verdict) {
    verdict = computeVerdict(ty, mode, position);
    known.set(key, verdict);
  }
  return verdict;
}

let verdicts = new WeakMap<Ty, Map<string, FfiVerdict>>();

function computeVerdict(ty: Ty, mode: CItemKind, position: Position): FfiVerdict {
  let state: number;
  switch (position) {
    case 'param':
      state = mode === 'definition' ? FUNC | DEFINED : FUNC;
      break;
    case 'return':
      state = mode === 'definition' ? FUNC | FN_RETURN | DEFINED : FUNC | FN_RETURN;
      break;
    case 'static':
    case 'fnptr-in-item':
      state = STATIC;
      break;
  }
  const v = new Visitor(mode, ty);
  const inner = v.checkTop(state, ty);
  if (inner.kind === 'safe') return { kind: 'safe', unknowns: v.unknowns };
  const chain = chainOf(inner.trail);
  if (inner.kind === 'phantom') return { kind: 'unsafe', ty: inner.ty, reason: 'phantom', chain, unknowns: v.unknowns };
  return { kind: 'unsafe', ty: inner.ty, reason: inner.reason, chain, unknowns: v.unknowns };
}

class Visitor {
  readonly unknowns: Ty[] = [];
  private readonly cache = new Set<string>();

  constructor(
    private readonly mode: CItemKind,
    private readonly baseTy: Ty,
  ) {}

  checkTop(state: number, ty: Ty): Inner {
    const opaque = findOpaque(ty);
    if (opaque) return { kind: 'unsafe', ty: opaque, reason: 'opaque', trail: null };
    if (state & FUNC && ty.k === 'array') return { kind: 'unsafe', ty, reason: 'array', trail: null };
    if (state & FN_RETURN && isUnit(ty)) return SAFE;
    return this.visit(state, ty, null);
  }

  private inDefinedFunction(state: number): boolean {
    return (state & DEFINED) !== 0 && (state & FUNC) !== 0;
  }

  private inFnPtr(state: number): boolean {
    return (state & THEORETICAL) !== 0 && (state & FUNC) !== 0;
  }

  private visit(state: number, ty: Ty, trail: Trail | null): Inner {
    // rustc's cache makes a second sighting of any type within one parameter safe (recursion guard).
    const key = tyKey(ty);
    if (this.cache.has(key)) return SAFE;
    this.cache.add(key);
    const here = (reason: Reason): Inner => ({ kind: 'unsafe', ty, reason, trail });
    switch (ty.k) {
      case 'prim':
        if (ty.name === 'char') return here('char');
        if (ty.name === 'str') return here('str');
        return SAFE;
      case 'slice':
        return here('slice');
      case 'dyn':
        return here('dyn');
      case 'tuple':
        return here('tuple');
      case 'opaque':
        return here('opaque');
      case 'ref':
      case 'ptr': {
        if ((this.inDefinedFunction(state) || this.inFnPtr(state)) && isSized(ty.inner)) return SAFE;
        if (ty.k === 'ptr' && isUnit(ty.inner)) return SAFE;
        return this.visit(
          state,
          ty.inner,
          extend(trail, () => ({ label: 'pointee', ty: displayTy(ty.inner) })),
        );
      }
      case 'array':
        return this.visit(
          state,
          ty.inner,
          extend(trail, () => ({ label: 'element', ty: displayTy(ty.inner) })),
        );
      case 'fnptr': {
        if (ty.abi === null || ty.abi === 'Rust' || ty.abi === 'rust-call') return here('fnptr');
        for (let i = 0; i < ty.params.length; i++) {
          const param = ty.params[i];
          const r = this.visit(
            FUNC | THEORETICAL,
            param,
            extend(trail, () => ({ label: `parameter ${i + 1} of the fn pointer`, ty: displayTy(param) })),
          );
          if (r.kind !== 'safe') return r;
        }
        const ret = ty.ret;
        if (isUnit(ret)) return SAFE;
        return this.visit(
          FUNC | THEORETICAL | FN_RETURN,
          ret,
          extend(trail, () => ({ label: 'return type of the fn pointer', ty: displayTy(ret) })),
        );
      }
      case 'param':
      case 'foreign-safe':
        return SAFE;
      case 'unknown':
        this.unknowns.push(ty);
        return SAFE;
      case 'adt':
        return this.visitAdt(state, ty, trail);
    }
  }

  private visitAdt(state: number, ty: Ty & { k: 'adt' }, trail: Trail | null): Inner {
    const def = ty.def;
    const here = (reason: Reason): Inner => ({ kind: 'unsafe', ty, reason, trail });
    if (def === BOX && (this.inDefinedFunction(state) || (this.inFnPtr(state) && this.mode === 'definition'))) {
      return isSized(typeArg(ty.args, 0)) ? SAFE : here('box');
    }
    if (def.source === 'std' && def.category === 'phantom') return { kind: 'phantom', ty, trail };
    const shape = adtShape(ty);
    if (shape.kind === 'struct' || shape.kind === 'union') {
      if (def.source === 'std' && def.category === 'cstr' && !isMutablePtr(this.baseTy)) return here('cstr');
      if (!shape.c && !shape.transparent) return here(shape.kind === 'struct' ? 'struct-layout' : 'union-layout');
      if (shape.nonExhaustive) return here('non-exhaustive');
      if (!shape.variants[0].length) return here(shape.kind === 'struct' ? 'struct-fieldless' : 'union-fieldless');
      return this.visitVariant(state, ty, shape.transparent, shape.variants[0], trail);
    }
    if (!shape.variants.length) return SAFE;
    if (!shape.c && !shape.transparent && !shape.int) {
      // An Option-like enum around a type we cannot see (`Option<other_crate::Callback>`) may well be a
      // nullable pointer: we do not know, so we do not guess.
      const unknownPayload = optionLikePayload(shape.variants);
      if (unknownPayload && unknownPayload.k === 'unknown') {
        this.unknowns.push(unknownPayload);
        return SAFE;
      }
      const nullable = reprNullablePtr(shape.variants);
      if (nullable)
        return this.visit(
          state,
          nullable,
          extend(trail, () => ({ label: 'the nullable pointer it is represented as', ty: displayTy(nullable) })),
        );
      return here('enum-repr');
    }
    for (const [i, variant] of shape.variants.entries()) {
      const foreign = shape.foreignVariants?.[i];
      // As rustc: a non-exhaustive enum of another crate is unsafe only with a variant that is not a
      // constant (C-like enums from bindgen are fine); a non-exhaustive variant always is.
      if (foreign?.listNonExhaustive && foreign.shape !== 'unit') return here('non-exhaustive-enum');
      if (foreign?.nonExhaustive) return here('non-exhaustive-variant');
      const r = this.visitVariant(state, ty, shape.transparent, variant, trail, i);
      if (r.kind !== 'safe') return r;
    }
    return SAFE;
  }

  private visitVariant(
    state: number,
    ty: Ty,
    transparent: boolean,
    fields: FieldTy[],
    trail: Trail | null,
    variant = 0,
  ): Inner {
    let allZst = false;
    if (transparent) {
      const at = ty.k === 'adt' ? newtypeFieldIndex(ty, variant) : -1;
      const f = at >= 0 ? fields[at] : undefined;
      if (f) {
        const r = this.visit(
          state,
          f.ty,
          extend(trail, () => fieldStep(ty, f)),
        );
        if (!(r.kind === 'unsafe' && isUnit(r.ty))) return r;
      } else allZst = true;
    }
    let allPhantom = fields.length > 0;
    for (const f of fields) {
      const r = this.visit(
        state,
        f.ty,
        extend(trail, () => fieldStep(ty, f)),
      );
      if (r.kind === 'safe') allPhantom = false;
      else if (r.kind === 'unsafe' && isUnit(r.ty)) allPhantom = false;
      else if (r.kind === 'unsafe') return r;
    }
    if (allPhantom) return { kind: 'phantom', ty, trail };
    if (allZst) return { kind: 'unsafe', ty, reason: 'struct-zst', trail };
    return SAFE;
  }
}

function fieldStep(owner: Ty, f: FieldTy): ChainStep {
  const step: ChainStep = {
    label: f.name !== null ? `field \`${f.name}\` of \`${displayTy(owner)}\`` : `a field of \`${displayTy(owner)}\``,
    ty: displayTy(f.ty),
  };
  if (f.origin && owner.k === 'adt' && owner.def.source === 'local') {
    const r = owner.def.repr;
    step.field = {
      origin: f.origin,
      owner: displayTy(owner),
      name: f.name,
      ownerRepr: r.c ? 'c' : r.transparent ? 'transparent' : r.int ? 'int' : 'none',
    };
  }
  return step;
}

function isMutablePtr(t: Ty): boolean {
  return (t.k === 'ptr' || t.k === 'ref') && t.mutable;
}

/** The first `impl Trait` anywhere in the type, which rustc reports before anything else. */
function findOpaque(t: Ty): Ty | null {
  switch (t.k) {
    case 'opaque':
      return t;
    case 'ref':
    case 'ptr':
    case 'slice':
    case 'array':
      return findOpaque(t.inner);
    case 'tuple':
      for (const e of t.elems) {
        const o = findOpaque(e);
        if (o) return o;
      }
      return null;
    case 'adt':
      for (const a of t.args) {
        const o = findOpaque(a);
        if (o) return o;
      }
      return null;
    case 'fnptr':
      for (const a of [...t.params, t.ret]) {
        const o = findOpaque(a);
        if (o) return o;
      }
      return null;
    default:
      return null;
  }
}

// ---- layout facts ----

export interface FieldTy {
  name: string | null;
  ty: Ty;
  /** Where a workspace type's field is written. */
  origin?: Origin;
}

interface AdtShape {
  kind: 'struct' | 'union' | 'enum';
  c: boolean;
  transparent: boolean;
  int: string | null;
  nonExhaustive: boolean;
  /** Structs and unions: one entry. Enums: one per variant. */
  variants: FieldTy[][];
  /**
   * An enum of another crate of the workspace (a dependency's): per variant, its shape and whether it,
   * or the enum, is `#[non_exhaustive]` (which only binds outside the defining crate).
   */
  foreignVariants?: { shape: 'unit' | 'tuple' | 'struct'; nonExhaustive: boolean; listNonExhaustive: boolean }[];
}

const shapeCache = new Map<string, AdtShape>();

/** Clear memoised layouts, verdicts and type resolutions; the workspace calls this when any file changes. */
export function clearLayoutCache(): void {
  shapeCache.clear();
  verdicts = new WeakMap();
  forgetResolutions();
}

/** The fields of an ADT with its generic arguments substituted. */
export function adtShape(ty: Ty & { k: 'adt' }): AdtShape {
  const key = tyKey(ty);
  const cached = shapeCache.get(key);
  if (cached) return cached;
  const shape = ty.def.source === 'local' ? localShape(ty.def, ty.args, ty.consts) : stdShape(ty.def, ty.args);
  shapeCache.set(key, shape);
  return shape;
}

function localShape(def: LocalAdt, args: Ty[], consts: string[] | undefined): AdtShape {
  const item = def.item;
  const scope = scopeFor(def.module);
  const selfTy: Ty = consts ? { k: 'adt', def, args, consts } : { k: 'adt', def, args };
  scope.selfTy = selfTy;
  const params = item.generics.filter((g) => g.kind === 'type');
  params.forEach((g, i) => scope.generics.set(g.name, args[i] ?? { k: 'param', name: g.name }));
  // `[i8; N]` in `Title<16>` is `[i8; 16]`.
  if (consts?.length)
    scope.consts = new Map(
      item.generics.filter((g) => g.kind === 'const').map((g, i) => [g.name, consts[i] ?? g.name]),
    );
  const resolveFields = (fields: typeof item.fields): FieldTy[] =>
    fields.map((f) => ({ name: f.name, ty: resolveType(f.type, scope), origin: f.origin }));
  // `#[non_exhaustive]` binds only outside the defining crate: for a dependency's type (workspace/crates.ts).
  const foreign = def.module.crate.asDependency;
  const listNonExhaustive = foreign && isNonExhaustive(item.attrs);
  return {
    kind: item.kind,
    c: def.repr.c,
    transparent: def.repr.transparent,
    int: def.repr.int,
    nonExhaustive: item.kind !== 'enum' && listNonExhaustive,
    variants: item.kind === 'enum' ? item.variants.map((v) => resolveFields(v.fields)) : [resolveFields(item.fields)],
    ...(foreign && item.kind === 'enum'
      ? {
          foreignVariants: item.variants.map((v) => ({
            shape: v.shape,
            nonExhaustive: isNonExhaustive(v.attrs),
            listNonExhaustive,
          })),
        }
      : {}),
  };
}

function isNonExhaustive(attrs: readonly Attribute[]): boolean {
  return attrs.some((a) => a.name === 'non_exhaustive');
}

function stdShape(def: StdAdt, args: Ty[]): AdtShape {
  const toFields = (tys: Ty[]): FieldTy[] => tys.map((ty, i) => ({ name: String(i), ty }));
  const base = {
    kind: def.kind,
    c: false,
    transparent: false,
    int: null as string | null,
    nonExhaustive: !!def.nonExhaustive,
  };
  switch (def.category) {
    case 'transparent':
    case 'cstr':
      return { ...base, transparent: !!def.fields, variants: [toFields(def.fields ? def.fields(args) : [])] };
    case 'repr-c':
      return { ...base, c: true, variants: [toFields(def.fields ? def.fields(args) : [])] };
    case 'repr-int':
      return { ...base, int: 'i8', variants: def.kind === 'enum' ? [[], []] : [[]] };
    case 'plain-enum':
      return { ...base, variants: (def.variants ? def.variants(args) : []).map(toFields) };
    default:
      return {
        ...base,
        variants: [[{ name: '0', ty: { k: 'unknown', text: '(private)', why: 'private std field' } }]],
      };
  }
}

/** Whether the type has a size known at compile time (`str`, slices, trait objects do not). */
export function isSized(t: Ty | undefined): boolean {
  // A missing type argument (`Box<>` in half-typed code): nothing says it is unsized.
  if (!t) return true;
  switch (t.k) {
    case 'prim':
      return t.name !== 'str';
    case 'slice':
    case 'dyn':
      return false;
    case 'adt': {
      if (t.def.source === 'std') return t.def.sized;
      if (t.def.item.kind !== 'struct') return true;
      const fields = adtShape(t).variants[0];
      const last = fields[fields.length - 1];
      return !last || last.ty === t || isSized(last.ty);
    }
    default:
      return true;
  }
}

/**
 * The field of a `repr(transparent)` type that rustc checks in its place (`transparent_newtype_field`): the
 * first whose type as the definition writes it, its parameters not given, is not known to be a 1-ZST, or -1
 * when there is none. A field of a parameter's type is that field even where the argument is zero-sized
 * (`ManuallyDrop<T>` of an opaque `[u8; 0]` struct, cxx's `MaybeUninit<CxxString>`): its layout is not known
 * from the definition.
 */
function newtypeFieldIndex(ty: Ty & { k: 'adt' }, variant: number): number {
  const declared = adtShape(declaredOf(ty)).variants[variant] ?? [];
  return declared.findIndex((f) => !is1Zst(f.ty));
}

/** The type as its definition writes it: each parameter its own argument. */
function declaredOf(ty: Ty & { k: 'adt' }): Ty & { k: 'adt' } {
  const def = ty.def;
  if (def.source === 'std') return { k: 'adt', def, args: def.params.map((name) => ({ k: 'param', name })) };
  const args: Ty[] = [];
  const consts: string[] = [];
  for (const g of def.item.generics)
    if (g.kind === 'type') args.push({ k: 'param', name: g.name });
    else if (g.kind === 'const') consts.push(g.name);
  return consts.length ? { k: 'adt', def, args, consts } : { k: 'adt', def, args };
}

/** A zero-sized type with alignment 1: such fields do not count in a `repr(transparent)` type. */
export function is1Zst(t: Ty, depth = 0): boolean {
  if (depth > 16) return false;
  switch (t.k) {
    case 'tuple':
      return t.elems.every((e) => is1Zst(e, depth + 1));
    case 'array':
      return t.len.trim() === '0' && alignIs1(t.inner);
    case 'adt': {
      if (t.def.source === 'std') return t.def.category === 'phantom' || t.def.name === 'PhantomPinned';
      if (t.def.repr.align || t.def.repr.int) return false;
      const shape = adtShape(t);
      if (shape.kind === 'enum')
        return (
          shape.variants.length === 0 ||
          (shape.variants.length === 1 && shape.variants[0].every((f) => is1Zst(f.ty, depth + 1)))
        );
      return shape.variants[0].every((f) => is1Zst(f.ty, depth + 1));
    }
    default:
      return false;
  }
}

function alignIs1(t: Ty): boolean {
  if (t.k === 'prim') return ['u8', 'i8', 'bool'].includes(t.name);
  if (t.k === 'array') return alignIs1(t.inner);
  return is1Zst(t);
}

/** rustc's `is_niche_optimization_candidate`: a 1-ZST with nothing inside. */
function isNicheCandidate(t: Ty): boolean {
  if (!is1Zst(t)) return false;
  if (t.k === 'tuple') return t.elems.length === 0;
  if (t.k === 'adt') {
    const shape = adtShape(t);
    if (t.def.source === 'std' && t.def.category === 'phantom') return true;
    if (shape.kind === 'struct') return shape.variants[0].length === 0;
    if (shape.kind === 'enum') return shape.variants.length === 0;
  }
  return false;
}

/** The payload of an enum shaped like `Option` (one empty variant, one with a single field), if it is. */
function optionLikePayload(variants: FieldTy[][]): Ty | null {
  if (variants.length !== 2) return null;
  const [a, b] = variants;
  if (a.length === 0 && b.length === 1) return b[0].ty;
  if (a.length === 1 && b.length === 0) return a[0].ty;
  return null;
}

/**
 * rustc's `repr_nullable_ptr`: an Option-like enum (two variants, one payload) whose payload is a
 * non-null thin pointer is laid out as that pointer. Returns the type it is represented as, or null.
 */
function reprNullablePtr(variants: FieldTy[][]): Ty | null {
  if (variants.length !== 2) return null;
  const [a, b] = variants;
  let field: Ty;
  if (a.length === 0 && b.length === 1) field = b[0].ty;
  else if (a.length === 1 && b.length === 0) field = a[0].ty;
  else if (a.length === 1 && b.length === 1) {
    if (isNicheCandidate(a[0].ty)) field = b[0].ty;
    else if (isNicheCandidate(b[0].ty)) field = a[0].ty;
    else return null;
  } else return null;
  if (!isKnownNonNull(field) || isWide(field)) return null;
  return nullableType(field);
}

function isKnownNonNull(t: Ty, depth = 0): boolean {
  if (depth > 16) return false;
  if (t.k === 'fnptr' || t.k === 'ref') return true;
  if (t.k !== 'adt') return false;
  if (t.def === BOX) return true;
  const shape = adtShape(t);
  if (!shape.transparent || shape.kind === 'union') return false;
  if (t.def.source === 'std' && t.def.nonnullGuaranteed) return true;
  if (t.def.source === 'std' && t.def.unsafeCell) return false;
  return shape.variants.some((v) => {
    const f = v.find((x) => !is1Zst(x.ty));
    return !!f && isKnownNonNull(f.ty, depth + 1);
  });
}

/** A pointer to an unsized type is two words: it has no single-scalar niche. */
function isWide(t: Ty, depth = 0): boolean {
  if (depth > 16) return false;
  if (t.k === 'ref' || t.k === 'ptr') return !isSized(t.inner);
  if (t.k !== 'adt') return false;
  if (t.def === BOX) return !isSized(typeArg(t.args, 0));
  const shape = adtShape(t);
  if (!shape.transparent) return false;
  const f = shape.variants[0]?.find((x) => !is1Zst(x.ty));
  return !!f && isWide(f.ty, depth + 1);
}

/** rustc's `get_nullable_type`: references and boxes become raw pointers, wrappers their payload. */
function nullableType(t: Ty, depth = 0): Ty {
  if (depth > 16) return t;
  if (t.k === 'ref') return { k: 'ptr', mutable: t.mutable, inner: t.inner };
  if (t.k !== 'adt') return t;
  if (t.def === BOX) return { k: 'ptr', mutable: false, inner: typeArg(t.args, 0) };
  const shape = adtShape(t);
  const f = shape.variants[0]?.find((x) => !is1Zst(x.ty));
  return f ? nullableType(f.ty, depth + 1) : t;
}
