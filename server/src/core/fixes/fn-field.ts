import { checkBoundaryType } from '../analysis/ffi';
import type { Finding } from '../analysis/findings';
import type { AdtItem, FieldDef, FnItem, TypeExpr } from '../syntax/model';
import type { Crate } from '../workspace/crates';
import { resolveType, scopeFor } from '../workspace/resolve';
import type { ModuleScope } from '../workspace/scopes';
import { explanation, Fix, FixContext, FixRequest, fnKeyword, TextEdit } from './edits';
import { valueUse } from './shims';
import { LineIndex } from '../syntax/positions';

/**
 * `extern-c-field`: a `#[repr(C)]` struct of the workspace with a Rust-ABI function-pointer field
 * (`pub apply: fn(u32) -> u32`) that crosses the boundary by value. C can neither build such a struct nor
 * call the field, and no shim converts a function pointer; the fix is where the struct is defined:
 *
 *     pub apply: fn(u32) -> u32,            →  pub apply: extern "C" fn(u32) -> u32,
 *     fn double(x: u32) -> u32 { x * 2 }    →  extern "C" fn double(x: u32) -> u32 { x * 2 }
 *
 * with every function the crate stores into the field (`Ops { apply: double }`, `ops.apply = double;`,
 * `Some(double)` for an `Option` field) given `extern "C"` too, in the same edit. It is offered only when
 * each store is found and is a plain function of the crate used nowhere else as a value (a closure, a
 * function also stored into a Rust `fn` pointer elsewhere, a struct built with `Self { … }`, a module of
 * the crate not read): otherwise it explains what to change by hand, and why it did not.
 */
export function externCFieldFixes({ finding, ctx }: FixRequest): Fix[] {
  const plan = planExternCField(finding, ctx);
  if (plan === null) return [];
  if ('refused' in plan) return [explanation(plan.refused)];
  return [plan.fix];
}

