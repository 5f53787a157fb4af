import type { AdtItem, Attribute } from '../syntax/model';
import { isStabbyStruct } from '../workspace/ffi-crates';
import { displayTy, Ty, TypeNames } from '../workspace/types';

/**
 * The traits the FFI crates require of the types in an exported signature, as far as we can tell them
 * from the source: safer_ffi's `ReprC` (`src/layout/impls.rs`, the guide's "The `ReprC` trait") and
 * stabby's `IStable` (`stabby-abi/src/stable_impls/mod.rs`). Each answer is the innermost type the
 * crate's trait rejects, with why and what implements it instead, or null when the type implements it
 * or we cannot tell (a type of another crate, a generic parameter): no finding rather than a wrong one.
 */

export interface TraitProblem {
  /** The type the trait is not implemented for (the whole type, or a part of it). */
  ty: Ty;
  /** Why, in a clause: "`String` does not implement safer_ffi's `ReprC`". */
  why: string;
  /** What implements it instead. */
  instead: string;
  /**
   * Set where the crate compiles the function all the same (its trait is implemented, the type is
   * unusable from C): what goes wrong instead, replacing "does not compile".
   */
  consequence?: string;
}

/** The lengths safer_ffi implements `ReprC` for arrays of (`impl_CTypes! { @arrays … }`). */
const REPR_C_ARRAY_LENGTHS = new Set([
  ...Array.from({ length: 32 }, (_, i) => i + 1),
  40,
  48,
  50,
  60,
  64,
  70,
  75,
  80,
  90,
  96,
  100,
  125,
  128,
  192,
  200,
  250,
  256,
  300,
  400,
  500,
  512,
  600,
  700,
  750,
  800,
  900,
  1000,
  1024,
]);

/** Primitives with a C layout for safer_ffi; `char`, `u128` and `i128` are not among them. */
const REPR_C_PRIMS = new Set([
  'u8',
  'u16',
  'u32',
  'u64',
  'usize',
  'i8',
  'i16',
  'i32',
  'i64',
  'isize',
  'f32',
  'f64',
  'bool',
]);

/** What safer_ffi offers instead of a std type. */
const SAFER_FFI_INSTEAD: Record<string, string> = {
  String: 'use `repr_c::String`, or `char_p::Box` for a NUL-terminated string',
  Vec: 'use `repr_c::Vec<T>`',
  Box: 'use `repr_c::Box<T>`',
  Arc: 'use `repr_c::Arc<T>`',
  CString: 'use `char_p::Box`',
  CStr: "use `char_p::Ref<'_>`",
  Result: 'return a `#[derive_ReprC] #[repr(u8)]` status enum and write the value through an out-parameter',
  Option: 'only an `Option` of a reference, a pointer, a `repr_c::Box` or an `extern "C" fn` is `ReprC`',
};

const OPTION_PAYLOADS = 'a reference, a pointer, a `repr_c::Box` or an `extern "C" fn`';

function has(attrs: readonly Attribute[], ...names: string[]): Attribute | undefined {
  return attrs.find((a) => names.includes(a.name.replace(/^::/, '')));
}

/** `#[derive_ReprC]` in any spelling, or `#[ReprC::opaque]` (older safer_ffi). */
function deriveReprC(item: AdtItem): Attribute | undefined {
  return has(
    item.attrs,
    'derive_ReprC',
    'safer_ffi::derive_ReprC',
    'safer_ffi::prelude::derive_ReprC',
    'ReprC::opaque',
  );
}

/** `#[repr(opaque)]` beside `#[derive_ReprC]`, `#[derive_ReprC(opaque)]` or `#[ReprC::opaque]`: only behind a pointer. */
function isOpaqueReprC(item: AdtItem): boolean {
  return item.attrs.some(
    (a) =>
      a.name === 'ReprC::opaque' ||
      ((a.name === 'repr' || a.name.endsWith('derive_ReprC')) && (a.args ?? []).some((t) => t.text === 'opaque')),
  );
}

/** Whether safer_ffi's derive accepts the type's `#[repr]`: `C`, `transparent`, an integer (enums) or `opaque`. */
function hasDeriveRepr(item: AdtItem): boolean {
  return item.attrs.some((a) => a.name === 'repr' && (a.args ?? []).length > 0);
}

/** Whether `ty` is a type `Option` can wrap with a niche for safer_ffi (`HasNiche`). */
function isReprCNiche(ty: Ty): boolean {
  if (ty.k === 'ref' || ty.k === 'fnptr') return true;
  if (ty.k === 'foreign-safe') return /\bBox\b|boxed/.test(ty.text);
  return ty.k === 'adt' && ty.def.source === 'std' && ty.def.name === 'NonNull';
}

