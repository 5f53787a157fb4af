import STD_TYPE_NAMES from './std-type-names.json';
import type { StdAdt, Ty } from './types';

/**
 * The std, core and alloc types we know the layout of, as rustc 1.95 defines them for x86_64 Linux,
 * plus the C type aliases. A std path we do not know resolves to "unknown", never to a guess.
 */

const prim = (name: string): Ty => ({ k: 'prim', name });
/** A type's `i`th generic argument; unknown where the source leaves it out (an edit in progress, an error). */
export function typeArg(args: readonly Ty[], i: number): Ty {
  return args[i] ?? { k: 'unknown', text: '_', why: 'missing generic argument' };
}
const arg = typeArg;

function adt(def: StdAdt, args: Ty[] = []): Ty {
  return { k: 'adt', def, args };
}

const defs: StdAdt[] = [];
function define(d: Omit<StdAdt, 'source' | 'sized'> & { sized?: boolean }): StdAdt {
  const full: StdAdt = { source: 'std', sized: true, ...d };
  defs.push(full);
  return full;
}

export const BOX = define({ name: 'Box', path: 'std::boxed::Box', kind: 'struct', category: 'box', params: ['T'] });
export const PHANTOM_DATA = define({
  name: 'PhantomData',
  path: 'std::marker::PhantomData',
  kind: 'struct',
  category: 'phantom',
  params: ['T'],
});
export const OPTION = define({
  name: 'Option',
  path: 'std::option::Option',
  kind: 'enum',
  category: 'plain-enum',
  params: ['T'],
  variants: (a) => [[], [arg(a, 0)]],
});
export const RESULT = define({
  name: 'Result',
  path: 'std::result::Result',
  kind: 'enum',
  category: 'plain-enum',
  params: ['T', 'E'],
  variants: (a) => [[arg(a, 0)], [arg(a, 1)]],
});
const UNSAFE_CELL = define({
  name: 'UnsafeCell',
  path: 'std::cell::UnsafeCell',
  kind: 'struct',
  category: 'transparent',
  params: ['T'],
  unsafeCell: true,
  fields: (a) => [arg(a, 0)],
});
const MANUALLY_DROP = define({
  name: 'ManuallyDrop',
  path: 'std::mem::ManuallyDrop',
  kind: 'struct',
  category: 'transparent',
  params: ['T'],
  fields: (a) => [arg(a, 0)],
});
const NON_NULL = define({
  name: 'NonNull',
  path: 'std::ptr::NonNull',
  kind: 'struct',
  category: 'transparent',
  params: ['T'],
  nonnullGuaranteed: true,
  fields: (a) => [{ k: 'ptr', mutable: false, inner: arg(a, 0) }],
});
export const NON_ZERO = define({
  name: 'NonZero',
  path: 'std::num::NonZero',
  kind: 'struct',
  category: 'transparent',
  params: ['T'],
  nonnullGuaranteed: true,
  fields: (a) => [arg(a, 0)],
});

define({
  name: 'MaybeUninit',
  path: 'std::mem::MaybeUninit',
  kind: 'union',
  category: 'transparent',
  params: ['T'],
  fields: (a) => [{ k: 'tuple', elems: [] }, adt(MANUALLY_DROP, [arg(a, 0)])],
});
define({
  name: 'Cell',
  path: 'std::cell::Cell',
  kind: 'struct',
  category: 'transparent',
  params: ['T'],
  fields: (a) => [adt(UNSAFE_CELL, [arg(a, 0)])],
});
define({
  name: 'SyncUnsafeCell',
  path: 'std::cell::SyncUnsafeCell',
  kind: 'struct',
  category: 'transparent',
  params: ['T'],
  fields: (a) => [adt(UNSAFE_CELL, [arg(a, 0)])],
});
define({
  name: 'Wrapping',
  path: 'std::num::Wrapping',
  kind: 'struct',
  category: 'transparent',
  params: ['T'],
  fields: (a) => [arg(a, 0)],
});
define({
  name: 'Saturating',
  path: 'std::num::Saturating',
  kind: 'struct',
  category: 'transparent',
  params: ['T'],
  fields: (a) => [arg(a, 0)],
});
define({
  name: 'Pin',
  path: 'std::pin::Pin',
  kind: 'struct',
  category: 'transparent',
  params: ['P'],
  fields: (a) => [arg(a, 0)],
});
define({
  name: 'AssertUnwindSafe',
  path: 'std::panic::AssertUnwindSafe',
  kind: 'struct',
  category: 'plain-struct',
  params: ['T'],
});
define({
  name: 'Ordering',
  display: 'std::cmp::Ordering',
  path: 'std::cmp::Ordering',
  kind: 'enum',
  category: 'repr-int',
  params: [],
});
define({
  name: 'Ordering',
  display: 'std::sync::atomic::Ordering',
  path: 'std::sync::atomic::Ordering',
  kind: 'enum',
  category: 'plain-enum',
  params: [],
  variants: () => [[], [], [], [], []],
});
define({
  name: 'ErrorKind',
  path: 'std::io::ErrorKind',
  kind: 'enum',
  category: 'plain-enum',
  params: [],
  variants: () => [[], [], []],
});
define({
  name: 'Reverse',
  path: 'std::cmp::Reverse',
  kind: 'struct',
  category: 'transparent',
  params: ['T'],
  fields: (a) => [arg(a, 0)],
});
// `#[rustc_nonnull_optimization_guaranteed]` with -1 as the niche: `Option<OwnedFd>` is an `int`.
define({
  name: 'BorrowedFd',
  path: 'std::os::fd::BorrowedFd',
  kind: 'struct',
  category: 'transparent',
  params: [],
  nonnullGuaranteed: true,
  fields: () => [prim('i32')],
});
define({
  name: 'OwnedFd',
  path: 'std::os::fd::OwnedFd',
  kind: 'struct',
  category: 'transparent',
  params: [],
  nonnullGuaranteed: true,
  fields: () => [prim('i32')],
});
define({ name: 'c_void', path: 'core::ffi::c_void', kind: 'enum', category: 'repr-int', params: [] });

