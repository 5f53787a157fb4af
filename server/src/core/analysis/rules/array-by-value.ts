import type { ParityRuleMeta } from './meta';
import type { Reason } from '../ffi';
import type { Ty } from '../../workspace/types';

export const arrayByValue: ParityRuleMeta = {
  id: 'array-by-value',
  family: 'parity',
  rustcLint: 'improper_ctypes_definitions',
  defaultSeverity: 'warning',
  certainty: 'fact',
  summary: 'An array `[T; N]` is passed or returned by value.',
  fixes: ['c-shim', 'element-repr', 'explain', 'allow-lint'],
  docs: {
    whatItDoes: 'Flags `[T; N]` as a parameter or return type of a C function.',
    whyIsThisBad:
      'C has no array values: `int a[4]` as a parameter decays to a pointer, so the two sides disagree about what is passed.',
    example: 'pub extern "C" fn checksum(block: [u8; 16]) -> u8 { 0 }',
    useInstead: 'pub extern "C" fn checksum(block: &[u8; 16]) -> u8 { 0 }',
  },
  claims: (reason: Reason, _ty: Ty) => reason === 'array',
};
