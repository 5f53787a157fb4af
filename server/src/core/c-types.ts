import { adtShape } from './ffi';
import { displayTy, isUnit, Ty } from './types';

/**
 * C spellings of FFI-safe Rust types, for hovers, the report and the header: `uint32_t`,
 * `const char *`, `struct Point`, `int32_t (*cb)(const char *)`. A type with no C equivalent has none
 * (null), never an invented one.
 */

const PRIMS: Record<string, string> = {
  i8: 'int8_t',
  i16: 'int16_t',
  i32: 'int32_t',
  i64: 'int64_t',
  i128: '__int128',
  isize: 'intptr_t',
  u8: 'uint8_t',
  u16: 'uint16_t',
  u32: 'uint32_t',
  u64: 'uint64_t',
  u128: 'unsigned __int128',
  usize: 'uintptr_t',
  f32: 'float',
  f64: 'double',
  bool: 'bool',
  '!': 'void',
};

/** A C declaration of `name` with type `ty` (`name` empty for an abstract declarator), or null. */
export function cDeclaration(ty: Ty, name: string): string | null {
  return declare(ty, name, 0);
}

/** The C type of `ty` alone (`const char *`), or null when it has none. */
export function cTypeName(ty: Ty): string | null {
  return declare(ty, '', 0);
}

function join(base: string, declarator: string): string {
  if (!declarator) return base;
  return base.endsWith('*') ? `${base}${declarator}` : `${base} ${declarator}`;
}

function declare(ty: Ty, declarator: string, depth: number): string | null {
  if (depth > 16) return null;
  switch (ty.k) {
    case 'prim': {
      const c = ty.cAlias ?? PRIMS[ty.name];
      return c ? join(c, declarator) : null;
    }
    case 'tuple':
      return isUnit(ty) ? join('void', declarator) : null;
    case 'ptr':
    case 'ref': {
      const constness = ty.mutable ? '' : 'const ';
      if (ty.inner.k === 'fnptr') return declare(ty.inner, `(*${declarator})`, depth + 1);
      const inner = pointeeName(ty.inner);
      if (inner === null) return null;
      return `${constness}${inner} *${declarator}`;
    }
    case 'array':
      return declare(ty.inner, `${declarator}[${ty.len}]`, depth + 1);
    case 'fnptr': {
      if (ty.abi === null || ty.abi === 'Rust') return null;
      const params = ty.params.map((p) => declare(p, '', depth + 1));
      if (params.some((p) => p === null)) return null;
      const list = params.length ? params.join(', ') + (ty.variadic ? ', ...' : '') : ty.variadic ? '...' : 'void';
      return declare(ty.ret, `(*${declarator})(${list})`, depth + 1);
    }
    case 'foreign-safe':
      return join(ty.text, declarator);
    case 'adt':
      return adtDeclaration(ty, declarator, depth);
    default:
      return null;
  }
}

/** What a pointer points to: anything sized with a C name, and `void` for opaque or unknown pointees. */
function pointeeName(ty: Ty): string | null {
  if (ty.k === 'tuple' && ty.elems.length === 0) return 'void';
  const named = cTypeName(ty);
  if (named !== null) return named;
  if (ty.k === 'adt' && ty.def.source === 'local') return `struct ${ty.def.item.name}`;
  if (ty.k === 'prim' && (ty.name === 'str' || ty.name === 'char')) return null;
  if (ty.k === 'slice' || ty.k === 'dyn') return null;
  return 'void';
}

function adtDeclaration(ty: Ty & { k: 'adt' }, declarator: string, depth: number): string | null {
  const def = ty.def;
  if (def.source === 'std') {
    if (def.name === 'c_void') return join('void', declarator);
    if (def.name === 'Option' || def.name === 'NonNull' || def.name === 'Box' || def.category === 'transparent') {
      const inner = nullablePayload(ty);
      return inner ? declare(inner, declarator, depth + 1) : null;
    }
    if (def.category === 'repr-c' && def.name.startsWith('Atomic')) {
      const field = adtShape(ty).variants[0][0];
      return field ? declare(field.ty, declarator, depth + 1) : null;
    }
    return null;
  }
  const repr = def.repr;
  if (repr.transparent) {
    const field = adtShape(ty).variants[0]?.[0];
    return field ? declare(field.ty, declarator, depth + 1) : null;
  }
  if (def.item.kind === 'enum' && repr.int && def.item.variants.every((v) => v.fields.length === 0)) {
    return join(PRIMS[repr.int] ?? 'int', declarator);
  }
  if (!repr.c) return null;
  const tag = def.item.kind === 'union' ? 'union' : def.item.kind === 'enum' && def.item.variants.every((v) => v.fields.length === 0) ? 'enum' : 'struct';
  const args = ty.args.length ? `_${ty.args.map((a) => displayTy(a).replace(/\W+/g, '_')).join('_')}` : '';
  return join(`${tag} ${def.item.name}${args}`, declarator);
}

/** `Option<&T>`, `NonNull<T>`, `Box<T>` and transparent wrappers, as the pointer or value they carry. */
function nullablePayload(ty: Ty & { k: 'adt' }): Ty | null {
  const def = ty.def;
  if (def.source !== 'std') return null;
  if (def.name === 'Box') return { k: 'ptr', mutable: true, inner: ty.args[0] };
  if (def.name === 'Option') {
    const inner = ty.args[0];
    if (!inner) return null;
    if (inner.k === 'ref' || inner.k === 'ptr' || inner.k === 'fnptr') return inner;
    if (inner.k === 'adt') return nullablePayload(inner);
    return null;
  }
  const field = adtShape(ty).variants[0]?.find((f) => !(f.ty.k === 'tuple' && f.ty.elems.length === 0));
  return field ? field.ty : null;
}