for (const [name, inner] of [
  ['AtomicBool', prim('u8')],
  ['AtomicI8', prim('i8')],
  ['AtomicU8', prim('u8')],
  ['AtomicI16', prim('i16')],
  ['AtomicU16', prim('u16')],
  ['AtomicI32', prim('i32')],
  ['AtomicU32', prim('u32')],
  ['AtomicI64', prim('i64')],
  ['AtomicU64', prim('u64')],
  ['AtomicIsize', prim('isize')],
  ['AtomicUsize', prim('usize')],
] as const) {
  define({
    name,
    path: `std::sync::atomic::${name}`,
    kind: 'struct',
    category: 'repr-c',
    params: [],
    fields: () => [adt(UNSAFE_CELL, [inner])],
  });
}
define({
  name: 'AtomicPtr',
  path: 'std::sync::atomic::AtomicPtr',
  kind: 'struct',
  category: 'repr-c',
  params: ['T'],
  fields: (a) => [adt(UNSAFE_CELL, [{ k: 'ptr', mutable: true, inner: arg(a, 0) }])],
});

// CStr, OsStr and Path are `repr(transparent)` over a slice: behind `*mut` rustc reaches the slice.
export const CSTR = define({
  name: 'CStr',
  path: 'std::ffi::CStr',
  kind: 'struct',
  category: 'cstr',
  params: [],
  sized: false,
  fields: () => [{ k: 'slice', inner: prim('i8') }],
});
define({
  name: 'OsStr',
  path: 'std::ffi::OsStr',
  kind: 'struct',
  category: 'transparent',
  params: [],
  sized: false,
  fields: () => [{ k: 'slice', inner: prim('u8') }],
});
define({
  name: 'Path',
  path: 'std::path::Path',
  kind: 'struct',
  category: 'transparent',
  params: [],
  sized: false,
  fields: () => [{ k: 'slice', inner: prim('u8') }],
});
define({ name: 'CString', path: 'std::ffi::CString', kind: 'struct', category: 'cstr', params: [] });

