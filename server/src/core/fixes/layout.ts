import type { FixTarget } from '../analysis/findings';
import { checkedTypesOfFn } from '../analysis/boundary-types';
import { adtShape, checkBoundaryType, is1Zst } from '../analysis/ffi';
import type { AdtItem, FnItem } from '../syntax/model';
import { localAdt } from '../workspace/resolve';
import type { Ty } from '../workspace/types';
import { reprCProblem } from '../analysis/crate-traits';
import { ffiCrateNameInScope } from '../workspace/ffi-crates';
import { cfgVariantsRefusal, explanation, Fix, FixContext, FixRequest, indentOf, TextEdit } from './edits';

/**
 * Layout fixes, at the type's definition: `#[repr(C)]`, `#[repr(transparent)]` or an integer repr (merged
 * into an existing `#[repr]`), or a member for a struct C cannot hold because it is empty.
 *
 * ```text
 * pub struct Point { x: f64, y: f64 }   →   #[repr(C)]
 *                                           pub struct Point { x: f64, y: f64 }
 * ```
 */

/** `repr`: the layout fix of the workspace type the finding is about. */
export function reprFixes({ finding, ctx }: FixRequest): Fix[] {
  const target = finding.target;
  if (!target?.subject || !target.subjectModule) return [];
  const fix = layoutFix(target.subject, target, ctx);
  return fix ? [fix] : [];
}

/**
 * `element-repr`: `[Point; 4]` by value with `Point` lacking a repr, where no shim applies: the element's
 * repr first, the array's shim next.
 */
