import { adtShape } from '../analysis/ffi';
import { layoutOf } from '../analysis/layout';
import { displayTy, isUnit, LocalAdt, Ty } from '../workspace/types';
import type { CField, CSignature, CType } from './c-signature';

/**
 * What a C caller sees of a Rust signature (abi/c-signature.ts): resolved types reduced to C types.
 * A type with no C equivalent (`&str`, `String`, a Rust-ABI `fn`) becomes `unknown`, which the
 * comparison never reports on (its own rule does).
 */

/** The C signature of a function with these resolved parameter and return types. */
export function rustSignature(abi: string, params: Ty[], ret: Ty | null, variadic: boolean): CSignature {
  return {
    kind: 'function',
    abi,
    params: params.map((p) => cTypeOfTy(p)),
    ret: ret ? cTypeOfTy(ret) : { k: 'void' },
    variadic,
  };
}

/** The C signature of a static of this type. */
export function rustStaticSignature(ty: Ty): CSignature {
  return { kind: 'static', abi: 'C', params: [], ret: cTypeOfTy(ty), variadic: false };
}

const INTS: Record<string, { size: number; signed: boolean }> = {
  i8: { size: 1, signed: true },
  i16: { size: 2, signed: true },
  i32: { size: 4, signed: true },
  i64: { size: 8, signed: true },
  i128: { size: 16, signed: true },
  isize: { size: 8, signed: true },
  u8: { size: 1, signed: false },
  u16: { size: 2, signed: false },
  u32: { size: 4, signed: false },
  u64: { size: 8, signed: false },
  u128: { size: 16, signed: false },
  usize: { size: 8, signed: false },
};

/** A primitive by its Rust name (`u32`, `f64`, `bool`), or null. */
export function primCType(name: string, text: string = name): CType | null {
  const int = INTS[name];
  if (int) return { k: 'int', ...int, text };
  if (name === 'f32') return { k: 'float', size: 4, text };
  if (name === 'f64') return { k: 'float', size: 8, text };
  if (name === 'bool') return { k: 'bool', text };
  if (name === '!') return { k: 'void', text };
  return null;
}

/**
 * The C type of a resolved Rust type. `stack` holds the structs being described, so a struct that
 * points at itself ends in an `opaque` of its name instead of recursing.
 */
export function cTypeOfTy(ty: Ty, stack: readonly string[] = []): CType {
  const text = displayTy(ty);
  if (stack.length > 24) return { k: 'unknown', text };
  switch (ty.k) {
    case 'prim':
      return primCType(ty.name, text) ?? { k: 'unknown', text };
    case 'tuple':
      return isUnit(ty) ? { k: 'void', text } : { k: 'unknown', text };
    case 'ptr':
    case 'ref':
      return pointerTo(ty.inner, text, stack, ty.mutable);
    case 'array': {
      const len = Number(ty.len);
      return Number.isInteger(len)
        ? { k: 'array', elem: cTypeOfTy(ty.inner, stack), len, text }
        : { k: 'unknown', text };
    }
    case 'fnptr':
      if (ty.abi === null || ty.abi === 'Rust') return { k: 'unknown', text };
      return {
        k: 'fn',
        sig: {
          kind: 'function',
          abi: ty.abi,
          params: ty.params.map((p) => cTypeOfTy(p, stack)),
          ret: cTypeOfTy(ty.ret, stack),
          variadic: ty.variadic,
        },
        text,
      };
    case 'adt':
      return adtCType(ty, text, stack);
    default:
      return { k: 'unknown', text };
  }
}

/** `*const T`, `&mut T`, `Box<T>`, `NonNull<T>`: one address; what it points at, compared behind it. */
function pointerTo(inner: Ty, text: string, stack: readonly string[], mutable: boolean): CType {
  if (inner.k === 'fnptr') return { ...cTypeOfTy(inner, stack), text };
  if (inner.k === 'prim' && inner.name === 'str') return { k: 'unknown', text };
  if (inner.k === 'slice' || inner.k === 'dyn') return { k: 'unknown', text };
  let to = cTypeOfTy(inner, stack);
  if (to.k === 'unknown') {
    // A pointer to something without a C layout is still a pointer: C sees an incomplete type.
    if (inner.k === 'adt' || inner.k === 'foreign-safe' || inner.k === 'opaque' || inner.k === 'unknown')
      to = { k: 'opaque', name: displayTy(inner) };
    else return { k: 'unknown', text };
  }
  return { k: 'ptr', to, mutable, text };
}