const PLAIN_STRUCTS: [string, string, string[], boolean?][] = [
  ['String', 'std::string::String', []],
  ['Vec', 'std::vec::Vec', ['T']],
  ['VecDeque', 'std::collections::VecDeque', ['T']],
  ['LinkedList', 'std::collections::LinkedList', ['T']],
  ['HashMap', 'std::collections::HashMap', ['K', 'V']],
  ['HashSet', 'std::collections::HashSet', ['T']],
  ['BTreeMap', 'std::collections::BTreeMap', ['K', 'V']],
  ['BTreeSet', 'std::collections::BTreeSet', ['T']],
  ['BinaryHeap', 'std::collections::BinaryHeap', ['T']],
  ['Rc', 'std::rc::Rc', ['T']],
  ['Arc', 'std::sync::Arc', ['T']],
  ['Weak', 'std::sync::Weak', ['T']],

  ['RefCell', 'std::cell::RefCell', ['T']],
  ['OnceCell', 'std::cell::OnceCell', ['T']],
  ['OnceLock', 'std::sync::OnceLock', ['T']],
  ['OsString', 'std::ffi::OsString', []],
  ['PathBuf', 'std::path::PathBuf', []],
  ['Duration', 'std::time::Duration', []],
  ['Instant', 'std::time::Instant', []],
  ['SystemTime', 'std::time::SystemTime', []],
  ['File', 'std::fs::File', []],
  ['Layout', 'std::alloc::Layout', []],
  ['TypeId', 'std::any::TypeId', []],
  ['Thread', 'std::thread::Thread', []],
  ['JoinHandle', 'std::thread::JoinHandle', ['T']],
  ['Sender', 'std::sync::mpsc::Sender', ['T']],
  ['Receiver', 'std::sync::mpsc::Receiver', ['T']],

  ['Formatter', 'std::fmt::Formatter', []],
  ['Arguments', 'std::fmt::Arguments', []],
  ['Location', 'std::panic::Location', []],
  ['Utf8Error', 'std::str::Utf8Error', []],
  ['NulError', 'std::ffi::NulError', []],
  ['IntoStringError', 'std::ffi::IntoStringError', []],
  ['Global', 'std::alloc::Global', []],
  ['PhantomPinned', 'std::marker::PhantomPinned', []],
];
// std has two of each of these (`std::sync::nonpoison::Mutex`, `std::range::Range`): rustc prints the path.
for (const [name, path, params] of [
  ['Mutex', 'std::sync::Mutex', ['T']],
  ['RwLock', 'std::sync::RwLock', ['T']],
  ['Range', 'std::ops::Range', ['T']],
  ['RangeInclusive', 'std::ops::RangeInclusive', ['T']],
] as const) {
  define({ name, display: path, path, kind: 'struct', category: 'plain-struct', params: [...params] });
}
for (const [name, path, params, sized] of PLAIN_STRUCTS) {
  define({ name, path, kind: 'struct', category: 'plain-struct', params, sized: sized ?? true });
}
define({
  name: 'Cow',
  path: 'std::borrow::Cow',
  lifetimes: 1,
  kind: 'enum',
  category: 'plain-enum',
  params: ['B'],
  variants: () => [[{ k: 'unknown', text: 'B', why: 'Cow' }], [{ k: 'unknown', text: 'B', why: 'Cow' }]],
});
const IO_ERROR = define({
  name: 'Error',
  display: 'std::io::Error',
  path: 'std::io::Error',
  kind: 'struct',
  category: 'plain-struct',
  params: [],
});
const FMT_ERROR = define({
  name: 'Error',
  display: 'std::fmt::Error',
  path: 'std::fmt::Error',
  kind: 'struct',
  category: 'plain-struct',
  params: [],
});

/** How the C aliases are spelled in C. */
const C_SPELLING: Record<string, string> = {
  c_char: 'char',
  c_schar: 'signed char',
  c_uchar: 'unsigned char',
  c_short: 'short',
  c_ushort: 'unsigned short',
  c_int: 'int',
  c_uint: 'unsigned int',
  c_long: 'long',
  c_ulong: 'unsigned long',
  c_longlong: 'long long',
  c_ulonglong: 'unsigned long long',
  c_float: 'float',
  c_double: 'double',
  c_size_t: 'size_t',
  c_ssize_t: 'ssize_t',
  c_ptrdiff_t: 'ptrdiff_t',
  size_t: 'size_t',
  ssize_t: 'ssize_t',
  RawFd: 'int',
};

function cPrim(name: string): Ty {
  return { k: 'prim', name: C_ALIASES[name], cAlias: C_SPELLING[name] };
}

/** C type aliases of `core::ffi` / `std::os::raw` / `libc` for x86_64 Linux. */
const C_ALIASES: Record<string, string> = {
  c_char: 'i8',
  c_schar: 'i8',
  c_uchar: 'u8',
  c_short: 'i16',
  c_ushort: 'u16',
  c_int: 'i32',
  c_uint: 'u32',
  c_long: 'i64',
  c_ulong: 'u64',
  c_longlong: 'i64',
  c_ulonglong: 'u64',
  c_float: 'f32',
  c_double: 'f64',
  c_size_t: 'usize',
  c_ssize_t: 'isize',
  c_ptrdiff_t: 'isize',
  size_t: 'usize',
  ssize_t: 'isize',
  RawFd: 'i32',
};

const NON_ZERO_ALIASES: Record<string, string> = {
  NonZeroU8: 'u8',
  NonZeroU16: 'u16',
  NonZeroU32: 'u32',
  NonZeroU64: 'u64',
  NonZeroU128: 'u128',
  NonZeroUsize: 'usize',
  NonZeroI8: 'i8',
  NonZeroI16: 'i16',
  NonZeroI32: 'i32',
  NonZeroI64: 'i64',
  NonZeroI128: 'i128',
  NonZeroIsize: 'isize',
};

