import type { Finding, FixTarget } from '../analysis/findings';
import { ruleById } from '../analysis/rules';
import type { FnItem } from '../syntax/model';
import { explanation, Fix, FixRequest } from './edits';
import { inTraitOrTraitImpl } from './abi';
import { hasTraitObject, usedAsValue } from './shims';

/**
 * `explain`: what to do by hand, where no edit is clearly right. The rule's own advice for a rule beyond
 * rustc; at a signature, why no shim applies (a trait object, a macro, a trait, generics…); at an `extern`
 * block, that C's header decides; at a callback type or a generic export, what changing it costs.
 */
export function explanationFixes({ finding, ctx, offered }: FixRequest): Fix[] {
  const target = finding.target;
  if (!target) return [explanation(ruleExplanation(finding))];
  const site = target.site;
  switch (site.kind) {
    case 'signature':
      if (hasTraitObject(site.fn, target.ctx)) return [explanation(TRAIT_OBJECT_EXPLANATION)];
      // A preferred fix, or the shim's own reason for being left out (`#![no_std]`, `#[cfg]` variants).
      if (offered.some((f) => f.preferred || f.explanation)) return [];
      return [explanation(noShimExplanation(finding, site.fn, target, usedAsValue(site.fn, target.ctx, ctx)))];
    case 'foreign':
      return [
        explanation(
          `The C library decides the types of \`${site.item.name}\`: change the declaration to match its C header (raw pointers, C integers, \`#[repr(C)]\` types), or keep it and document why.`,
        ),
      ];
    case 'item':
      return [explanation(itemExplanation(finding, site.lint))];
    case 'abi':
      if (!inTraitOrTraitImpl(site.fn, target)) return [];
      return [
        explanation(
          `The trait declares the ABI of \`${site.fn.name}\`, and every implementation must match it: give the trait's method \`extern "C"\` (and C types) and update every impl, or take the export attribute off and export a free \`extern "C"\` function that calls the method.`,
        ),
      ];
    case 'unwind':
    case 'none':
      return [explanation(ruleExplanation(finding))];
    default:
      return [];
  }
}

const TRAIT_OBJECT_EXPLANATION =
  'A trait object has no safe C conversion: it is a data pointer plus a Rust vtable whose layout is unspecified. ' +
  'Hand C an opaque handle instead: box the `Box<dyn Trait>` once more and return `Box::into_raw(Box::new(b)).cast::<c_void>()`; ' +
  'take `*const c_void` where a `&dyn Trait` was expected and turn it back with `&**handle.cast::<Box<dyn Trait>>()`; ' +
  'give C the methods as `extern "C"` functions taking the handle, or as a `#[repr(C)]` table of `extern "C" fn` pointers; ' +
  'and export a free function that rebuilds the `Box<Box<dyn Trait>>` and drops it. The caller must free each handle exactly once ' +
  'and not use it afterwards. The generated shim does this for `Box<dyn Trait>` returns and `Box<dyn Trait>` and `&dyn Trait` parameters; ' +
  "a closure parameter (`&dyn Fn(u32)`, `&mut dyn FnMut(&str)`) becomes C's callback plus a `void *` user-data pointer.";

