import { planShims, usedAsValue } from './shims';
import type { Fix, FixRequest } from './edits';
import { reprMakesItC } from './layout';

/**
 * `c-shim`: an `extern "C"` shim converting the types of a signature rustc rejects (shims.ts), and its
 * alternatives. Preferred over a repr that leaves Rust types in the fields: a shim handing C an opaque
 * handle makes the value C's, the repr does not. No shim for a function also used as a function pointer:
 * the shim takes its `extern "C"` away from those uses.
 *
 * ```text
 * #[no_mangle]                                pub fn greet(name: &str) {…}
 * pub extern "C" fn greet(name: &str) {…}  →
 *                                             #[export_name = "greet"]
 *                                             pub unsafe extern "C" fn greet_ffi(name: *const c_char) { …checks…; greet(name); }
 * ```
 */
export function shimFixes({ finding, ctx, offered }: FixRequest): Fix[] {
  const target = finding.target;
  if (target?.site.kind !== 'signature') return [];
  const fn = target.site.fn;
  // An FFI crate's attribute makes this function `extern "C"` (`#[sabi_extern_fn]`): a shim beside it is
  // not what the crate exports or stores in its module; the explanation says what to use instead.
  if (fn.crateExport) return [];
  const takenAsValue = usedAsValue(fn, target.ctx, ctx);
  // A repr that leaves Rust types in the fields does not make the value C's: a shim handing C an
  // opaque handle does. (A zero-sized type's fix, add a member, is never preferred either.)
  const layout = offered.find((f) => f.preferred);
  if (layout && target.subject && !reprMakesItC(target.subject, fn, target)) layout.preferred = false;
  const shims = !offered.some((f) => f.preferred) && !takenAsValue ? planShims(fn, target.ctx, ctx) : [];
  if (layout && !offered.some((f) => f.preferred) && !shims.some((f) => f.preferred)) layout.preferred = true;
  return shims;
}
