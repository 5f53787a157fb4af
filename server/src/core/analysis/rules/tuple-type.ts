import type { ParityRuleMeta } from './meta';
import type { Reason } from '../ffi';
import type { Ty } from '../../workspace/types';

export const tupleType: ParityRuleMeta = {
  id: 'tuple-type',
  family: 'parity',
  rustcLint: 'improper_ctypes_definitions',
  defaultSeverity: 'warning',
  certainty: 'fact',
  summary: 'A tuple (or `()` as a parameter) crosses the boundary.',
  fixes: ['c-shim', 'element-repr', 'explain', 'allow-lint'],
  docs: {
    whatItDoes: 'Flags tuple types in a C signature, including `()` as a parameter type.',
    whyIsThisBad: 'Tuples have no specified layout in Rust: the compiler may reorder their fields. C has no tuples.',
    example: 'pub extern "C" fn min_max(a: i32, b: i32) -> (i32, i32) { (a.min(b), a.max(b)) }',
    useInstead:
      '#[repr(C)]\npub struct MinMax { min: i32, max: i32 }\npub extern "C" fn min_max(a: i32, b: i32) -> MinMax { MinMax { min: a.min(b), max: a.max(b) } }',
  },
  claims: (reason: Reason, _ty: Ty) => reason === 'tuple',
};
