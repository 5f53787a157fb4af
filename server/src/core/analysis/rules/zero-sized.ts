import type { ExplainSubject, ParityRuleMeta } from './meta';
import type { Reason } from '../ffi';
import type { Ty } from '../../workspace/types';

/** In the type's own name; a std type cannot be given a member, so the help says what can be done. */
function explainZeroSized({ ty, typeName }: ExplainSubject): { why: string; help?: string } {
  const why = `C has no zero-sized types, and \`${typeName}\` has no size: an empty struct is undefined behaviour in C and has size 1 in C++, so the two sides disagree about the size and the calling convention.`;
  return ty.k === 'adt' && ty.def.source === 'std'
    ? { why, help: `leave \`${typeName}\` out of the C signature: it carries no data` }
    : { why };
}

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
  explain: explainZeroSized,
  claims: (reason: Reason, _ty: Ty) =>
    reason === 'struct-fieldless' || reason === 'union-fieldless' || reason === 'struct-zst',
};