/**
 * The part of `ty` that does not implement safer_ffi's `ReprC`. `behindPointer`: `ty` is a pointer's or
 * reference's target, where an opaque (`#[repr(opaque)]`) type is allowed.
 */
export function reprCProblem(ty: Ty, names: TypeNames, behindPointer = false): TraitProblem | null {
  const shown = (): string => displayTy(ty, names);
  const no = (instead: string): TraitProblem => ({
    ty,
    why: `\`${shown()}\` does not implement safer_ffi's \`ReprC\``,
    instead,
  });
  switch (ty.k) {
    case 'prim':
      if (REPR_C_PRIMS.has(ty.name) || ty.cAlias) return null;
      if (ty.name === 'char') return no('pass the code point as a `u32`');
      if (ty.name === 'u128' || ty.name === 'i128') return no('split it into two `u64` halves');
      if (ty.name === 'str') return no("use `char_p::Ref<'_>` (NUL-terminated) or `str::Ref<'_>`");
      return null;
    case 'tuple':
      return ty.elems.length === 0 ? null : no('use a `#[derive_ReprC] #[repr(C)]` struct with one field per element');
    case 'slice':
      return no("use `c_slice::Ref<'_, T>`");
    case 'dyn':
      return no('export an opaque `#[derive_ReprC] #[repr(opaque)]` type behind a pointer, or a `VirtualPtr`');
    case 'ref':
    case 'ptr': {
      const inner = ty.inner;
      if (inner.k === 'prim' && inner.name === 'str')
        return {
          ty,
          why: `\`${shown()}\` does not implement safer_ffi's \`ReprC\``,
          instead: ty.k === 'ref' ? "use `char_p::Ref<'_>` (NUL-terminated) or `str::Ref<'_>`" : 'use `char_p::Raw`',
        };
      if (inner.k === 'slice')
        return {
          ty,
          why: `\`${shown()}\` does not implement safer_ffi's \`ReprC\``,
          instead: ty.mutable ? "use `c_slice::Mut<'_, T>`" : "use `c_slice::Ref<'_, T>`",
        };
      return reprCProblem(inner, names, true);
    }
    case 'array': {
      const n = Number(ty.len);
      if (Number.isInteger(n) && !REPR_C_ARRAY_LENGTHS.has(n))
        return no(
          `safer_ffi implements \`ReprC\` for arrays of 1 to 32 elements and some longer lengths (40, 64, 100, 128, 256, 512, 1024…), not ${n}: wrap the array in a \`#[derive_ReprC] #[repr(C)]\` struct of supported pieces, or pass a \`c_slice::Ref\``,
        );
      return reprCProblem(ty.inner, names);
    }
    case 'fnptr': {
      if (ty.abi !== 'C')
        return no(
          'write the callback as `extern "C" fn(…)` (safer_ffi implements `ReprC` for `extern "C"` function pointers only)',
        );
      if (ty.params.length > 9) return no('safer_ffi implements `ReprC` for function pointers of up to 9 parameters');
      for (const p of [...ty.params, ty.ret]) {
        const inner = reprCProblem(p, names);
        if (inner) return inner;
      }
      return null;
    }
    case 'adt': {
      const def = ty.def;
      if (def.source === 'std') {
        if (def.name === 'PhantomData') return null;
        if (def.name === 'NonNull') return ty.args[0] ? reprCProblem(ty.args[0], names, true) : null;
        if (def.name === 'Option') {
          const payload = ty.args[0];
          if (payload && isReprCNiche(payload))
            return payload.k === 'foreign-safe' ? null : reprCProblem(payload, names, true);
          return no(
            `only an \`Option\` of ${OPTION_PAYLOADS} is \`ReprC\`; pass a pointer (null for \`None\`) or a flag and the value`,
          );
        }
        const instead = SAFER_FFI_INSTEAD[def.name];
        if (instead) return no(instead);
        if (def.category === 'plain-struct' || def.category === 'plain-enum' || def.category === 'box')
          return no('pass a `#[derive_ReprC]` type, or an opaque one behind a pointer');
        return null;
      }
      const item = def.item;
      const derive = deriveReprC(item);
      if (!derive) {
        const repr = def.repr.c || def.repr.transparent || def.repr.int !== null;
        return {
          ty,
          why: repr
            ? `\`${shown()}\` is \`#[repr(${def.repr.int ?? (def.repr.c ? 'C' : 'transparent')})]\` but does not derive safer_ffi's \`ReprC\``
            : `\`${shown()}\` does not implement safer_ffi's \`ReprC\``,
          instead: repr
            ? `add \`#[derive_ReprC]\` to \`${item.name}\` (a \`#[repr(C)]\` alone does not implement the trait)`
            : `add \`#[derive_ReprC]\` and \`#[repr(C)]\` to \`${item.name}\` (\`#[repr(opaque)]\` instead of \`#[repr(C)]\` to pass it only behind a pointer)`,
        };
      }
      if (!hasDeriveRepr(item) && derive.name !== 'ReprC::opaque')
        return {
          ty,
          why: `\`#[derive_ReprC]\` on \`${shown()}\` has no \`#[repr(…)]\` to follow (safer_ffi: "missing explicit \`#[repr(…)]\` annotation")`,
          instead: `add \`#[repr(C)]\` to \`${item.name}\` (\`#[repr(u8)]\` or another integer for a field-less enum, \`#[repr(opaque)]\` for a type C only holds a pointer to)`,
        };
      if (isOpaqueReprC(item) && !behindPointer)
        return {
          ty,
          why: `\`${shown()}\` is an opaque safer_ffi type (\`#[repr(opaque)]\`)`,
          consequence:
            'C has only a forward declaration of it and cannot pass one by value, so no C caller can call this function',
          instead: `pass it behind a pointer: \`&${item.name}\`, \`&mut ${item.name}\` or \`repr_c::Box<${item.name}>\``,
        };
      return null;
    }
    case 'foreign-safe':
      if (ty.crate === 'abi_stable' || ty.crate === 'stabby')
        return no(
          `\`${ty.text}\` is ${ty.crate}'s type, with its own layout trait: use safer_ffi's \`repr_c\`, \`char_p\` and \`c_slice\` types`,
        );
      return null;
    default:
      return null;
  }
}

