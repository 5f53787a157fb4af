import type { BeyondContext, BeyondRuleMeta } from './meta';
import type { WalkContext } from '../boundary';
import { reprCProblem, istableProblem, TraitProblem } from '../crate-traits';
import type { FnItem, TypeExpr } from '../../syntax/model';
import { resolveType } from '../../workspace/resolve';
import { displayTy, Ty, TypeNames } from '../../workspace/types';
import { isStabbyAbi } from '../../workspace/ffi-crates';

/** Each written type of an exported signature (parameters, then the return) the crate's trait rejects. */
export function reportSignatureProblems(
  fn: FnItem,
  w: WalkContext,
  ctx: BeyondContext,
  rule: string,
  problemOf: (ty: Ty, names: TypeNames) => TraitProblem | null,
  what: string,
): void {
  const exprs: { expr: TypeExpr; where: string }[] = fn.params.map((p) => ({
    expr: p.type,
    where: `parameter \`${p.name}\``,
  }));
  if (fn.ret) exprs.push({ expr: fn.ret, where: 'the return type' });
  for (const { expr, where } of exprs) {
    const ty = resolveType(expr, w.types);
    const problem = problemOf(ty, ctx.names);
    if (!problem) continue;
    const typeName = displayTy(problem.ty, ctx.names);
    const subject = problem.ty.k === 'adt' && problem.ty.def.source === 'local' ? problem.ty.def : null;
    ctx.report({
      rule,
      message: problem.consequence
        ? `${problem.why} in ${where} of ${what} \`${fn.name}\`: ${problem.consequence}. ${capitalise(problem.instead)}.`
        : `${problem.why}, so ${what} \`${fn.name}\` does not compile (${where}): ${problem.instead}.`,
      rustcLint: null,
      origin: expr.origin,
      symbol: fn.name,
      typeName,
      related: subject
        ? [{ origin: subject.item.nameOrigin, message: `\`${subject.item.name}\` is defined here` }]
        : [],
      target: {
        ctx: w,
        site: { kind: 'none' },
        ...(subject ? { subject: subject.item, subjectModule: subject.module } : {}),
      },
    });
  }
}

function capitalise(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

export const saferFfiNotReprC: BeyondRuleMeta = {
  id: 'safer-ffi-not-repr-c',
  family: 'beyond',
  rustcLint: null,
  defaultSeverity: 'error',
  certainty: 'fact',
  summary: "A type in an `#[ffi_export]` function's signature does not implement safer_ffi's `ReprC`.",
  fixes: ['derive-repr-c', 'explain', 'suppress-comment'],
  docs: {
    whatItDoes:
      "Flags a parameter or return type of a safer_ffi `#[ffi_export]` function that does not implement safer_ffi's `ReprC` trait: `&str`, `String`, `Vec<T>`, `Box<T>`, `&[T]`, `char`, `u128`, tuples, an `Option` of anything but a pointer-like type, a Rust-ABI `fn` pointer, and a workspace type without `#[derive_ReprC]` (a `#[repr(C)]` alone is not enough) or with `#[derive_ReprC]` but no `#[repr(…)]`; an opaque (`#[repr(opaque)]`) type passed by value. rustc's `improper_ctypes` lints do not run on these functions: the macro converts each type to its `ReprC` C layout and allows them.",
    whyIsThisBad:
      "`#[ffi_export]` requires every type of the signature to be `ReprC` and refuses to compile otherwise; seeing it as you type saves a build, and the message says which safer_ffi type to use instead (`repr_c::String`, `char_p::Ref<'_>`, `c_slice::Ref<'_, T>`, `repr_c::Vec<T>`, `repr_c::Box<T>`).",
    example:
      'use ::safer_ffi::prelude::*;\n\n#[ffi_export]\nfn greet(name: &str) -> String {\n    format!("hello {name}")\n}',
    useInstead:
      'use ::safer_ffi::prelude::*;\n\n#[ffi_export]\nfn greet(name: char_p::Ref<\'_>) -> repr_c::String {\n    format!("hello {}", name.to_str()).into()\n}',
  },
  check: (ctx) => ({
    fn: (fn, w) => {
      if (fn.crateExport?.kind !== 'ffi-export') return;
      if (fn.abi !== 'C') {
        ctx.report({
          rule: 'safer-ffi-not-repr-c',
          message: `\`#[ffi_export]\` exports \`${fn.name}\` with the C ABI only: safer_ffi refuses \`extern "${fn.abi}"\` ("unsupported abi"). Remove the \`extern "${fn.abi}"\` (safer_ffi makes the function \`extern "C"\`).`,
          rustcLint: null,
          origin: fn.signatureOrigin,
          symbol: fn.name,
          target: { ctx: w, site: { kind: 'none' } },
        });
        return;
      }
      // `#[ffi_export(executor = …)] async fn` exports a function of other types (safer_ffi's `async_fn.rs`).
      if (fn.isAsync) return;
      reportSignatureProblems(fn, w, ctx, 'safer-ffi-not-repr-c', reprCProblem, '`#[ffi_export]`');
    },
  }),
};

export const stabbyNotIStable: BeyondRuleMeta = {
  id: 'stabby-not-istable',
  family: 'beyond',
  rustcLint: null,
  defaultSeverity: 'error',
  certainty: 'fact',
  summary: "A type in a `#[stabby::export]` function's signature does not implement stabby's `IStable`.",
  fixes: ['explain', 'suppress-comment'],
  docs: {
    whatItDoes:
      "Flags a parameter or return type of a `#[stabby::export]` function that does not implement stabby's `IStable` trait: `&str`, `&[T]`, `String`, `Vec<T>`, `Box<T>`, `char`, tuples, an `Option` of a type without exactly one niche, a Rust-ABI `fn` pointer, and a workspace type without `#[stabby::stabby]` (a `#[repr(C)]` alone is not enough). `#[stabby::export(canaries)]` checks no type (it records the compiler's version instead) and is not flagged.",
    whyIsThisBad:
      'stabby asserts `IStable` for every type of an exported signature and refuses to compile otherwise: a build error, and with it no `improper_ctypes` lint either, since rustc stops before its lints run. The message says which stabby type to use instead (`stabby::string::String`, `stabby::str::Str`, `stabby::vec::Vec`).',
    example: '#[stabby::export]\npub extern "C" fn greet(name: &str) -> usize {\n    name.len()\n}',
    useInstead: '#[stabby::export]\npub extern "C" fn greet(name: stabby::str::Str<\'_>) -> usize {\n    name.len()\n}',
  },
  check: (ctx) => ({
    fn: (fn, w) => {
      if (fn.crateExport?.kind !== 'stabby-export' || fn.crateExport.canaries) return;
      if (!isStabbyAbi(fn.abi)) {
        ctx.report({
          rule: 'stabby-not-istable',
          message: `\`#[stabby::export]\` refuses \`extern "${fn.abi}"\` on \`${fn.name}\` ("stabby functions must use a stable calling convention"): write \`extern "C"\` (or \`"system"\`, \`"C-unwind"\`).`,
          rustcLint: null,
          origin: fn.signatureOrigin,
          symbol: fn.name,
          target: { ctx: w, site: { kind: 'none' } },
        });
        return;
      }
      reportSignatureProblems(fn, w, ctx, 'stabby-not-istable', istableProblem, '`#[stabby::export]`');
    },
  }),
};
