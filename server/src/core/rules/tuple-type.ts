import type { ParityRuleMeta } from './meta';
import type { Reason } from '../ffi';
import type { Ty } from '../types';

export const tupleType: ParityRuleMeta = {
  id: 'tuple-type',
  family: 'parity',
  rustcLint: 'improper_ctypes_definitions',
  defaultSeverity: 'warning',
  summary: 'A tuple (or `()` as a parameter) crosses the boundary.',
  docs: {
    whatItDoes: 'Flags tuple types in a C signature, including `()` as a parameter type.',
    whyIsThisBad: 'Tuples have no specified layout in Rust: the compiler may reorder their fields. C has no tuples.',
    example: 'pub extern "C" fn min_max(xs: *const i32, n: usize) -> (i32, i32) { todo!() }',
    useInstead: '#[repr(C)]\npub struct MinMax { min: i32, max: i32 }\npub extern "C" fn min_max(xs: *const i32, n: usize) -> MinMax { todo!() }',
  },
  claims: (reason: Reason, _ty: Ty) => reason === 'tuple',
};
