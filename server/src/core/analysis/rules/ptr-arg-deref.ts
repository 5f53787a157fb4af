import type { BeyondRuleMeta } from './meta';
import { isAllowed } from '../lint-levels';
import type { FnItem, Item, PlainName } from '../../syntax/model';
import { resolveType } from '../../workspace/resolve';
import type { WalkContext } from '../boundary';
import { clippyScope } from './clippy-scope';
import { rebinds } from './panic-across-ffi';

const LINT = 'clippy::not_unsafe_ptr_arg_deref';

/** The unsafe methods of raw pointers: called on a pointer parameter, they dereference it (or may). */
const UNSAFE_PTR_METHODS = new Set([
  'read',
  'read_unaligned',
  'read_volatile',
  'write',
  'write_unaligned',
  'write_volatile',
  'write_bytes',
  'as_ref',
  'as_mut',
  'as_uninit_ref',
  'as_uninit_mut',
  'as_uninit_slice',
  'as_uninit_slice_mut',
  'add',
  'sub',
  'offset',
  'byte_add',
  'byte_sub',
  'byte_offset',
  'offset_from',
  'byte_offset_from',
  'offset_from_unsigned',
  'copy_to',
  'copy_to_nonoverlapping',
  'copy_from',
  'copy_from_nonoverlapping',
  'drop_in_place',
  'replace',
  'swap',
  'get_unchecked',
  'get_unchecked_mut',
]);

/**
 * std's unsafe functions that take a pointer, by their last path segment (`slice::from_raw_parts`,
 * `CStr::from_ptr`, `Box::from_raw`, `ptr::read`, `<*const T>::read`…). A callee we do not know is
 * not counted: no finding rather than a wrong one.
 */
const UNSAFE_STD_FNS = new Set([
  'from_raw_parts',
  'from_raw_parts_mut',
  'from_ptr',
  'from_raw',
  'from_raw_in',
  'new_unchecked',
  'transmute',
  'transmute_copy',
  'copy',
  'copy_nonoverlapping',
  'drop_in_place',
  ...UNSAFE_PTR_METHODS,
]);

/** Whether `callee` (a path as written, turbofish and all) names an unsafe function we know. */
function unsafeCallee(callee: string, w: WalkContext): boolean {
  const path = callee.replace(/::<[^]*>$/, '').replace(/\s+/g, '');
  const segments = path.split('::');
  const last = segments[segments.length - 1];
  if (segments.length === 1) {
    // A name of this module: its own `unsafe fn`, or a function of an `extern` block.
    const local = localFn(w.module.items, last);
    return local ?? false;
  }
  return UNSAFE_STD_FNS.has(last);
}

/** Whether a function of these items named `name` is unsafe to call; null when there is none. */
function localFn(items: Item[], name: string): boolean | null {
  for (const i of items) {
    if (i.kind === 'fn' && i.name === name) return i.isUnsafe;
    if (i.kind === 'extern-block')
      for (const f of i.items) if (f.kind === 'foreign-fn' && f.name === name) return !f.safe;
  }
  return null;
}

/** The parameters that are raw pointers (through aliases), by name, unless the body may bind the name again. */
function rawPointerParams(fn: FnItem, w: WalkContext): Set<string> {
  const out = new Set<string>();
  const text = fn.bodyFacts?.text ?? '';
  for (const p of fn.params)
    if (resolveType(p.type, w.types).k === 'ptr' && /^\w+$/.test(p.name) && !rebinds(text, p.name)) out.add(p.name);
  return out;
}

/** Each use of a raw-pointer parameter that dereferences it: `*p`, `p.read()`, `from_raw_parts(p, n)`. */
function derefs(fn: FnItem, w: WalkContext, params: Set<string>): PlainName[] {
  const out: PlainName[] = [];
  const take = (names: (PlainName | null)[]): void => {
    for (const n of names) if (n && params.has(n.name)) out.push(n);
  };
  for (const e of fn.bodyFacts?.expressions ?? []) {
    switch (e.kind) {
      case 'deref':
        take([e.operand]);
        break;
      case 'method-call':
        if (e.receiver && params.has(e.receiver.name) && UNSAFE_PTR_METHODS.has(e.method))
          take([e.receiver, ...e.args]);
        break;
      case 'call':
        if (unsafeCallee(e.callee, w)) take(e.args);
        break;
    }
  }
  return out.sort((a, b) => a.origin.span.start - b.origin.span.start);
}

export const ptrArgDeref: BeyondRuleMeta = {
  id: 'ptr-arg-deref',
  family: 'beyond',
  rustcLint: LINT,
  defaultSeverity: 'error',
  certainty: 'fact',
  summary: 'A safe exported function dereferences a raw pointer its caller passed.',
  fixes: ['explain', 'allow-lint'],
  docs: {
    whatItDoes:
      "Flags a function C can call, not marked `unsafe`, that dereferences one of its raw-pointer parameters: `*p`, an unsafe pointer method (`p.read()`, `p.as_ref()`, `p.add(1)`), or an unsafe function given the pointer (`slice::from_raw_parts(p, n)`, `CStr::from_ptr(p)`, `Box::from_raw(p)`, a function of an `extern` block). It agrees with clippy's `not_unsafe_ptr_arg_deref` (deny by default), which fires on publicly reachable functions; we also report a private `#[no_mangle]` function, since C can call it. Functions of `impl` blocks are not checked; a callee we cannot identify is not counted.",
    whyIsThisBad:
      'A safe function promises that no argument can make it misbehave, but any Rust caller can pass a dangling or null pointer without writing `unsafe`, and the dereference is undefined behaviour. The contract (the pointer must be valid, aligned, live) belongs in the signature: mark the function `unsafe` and document it, or check what can be checked (null) and say the rest in a `# Safety` section.',
    example: '#[no_mangle]\npub extern "C" fn read_it(p: *const u32) -> u32 {\n    unsafe { *p }\n}',
    useInstead:
      '/// Reads the value `p` points to.\n///\n/// # Safety\n///\n/// `p` must be null or point to a live, aligned `u32`.\n#[no_mangle]\npub unsafe extern "C" fn read_it(p: *const u32) -> u32 {\n    if p.is_null() {\n        return 0;\n    }\n    unsafe { *p }\n}',
  },
  check: (ctx) => ({
    fn: (fn, w) => {
      // Functions with an `extern` ABI only (a Rust-ABI function's body is read only when it wraps `catch_unwind`).
      if (fn.isUnsafe || fn.abi === null || !fn.bodyFacts) return;
      const scope = clippyScope(fn, w);
      if (!scope || isAllowed(w.scopes, LINT)) return;
      const params = rawPointerParams(fn, w);
      if (!params.size) return;
      for (const use of derefs(fn, w, params))
        ctx.report({
          rule: 'ptr-arg-deref',
          message: `\`${fn.name}\` is not \`unsafe\` but dereferences its raw-pointer parameter \`${use.name}\`: a caller can pass a dangling or null pointer without writing \`unsafe\`, and reading through it is undefined behaviour. Mark the function \`unsafe extern\` and document what \`${use.name}\` must point to in a \`# Safety\` section.`,
          rustcLint: scope.clippyAgrees ? LINT : null,
          origin: use.origin,
          symbol: fn.name,
        });
    },
  }),
};
