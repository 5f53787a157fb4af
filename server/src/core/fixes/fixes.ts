import type { Finding, FixTarget } from '../analysis/findings';
import type { AdtItem, Attribute, FnItem, Origin } from '../syntax/model';

/** Anything with outer attributes: an item, or an item of an `extern` block. */
type AttributedItem = { attrs: Attribute[]; origin: Origin };
import { checkedTypesOfFn } from '../analysis/boundary-types';
import { adtShape, checkBoundaryType, is1Zst } from '../analysis/ffi';
import { localAdt } from '../workspace/resolve';
import { ruleById } from '../analysis/rules';
import { hasTraitObject, planShims, usedAsValue } from './shims';
import type { Ty } from '../workspace/types';
import { externClause, Fix, FixContext, fnKeyword, indentOf, TextEdit } from './edits';

/**
 * Quick fixes: text edits, possibly in several files, for each finding. A fix never deletes code it does
 * not replace and its edits never overlap. Fixes that would change a contract callers rely on (generic
 * exports, `extern` block declarations, callback types in aliases, fields and statics) are offered only
 * as an explanation and an `allow` with a reason.
 */

/**
 * Every fix offered for a finding, the preferred one first. A fix that cannot be planned (a bug of ours on
 * code we did not foresee) never costs the finding: it is said instead, and the check goes on.
 */
export function fixesFor(finding: Finding, ctx: FixContext): Fix[] {
  try {
    return computeFixes(finding, ctx);
  } catch (e) {
    return [
      explain(
        `No fix could be worked out here (an internal error of Rust FFI Guard; please report it): ${(e as Error).message}`,
      ),
    ];
  }
}

function computeFixes(finding: Finding, ctx: FixContext): Fix[] {
  const target = finding.target;
  // Our own rules without a fix of their own: what to do, and the comment that silences them.
  if (!target)
    return [explain(ruleExplanation(finding)), suppressFix(finding, ctx)].filter((f): f is Fix => f !== null);
  const fixes: Fix[] = [];
  if (
    target.subject &&
    target.subjectModule &&
    ['unspecified-layout', 'zero-sized', 'phantom-only'].includes(finding.rule)
  ) {
    const layout = layoutFix(target.subject, target, ctx);
    if (layout) fixes.push(layout);
  }
  const site = target.site;
  switch (site.kind) {
    case 'signature': {
      // The shim strips the function's `extern "C"`: where it is used as a value (a callback handed to C), that breaks.
      const takenAsValue = usedAsValue(site.fn, target.ctx, ctx);
      // A repr that leaves Rust types in the fields does not make the value C's: a shim handing C an
      // opaque handle does. (A zero-sized type's fix, add a member, is never preferred either.)
      const layout = fixes.find((f) => f.preferred);
      if (layout && target.subject && !reprMakesItC(target.subject, site.fn, target)) layout.preferred = false;
      if (!fixes.some((f) => f.preferred) && !takenAsValue) fixes.push(...planShims(site.fn, target.ctx, ctx));
      if (layout && !fixes.some((f) => f.preferred)) layout.preferred = true;
      // `[Point; 4]` by value with `Point` lacking a repr: the element's repr first, the array's shim next.
      const element = !fixes.some((f) => f.preferred) ? arrayElementLayoutFix(site.fn, target, ctx) : null;
      if (element) fixes.push(element);
      if (hasTraitObject(site.fn, target.ctx)) fixes.push(explain(TRAIT_OBJECT_EXPLANATION));
      else if (!fixes.some((f) => f.preferred))
        fixes.push(explain(noShimExplanation(finding, site.fn, target, takenAsValue)));
      fixes.push(
        allowFix(site.fn, 'improper_ctypes_definitions', ctx, 'the C side of this function was checked by hand'),
      );
      break;
    }
    case 'foreign':
      fixes.push(
        explain(
          `The C library decides the types of \`${site.item.name}\`: change the declaration to match its C header (raw pointers, C integers, \`#[repr(C)]\` types), or keep it and document why.`,
        ),
      );
      fixes.push(allowFix(site.item, 'improper_ctypes', ctx, 'matches the C declaration'));
      break;
    case 'item':
      fixes.push(explain(itemExplanation(finding, site.lint)));
      fixes.push(
        allowFix(
          site.item,
          site.lint,
          ctx,
          site.lint === 'no_mangle_generic_items'
            ? 'not exported: rustc ignores the attribute'
            : 'the callback type was checked by hand',
        ),
      );
      break;
    case 'abi':
      if (inTraitOrTraitImpl(site.fn, target)) {
        fixes.push(
          explain(
            `The trait declares the ABI of \`${site.fn.name}\`, and every implementation must match it: give the trait's method \`extern "C"\` (and C types) and update every impl, or take the export attribute off and export a free \`extern "C"\` function that calls the method.`,
          ),
          allowFix(site.fn, 'clippy::no_mangle_with_rust_abi', ctx, 'only Rust code links to this symbol'),
        );
      } else fixes.push(...abiFixes(site.fn, ctx));
      break;
    case 'unwind': {
      const unwind = unwindAbiFix(site.fn, ctx);
      if (unwind) fixes.push(unwind);
      fixes.push(explain(ruleExplanation(finding)));
      const suppress = suppressFix(finding, ctx);
      if (suppress) fixes.push(suppress);
      break;
    }
    case 'edition-attr':
      fixes.push(unsafeAttrFix(site.attr, ctx));
      break;
    case 'edition-block':
      fixes.push({
        title: 'Write `unsafe extern`',
        preferred: true,
        edits: [
          {
            file: site.block.origin.file,
            start: site.block.origin.span.start,
            end: site.block.origin.span.start,
            newText: 'unsafe ',
          },
        ],
      });
      break;
  }
  return fixes;
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
  if (finding.chain.some((c) => c.label.includes('fn pointer'))) {
    return `${type} appears inside a callback type: the callbacks passed in are written against that type, so change the callback's signature to C types and update the callbacks.`;
  }
  return `${type} has no automatic conversion here: take a C type instead (a pointer and a length, a \`#[repr(C)]\` struct, an opaque pointer) and convert it inside \`${fn.name}\`.`;
}