/** Why no shim could be generated for a signature, and what to do instead. */
function noShimExplanation(finding: Finding, fn: FnItem, target: FixTarget, takenAsValue: boolean): string {
  const type = finding.typeName ? `\`${finding.typeName}\`` : 'this type';
  if (fn.crateExport) {
    return `\`${fn.name}\` is made \`extern "C"\` by \`#[${fn.crateExport.attribute.name}]\`, with the types it is written with: a shim beside it would not be the function abi_stable exports or stores in its module. Write ${type} as one of abi_stable's types instead (\`RStr<'_>\` for \`&str\`, \`RString\` for \`String\`, \`RVec<T>\` for \`Vec<T>\`, \`RSlice<'_, T>\` for \`&[T]\`, \`ROption<T>\` for \`Option<T>\`), or a \`#[repr(C)]\` \`#[derive(StableAbi)]\` type.`;
  }
  if (fn.fromMacro) {
    return `\`${fn.name}\` is written by a macro, whose template every invocation shares: change the macro (C types in the template, or a shim generated beside the function), or allow the lint where the macro is invoked.`;
  }
  if (inTraitOrTraitImpl(fn, target) || (target.ctx.container === 'impl' && target.ctx.implGenerics.length)) {
    return `\`${fn.name}\` belongs to a trait or a generic impl, whose signature the other implementations share: change the types there (C types such as raw pointers and lengths, \`#[repr(C)]\` structs), or keep ${type} and document why.`;
  }
  if (fn.generics.some((g) => g.kind !== 'lifetime')) {
    return `\`${fn.name}\` is generic: write a non-generic \`extern "C"\` wrapper per concrete type that takes C types and calls it.`;
  }
  if (takenAsValue) {
    return `\`${fn.name}\` is also used as a function pointer, and a shim would take its \`extern "C"\` away from those uses: change ${type} to a C type in place (a pointer and a length, a \`#[repr(C)]\` struct, an opaque pointer) and convert it inside \`${fn.name}\`.`;
  }
  if (target.ctx.module.isBlock) {
    return `\`${fn.name}\` is declared inside a function body, and the helper items its shim needs (generated types, free functions) would name types declared there too, which module level cannot see: move it, or those types, to module level, where a C shim can be generated for it.`;
  }
  // Through a field of a workspace struct passed by value: the struct is what must change.
  const step = finding.chain.find((c) => c.field?.name);
  const field = step?.field ? [null, step.field.name, step.field.owner] : null;
  if (field && finding.rule === 'rust-fn-pointer') {
    return `The field \`${field[1]}\` of \`${field[2]}\` is a Rust-ABI function pointer, which C cannot call or store: make it \`extern "C" fn(…)\` where \`${field[2]}\` is defined, and give the functions stored into it \`extern "C"\` too (the compiler then points at each one that is not). No shim can convert it: C could neither build a \`${field[2]}\` nor obtain a handle to one.`;
  }
  if (field) {
    return `The field \`${field[1]}\` of \`${field[2]}\` has no C equivalent, so C cannot build a \`${field[2]}\`: change the field's type to a C type where \`${field[2]}\` is defined (a pointer and a length, \`u32\` for a \`char\`, a \`#[repr(C)]\` struct, an \`extern "C" fn\`), or take the fields C can give as separate parameters.`;
  }
  if (finding.chain.some((c) => c.label.includes('fn pointer'))) {
    return `${type} appears inside a callback type: the callbacks passed in are written against that type, so change the callback's signature to C types and update the callbacks.`;
  }
  return `${type} has no automatic conversion here: take a C type instead (a pointer and a length, a \`#[repr(C)]\` struct, an opaque pointer) and convert it inside \`${fn.name}\`.`;
}

/** A rule's own advice: why it matters and what to write instead. */
function ruleExplanation(finding: Finding): string {
  const docs = ruleById(finding.rule).docs;
  return `${docs.whyIsThisBad}\n\nInstead:\n${docs.useInstead}`;
}

function itemExplanation(finding: Finding, lint: string): string {
  if (lint === 'no_mangle_generic_items') {
    return `A generic function cannot be exported: write one non-generic \`extern "C"\` wrapper per concrete type (\`#[no_mangle] pub extern "C" fn ${finding.symbol}_u32(x: u32)\`) that calls the generic function, and remove the export attribute from the generic one.`;
  }
  return `Callers build values of this type, so changing it breaks them: replace \`${finding.typeName}\` in the callback's signature with a C type (a raw pointer and a length for slices and strings, \`u32\` for \`char\`, a \`#[repr(C)]\` struct), then update the callbacks that are passed in.`;
}
