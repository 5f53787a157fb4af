import { adtShape } from '../analysis/ffi';
import { typeArg } from '../workspace/std-types';
import { displayTy, genericArgsInOrder, isUnit, LocalAdt, Ty, UNIT } from '../workspace/types';

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
  // `size_t` / `ptrdiff_t`: what C code uses for sizes and counts; the same width as `usize` / `isize`
  // on every target Rust's std supports, and what readers of a header expect for lengths.
  isize: 'ptrdiff_t',
  u8: 'uint8_t',
  u16: 'uint16_t',
  u32: 'uint32_t',
  u64: 'uint64_t',
  u128: 'unsigned __int128',
  usize: 'size_t',
  f32: 'float',
  f64: 'double',
  bool: 'bool',
  '!': 'void',
};

/**
 * How workspace types are named in C. The header renames types whose bare names clash (`geo::Point`
 * and `screen::Point` become `geo_Point` and `screen_Point`); everywhere else the bare name is used.
 */
export interface CNames {
  /** The C name of a workspace struct, union or enum, before any generic-argument suffix. */
  adtName(def: LocalAdt): string;
}

export const BARE_NAMES: CNames = { adtName: (def) => cIdentifier(def.item.name) };

/** A C declaration of `name` with type `ty` (`name` empty for an abstract declarator), or null. */
export function cDeclaration(ty: Ty, name: string, names: CNames = BARE_NAMES): string | null {
  return declare(ty, name, 0, names);
}

/** The C type of `ty` alone (`const char *`), or null when it has none. */
export function cTypeName(ty: Ty, names: CNames = BARE_NAMES): string | null {
  return declare(ty, '', 0, names);
}

/** C keywords and names the standard headers we include reserve: a Rust identifier may be one. */
const C_RESERVED = new Set(
  (
    'auto break case char const continue default do double else enum extern float for goto if inline int long register restrict ' +
    'return short signed sizeof static struct switch typedef union unsigned void volatile while _Bool _Complex _Imaginary ' +
    'bool true false NULL size_t ptrdiff_t ' +
    // C++ keywords: the header also compiles as C++.
    'alignas alignof and asm catch class char16_t char32_t constexpr const_cast decltype delete dynamic_cast explicit ' +
    'export friend mutable namespace new noexcept not nullptr operator or private protected public reinterpret_cast ' +
    'static_assert static_cast template this thread_local throw try typeid typename using virtual wchar_t xor'
  ).split(' '),
);

/**
 * A name the header can declare as it is: a C identifier that is no keyword of C or C++ and no name the
 * included headers define. An exported symbol's link name is fixed, so one that is not is left out.
 */
export function isCIdentifier(name: string): boolean {
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(name) && !C_RESERVED.has(name) && !/^u?int(8|16|32|64|ptr)_t$/.test(name);
}