/** The layout fix of a workspace type that is the element of an array the signature passes by value. */
function arrayElementLayoutFix(fn: FnItem, target: FixTarget, ctx: FixContext): Fix | null {
  for (const c of checkedTypesOfFn(fn, target.ctx)) {
    if (c.verdict.kind !== 'unsafe' || c.ty.k !== 'array') continue;
    const elem = c.ty.inner;
    if (
      elem.k !== 'adt' ||
      elem.def.source !== 'local' ||
      elem.def.repr.c ||
      elem.def.repr.transparent ||
      elem.def.repr.int
    )
      continue;
    const fix = layoutFix(elem.def.item, { ...target, subject: elem.def.item, subjectModule: elem.def.module }, ctx);
    if (fix?.preferred) return fix;
  }
  return null;
}

/** Whether every field of the type, as the signature instantiates it, is a C value already. */
function reprMakesItC(subject: AdtItem, fn: FnItem, target: FixTarget): boolean {
  const found = checkedTypesOfFn(fn, target.ctx)
    .map((c) => c.verdict)
    .find((v) => v.kind === 'unsafe' && v.ty.k === 'adt' && v.ty.def.source === 'local' && v.ty.def.item === subject);
  if (!found || found.kind !== 'unsafe' || found.ty.k !== 'adt') return true;
  return adtShape(found.ty)
    .variants.flat()
    .every((f) => is1Zst(f.ty) || checkBoundaryType(f.ty, 'definition', 'static').kind === 'safe');
}

/** A rule's own advice: why it matters and what to write instead. */
function ruleExplanation(finding: Finding): string {
  const docs = ruleById(finding.rule).docs;
  return `${docs.whyIsThisBad}\n\nInstead:\n${docs.useInstead}`;
}

/**
 * `// ffi-guard-allow: rule — reason` at the end of the finding's line (suppress.ts): rules beyond rustc
 * cannot be silenced with an attribute on stable Rust.
 */
function suppressFix(finding: Finding, ctx: FixContext): Fix | null {
  const text = ctx.textOf(finding.origin.file);
  if (text === undefined || ruleById(finding.rule).family !== 'beyond') return null;
  const newline = text.indexOf('\n', finding.origin.span.start);
  let end = newline < 0 ? text.length : newline;
  if (text[end - 1] === '\r') end--;
  while (end > 0 && (text[end - 1] === ' ' || text[end - 1] === '\t')) end--;
  return {
    title: `Silence \`${finding.rule}\` on this line, with a reason`,
    preferred: false,
    edits: [
      { file: finding.origin.file, start: end, end, newText: ` // ffi-guard-allow: ${finding.rule} — checked by hand` },
    ],
  };
}

/** `extern "C"` → `extern "C-unwind"`: a panic then unwinds into the caller instead of aborting the process. */
function unwindAbiFix(fn: FnItem, ctx: FixContext): Fix | null {
  const text = ctx.textOf(fn.origin.file);
  if (text === undefined || fn.fromMacro) return null;
  const ext = externClause(fn, text);
  // Only "C" and "system" have an unwinding twin.
  if (!ext || (ext.abi !== null && ext.abi !== 'C' && ext.abi !== 'system')) return null;
  const abi = ext.abi ?? 'C';
  return {
    title: `Declare it \`extern "${abi}-unwind"\` (only if every caller can unwind through it)`,
    preferred: false,
    edits: [{ file: fn.origin.file, start: ext.start, end: ext.end, newText: `extern "${abi}-unwind"` }],
  };
}

