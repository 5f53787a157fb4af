import type { ParityRuleMeta } from './meta';
import type { Reason } from '../ffi';
import type { Ty } from '../../workspace/types';

export const opaqueType: ParityRuleMeta = {
  id: 'opaque-type',
  family: 'parity',
  rustcLint: 'improper_ctypes_definitions',
  defaultSeverity: 'warning',
  certainty: 'fact',
  summary: '`impl Trait` crosses the boundary.',
  fixes: ['c-shim', 'element-repr', 'explain', 'allow-lint'],
  docs: {
    whatItDoes:
      'Flags `impl Trait` (an opaque type) in a C signature, including the `impl Future` of an `async extern "C" fn`.',
    whyIsThisBad: "An opaque type's concrete type is hidden and can change with the body: it has no C equivalent.",
    example: 'pub extern "C" fn counter() -> impl Copy { 0u32 }',
    useInstead: 'pub extern "C" fn counter() -> u32 { 0 }',
  },
  claims: (reason: Reason, _ty: Ty) => reason === 'opaque',
};
