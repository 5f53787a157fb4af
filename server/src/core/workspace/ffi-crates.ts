import type { Attribute } from '../syntax/model';

/**
 * The FFI crates people use, as far as layout goes (docs/ffi-crates.md). Their types are defined outside
 * the workspace, so without this they would be `unresolved-type`; each of these is FFI-safe by
 * construction (`#[repr(C)]` in the crate, checked by the crate's own derive). `libc` is handled with
 * std's C types (std-types.ts).
 */

/** abi_stable's `std_types` and `sabi_types`: `#[repr(C)]` with a `StableAbi` layout. */
const ABI_STABLE_TYPES = new Set([
  'RString',
  'RStr',
  'RVec',
  'RSlice',
  'RSliceMut',
  'ROption',
  'RResult',
  'RBox',
  'RArc',
  'RCow',
  'RHashMap',
  'RDuration',
  'RCmpOrdering',
  'RBoxError',
  'SendRBoxError',
  'UnsyncRBoxError',
  'RIoError',
  'RIoErrorKind',
  'RMutex',
  'RRwLock',
  'ROnce',
  'RSmallBox',
  'RRef',
  'RMut',
  'MovePtr',
  'NulStr',
  'Tuple1',
  'Tuple2',
  'Tuple3',
  'Tuple4',
  'RNone',
  'RSome',
  'ROk',
  'RErr',
]);

/** safer_ffi's modules whose types cross: `char_p::Ref`, `c_slice::Box`, `repr_c::Vec`… */
const SAFER_FFI_MODULES: Record<string, Set<string>> = {
  char_p: new Set(['Ref', 'Box', 'Raw']),
  c_slice: new Set(['Ref', 'Mut', 'Box', 'Raw']),
  repr_c: new Set(['Vec', 'String', 'Box', 'Arc', 'TaggedOption']),
};

/** safer_ffi's type aliases at its root and in its prelude. */
const SAFER_FFI_TYPES = new Set([
  'char_p_ref',
  'char_p_boxed',
  'char_p_raw',
  'slice_ref',
  'slice_mut',
  'slice_boxed',
  'slice_raw',
  'str_ref',
  'str_boxed',
]);

/** stabby's standard types: stable layouts made of pointers and lengths. */
const STABBY_TYPES = new Set([
  'String',
  'Vec',
  'Box',
  'BoxedSlice',
  'BoxedStr',
  'Arc',
  'ArcSlice',
  'Str',
  'Slice',
  'SliceMut',
]);

/** Whether an external path names a type of an FFI crate that crosses the C boundary by construction. */
export function isFfiCrateType(path: readonly string[]): boolean {
  const last = path[path.length - 1];
  switch (path[0]) {
    case 'abi_stable':
      return ABI_STABLE_TYPES.has(last);
    case 'safer_ffi': {
      if (SAFER_FFI_TYPES.has(last)) return true;
      const module = path[path.length - 2];
      return module !== undefined && (SAFER_FFI_MODULES[module]?.has(last) ?? false);
    }
    case 'stabby':
      return path.length > 2 && STABBY_TYPES.has(last);
    default:
      return false;
  }
}

/**
 * Whether `name`, brought in by a glob import of an FFI crate's module (`use safer_ffi::prelude::*`,
 * `use abi_stable::std_types::*`), is one of its types or of the modules that hold them.
 */
export function isFfiCrateGlobName(globPath: readonly string[], name: string): boolean {
  if (globPath[0] === 'safer_ffi' && name in SAFER_FFI_MODULES) return true;
  return isFfiCrateType([...globPath, name]);
}

/** `#[stabby::stabby]` (or `#[stabby]` imported) on a struct: stabby makes it `#[repr(C)]`. */
export function isStabbyStruct(attrs: readonly Attribute[]): boolean {
  return attrs.some((a) => a.name === 'stabby::stabby' || a.name === 'stabby');
}