function explain(text: string): Fix {
  return { title: 'Explain how to fix this by hand', preferred: false, edits: [], explanation: text };
}

function itemExplanation(finding: Finding, lint: string): string {
  if (lint === 'no_mangle_generic_items') {
    return `A generic function cannot be exported: write one non-generic \`extern "C"\` wrapper per concrete type (\`#[no_mangle] pub extern "C" fn ${finding.symbol}_u32(x: u32)\`) that calls the generic function, and remove the export attribute from the generic one.`;
  }
  return `Callers build values of this type, so changing it breaks them: replace \`${finding.typeName}\` in the callback's signature with a C type (a raw pointer and a length for slices and strings, \`u32\` for \`char\`, a \`#[repr(C)]\` struct), then update the callbacks that are passed in.`;
}

// ---- layout ----

/** `#[repr(C)]`, `#[repr(transparent)]` or an integer repr, at the type's definition, merged into an existing `#[repr]`. */
function layoutFix(item: AdtItem, target: FixTarget, ctx: FixContext): Fix | null {
  const def = localAdt(item, target.subjectModule!);
  const text = ctx.textOf(item.origin.file);
  if (text === undefined || item.fromMacro) return null;
  const repr = def.repr;
  if (repr.c || repr.transparent || repr.int) {
    // Already laid out for C: a fieldless struct needs a member.
    if (item.kind === 'struct' && !item.fields.length) return memberFix(item, text);
    return null;
  }
  const args: Ty[] = item.generics.filter((g) => g.kind === 'type').map((g) => ({ k: 'param', name: g.name }));
  let choice: { repr: string; why: string };
  if (item.kind === 'enum') {
    choice = item.variants.every((v) => v.fields.length === 0)
      ? intReprFor(item)
      : { repr: 'C', why: 'a C-compatible tagged union' };
  } else {
    const fields = adtShape({ k: 'adt', def, args }).variants[0] ?? [];
    const nonZst = fields.filter((f) => !is1Zst(f.ty));
    // No repr makes a zero-sized struct a C value: it needs a member, or a shim that builds it.
    if (item.kind === 'struct' && !nonZst.length) return memberFix(item, text);
    // `transparent` cannot be combined with `align`/`packed`.
    choice =
      item.kind === 'struct' && nonZst.length === 1 && fields.length === 1 && !repr.align && !repr.packed
        ? { repr: 'transparent', why: 'one field: the same ABI as that field' }
        : { repr: 'C', why: "C's field order and padding" };
  }
  return {
    title: `Add \`#[repr(${choice.repr})]\` to \`${item.name}\` (${choice.why})`,
    preferred: true,
    edits: [reprEdit(item, choice.repr, text)],
  };
}

/** The smallest integer repr that holds every discriminant, as C enums are sized. */
function intReprFor(item: AdtItem): { repr: string; why: string } {
  let value = 0n;
  let min = 0n;
  let max = 0n;
  for (const v of item.variants) {
    if (v.discriminant !== null) {
      const d = v.discriminant.replace(/_/g, '').trim();
      if (!/^-?(0x[0-9a-f]+|\d+)$/i.test(d)) return { repr: 'C', why: 'the same size as a C enum' };
      value = d.startsWith('-') ? -BigInt(d.slice(1)) : BigInt(d);
    }
    if (value < min) min = value;
    if (value > max) max = value;
    value++;
  }
  for (const [repr, lo, hi] of [
    ['u8', 0n, 255n],
    ['i8', -128n, 127n],
    ['u16', 0n, 65535n],
    ['i16', -32768n, 32767n],
    ['u32', 0n, 4294967295n],
    ['i32', -2147483648n, 2147483647n],
  ] as const) {
    if (min >= lo && max <= hi)
      return {
        repr,
        why: `its discriminants ${min}…${max} fit in ${repr}; take ${repr} from C and convert with TryFrom`,
      };
  }
  return { repr: 'i64', why: 'its discriminants need 64 bits' };
}

