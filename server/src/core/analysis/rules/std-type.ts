import type { ParityRuleMeta } from './meta';
import type { Reason } from '../ffi';
import { isOptionOrResult } from '../../workspace/std-types';
import type { Ty } from '../../workspace/types';

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
      'These are Rust structs with private, unspecified layouts (a `String` is three words in an order Rust may change); C cannot read or build them, and freeing them from C corrupts the heap.',
    example: '#[no_mangle]\npub extern "C" fn name() -> String { "x".to_owned() }',
    useInstead:
      'use std::ffi::{c_char, CString};\n#[no_mangle]\npub extern "C" fn name() -> *mut c_char { CString::new("x").unwrap().into_raw() }\n#[no_mangle]\npub unsafe extern "C" fn name_free(s: *mut c_char) { drop(unsafe { CString::from_raw(s) }) }',
  },
  claims: (reason: Reason, ty: Ty) =>
    reason === 'cstr' ||
    (['struct-layout', 'union-layout', 'enum-repr'].includes(reason) &&
      ty.k === 'adt' &&
      ty.def.source === 'std' &&
      !isOptionOrResult(ty)),
};
