import { exportAttribute } from '../boundary';
import type { WalkContext } from '../boundary';
import type { FnItem } from '../../syntax/model';
import type { ModuleScope } from '../../workspace/scopes';

/**
 * Which functions clippy's FFI lints (`not_unsafe_ptr_arg_deref`, `missing_safety_doc`) are checked on
 * here, and where clippy itself would fire. Clippy fires on exported functions in its own sense: free
 * functions `pub` in modules that are all `pub` (its "effective visibility"; a `pub use` re-export of a
 * private module's function is not followed here, so such a function is reported as ours only). We
 * report on every free function C can call: an `#[no_mangle]`/`#[export_name]` one, public or not, and a
 * publicly reachable one with an `extern` ABI.
 */
export interface ClippyScope {
  /** Where clippy makes the same finding: the finding then names the clippy lint. */
  clippyAgrees: boolean;
}

/** Whether a module and every module around it are `pub`, so its `pub` items are reachable from outside. */
function publicModule(module: ModuleScope): boolean {
  for (let m: ModuleScope | null = module; m?.parent; m = m.parent) {
    if (m.isBlock) return false;
    const name = m.name;
    const decl = m.parent.items.find((i) => i.kind === 'mod' && i.name === name);
    if (!decl || decl.visibility !== 'pub') return false;
  }
  return true;
}

/** The scope of a function for clippy's FFI lints, or null when it is not checked. */
export function clippyScope(fn: FnItem, w: WalkContext): ClippyScope | null {
  if (w.container !== 'free' || !fn.hasBody) return null;
  const reachable = fn.visibility === 'pub' && publicModule(w.module);
  const exported = exportAttribute(fn.attrs) !== null;
  if (!exported && !(reachable && fn.abi !== null && fn.abi !== 'Rust')) return null;
  return { clippyAgrees: reachable && !fn.fromMacro };
}
