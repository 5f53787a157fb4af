import type { ParityRuleMeta } from './meta';
import type { Reason } from '../ffi';
import type { Ty } from '../../workspace/types';

export const sliceType: ParityRuleMeta = {
  id: 'slice-type',
  family: 'parity',
  rustcLint: 'improper_ctypes_definitions',
  defaultSeverity: 'warning',
  certainty: 'fact',
  summary: 'A slice `[T]` / `&[T]` crosses the boundary.',
  fixes: ['c-shim', 'element-repr', 'explain', 'allow-lint'],
  docs: {
    whatItDoes: 'Flags `&[T]`, `&mut [T]`, `*const [T]` and `[T]` in a C signature.',
    whyIsThisBad:
      'A slice reference is a fat pointer (address and length): C has no such type and receives two words where it expects one.',
    example: '#[no_mangle]\npub extern "C" fn sum(xs: &[u32]) -> u32 { xs.iter().sum() }',
    useInstead:
      '#[no_mangle]\npub unsafe extern "C" fn sum(xs: *const u32, len: usize) -> u32 {\n    unsafe { std::slice::from_raw_parts(xs, len) }.iter().sum()\n}',
  },
  claims: (reason: Reason, _ty: Ty) => reason === 'slice',
};
