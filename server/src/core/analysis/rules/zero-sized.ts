import type { ParityRuleMeta } from './meta';
import type { Reason } from '../ffi';
import type { Ty } from '../../workspace/types';

export const zeroSized: ParityRuleMeta = {
  id: 'zero-sized',
  family: 'parity',
  rustcLint: 'improper_ctypes_definitions',
  defaultSeverity: 'warning',
  certainty: 'fact',
  summary: 'A type with no fields, or only zero-sized fields, crosses the boundary.',
  fixes: ['repr', 'c-shim', 'element-repr', 'explain', 'allow-lint'],
  docs: {
    whatItDoes:
      'Flags an empty `#[repr(C)]` struct or union, and a `#[repr(transparent)]` wrapper of zero-sized fields, used at the C boundary.',
    whyIsThisBad:
      'C has no zero-sized types: an empty struct is undefined behaviour in C and has size 1 in C++, so the two sides disagree about the size and the calling convention.',
    example: '#[repr(C)]\npub struct Token;\nextern "C" { fn use_token(t: Token); }',
    useInstead: '#[repr(C)]\npub struct Token { _private: u8 }\nextern "C" { fn use_token(t: *mut Token); }',
  },
  claims: (reason: Reason, _ty: Ty) =>
    reason === 'struct-fieldless' || reason === 'union-fieldless' || reason === 'struct-zst',
};
