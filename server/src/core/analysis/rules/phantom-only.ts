import type { ParityRuleMeta } from './meta';
import type { Reason } from '../ffi';
import type { Ty } from '../../workspace/types';

export const phantomOnly: ParityRuleMeta = {
  id: 'phantom-only',
  family: 'parity',
  rustcLint: 'improper_ctypes_definitions',
  defaultSeverity: 'warning',
  certainty: 'fact',
  summary: 'A type made only of `PhantomData` crosses the boundary.',
  fixes: ['repr', 'c-shim', 'element-repr', 'explain', 'allow-lint'],
  docs: {
    whatItDoes: 'Flags `PhantomData<T>` and types whose every field is `PhantomData`, used at the C boundary.',
    whyIsThisBad:
      '`PhantomData` has no size and no C equivalent: a type made only of it is zero-sized, which C cannot express.',
    example: 'pub extern "C" fn f(marker: std::marker::PhantomData<u8>) {}',
    useInstead: 'pub extern "C" fn f() {}  // drop the marker parameter; keep PhantomData next to real fields',
  },
  claims: (reason: Reason, _ty: Ty) => reason === 'phantom',
};