/** A Rust identifier usable as a C identifier: `int` → `int_`, raw `r#type` → `type`. */
export function cIdentifier(name: string): string {
  const bare = name.replace(/^r#/, '');
  return C_RESERVED.has(bare) || /^u?int(8|16|32|64|ptr)_t$/.test(bare) ? `${bare}_` : bare;
}

/** A fieldless enum with an integer repr: C names it by a typedef of that integer (`typedef uint8_t Mode;`). */
export function isIntReprEnum(def: LocalAdt): boolean {
  return def.item.kind === 'enum' && def.repr.int !== null && def.item.variants.every((v) => v.fields.length === 0);
}

/** The C integer type an integer repr stands for (`u8` → `uint8_t`). */
export function cIntType(repr: string): string | null {
  return PRIMS[repr] ?? null;
}

/** `base declarator`, const-qualified when the object is (the pointee of a `*const` pointer). */
function qualified(base: string, declarator: string, constSelf: boolean): string {
  return join(`${constSelf ? 'const ' : ''}${base}`, declarator);
}

function join(base: string, declarator: string): string {
  if (!declarator) return base;
  return base.endsWith('*') ? `${base}${declarator}` : `${base} ${declarator}`;
}

/**
 * The C declaration of `declarator` as a `ty`, built inside out as C declarators are. `constSelf`: the
 * object itself is const, because a `*const` pointer points at it (`*const *const c_char` → `const char *const *p`).
 */
function declare(ty: Ty, declarator: string, depth: number, names: CNames, constSelf = false): string | null {
  if (depth > 16) return null;
  switch (ty.k) {
    case 'prim': {
      const c = ty.cAlias ?? PRIMS[ty.name];
      return c ? qualified(c, declarator, constSelf) : null;
    }
    case 'tuple':
      return isUnit(ty) ? qualified('void', declarator, constSelf) : null;
    case 'ptr':
    case 'ref': {
      if (ty.inner.k === 'fnptr') return declare(ty.inner, `(*${declarator})`, depth + 1, names);
      // A crate's own `enum c_void { … }` (the idiom before `core::ffi::c_void`) is C's `void`, as in cbindgen.
      if (isOwnCVoid(ty.inner)) return declare({ ...ty, inner: UNIT }, declarator, depth, names, constSelf);
      const star = `*${constSelf ? `const${declarator ? ' ' : ''}` : ''}${declarator}`;
      // A pointer to an array is `T (*p)[N]`, not an array of pointers.
      const direct = declare(ty.inner, ty.inner.k === 'array' ? `(${star})` : star, depth + 1, names, !ty.mutable);
      if (direct !== null) return direct;
      const inner = pointeeName(ty.inner, names);
      if (inner === null) return null;
      return `${ty.mutable ? '' : 'const '}${inner} ${star}`;
    }
    case 'array':
      return declare(ty.inner, `${declarator}[${ty.len}]`, depth + 1, names, constSelf);
    case 'fnptr': {
      if (ty.abi === null || ty.abi === 'Rust') return null;
      const params = ty.params.map((p) => declare(p, '', depth + 1, names));
      if (params.some((p) => p === null)) return null;
      const list = params.length ? params.join(', ') + (ty.variadic ? ', ...' : '') : ty.variadic ? '...' : 'void';
      return declare(ty.ret, `(*${constSelf ? 'const ' : ''}${declarator})(${list})`, depth + 1, names);
    }
    case 'foreign-safe': {
      // An FFI crate's type: the C spelling of the few that have a plain one (`char_p::Ref` is a
      // `const char *`); the others are the crate's own structs, which its own header tool names.
      const c = ty.crate ? ffiCrateCType(ty.crate, ty.text) : ty.text;
      return c === null ? null : qualified(c, declarator, constSelf);
    }
    case 'adt':
      return adtDeclaration(ty, declarator, depth, names, constSelf);
    default:
      return null;
  }
}

/** safer_ffi's NUL-terminated strings are C strings; no other FFI crate type has a C spelling we can write. */
function ffiCrateCType(crate: string, text: string): string | null {
  if (crate !== 'safer_ffi') return null;
  const path = text.replace(/<.*$/s, '').replace(/\s+/g, '').split('::');
  const name = path.slice(-2).join('::');
  if (name === 'char_p::Ref' || path[path.length - 1] === 'char_p_ref') return 'const char *';
  if (name === 'char_p::Box' || path[path.length - 1] === 'char_p_boxed') return 'char *';
  return null;
}

/** A workspace enum named `c_void` without fields: C code knows it as `void`. */
function isOwnCVoid(ty: Ty): boolean {
  return (
    ty.k === 'adt' &&
    ty.def.source === 'local' &&
    ty.def.item.kind === 'enum' &&
    ty.def.item.name === 'c_void' &&
    ty.def.item.variants.every((v) => v.fields.length === 0)
  );
}

/** What a pointer points to: anything sized with a C name, and `void` for opaque or unknown pointees. */
function pointeeName(ty: Ty, names: CNames): string | null {
  if (ty.k === 'tuple' && ty.elems.length === 0) return 'void';
  const named = cTypeName(ty, names);
  if (named !== null) return named;
  if (ty.k === 'adt' && ty.def.source === 'local')
    return `${ty.def.item.kind === 'union' ? 'union' : 'struct'} ${names.adtName(ty.def)}`;
  if (ty.k === 'prim' && (ty.name === 'str' || ty.name === 'char')) return null;
  if (ty.k === 'slice' || ty.k === 'dyn') return null;
  return 'void';
}

function adtDeclaration(
  ty: Ty & { k: 'adt' },
  declarator: string,
  depth: number,
  names: CNames,
  constSelf: boolean,
): string | null {
  const def = ty.def;
  if (def.source === 'std') {
    if (def.name === 'c_void') return qualified('void', declarator, constSelf);
    if (def.name === 'Option' || def.name === 'NonNull' || def.name === 'Box' || def.category === 'transparent') {
      const inner = nullablePayload(ty);
      return inner ? declare(inner, declarator, depth + 1, names, constSelf) : null;
    }
    if (def.category === 'repr-c' && def.name.startsWith('Atomic')) {
      const field = adtShape(ty).variants[0][0];
      return field ? declare(field.ty, declarator, depth + 1, names, constSelf) : null;
    }
    return null;
  }
  const repr = def.repr;
  if (repr.transparent) {
    const field = adtShape(ty).variants[0]?.[0];
    return field ? declare(field.ty, declarator, depth + 1, names, constSelf) : null;
  }
  // The typedef the header declares beside the enum's constants: C's own `enum` would be `int`-sized.
  if (isIntReprEnum(def)) return PRIMS[repr.int!] ? qualified(names.adtName(def), declarator, constSelf) : null;
  if (!repr.c) return null;
  const tag =
    def.item.kind === 'union'
      ? 'union'
      : def.item.kind === 'enum' && def.item.variants.every((v) => v.fields.length === 0)
        ? 'enum'
        : 'struct';
  return qualified(`${tag} ${mangledName(ty, names, true)}`, declarator, constSelf);
}

/**
 * The C name of one instance of a generic type, spelt as cbindgen spells it so headers can be compared:
 * `Title<16>` → `Title_16`, `Mixed<u32, 4>` → `Mixed_u32__4`. Cbindgen's separators are runs of
 * underscores: 1 opens the arguments, 2 separates them, 3 closes a nested list that is not last, 4 and
 * 5 start `*mut` and `*const` pointers.
 */
function mangledName(ty: Ty & { k: 'adt' }, names: CNames, last: boolean): string {
  const name = names.adtName(ty.def as LocalAdt);
  const args = genericArgsInOrder(ty);
  if (!args.length) return name;
  const parts = args.map((a, i) => mangledArg(a, names, last && i === args.length - 1));
  return `${name}_${parts.join('__')}${last ? '' : '___'}`;
}

function mangledArg(a: Ty | string, names: CNames, last: boolean): string {
  if (typeof a === 'string') return a.replace(/\W+/g, '_');
  if (a.k === 'ptr') return `${a.mutable ? '____' : '_____'}${mangledArg(a.inner, names, last)}`;
  if (a.k === 'adt' && a.def.source === 'local') return mangledName(a, names, last);
  return displayTy(a).replace(/\W+/g, '_');
}

/** `Option<&T>`, `NonNull<T>`, `Box<T>` and transparent wrappers, as the pointer or value they carry. */
function nullablePayload(ty: Ty & { k: 'adt' }): Ty | null {
  const def = ty.def;
  if (def.source !== 'std') return null;
  if (def.name === 'Box') return { k: 'ptr', mutable: true, inner: typeArg(ty.args, 0) };
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

/**
 * A C prototype (`int32_t f(const char *name, size_t len);`). A type without a C spelling makes it null,
 * or, with `sketch` (for hovers), a comment in its place naming the Rust type.
 */
export function cPrototype(
  name: string,
  params: { name: string; ty: Ty }[],
  ret: Ty | null,
  variadic: boolean,
  options: { names?: CNames; sketch?: boolean } = {},
): string | null {
  const names = options.names ?? BARE_NAMES;
  const ps: string[] = [];
  for (const p of params) {
    const declarator = p.name === '_' || !/^(r#)?[A-Za-z_]\w*$/.test(p.name) ? '' : cIdentifier(p.name);
    const d = cDeclaration(p.ty, declarator, names);
    if (d === null && !options.sketch) return null;
    ps.push(d ?? `/* ${displayTy(p.ty)}: no C type */ ${declarator}`.trimEnd());
  }
  if (variadic) ps.push('...');
  const declarator = `${name}(${ps.length ? ps.join(', ') : 'void'})`;
  const full = ret ? cDeclaration(ret, declarator, names) : `void ${declarator}`;
  if (full === null && !options.sketch) return null;
  return `${full ?? `/* ${displayTy(ret!)}: no C type */ ${declarator}`};`;
}
