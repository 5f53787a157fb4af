import type { Attribute, CrateExport, FnItem } from '../syntax/model';
import type { ModuleScope } from './scopes';

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

/** The FFI crate an external path belongs to, if it is one of those we know. */
export function ffiCrateOf(path: readonly string[]): 'safer_ffi' | 'abi_stable' | 'stabby' | null {
  const head = path[0];
  return head === 'safer_ffi' || head === 'abi_stable' || head === 'stabby' ? head : null;
}

/**
 * The symbol `#[export_root_module]` exports: abi_stable's `ROOT_MODULE_LOADER_NAME`, its mangling
 * (`abi_stable_shared::mangle_ident`) of `_as.lib_header.root module loader`. It names a
 * `#[no_mangle] static` of type `abi_stable::library::LibHeader`, which the loader finds with `dlsym`.
 */
export const ROOT_MODULE_LOADER_SYMBOL = '_1as_0lib_1header_0root_bmodule_bloader';

type CrateName = CrateExport['crate'];

/** The export attributes of each crate, by the name the crate gives them. */
const EXPORT_ATTRIBUTES: Record<CrateName, Record<string, CrateExport['kind']>> = {
  safer_ffi: { ffi_export: 'ffi-export' },
  abi_stable: { sabi_extern_fn: 'sabi-extern-fn', export_root_module: 'root-module' },
  stabby: { export: 'stabby-export' },
};

/** Whether an attribute's name may be one of the FFI crates' export attributes (a superset: no imports read). */
export function mayBeCrateExport(name: string): boolean {
  const last = name.slice(name.lastIndexOf(':') + 1);
  return last === 'ffi_export' || last === 'sabi_extern_fn' || last === 'export_root_module' || last === 'export';
}

/** The ABIs stabby accepts on an exported function (`stabby-macros`' `functions.rs`). */
const STABBY_ABIS = new Set([
  'C',
  'system',
  'stdcall',
  'aapcs',
  'cdecl',
  'fastcall',
  'win64',
  'sysv64',
  'C-unwind',
  'system-unwind',
]);

/** `crate::name` of an attribute, through `use` imports, renames and globs of the module it is written in. */
function attributeTarget(attr: Attribute, module: ModuleScope | null): { crate: CrateName; name: string } | null {
  const segments = attr.name.split('::').filter((s) => s !== '');
  if (!segments.length) return null;
  let path: readonly string[] | null = null;
  if (segments.length > 1) path = segments;
  else {
    for (let m = module; m && !path; m = m.isBlock ? m.parent : null) {
      const used = m.uses.get(segments[0]);
      if (used) path = used.filter((s) => s !== '');
      else {
        const glob = m.globs.find((g) => {
          const c = ffiCrateOf(g.filter((s) => s !== ''));
          return c !== null && segments[0] in EXPORT_ATTRIBUTES[c];
        });
        if (glob) path = [...glob.filter((s) => s !== ''), segments[0]];
      }
    }
  }
  if (!path || path.length < 2) return null;
  const head = module?.externCrates.get(path[0]) ?? path[0];
  const crate = ffiCrateOf([head]);
  const name = path[path.length - 1];
  return crate && name in EXPORT_ATTRIBUTES[crate] ? { crate, name } : null;
}

/** Whether `name` is in scope in `module` as the item of that name of `crate` (`use safer_ffi::prelude::*`). */
export function ffiCrateNameInScope(module: ModuleScope, crate: CrateName, name: string): boolean {
  for (let m: ModuleScope | null = module; m; m = m.isBlock ? m.parent : null) {
    const used = m.uses.get(name)?.filter((s) => s !== '');
    if (used) return used[0] === crate && used[used.length - 1] === name;
    if (m.globs.some((g) => g.filter((s) => s !== '')[0] === crate)) return true;
  }
  return false;
}

/** The value of `key = "…"` among an attribute's arguments (`#[ffi_export(rename = "f")]`). */
function stringArgument(attr: Attribute, key: string): string | null {
  const args = attr.args ?? [];
  for (let i = 0; i + 2 < args.length; i++)
    if (args[i].text === key && args[i + 1].text === '=' && args[i + 2].kind === 'string')
      return args[i + 2].text.replace(/^"|"$/g, '');
  return null;
}

/**
 * What an FFI crate's attribute on `fn` makes of it, from the crates' own macros:
 *
 * - safer_ffi's `#[ffi_export]` (`src/proc_macro/ffi_export/fn_/mod.rs`): an `extern "C"` function
 *   exported as the function's name (or `rename = "…"`), with each type converted to its `ReprC` C
 *   layout and `improper_ctypes_definitions` allowed;
 * - abi_stable's `#[sabi_extern_fn]` (`sabi_extern_fn_impl.rs`): the same function made `extern "C"`,
 *   aborting on panic; it exports a symbol only with `#[no_mangle]`/`#[export_name]`, and rustc checks it
 *   as any `extern "C"` function;
 * - abi_stable's `#[export_root_module]` (`export_root_module_impl.rs`): the function stays a Rust
 *   function; a `#[no_mangle] static` named `ROOT_MODULE_LOADER_SYMBOL` holds a constructor calling it;
 * - `#[stabby::export]` (`stabby-macros/src/functions.rs`): `#[no_mangle]` on the function, `extern "C"`
 *   when no ABI is written, an `IStable` assertion per type; with `(canaries)`, `#[no_mangle]` and
 *   `improper_ctypes_definitions` allowed, no type checked.
 */
export function crateExportOf(fn: FnItem, module: ModuleScope | null): CrateExport | null {
  for (const attribute of fn.attrs) {
    if (attribute.inner) continue;
    const target = attributeTarget(attribute, module);
    if (!target) continue;
    const kind = EXPORT_ATTRIBUTES[target.crate][target.name];
    const own = exportSymbol(fn);
    switch (kind) {
      case 'ffi-export':
        return {
          crate: 'safer_ffi',
          kind,
          attribute,
          symbol: stringArgument(attribute, 'rename') ?? fn.name.replace(/^r#/, ''),
          abi: fn.abi ?? 'C',
          parity: false,
          canaries: false,
        };
      case 'sabi-extern-fn':
        return { crate: 'abi_stable', kind, attribute, symbol: own, abi: 'C', parity: true, canaries: false };
      case 'root-module':
        return {
          crate: 'abi_stable',
          kind,
          attribute,
          symbol: ROOT_MODULE_LOADER_SYMBOL,
          abi: fn.abi,
          parity: true,
          canaries: false,
        };
      case 'stabby-export': {
        const canaries = (attribute.args ?? []).some((t) => t.text === 'canaries');
        return {
          crate: 'stabby',
          kind,
          attribute,
          symbol: fn.name.replace(/^r#/, ''),
          abi: canaries ? fn.abi : (fn.abi ?? 'C'),
          parity: false,
          canaries,
        };
      }
    }
  }
  return null;
}

/** The symbol `#[no_mangle]`/`#[export_name]` give a function, if it has one of them. */
function exportSymbol(fn: FnItem): string | null {
  const named = fn.attrs.find((a) => a.name === 'export_name' && a.value !== null);
  if (named) return named.value;
  return fn.attrs.some((a) => a.name === 'no_mangle' || a.name === 'export_name') ? fn.name.replace(/^r#/, '') : null;
}

/** Whether stabby accepts the ABI an exported function is written with (`null`: none written, `"C"`). */
export function isStabbyAbi(abi: string | null): boolean {
  return abi === null || STABBY_ABIS.has(abi);
}
