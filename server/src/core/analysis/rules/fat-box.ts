import type { ParityRuleMeta } from './meta';
import type { Reason } from '../ffi';
import type { Ty } from '../../workspace/types';

export const fatBox: ParityRuleMeta = {
  id: 'fat-box',
  family: 'parity',
  rustcLint: 'improper_ctypes_definitions',
  defaultSeverity: 'warning',
  certainty: 'fact',
  summary: '`Box` of an unsized type crosses the boundary.',
  fixes: ['c-shim', 'element-repr', 'explain', 'allow-lint'],
  docs: {
    whatItDoes: 'Flags `Box<str>`, `Box<[T]>` and `Box<dyn Trait>` in a C signature.',
    whyIsThisBad:
      'A box of an unsized type is a fat pointer (address and length or vtable): it cannot be represented as a single C pointer.',
    example: 'pub extern "C" fn make() -> Box<[u8]> { vec![0; 16].into_boxed_slice() }',
    useInstead:
      'pub unsafe extern "C" fn make(len: *mut usize) -> *mut u8 {\n    let bytes = vec![0u8; 16].into_boxed_slice();\n    unsafe { len.write(bytes.len()) };\n    Box::into_raw(bytes).cast::<u8>()\n}',
  },
  claims: (reason: Reason, _ty: Ty) => reason === 'box',
};
