import type { ParityRuleMeta } from './meta';
import type { Reason } from '../ffi';
import type { Ty } from '../../workspace/types';

export const rustFnPointer: ParityRuleMeta = {
  id: 'rust-fn-pointer',
  family: 'parity',
  rustcLint: 'improper_ctypes_definitions',
  defaultSeverity: 'warning',
  certainty: 'fact',
  summary: 'A Rust-ABI function pointer `fn(..)` crosses the boundary.',
  fixes: ['extern-c-field', 'c-shim', 'element-repr', 'explain', 'allow-lint'],
  docs: {
    whatItDoes: 'Flags `fn(..)` pointer types (the Rust calling convention) in a C signature.',
    whyIsThisBad:
      'A `fn(..)` uses the unstable Rust calling convention: C code that calls it passes arguments where the Rust side does not look for them.',
    example: 'pub extern "C" fn on_event(cb: fn(u32)) {}',
    useInstead: 'pub extern "C" fn on_event(cb: extern "C" fn(u32)) {}',
  },
  claims: (reason: Reason, _ty: Ty) => reason === 'fnptr',
};