/** The fix, or why it is not offered (the explanation says what to do by hand), or null where it does not apply. */
export function planExternCField(finding: Finding, ctx: FixContext): { fix: Fix } | { refused: string } | null {
  if (finding.rule !== 'rust-fn-pointer' || finding.target?.site.kind !== 'signature') return null;
  const step = finding.chain.find((c) => c.field?.name && c.field.ownerRepr === 'c');
  const at = step?.field;
  if (!at?.name) return null;
  const crate = finding.target.ctx.crate;
  const found = fieldAt(crate, at.origin.file, at.origin.span.start);
  if (!found) return null;
  const { item, field, module } = found;
  const owner = item.name;
  const advice = `The field \`${at.name}\` of \`${owner}\` is a Rust-ABI function pointer, which C cannot call or store: make it \`extern "C" fn(…)\` where \`${owner}\` is defined, and give the functions stored into it \`extern "C"\` too (the compiler then points at each one that is not). No shim can convert it: C could neither build a \`${owner}\` nor obtain a handle to one.`;
  const refuse = (why: string): { refused: string } => ({
    refused: `${advice}\n\nNot done automatically: ${why}.`,
  });
  const text = ctx.textOf(field.origin.file);
  if (text === undefined) return refuse(`the text of ${field.origin.file} is not available`);
  if (item.fromMacro || item.generics.length) return refuse(`\`${owner}\` is generic or written by a macro`);
  // The fn pointer as written: the field's type, or the one inside its `Option`.
  const scope = scopeFor(module);
  const optional = optionArg(field.type);
  const written = optional ?? field.type;
  if (written.kind !== 'fnptr')
    return refuse(
      `the field's type is written through an alias or another type, which other items may share: change the \`fn\` type itself`,
    );
  if (written.fn.abi !== null) return null;
  const ty = resolveType(written, scope);
  if (ty.k !== 'fnptr') return null;
  // As `extern "C" fn`, the pointer's own types cross too: each must be C's.
  const verdicts = ty.params.map((p) => checkBoundaryType(p, 'definition', 'param'));
  if (ty.ret.k !== 'tuple' || ty.ret.elems.length) verdicts.push(checkBoundaryType(ty.ret, 'definition', 'return'));
  if (verdicts.some((v) => v.kind !== 'safe'))
    return refuse(`the pointer's parameters or return type are not FFI-safe either: convert them first`);
  const fnAt = text.slice(written.origin.span.start, written.origin.span.end).search(/\bfn\b/);
  if (fnAt < 0) return refuse('its `fn` keyword was not found');
  const edits: TextEdit[] = [
    {
      file: field.origin.file,
      start: written.origin.span.start + fnAt,
      end: written.origin.span.start + fnAt,
      newText: 'extern "C" ',
    },
  ];
  // Every store into the field, in every file of the crate.
  const files = crateTexts(crate, ctx);
  if (typeof files === 'string') return refuse(files);
  const stores: { file: string; start: number; end: number; expr: string }[] = [];
  for (const [file, t] of files) {
    if (!t.includes(owner) && !t.includes(at.name)) continue;
    const found = storesIn(t, owner, at.name);
    if (typeof found === 'string') return refuse(`${found} (in ${file})`);
    for (const s of found) stores.push({ file, ...s });
  }
  const fns: StoredFn[] = [];
  for (const s of stores) {
    let expr = s.expr.trim();
    if (optional) {
      if (expr === 'None') continue;
      const some = /^Some\s*\(\s*([\s\S]*?)\s*\)$/.exec(expr);
      if (!some) return refuse(`\`${expr}\` is stored into it at line ${lineAt(files.get(s.file)!, s.start)}`);
      expr = some[1];
    }
    const path = /^(?:(?:crate|self|super|[A-Za-z_]\w*)::)*([A-Za-z_]\w*)$/.exec(expr);
    if (!path)
      return refuse(
        `\`${expr}\` (line ${lineAt(files.get(s.file)!, s.start)}) is not a function of the crate named by its path`,
      );
    const candidates = [
      ...crateFns(crate)
        .filter((f) => f.name.replace(/^r#/, '') === path[1])
        .map((f) => storedFnOf(f, ctx)),
      ...unloadedFns(files, crate, path[1]),
    ];
    if (candidates.length !== 1)
      return refuse(`\`${expr}\` (line ${lineAt(files.get(s.file)!, s.start)}) is not one free function of the crate`);
    if (!fns.some((f) => f.file === candidates[0].file && f.nameAt === candidates[0].nameAt)) fns.push(candidates[0]);
  }
  for (const fn of fns) {
    if (typeof fn.keyword === 'string') return refuse(fn.keyword);
    if (fn.abi !== null) {
      if (fn.abi !== 'C') return refuse(`\`${fn.name}\` is \`extern "${fn.abi}"\``);
      continue;
    }
    // Stored elsewhere as a Rust `fn` pointer, it would stop compiling there.
    const other = otherValueUse(fn, files, stores);
    if (other) return refuse(`\`${fn.name}\` is also used as a value (${other}), where its type must stay`);
    edits.push({ file: fn.file, start: fn.keyword, end: fn.keyword, newText: 'extern "C" ' });
  }
  const changed = fns.filter((f) => f.abi === null).map((f) => `\`${f.name}\``);
  return {
    fix: {
      title: `Make the field \`${at.name}\` of \`${owner}\` an \`extern "C" fn\`${changed.length ? `, and ${changed.join(', ')} (stored into it) \`extern "C"\`` : ''}`,
      preferred: true,
      edits,
    },
  };
}

/** A function stored into the field: where its `fn` keyword is (or why it cannot be changed), its ABI. */
interface StoredFn {
  name: string;
  file: string;
  /** Where its name is written. */
  nameAt: number;
  /** The offset of its `fn` keyword, or why it cannot be given `extern "C"`. */
  keyword: number | string;
  /** Its ABI when one is written (`C`), null for Rust's. */
  abi: string | null;
}

function storedFnOf(fn: FnItem, ctx: FixContext): StoredFn {
  const base = { name: fn.name, file: fn.nameOrigin.file, nameAt: fn.nameOrigin.span.start, abi: fn.abi };
  if (fn.abi === 'Rust') return { ...base, keyword: `\`${fn.name}\` is declared \`extern "Rust"\` on purpose` };
  if (fn.fromMacro || fn.generics.length || fn.isAsync)
    return { ...base, keyword: `\`${fn.name}\` is generic, async or written by a macro` };
  const text = ctx.textOf(fn.origin.file);
  const keyword = text === undefined ? null : fnKeyword(fn, text);
  return { ...base, keyword: keyword ?? `the signature of \`${fn.name}\` was not found` };
}

/**
 * The free functions named `name` in the files of modules not loaded yet, read from their text: `fn name(`
 * at module level (inside `mod x { … }` at most), with no ABI, generics or `async` written.
 */
function unloadedFns(files: Map<string, string>, crate: Crate, name: string): StoredFn[] {
  const out: StoredFn[] = [];
  for (const [file, text] of files) {
    if (crate.files.has(file) || !text.includes(name)) continue;
    for (const m of text.matchAll(new RegExp(`\\bfn\\s+(?:r#)?${name}\\b`, 'g'))) {
      const lineStart = text.lastIndexOf('\n', m.index - 1) + 1;
      const before = text.slice(lineStart, m.index);
      if (/^\s*\/\//.test(before)) continue;
      const base = { name, file, nameAt: m.index + m[0].length - name.length, abi: null };
      const plain = /^\s*(?:pub(?:\s*\([^)]*\))?\s+)?(?:const\s+)?(?:unsafe\s+)?$/.test(before);
      const generic = /^\s*</.test(text.slice(m.index + m[0].length));
      out.push({
        ...base,
        keyword:
          plain && !generic && atModuleLevel(text, m.index)
            ? m.index
            : `\`${name}\` (${file}, line ${lineAt(text, m.index)}) is not written as a plain free function`,
      });
    }
  }
  return out;
}

/** Whether every block around `offset` is a `mod x { … }` (not an impl, a trait or a body). */
function atModuleLevel(text: string, offset: number): boolean {
  const stack: boolean[] = [];
  let from = 0;
  for (let i = 0; i < offset; i++) {
    const c = text[i];
    if (c === '{') {
      stack.push(/\bmod\s+(?:r#)?\w+\s*$/.test(text.slice(from, i)));
      from = i + 1;
    } else if (c === '}') {
      stack.pop();
      from = i + 1;
    } else if (c === ';') from = i + 1;
  }
  return stack.every((isMod) => isMod);
}

/** The struct field whose declaration starts at `start` in `file`, with its struct and module. */
function fieldAt(
  crate: Crate,
  file: string,
  start: number,
): { item: AdtItem; field: FieldDef; module: ModuleScope } | null {
  for (const module of crate.modules)
    for (const i of module.items) {
      if (i.kind !== 'struct' || i.origin.file !== file) continue;
      const adt = i;
      const field = adt.fields.find((f) => f.origin.span.start === start);
      if (field) return { item: adt, field, module };
    }
  return null;
}

/** `T` of a field written `Option<T>`, or null. */
function optionArg(t: TypeExpr): TypeExpr | null {
  if (t.kind !== 'path') return null;
  const last = t.path.segments[t.path.segments.length - 1];
  if (last.name !== 'Option' || last.args?.types.length !== 1) return null;
  return last.args.types[0];
}

/** Every file of the crate with its text: the modules loaded, and the files of those not loaded yet. */
function crateTexts(crate: Crate, ctx: FixContext): Map<string, string> | string {
  const out = new Map<string, string>();
  for (const file of crate.files) {
    const t = ctx.textOf(file);
    if (t === undefined) return `the text of ${file} is not available`;
    out.set(file, t);
  }
  // `mod x;` not read yet (nothing in it asked to be): read its file now, and its own `mod y;` below it.
  const queue = crate.pending.map((p) => ({ candidates: p.candidates, dir: p.subtreeDir, name: p.item.name }));
  while (queue.length) {
    const next = queue.pop()!;
    const file = next.candidates.find((c) => ctx.textOf(c) !== undefined);
    if (!file) return `the module \`${next.name}\` has not been read, and a store there would not be seen`;
    if (out.has(file)) continue;
    const t = ctx.textOf(file)!;
    out.set(file, t);
    if (/#\s*\[\s*path\b/.test(t)) return `the module \`${next.name}\` names a file with \`#[path]\``;
    for (const m of t.matchAll(/\bmod\s+(?:r#)?([A-Za-z_]\w*)\s*;/g))
      queue.push({
        candidates: [`${next.dir}/${m[1]}.rs`, `${next.dir}/${m[1]}/mod.rs`],
        dir: `${next.dir}/${m[1]}`,
        name: m[1],
      });
  }
  return out;
}

/**
 * The values stored into field `name` of struct `owner` in a text: `Owner { name: EXPR, … }` and
 * `x.name = EXPR;`. A reason instead where a store cannot be read (`Owner { name }`, `Self { … }` in its impl).
 */
function storesIn(text: string, owner: string, name: string): { start: number; end: number; expr: string }[] | string {
  const out: { start: number; end: number; expr: string }[] = [];
  for (const m of text.matchAll(new RegExp(`(?<![\\w])${owner}\\s*\\{`, 'g'))) {
    const before = text.slice(Math.max(0, m.index - 40), m.index);
    if (/\b(?:struct|impl|enum|union|trait|for|type)\s+$/.test(before) || /\bimpl\b[^{;]*$/.test(before)) continue;
    const open = m.index + m[0].length - 1;
    const close = matching(text, open);
    if (close < 0) continue;
    for (const part of topLevelParts(text, open + 1, close)) {
      const f = new RegExp(`^\\s*${name}\\s*(:)?`).exec(text.slice(part.start, part.end));
      if (!f) continue;
      if (!f[1]) return `\`${owner} { ${name} }\` stores a local variable`;
      const start = part.start + f[0].length;
      out.push({ start, end: part.end, expr: text.slice(start, part.end) });
    }
  }
  for (const m of text.matchAll(new RegExp(`\\.\\s*${name}\\s*=(?!=)`, 'g'))) {
    const start = m.index + m[0].length;
    const end = text.indexOf(';', start);
    if (end < 0) continue;
    out.push({ start, end, expr: text.slice(start, end) });
  }
  // Inside the struct's own impl, `Self { name: … }` builds it too.
  for (const m of text.matchAll(new RegExp(`\\bimpl\\b[^{;]*\\b${owner}\\b[^{;]*\\{`, 'g'))) {
    const close = matching(text, m.index + m[0].length - 1);
    if (close > 0 && /\bSelf\s*\{/.test(text.slice(m.index, close))) return `\`${owner}\` is built with \`Self { … }\``;
  }
  return out;
}

/** The index of the bracket closing the one at `open`, or -1. */
function matching(text: string, open: number): number {
  let depth = 0;
  for (let i = open; i < text.length; i++) {
    const c = text[i];
    if (c === '{' || c === '(' || c === '[') depth++;
    else if (c === '}' || c === ')' || c === ']') {
      depth--;
      if (depth === 0) return i;
    }
  }
  return -1;
}

/** The comma-separated parts between `start` and `end` at bracket depth 0. */
function topLevelParts(text: string, start: number, end: number): { start: number; end: number }[] {
  const parts: { start: number; end: number }[] = [];
  let depth = 0;
  let from = start;
  for (let i = start; i < end; i++) {
    const c = text[i];
    if (c === '{' || c === '(' || c === '[') depth++;
    else if (c === '}' || c === ')' || c === ']') depth--;
    else if (c === ',' && depth === 0) {
      parts.push({ start: from, end: i });
      from = i + 1;
    }
  }
  parts.push({ start: from, end });
  return parts;
}

/** The free functions of the crate (not methods, not inside bodies). */
function crateFns(crate: Crate): FnItem[] {
  const out: FnItem[] = [];
  for (const m of crate.modules) if (!m.isBlock) for (const i of m.items) if (i.kind === 'fn') out.push(i);
  return out;
}

/** Where the crate names `fn` other than by calling it, importing it or storing it into the field, or null. */
function otherValueUse(
  fn: StoredFn,
  files: Map<string, string>,
  stores: { file: string; start: number; end: number }[],
): string | null {
  const inStore = (file: string, at: number): boolean =>
    stores.some((s) => s.file === file && s.start <= at && at < s.end);
  const use = valueUse(fn.name, { file: fn.file, at: fn.nameAt }, files, inStore, true);
  return use && `${use.file}, line ${lineAt(files.get(use.file) ?? '', use.offset)}`;
}

/** The 1-based line of an offset. */
function lineAt(text: string, offset: number): number {
  return new LineIndex(text).rustcPosition(offset).line;
}
