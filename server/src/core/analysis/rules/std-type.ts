import type { ExplainSubject, ParityRuleMeta } from './meta';
import type { Reason } from '../ffi';
import { isOptionOrResult } from '../../workspace/std-types';
import { displayTy, Ty } from '../../workspace/types';

/** `A` or `An` before a type name in backticks, as it is read aloud. */
export function article(name: string): string {
  // `Option`, `Arc`; `i64`, `f32`, `isize` (read "an i-sixty-four"), but `u32`, `usize`.
  return /^(?:[AEIO]|[aeio]|f\d)/.test(name) ? 'An' : 'A';
}

const THREE_WORDS = 'three words (pointer, capacity, length) in an order Rust may change';
const TAKE_C_STRING = 'take a string as `*const c_char` and read it with `CStr::from_ptr`';
const OWNED_C_STRING =
  'give C a `*mut c_char` from `CString::into_raw` and export a function that frees it with `CString::from_raw`';

/** Why this std type cannot cross, and what works instead of rustc's `#[repr(C)]` advice, which cannot be followed. */
function explainStd({ ty, typeName, names, mode }: ExplainSubject): { why: string; help?: string } {
  const name = ty.k === 'adt' ? (ty.def.source === 'std' ? ty.def.name : '') : '';
  const arg = (i: number): string => (ty.k === 'adt' && ty.args[i] ? displayTy(ty.args[i], names) : 'T');
  const opaque =
    mode === 'definition'
      ? `keep it on the Rust side and give C an opaque pointer (\`Box::into_raw(Box::new(value))\` as \`*mut ${typeName}\`), with an exported function that takes it back with \`Box::from_raw\` to free it`
      : `declare the C side's type as an opaque struct (\`#[repr(C)] pub struct Handle { _private: [u8; 0] }\`) and pass \`*mut Handle\``;
  switch (name) {
    case 'String':
      return {
        why: `A \`String\` is ${THREE_WORDS}: C can neither read nor build one, and freeing it from C corrupts the heap.`,
        help: `${OWNED_C_STRING}; ${TAKE_C_STRING}`,
      };
    case 'Vec': {
      const elem = arg(0);
      return {
        why: `A \`${typeName}\` is ${THREE_WORDS}: C can neither read nor build one, and freeing it from C corrupts the heap.`,
        help: `pass its elements as a pointer and a length (\`*const ${elem}\` and \`usize\`, from \`as_ptr()\` and \`len()\`); to hand the buffer over, give C \`Box::into_raw(v.into_boxed_slice())\`'s pointer and length and export a function that rebuilds the box to free it`,
      };
    }
    case 'CString':
      return {
        why: 'A `CString` owns its bytes through a pointer and a length, a layout Rust does not guarantee: it is not the `char *` C expects.',
        help: `${OWNED_C_STRING}; ${TAKE_C_STRING}`,
      };
    case 'CStr':
      return {
        why: '`CStr` is unsized: a reference to it carries a length beside the address, not the single `const char *` C expects.',
      };
    case 'OsString':
    case 'PathBuf':
    case 'OsStr':
    case 'Path':
      return {
        why: `${article(name)} \`${typeName}\` is a Rust string type with a private, platform-dependent layout: C can neither read nor build one.`,
        help: `pass the bytes as a \`*const c_char\` (a \`CString\` made from them, or \`as_encoded_bytes()\` with a length); ${TAKE_C_STRING}`,
      };
    case 'Duration':
      return {
        why: 'A `Duration` is a Rust struct of seconds and nanoseconds whose layout Rust does not guarantee.',
        help: 'pass `as_secs()` and `subsec_nanos()` (`u64` and `u32`), or a `#[repr(C)]` struct of the two',
      };
    case 'Arc':
    case 'Rc':
      return {
        why: `${article(name)} \`${typeName}\` is a Rust struct around a pointer to its counts and value, with no guaranteed layout: C cannot clone or drop one.`,
        help: `give C \`${name}::into_raw(value)\` (a \`*const ${arg(0)}\`) and export a function that takes it back with \`${name}::from_raw\` to release it`,
      };
    default:
      return {
        why: `${article(name)} \`${typeName}\` is a std type with a private layout Rust does not specify: C can neither read nor build one.`,
        help: opaque,
      };
  }
}

export const stdType: ParityRuleMeta = {
  id: 'std-type',
  family: 'parity',
  rustcLint: 'improper_ctypes_definitions',
  defaultSeverity: 'warning',
  certainty: 'fact',
  summary: 'A std type without a C layout (`String`, `Vec`, `CString`, `CStr`\u2026) crosses the boundary.',
  fixes: ['c-shim', 'element-repr', 'explain', 'allow-lint'],
  docs: {
    whatItDoes:
      'Flags std library types whose layout is unspecified, such as `String`, `Vec<T>`, `CString`, `&CStr`, `HashMap`, `Rc`, `Arc`, `Duration`.',
    whyIsThisBad:
      'These are Rust structs with private, unspecified layouts (a `String` is three words in an order Rust may change); C cannot read or build them, and freeing them from C corrupts the heap. Each finding says why for the type it names, and what to pass instead: rustc advises `#[repr(C)]`, which cannot be added to a std type.',
    example: '#[no_mangle]\npub extern "C" fn name() -> String { "x".to_owned() }',
    useInstead:
      'use std::ffi::{c_char, CString};\n#[no_mangle]\npub extern "C" fn name() -> *mut c_char { CString::new("x").unwrap().into_raw() }\n#[no_mangle]\npub unsafe extern "C" fn name_free(s: *mut c_char) { drop(unsafe { CString::from_raw(s) }) }',
  },
  explain: explainStd,
  claims: (reason: Reason, ty: Ty) =>
    reason === 'cstr' ||
    (['struct-layout', 'union-layout', 'enum-repr'].includes(reason) &&
      ty.k === 'adt' &&
      ty.def.source === 'std' &&
      !isOptionOrResult(ty)),
};