/** What stabby offers instead of a std type. */
const STABBY_INSTEAD: Record<string, string> = {
  String: 'use `stabby::string::String`',
  Vec: 'use `stabby::vec::Vec<T>`',
  Box: 'use `stabby::boxed::Box<T>`',
  Arc: 'use `stabby::sync::Arc<T>`',
};

/** The part of `ty` that does not implement stabby's `IStable`. */
export function istableProblem(ty: Ty, names: TypeNames): TraitProblem | null {
  const shown = (): string => displayTy(ty, names);
  const no = (instead: string): TraitProblem => ({
    ty,
    why: `\`${shown()}\` does not implement stabby's \`IStable\``,
    instead,
  });
  switch (ty.k) {
    case 'prim':
      if (ty.name === 'char') return no('pass the code point as a `u32`');
      if (ty.name === 'str') return no("use `stabby::str::Str<'_>`");
      return null;
    case 'tuple':
      return ty.elems.length === 0 ? null : no('use a `#[stabby::stabby]` struct with one field per element');
    case 'slice':
      return no("use `stabby::slice::Slice<'_, T>`");
    case 'dyn':
      return no('use a `stabby::dynptr!` trait object');
    case 'ref':
    case 'ptr':
      if (ty.inner.k === 'prim' && ty.inner.name === 'str') return no("use `stabby::str::Str<'_>`");
      if (ty.inner.k === 'slice')
        return no(ty.mutable ? "use `stabby::slice::SliceMut<'_, T>`" : "use `stabby::slice::Slice<'_, T>`");
      return istableProblem(ty.inner, names);
    case 'array': {
      const n = Number(ty.len);
      if (Number.isInteger(n) && n > 128) return no('stabby implements `IStable` for arrays of at most 128 elements');
      return istableProblem(ty.inner, names);
    }
    case 'fnptr':
      if (ty.abi !== 'C' && ty.abi !== 'C-unwind')
        return no(
          'write the callback as `extern "C" fn(…)` (stabby implements `IStable` for `extern "C"` and `"C-unwind"` function pointers)',
        );
      for (const p of [...ty.params, ty.ret]) {
        const inner = istableProblem(p, names);
        if (inner) return inner;
      }
      return null;
    case 'adt': {
      const def = ty.def;
      if (def.source === 'std') {
        if (def.name === 'Option') {
          const payload = ty.args[0];
          if (
            payload &&
            (payload.k === 'ref' ||
              payload.k === 'fnptr' ||
              (payload.k === 'adt' &&
                payload.def.source === 'std' &&
                (payload.def.name === 'NonNull' || payload.def.name.startsWith('NonZero'))))
          )
            return payload.k === 'adt' ? null : istableProblem(payload, names);
          if (payload && (payload.k === 'prim' || payload.k === 'tuple'))
            return no(
              'stabby implements `IStable` for an `Option` only when its payload has exactly one niche (a reference, a `NonNull`, a `NonZero…`): use `stabby::option::Option<T>`',
            );
          return null;
        }
        const instead = STABBY_INSTEAD[def.name];
        if (instead) return no(instead);
        if (def.category === 'plain-struct' || def.category === 'plain-enum' || def.category === 'cstr')
          return no('pass a `#[stabby::stabby]` type');
        return null;
      }
      const item = def.item;
      if (isStabbyStruct(item.attrs)) return null;
      return {
        ty,
        why: `\`${shown()}\` does not implement stabby's \`IStable\`${def.repr.c ? ' (a `#[repr(C)]` alone does not)' : ''}`,
        instead: `add \`#[stabby::stabby]\` to \`${item.name}\``,
      };
    }
    default:
      return null;
  }
}

