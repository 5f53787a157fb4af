import type { ParityRuleMeta } from './meta';
import type { Reason } from '../ffi';
import type { Ty } from '../../workspace/types';

export const strType: ParityRuleMeta = {
  id: 'str-type',
  family: 'parity',
  rustcLint: 'improper_ctypes_definitions',
  defaultSeverity: 'warning',
  certainty: 'fact',
  summary: '`str` / `&str` crosses the boundary.',
  fixes: ['c-shim', 'element-repr', 'explain', 'allow-lint'],
  docs: {
    whatItDoes: 'Flags `&str`, `&mut str`, `*const str` and `str` in a C signature.',
    whyIsThisBad:
      '`&str` is a fat pointer (address and length in two words) to UTF-8 bytes without a terminating NUL: C expects a single `char *` to a NUL-terminated string, so it reads past the end or sees garbage.',
    example: '#[no_mangle]\npub extern "C" fn greet(name: &str) { println!("hello {name}"); }',
    useInstead:
      'use std::ffi::{c_char, CStr};\n#[no_mangle]\npub unsafe extern "C" fn greet(name: *const c_char) {\n    let name = unsafe { CStr::from_ptr(name) }.to_string_lossy();\n    println!("hello {name}");\n}',
  },
  claims: (reason: Reason, _ty: Ty) => reason === 'str',
};
