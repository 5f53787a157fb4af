import type { ParityRuleMeta } from './meta';
import type { Reason } from '../ffi';
import type { Ty } from '../../workspace/types';

export const charType: ParityRuleMeta = {
  id: 'char-type',
  family: 'parity',
  rustcLint: 'improper_ctypes_definitions',
  defaultSeverity: 'warning',
  certainty: 'fact',
  summary: '`char` crosses the boundary.',
  fixes: ['c-shim', 'element-repr', 'explain', 'allow-lint'],
  docs: {
    whatItDoes: "Flags Rust's `char` in a C signature.",
    whyIsThisBad:
      "Rust's `char` is a 32-bit Unicode scalar value with a validity invariant (no surrogates, at most 0x10FFFF); C's `char` is one byte. Passing any other 32-bit value from C is undefined behaviour.",
    example: 'pub extern "C" fn is_vowel(c: char) -> bool { "aeiou".contains(c) }',
    useInstead: 'pub extern "C" fn is_vowel(c: u32) -> bool { char::from_u32(c).is_some_and(|c| "aeiou".contains(c)) }',
  },
  claims: (reason: Reason, _ty: Ty) => reason === 'char',
};