function adtCType(ty: Ty & { k: 'adt' }, text: string, stack: readonly string[]): CType {
  const def = ty.def;
  if (def.source === 'std') {
    if (def.name === 'c_void') return { k: 'void', text };
    if (def.name === 'Box' || def.name === 'NonNull')
      return ty.args[0] ? pointerTo(ty.args[0], text, stack, true) : { k: 'unknown', text };
    if (def.name === 'Option') {
      const inner = ty.args[0];
      if (!inner) return { k: 'unknown', text };
      if (inner.k === 'ref' || inner.k === 'ptr' || inner.k === 'fnptr') return { ...cTypeOfTy(inner, stack), text };
      if (inner.k === 'adt' && inner.def.source === 'std' && ['Box', 'NonNull', 'NonZero'].includes(inner.def.name))
        return { ...cTypeOfTy(inner, stack), text };
      return { k: 'unknown', text };
    }
    if (def.category === 'transparent' || def.category === 'repr-c') {
      const fields = (adtShape(ty).variants[0] ?? []).filter((f) => !isZeroSized(f.ty));
      if (def.category === 'transparent' || def.name.startsWith('Atomic'))
        return fields.length === 1 ? { ...cTypeOfTy(fields[0].ty, stack), text } : { k: 'unknown', text };
    }
    return { k: 'unknown', text };
  }
  const repr = def.repr;
  const shape = adtShape(ty);
  if (repr.transparent) {
    const fields = (shape.variants[0] ?? []).filter((f) => !isZeroSized(f.ty));
    return fields.length === 1 ? { ...cTypeOfTy(fields[0].ty, stack), text } : { k: 'unknown', text };
  }
  if (def.item.kind === 'enum') {
    if (!shape.variants.every((v) => v.length === 0)) return { k: 'unknown', text };
    if (repr.int) return primCType(repr.int, text) ?? { k: 'unknown', text };
    if (repr.c) return { k: 'int', size: 4, signed: true, text };
    return { k: 'unknown', text };
  }
  if (!repr.c) return { k: 'unknown', text };
  const key = displayTy(ty);
  if (stack.includes(key)) return { k: 'opaque', name: key, text };
  // Described from the top, a struct is the same whichever symbol names it: a `-sys` crate's hundreds of
  // functions taking `*mut stat` describe it once. (Inside another struct, what it may point back to differs.)
  if (stack.length) return recordCType(ty, def, text, stack, key);
  let described = RECORDS.get(def);
  if (!described) RECORDS.set(def, (described = new Map<string, CType>()));
  let record = described.get(key);
  if (!record) described.set(key, (record = recordCType(ty, def, text, stack, key)));
  return record;
}

/** Described records by their definition (a crate's, released with it) and their spelling with arguments. */
const RECORDS = new WeakMap<object, Map<string, CType>>();

/** A `#[repr(C)]` struct or union with its C layout: size, alignment, and each field's offset and type. */
function recordCType(ty: Ty & { k: 'adt' }, def: LocalAdt, text: string, stack: readonly string[], key: string): CType {
  const repr = def.repr;
  const shape = adtShape(ty);
  const layout = layoutOf(ty);
  if (!layout) return { k: 'unknown', text };
  const inner = [...stack, key];
  const fields: CField[] = [];
  let offset = 0;
  for (const f of shape.variants[0] ?? []) {
    const l = layoutOf(f.ty);
    if (!l) return { k: 'unknown', text };
    if (l.size === 0) continue; // zero-sized fields (`PhantomData`) take no place: C has none
    const align = repr.packed ? 1 : l.align;
    const at = def.item.kind === 'union' ? 0 : Math.ceil(offset / align) * align;
    fields.push({ name: f.name ?? String(fields.length), offset: at, type: cTypeOfTy(f.ty, inner) });
    offset = at + l.size;
  }
  return {
    k: 'record',
    tag: def.item.kind === 'union' ? 'union' : 'struct',
    name: def.item.name,
    size: layout.size,
    align: layout.align,
    fields,
    text,
  };
}

function isZeroSized(t: Ty): boolean {
  const l = layoutOf(t);
  return l !== null && l.size === 0;
}