function reprEdit(item: AdtItem, repr: string, text: string): TextEdit {
  const existing = item.attrs.find((a) => a.name === 'repr' && a.args);
  if (existing) {
    const written = text.slice(existing.origin.span.start, existing.origin.span.end);
    // `#[repr(Rust)]` → `#[repr(C)]`: the default representation is what is being replaced.
    const rust = /\bRust\b/.exec(written);
    if (rust)
      return {
        file: item.origin.file,
        start: existing.origin.span.start + rust.index,
        end: existing.origin.span.start + rust.index + 4,
        newText: repr,
      };
    // `#[repr(align(8))]` → `#[repr(C, align(8))]`
    const open = text.indexOf('(', existing.origin.span.start);
    return { file: item.origin.file, start: open + 1, end: open + 1, newText: `${repr}, ` };
  }
  const firstAttr = item.attrs
    .filter((a) => !a.inner && a.name !== 'doc')
    .reduce<number | null>((m, a) => (m === null || a.origin.span.start < m ? a.origin.span.start : m), null);
  const first = firstAttr !== null && firstAttr < item.origin.span.start ? firstAttr : item.origin.span.start;
  const at = text.lastIndexOf('\n', first - 1) + 1;
  // An item that shares its line with other code (`mod u { pub struct Z(u8); }`) gets the attribute inline.
  if (text.slice(at, first).trim())
    return { file: item.origin.file, start: first, end: first, newText: `#[repr(${repr})] ` };
  const indent = indentOf(text, at);
  return { file: item.origin.file, start: at, end: at, newText: `${indent}#[repr(${repr})]\n` };
}

function memberFix(item: AdtItem, text: string): Fix | null {
  const body = text.slice(item.origin.span.start, item.origin.span.end);
  const file = item.origin.file;
  if (/;\s*$/.test(body) && !body.includes('{') && !body.includes('(')) {
    // `struct Token;` → `struct Token { _private: u8 }`
    const semi = item.origin.span.start + body.lastIndexOf(';');
    return {
      title: `Give \`${item.name}\` a member (C has no empty structs)`,
      preferred: false,
      edits: [{ file, start: semi, end: semi + 1, newText: ' {\n    _private: u8,\n}' }],
    };
  }
  const open = body.indexOf('{');
  if (open < 0) return null;
  const at = item.origin.span.start + open + 1;
  // Not preferred: every place that builds the value must then set the member too.
  return {
    title: `Give \`${item.name}\` a member (C has no empty structs)`,
    preferred: false,
    edits: [{ file, start: at, end: at, newText: '\n    _private: u8,\n' }],
  };
}

// ---- ABI ----

/** A method whose signature a trait fixes: declared in a trait, or implementing one. */
function inTraitOrTraitImpl(fn: FnItem, target: FixTarget): boolean {
  if (target.ctx.container === 'trait') return true;
  if (target.ctx.container !== 'impl') return false;
  return target.ctx.module.items.some((i) => i.kind === 'impl' && i.traitName !== null && i.items.includes(fn));
}

function abiFixes(fn: FnItem, ctx: FixContext): Fix[] {
  const text = ctx.textOf(fn.origin.file);
  if (text === undefined) return [];
  const fnAt = fnKeyword(fn, text);
  if (fnAt === null) return [];
  const out: Fix[] = [
    {
      title: 'Add `extern "C"`',
      preferred: true,
      edits: [{ file: fn.origin.file, start: fnAt, end: fnAt, newText: 'extern "C" ' }],
    },
  ];
  out.push({
    title: 'Write `extern "Rust"` (only Rust code links to this symbol)',
    preferred: false,
    edits: [{ file: fn.origin.file, start: fnAt, end: fnAt, newText: 'extern "Rust" ' }],
  });
  out.push(allowFix(fn, 'clippy::no_mangle_with_rust_abi', ctx, 'only Rust code links to this symbol'));
  return out;
}

function unsafeAttrFix(attr: Attribute, ctx: FixContext): Fix {
  const text = ctx.textOf(attr.origin.file) ?? '';
  const written = text.slice(attr.origin.span.start, attr.origin.span.end);
  const m = /^#\[\s*([\s\S]*?)\s*\]$/.exec(written);
  const inner = m ? m[1] : attr.name;
  return {
    title: `Write \`#[unsafe(${inner})]\``,
    preferred: true,
    edits: [
      {
        file: attr.origin.file,
        start: attr.origin.span.start,
        end: attr.origin.span.end,
        newText: `#[unsafe(${inner})]`,
      },
    ],
  };
}

// ---- allow with a reason ----

function allowFix(item: AttributedItem, lint: string, ctx: FixContext, reason: string): Fix {
  const text = ctx.textOf(item.origin.file) ?? '';
  const lineStart = text.lastIndexOf('\n', firstLineOf(item) - 1) + 1;
  const indent = indentOf(text, lineStart);
  return {
    title: `Allow \`${lint}\` here, with a reason`,
    preferred: false,
    edits: [
      {
        file: item.origin.file,
        start: lineStart,
        end: lineStart,
        newText: `${indent}#[allow(${lint}, reason = "${reason}")]\n`,
      },
    ],
  };
}

/** Where an item's attributes (other than doc comments) begin, so an added attribute goes with them. */
function firstLineOf(item: AttributedItem): number {
  const attrs = item.attrs.filter(
    (a) => !a.inner && a.origin.file === item.origin.file && a.origin.span.start < item.origin.span.start,
  );
  return attrs.length ? Math.min(...attrs.map((a) => a.origin.span.start)) : item.origin.span.start;
}