export function elementReprFixes({ finding, ctx, offered }: FixRequest): Fix[] {
  const target = finding.target;
  if (target?.site.kind !== 'signature' || offered.some((f) => f.preferred)) return [];
  const fix = arrayElementLayoutFix(target.site.fn, target, ctx);
  return fix ? [fix] : [];
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
export function reprMakesItC(subject: AdtItem, fn: FnItem, target: FixTarget): boolean {
  const found = checkedTypesOfFn(fn, target.ctx)
    .map((c) => c.verdict)
    .find((v) => v.kind === 'unsafe' && v.ty.k === 'adt' && v.ty.def.source === 'local' && v.ty.def.item === subject);
  if (!found || found.kind !== 'unsafe' || found.ty.k !== 'adt') return true;
  return adtShape(found.ty)
    .variants.flat()
    .every((f) => is1Zst(f.ty) || checkBoundaryType(f.ty, 'definition', 'static').kind === 'safe');
}

/** `#[repr(C)]`, `#[repr(transparent)]` or an integer repr, at the type's definition, merged into an existing `#[repr]`. */
function layoutFix(item: AdtItem, target: FixTarget, ctx: FixContext): Fix | null {
  const def = localAdt(item, target.subjectModule!);
  const text = ctx.textOf(item.origin.file);
  if (text === undefined || item.fromMacro) return null;
  const variants = cfgVariantsRefusal(item, text);
  if (variants) return explanation(variants);
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
  const edit = reprEdit(item, choice.repr, text);
  if (!edit)
    return explanation(
      `\`${item.name}\` has a \`#[repr]\` written above it that the parser did not read as its own (a syntax error nearby): fix the code around it first.`,
    );
  return {
    title: `Add \`#[repr(${choice.repr})]\` to \`${item.name}\` (${choice.why})`,
    preferred: true,
    edits: [edit],
  };
}

/**
 * `derive-repr-c`: what safer_ffi's `ReprC` needs on the workspace type an `#[ffi_export]` signature names
 * (a `#[repr(C)]` alone is not enough): `#[derive_ReprC]`, and a `#[repr]` where none is written —
 * `C` for a struct, the smallest integer for a field-less enum. Offered only where the derive then holds:
 * every field is `ReprC` already, a struct has a field, an enum has no fields (safer_ffi derives no
 * other). A type it cannot fix is left to the rule's explanation.
 *
 * ```text
 * #[repr(C)]                 →   #[derive_ReprC]
 * pub struct Point { … }         #[repr(C)]
 *                                pub struct Point { … }
 * ```
 */
export function deriveReprCFixes({ finding, ctx }: FixRequest): Fix[] {
  const target = finding.target;
  if (finding.rule !== 'safer-ffi-not-repr-c' || !target?.subject || !target.subjectModule) return [];
  const item = target.subject;
  const text = ctx.textOf(item.origin.file);
  if (text === undefined || item.fromMacro || item.kind === 'union') return [];
  const derive = item.attrs.find((a) => a.name.endsWith('derive_ReprC') || a.name === 'ReprC::opaque');
  const written = item.attrs.find((a) => a.name === 'repr' && a.args?.length);
  if (derive && written) return []; // an opaque type passed by value: nothing to add to the type
  const def = localAdt(item, target.subjectModule);
  const args: Ty[] = item.generics.filter((g) => g.kind === 'type').map((g) => ({ k: 'param', name: g.name }));
  const shape = adtShape({ k: 'adt', def, args }).variants;
  if (item.kind === 'enum' ? shape.some((v) => v.length) : !shape[0]?.length) return [];
  const names = { isAmbiguous: () => false };
  if (shape.flat().some((f) => reprCProblem(f.ty, names))) return [];
  const repr = written ? null : item.kind === 'enum' ? intReprFor(item).repr : 'C';
  const edits: TextEdit[] = [];
  const attrs = [
    ...(derive
      ? []
      : [
          `#[${ffiCrateNameInScope(target.subjectModule, 'safer_ffi', 'derive_ReprC') ? '' : '::safer_ffi::'}derive_ReprC]`,
        ]),
    ...(repr ? [`#[repr(${repr})]`] : []),
  ];
  // Before the `#[repr]` (safer_ffi's examples write the derive first), after the derive, or before the item.
  const anchor = written?.origin.span.start ?? (derive ? null : firstAttributeStart(item));
  const lineStart = (at: number): number => text.lastIndexOf('\n', at - 1) + 1;
  if (anchor !== null) {
    const at = lineStart(anchor);
    if (text.slice(at, anchor).trim()) return [];
    const indent = indentOf(text, at);
    edits.push({ file: item.origin.file, start: at, end: at, newText: attrs.map((a) => `${indent}${a}\n`).join('') });
  } else if (derive) {
    const end = text.indexOf('\n', derive.origin.span.end);
    if (end < 0 || text.slice(derive.origin.span.end, end).trim()) return [];
    const indent = indentOf(text, lineStart(derive.origin.span.start));
    edits.push({
      file: item.origin.file,
      start: end + 1,
      end: end + 1,
      newText: attrs.map((a) => `${indent}${a}\n`).join(''),
    });
  }
  const what = attrs.map((a) => `\`${a}\``).join(' and ');
  return [{ title: `Add ${what} to \`${item.name}\` (safer_ffi's \`ReprC\`)`, preferred: true, edits }];
}

/** Where the item's first outer attribute other than a doc comment starts, or the item itself. */
function firstAttributeStart(item: AdtItem): number {
  const firstAttr = item.attrs
    .filter((a) => !a.inner && a.name !== 'doc')
    .reduce<number | null>((m, a) => (m === null || a.origin.span.start < m ? a.origin.span.start : m), null);
  return firstAttr !== null && firstAttr < item.origin.span.start ? firstAttr : item.origin.span.start;
}

/** The lines right above `at` (a line start) that are attributes (`#[…]`), nearest first. */
function attributeLinesAbove(text: string, at: number): string[] {
  const out: string[] = [];
  for (let end = at - 1; end > 0;) {
    const start = text.lastIndexOf('\n', end - 1) + 1;
    const line = text.slice(start, end).trim();
    if (!line.startsWith('#[')) break;
    out.push(line);
    end = start - 1;
  }
  return out;
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

/** Where a written `repr` attribute's list opens: `repr(`, the `(` included. */
const REPR_LIST = /\brepr\s*\(/;

/** The item's first `repr` attribute written with a list, where it starts, its text and where its list opens. */
function writtenReprList(item: AdtItem, text: string): { at: number; written: string; list: RegExpExecArray } | null {
  for (const a of item.attrs) {
    if (a.name !== 'repr' || !a.args) continue;
    const written = text.slice(a.origin.span.start, a.origin.span.end);
    const list = REPR_LIST.exec(written);
    if (list) return { at: a.origin.span.start, written, list };
  }
  return null;
}

function reprEdit(item: AdtItem, repr: string, text: string): TextEdit | null {
  const existing = writtenReprList(item, text);
  if (existing) {
    const written = existing.written;
    // `#[repr(Rust)]` → `#[repr(C)]`: the default representation is what is being replaced.
    const rust = /\bRust\b/.exec(written);
    if (rust)
      return {
        file: item.origin.file,
        start: existing.at + rust.index,
        end: existing.at + rust.index + 4,
        newText: repr,
      };
    // `#[repr(align(8))]` → `#[repr(C, align(8))]`
    const open = existing.at + existing.list.index + existing.list[0].length;
    return { file: item.origin.file, start: open, end: open, newText: `${repr}, ` };
  }
  // No `repr(…)` list to add to (none, or one written otherwise, `#[repr{(C)]`): an attribute of its own.
  const first = firstAttributeStart(item);
  const at = text.lastIndexOf('\n', first - 1) + 1;
  // A `#[repr]` right above that the item's attributes lack: the parser recovered from an error there, and
  // one more would not be read either (`fix` would add it again on every run).
  if (attributeLinesAbove(text, at).some((line) => /\brepr\b/.test(line))) return null;
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
