import type { ParityRuleMeta } from './meta';
import type { Reason } from '../ffi';
import { isOptionOrResult } from '../../workspace/std-types';
import type { Ty } from '../../workspace/types';

export const optionNoNiche: ParityRuleMeta = {
  id: 'option-no-niche',
  family: 'parity',
  rustcLint: 'improper_ctypes_definitions',
  defaultSeverity: 'warning',
  certainty: 'fact',
  summary: '`Option`/`Result` without the nullable-pointer guarantee crosses the boundary.',
  fixes: ['c-shim', 'element-repr', 'explain', 'allow-lint'],
  docs: {
    whatItDoes:
      'Flags `Option<T>` and `Result<T, E>` that are not laid out as a nullable pointer: only `Option` of a non-null thin pointer (`&T`, `Box<T>`, `NonNull<T>`, `NonZero*`, `extern "C" fn`) and `Result<T, ()>`-style types of those are.',
    whyIsThisBad:
      'An `Option<u32>` is a tag plus a value in a layout Rust does not specify; C cannot tell `None` from `Some`. Only the nullable-pointer optimisation is guaranteed.',
    example: 'pub extern "C" fn find(key: u32) -> Option<u32> { None }',
    useInstead: 'pub extern "C" fn find(key: u32, out: *mut u32) -> bool { false }',
  },
  claims: (reason: Reason, ty: Ty) => reason === 'enum-repr' && isOptionOrResult(ty),
};