/** What abi_stable offers instead of a std type (`abi_stable::std_types`). */
const ABI_STABLE_INSTEAD: Record<string, string> = {
  String: 'use `RString`',
  Vec: 'use `RVec<T>`',
  Box: 'use `RBox<T>`',
  Arc: 'use `RArc<T>`',
  Result: 'use `RResult<T, E>`',
  Option:
    'use `ROption<T>` (abi_stable implements `StableAbi` for an `Option` only of a non-zero type: a reference, a `NonNull`, a `NonZero…`, an `extern "C" fn`)',
  HashMap: 'use `RHashMap<K, V>`',
  Cow: "use `RCow<'_, T>`",
  Duration: 'use `RDuration`',
  Mutex: 'use `RMutex<T>`',
  RwLock: 'use `RRwLock<T>`',
};

/** Whether an item derives abi_stable's `StableAbi` (`#[derive(StableAbi)]`, `#[derive(abi_stable::StableAbi)]`). */
export function derivesStableAbi(attrs: readonly Attribute[]): Attribute | undefined {
  return attrs.find(
    (a) => a.name === 'derive' && (a.args ?? []).some((t) => t.kind === 'ident' && t.text === 'StableAbi'),
  );
}

/**
 * The part of `ty` that does not implement abi_stable's `StableAbi` (`abi_stable/src/abi_stability/
 * stable_abi_trait.rs`): a pointer to an unsized type (no stable fat-pointer layout), a std type without
 * an impl, an `Option` of a type that can be zero, a workspace type without `#[derive(StableAbi)]`.
 */
export function stableAbiProblem(ty: Ty, names: TypeNames): TraitProblem | null {
  const shown = (): string => displayTy(ty, names);
  const no = (instead: string): TraitProblem => ({
    ty,
    why: `\`${shown()}\` does not implement abi_stable's \`StableAbi\``,
    instead,
  });
  switch (ty.k) {
    case 'tuple':
      return ty.elems.length === 0
        ? null
        : no('use `Tuple2`…`Tuple4` of `abi_stable::std_types`, or a `#[derive(StableAbi)]` struct');
    case 'slice':
      return no("use `RSlice<'_, T>`");
    case 'dyn':
      return no('use a `#[sabi_trait]` trait object or `DynTrait`');
    case 'ref':
    case 'ptr':
      if (ty.inner.k === 'prim' && ty.inner.name === 'str') return no("use `RStr<'_>`");
      if (ty.inner.k === 'slice') return no(ty.mutable ? "use `RSliceMut<'_, T>`" : "use `RSlice<'_, T>`");
      if (ty.inner.k === 'dyn') return no('use a `#[sabi_trait]` trait object or `DynTrait`');
      return stableAbiProblem(ty.inner, names);
    case 'array':
      return stableAbiProblem(ty.inner, names);
    case 'fnptr':
      if (ty.abi !== 'C') return null; // a Rust-ABI pointer is the parity rules' finding
      for (const p of [...ty.params, ty.ret]) {
        const inner = stableAbiProblem(p, names);
        if (inner) return inner;
      }
      return null;
    case 'adt': {
      const def = ty.def;
      if (def.source === 'std') {
        if (def.name === 'Option') {
          const payload = ty.args[0];
          const nonZero =
            payload &&
            (payload.k === 'ref' ||
              payload.k === 'fnptr' ||
              (payload.k === 'adt' &&
                payload.def.source === 'std' &&
                (payload.def.name === 'NonNull' || payload.def.name.startsWith('NonZero'))));
          if (nonZero) return payload.k === 'adt' ? null : stableAbiProblem(payload, names);
          return payload && payload.k !== 'param' && payload.k !== 'unknown' ? no(ABI_STABLE_INSTEAD.Option) : null;
        }
        const instead = ABI_STABLE_INSTEAD[def.name];
        if (instead) return no(instead);
        if (def.category === 'plain-struct' || def.category === 'plain-enum' || def.category === 'box')
          return no('use a type of `abi_stable::std_types`, or a `#[derive(StableAbi)]` type');
        return null;
      }
      const item = def.item;
      if (derivesStableAbi(item.attrs)) return null;
      return {
        ty,
        why: `\`${shown()}\` does not implement abi_stable's \`StableAbi\`${def.repr.c ? ' (a `#[repr(C)]` alone does not)' : ''}`,
        instead: `add \`#[derive(StableAbi)]\`${def.repr.c || def.repr.transparent || def.repr.int ? '' : ' and `#[repr(C)]`'} to \`${item.name}\``,
      };
    }
    default:
      return null;
  }
}
