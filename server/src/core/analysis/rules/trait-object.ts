import type { ParityRuleMeta } from './meta';
import type { Reason } from '../ffi';
import type { Ty } from '../../workspace/types';

export const traitObject: ParityRuleMeta = {
  id: 'trait-object',
  family: 'parity',
  rustcLint: 'improper_ctypes_definitions',
  defaultSeverity: 'warning',
  certainty: 'fact',
  summary: 'A trait object `dyn Trait` crosses the boundary.',
  fixes: ['c-shim', 'element-repr', 'explain', 'allow-lint'],
  docs: {
    whatItDoes: 'Flags `dyn Trait`, `&dyn Trait` and `*const dyn Trait` in a C signature.',
    whyIsThisBad:
      'A trait object pointer is two words (data and vtable), and the vtable layout is unstable: C can neither build nor call one.',
    example: 'pub extern "C" fn run(job: &dyn Fn()) { job() }',
    useInstead:
      'use std::ffi::c_void;\npub extern "C" fn run(job: extern "C" fn(*mut c_void), data: *mut c_void) { job(data) }',
  },
  claims: (reason: Reason, _ty: Ty) => reason === 'dyn',
};
