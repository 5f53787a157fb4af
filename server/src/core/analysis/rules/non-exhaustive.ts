import type { ParityRuleMeta } from './meta';
import type { Reason } from '../ffi';
import type { Ty } from '../../workspace/types';

export const nonExhaustive: ParityRuleMeta = {
  id: 'non-exhaustive',
  family: 'parity',
  rustcLint: 'improper_ctypes_definitions',
  defaultSeverity: 'warning',
  certainty: 'caution',
  summary: 'A `#[non_exhaustive]` type of another crate crosses the boundary.',
  fixes: ['c-shim', 'element-repr', 'explain', 'allow-lint'],
  docs: {
    whatItDoes:
      'Flags a type of another crate of the workspace marked `#[non_exhaustive]` used by value in a C signature, as rustc does: a struct or union, an enum with a variant that carries fields, or an enum with a `#[non_exhaustive]` variant. A C-like non-exhaustive enum with a `repr` is fine.',
    whyIsThisBad:
      'The defining crate may add fields or variants in a minor release, changing the size and layout the C side was compiled against.',
    example: 'pub extern "C" fn f(e: other_crate::NonExhaustiveEnum) {}',
    useInstead: 'Pass a pointer to it, or convert to a type your crate owns.',
  },
  claims: (reason: Reason, _ty: Ty) =>
    reason === 'non-exhaustive' || reason === 'non-exhaustive-enum' || reason === 'non-exhaustive-variant',
};