const byName = new Map<string, StdAdt[]>();
for (const d of defs) {
  const list = byName.get(d.name) ?? [];
  list.push(d);
  byName.set(d.name, list);
}

/** How many distinct public std types (and traits) carry this bare name, from rust-docs 1.95. */
export function stdTypeCount(name: string): number {
  return (STD_TYPE_NAMES.names as Record<string, number>)[name] ?? 0;
}

/** Crate names that mean the standard library. */
export const STD_CRATES = new Set(['std', 'core', 'alloc']);

/** Names in the std prelude (types only) and where they live. */
export const PRELUDE_TYPES: Record<string, string[]> = {
  Option: ['std', 'option', 'Option'],
  Result: ['std', 'result', 'Result'],
  Box: ['std', 'boxed', 'Box'],
  String: ['std', 'string', 'String'],
  Vec: ['std', 'vec', 'Vec'],
};

export const PRIMITIVES = new Set([
  'bool',
  'char',
  'str',
  'i8',
  'i16',
  'i32',
  'i64',
  'i128',
  'isize',
  'u8',
  'u16',
  'u32',
  'u64',
  'u128',
  'usize',
  'f16',
  'f32',
  'f64',
  'f128',
]);

/**
 * The meaning of a std path (`["std", "ffi", "CString"]`) with its generic arguments, or null when we
 * do not model it. Module segments are only used to tell apart same-named types (`io::Error`).
 */
export function resolveStdPath(path: string[], args: Ty[]): Ty | null {
  const name = path[path.length - 1];
  const module = path[path.length - 2] ?? '';
  if (module === 'primitive' && PRIMITIVES.has(name)) return prim(name);
  if (
    C_ALIASES[name] &&
    (module === 'ffi' || module === 'raw' || module === 'c' || name === 'RawFd' || path.length <= 2)
  ) {
    return cPrim(name);
  }
  if (NON_ZERO_ALIASES[name]) return adt(NON_ZERO, [prim(NON_ZERO_ALIASES[name])]);
  if (name === 'Result' && module === 'io') return adt(RESULT, [arg(args, 0), adt(IO_ERROR)]);
  if (name === 'Result' && module === 'fmt') return adt(RESULT, [{ k: 'tuple', elems: [] }, adt(FMT_ERROR)]);
  if (name === 'Error' && module === 'io') return adt(IO_ERROR);
  if (name === 'Error' && module === 'fmt') return adt(FMT_ERROR);
  const candidates = byName.get(name);
  if (!candidates) return null;
  const def = candidates.find((d) => d.path.split('::').slice(1, -1).includes(module)) ?? candidates[0];
  return adt(def, args);
}

const unmodelled = new Map<string, StdAdt>();

/**
 * A std type we have no entry for (`hash_map::Entry`, `process::Child`…): a capitalised name in std is
 * a Rust struct or enum whose layout std does not promise, which rustc reports as such. Lower-case
 * names and our C aliases are handled before this.
 */
export function unmodelledStdType(path: string[], args: Ty[], lifetimes = 0): Ty | null {
  const name = path[path.length - 1];
  if (!/^[A-Z]/.test(name) || path.length < 2) return null;
  const full = ['std', ...path.slice(1)].join('::');
  let def = unmodelled.get(full);
  if (!def) {
    def = {
      source: 'std',
      name,
      path: full,
      kind: 'struct',
      category: 'plain-struct',
      params: args.map((_, i) => `T${i}`),
      sized: true,
      lifetimes,
    };
    if (stdTypeCount(name) > 1) def.display = full;
    unmodelled.set(full, def);
  }
  return { k: 'adt', def, args };
}

/** C types of the `libc` crate: aliases become primitives; its structs are `repr(C)` by construction. */
export function resolveLibcPath(path: string[]): Ty {
  const name = path[path.length - 1];
  if (C_ALIASES[name]) return cPrim(name);
  if (name === 'c_void') return resolveStdPath(['core', 'ffi', 'c_void'], [])!;
  const intAlias = /^(u?int)(8|16|32|64)_t$/.exec(name);
  if (intAlias) return prim(`${intAlias[1] === 'uint' ? 'u' : 'i'}${intAlias[2]}`);
  return { k: 'foreign-safe', text: name };
}

export { IO_ERROR, FMT_ERROR, NON_NULL, UNSAFE_CELL, MANUALLY_DROP };

/** `Option` and `Result` of std: their layout findings are `option-no-niche`. */
export function isOptionOrResult(t: Ty): boolean {
  return t.k === 'adt' && (t.def === OPTION || t.def === RESULT);
}
