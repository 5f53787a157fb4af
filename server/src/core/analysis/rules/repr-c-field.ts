import type { BeyondRuleMeta } from './meta';
import { checkedTypesOfFn, checkedTypesOfForeign, CheckedType } from '../boundary-types';
import type { BeyondContext } from './meta';

/**
 * Report the innermost `repr(C)` / transparent field that makes a checked type unsafe (once per field in the
 * crate: `oncePerCrate`).
 */
function reportFields(ctx: BeyondContext, symbol: string, checked: CheckedType[]): void {
  for (const c of checked) {
    if (c.verdict.kind !== 'unsafe') continue;
    const steps = c.verdict.chain.filter((s) => s.field && s.field.ownerRepr !== 'none');
    const step = steps[steps.length - 1];
    if (!step?.field) continue;
    const path = c.verdict.chain.map((s) => s.label).join(' → ');
    const fieldName =
      step.field.name !== null && !/^\d+$/.test(step.field.name)
        ? `field \`${step.field.name}\``
        : `field ${step.field.name ?? ''}`.trim();
    ctx.report({
      rule: 'repr-c-field',
      message: `${fieldName} of \`${step.field.owner}\` has type \`${step.ty}\`, which is not FFI-safe, so \`${step.field.owner}\` cannot cross the C boundary despite its \`#[repr]\` (used by \`${symbol}\`: ${path}). Give the field a C type.`,
      rustcLint: null,
      origin: step.field.origin,
      symbol,
      typeName: step.ty,
      chain: c.verdict.chain,
    });
  }
}

export const reprCField: BeyondRuleMeta = {
  id: 'repr-c-field',
  family: 'beyond',
  rustcLint: null,
  defaultSeverity: 'warning',
  certainty: 'fact',
  summary: 'A field breaks the C layout of a `#[repr(C)]` type used at the boundary.',
  fixes: ['explain', 'suppress-comment'],
  docs: {
    whatItDoes:
      'Points at the exact field of a `#[repr(C)]` / `#[repr(transparent)]` type (or one nested in it) whose type is not FFI-safe, with the path from the boundary type to it.',
    whyIsThisBad:
      '`#[repr(C)]` fixes the order of the fields, not their own layout: one `String` field makes the whole struct unreadable from C. rustc reports it at the signature; this finding shows where to fix it.',
    example: '#[repr(C)]\npub struct Person { name: String, age: u32 }',
    useInstead:
      'use std::ffi::c_char;\n#[repr(C)]\npub struct Person { name: *const c_char, age: u32 }\n#[no_mangle]\npub extern "C" fn age(p: *const Person) -> u32 { unsafe { (*p).age } }',
  },
  check: (ctx) => ({
    fn: (fn, w) => reportFields(ctx, fn.name, checkedTypesOfFn(fn, w)),
    foreignItem: (item, block, w) => reportFields(ctx, item.name, checkedTypesOfForeign(item, block, w)),
  }),
  // The finding stands at the field.
  oncePerCrate: (f) => `${f.origin.file}:${f.origin.span.start}`,
};
