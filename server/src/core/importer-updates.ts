import { importLinkName, walkCrate } from './analysis/boundary';
import type { Finding } from './analysis/findings';
import { callingConvention, compareSignatures, cTypeText, CSignature, CType } from './abi/c-signature';
import { rustSignature } from './abi/c-signature-rust';
import { dynamicImports, parseTypeText } from './abi/dynamic-imports';
import type { ExportSignature, Fix, ImporterNote, TextEdit } from './fixes/edits';
import { stdPaths } from './fixes/shims';
import { LineIndex } from './syntax/positions';
import type { Origin, TypeAliasItem } from './syntax/model';
import type { LoadedCrate } from './workspace/loaded-crate';
import { resolveType, scopeFor, TypeScope } from './workspace/resolve';
import type { ModuleScope } from './workspace/scopes';
import { isUnit, Ty } from './workspace/types';

/**
 * A fix that changes an exported symbol's C signature (a shim takes the symbol over with C's types)
 * leaves every declaration importing that symbol elsewhere in the workspace describing the old one:
 * calls through it are undefined behaviour that no compiler sees. Here the fix is extended, in the
 * same edit, with the rewrite of each such declaration to the new prototype —
 *
 *     extern "C" { fn textfx_count(input: &str) -> usize; }
 *       → extern "C" { fn textfx_count(input: *const std::ffi::c_char, out: *mut usize) -> i32; }
 *     let f: Symbol<unsafe extern "C" fn(&str) -> usize> = lib.get(b"textfx_count\0")?;   (or its alias)
 *
 * — in Rust types that the comparison of abi/c-signature.ts finds equal to the export's new C signature
 * (so `abi-mismatch` is silent for the pair afterwards). Calls through the declaration then stop compiling
 * exactly where they must change; each is listed in the fix's notes. A declaration that cannot be
 * rewritten safely (a macro writes it, its alias names other symbols too, its file may not be written,
 * its crate cannot name the new types) is left as it is, with the reason: `abi-mismatch` reports it
 * wherever a C caller would see a difference.
 */

/** Extends fixes with the updates of the importers of the symbols they change. */
export type ImporterUpdater = (fix: Fix, finding: Finding) => Fix;

/**
 * The updater over these crates (the whole workspace a fix runs in). `writable` says why a file may not
 * be edited (outside the writable root, changed on disk), or null. The import index is built on first need.
 */
export function importerUpdater(
  crates: readonly LoadedCrate[],
  textOf: (file: string) => string | undefined,
  writable: (file: string) => string | null = () => null,
): ImporterUpdater {
  let index: Map<string, (() => ImportDecl)[]> | null = null;
  return (fix, finding) => {
    const signature = fix.exportSignature;
    const exporter = finding.target?.ctx.types;
    if (!signature || !exporter) return fix;
    index ??= importIndex(crates, textOf);
    const decls = (index.get(signature.symbol) ?? []).map((d) => d());
    if (!decls.length) return fix;
    return updateImporters(fix, signature, exporter, decls, textOf, writable);
  };
}

/** A declaration of an imported symbol, as this module rewrites it. */
interface ImportDecl {
  symbol: string;
  via: string;
  crate: string;
  file: string;
  /** Where it is written. */
  origin: Origin;
  /** The scope its types are resolved in. */
  scope: TypeScope;
  module: ModuleScope;
  /** Its C signature as it stands. */
  current: CSignature;
  /** The written range to replace and how to write the new signature there, or why it cannot be rewritten. */
  target: RewriteTarget | { refused: string };
  /** The calls through the declaration. */
  calls: (text: (file: string) => string | undefined) => { file: string; offset: number }[];
}

interface RewriteTarget {
  file: string;
  start: number;
  end: number;
  /** The text for the new parameters (`a: T, b: U`) and return type (null for none). */
  render: (params: string, ret: string | null) => string;
  /** Where the rewrite happens when it is not at the declaration: `the alias \`Count\` (line 9)`. */
  through?: string;
}

function importIndex(
  crates: readonly LoadedCrate[],
  textOf: (file: string) => string | undefined,
): Map<string, (() => ImportDecl)[]> {
  // What a declaration is, worked out when a fix changes its symbol: most are never asked about.
  const out = new Map<string, (() => ImportDecl)[]>();
  const seen = new Set<string>();
  const add = (symbol: string, origin: Origin, d: () => ImportDecl): void => {
    // A module file two crates share (a library's and a binary's) holds one declaration.
    const key = `${origin.file}\u0000${origin.span.start}`;
    if (seen.has(key)) return;
    seen.add(key);
    out.set(symbol, [...(out.get(symbol) ?? []), d]);
  };
  const roots = new Set<string>();
  for (const loaded of crates) {
    // Two targets of one root file are one crate: its declarations once.
    if (roots.has(loaded.crate.rootFile)) continue;
    roots.add(loaded.crate.rootFile);
    const crateName = loaded.crate.name;
    walkCrate(loaded.crate, {
      foreignItem: (item, block, ctx) => {
        if (item.kind !== 'foreign-fn') return;
        add(importLinkName(item.attrs, item.name), item.origin, () => {
          const text = textOf(item.origin.file) ?? loaded.crate.textOf(item.origin.file) ?? '';
          const tys = [...item.params.map((p) => resolveType(p.type, ctx.types))];
          const ret = item.ret ? resolveType(item.ret, ctx.types) : null;
          const semi = text.lastIndexOf(';', item.origin.span.end);
          const target: RewriteTarget | { refused: string } =
            item.fromMacro || block.fromMacro
              ? { refused: 'a macro writes the declaration: change the macro by hand' }
              : item.generics.length
                ? { refused: 'the declaration is generic' }
                : semi <= item.nameOrigin.span.end || /\bwhere\b/.test(text.slice(item.nameOrigin.span.end, semi))
                  ? { refused: 'its signature is written in a form this rewrite does not read' }
                  : {
                      file: item.origin.file,
                      start: item.nameOrigin.span.end,
                      end: semi,
                      render: (params, r) => `(${params})${r ? ` -> ${r}` : ''}`,
                    };
          const name = item.name.replace(/^r#/, '');
          return {
            symbol: importLinkName(item.attrs, item.name),
            via: `\`extern "${block.abi}"\` block`,
            crate: crateName,
            file: item.origin.file,
            origin: item.origin,
            scope: ctx.types,
            module: ctx.module,
            current: rustSignature(block.abi, tys, ret, item.variadic),
            target,
            calls: (t) => callsByName(loaded, t, name, item.origin),
          };
        });
      },
    });
    for (const d of dynamicImports(loaded)) {
      const module = loaded.crate.modules.find((m) => m.file === d.origin.file);
      if (!module) continue;
      add(d.name, d.origin, () => {
        const scope = scopeFor(module);
        const ret = isUnit(d.fn.ret) ? null : d.fn.ret;
        return {
          symbol: d.name,
          via: d.via,
          crate: crateName,
          file: d.origin.file,
          origin: d.origin,
          scope,
          module,
          current: rustSignature(d.fn.abi ?? 'C', d.fn.params, ret, d.fn.variadic),
          target: dynamicTarget(loaded, d.origin, d.name, textOf),
          calls: (t) => callsThroughBinding(t, d.origin),
        };
      });
    }
  }
  return out;
}

/**
 * Where a run-time import's type is written: the `extern "C" fn(…)` type itself, or the alias it names
 * when that alias serves this symbol only.
 */
function dynamicTarget(
  loaded: LoadedCrate,
  origin: Origin,
  symbol: string,
  textOf: (file: string) => string | undefined,
): RewriteTarget | { refused: string } {
  const text = textOf(origin.file) ?? loaded.crate.textOf(origin.file) ?? '';
  const written = text.slice(origin.span.start, origin.span.end);
  const fnType = fnPointerTarget(origin.file, origin.span.start, written);
  if (fnType) return fnType;
  const alias = /^\s*([A-Za-z_]\w*)\s*$/.exec(written)?.[1];
  if (!alias) return { refused: `its type \`${written.trim()}\` is written in a form this rewrite does not read` };
  const defs: TypeAliasItem[] = [];
  for (const m of loaded.crate.modules)
    for (const i of m.items) if (i.kind === 'type' && i.name === alias) defs.push(i);
  if (defs.length !== 1 || !defs[0].type) return { refused: `the alias \`${alias}\` is not defined once in the crate` };
  const def = defs[0];
  if (def.fromMacro) return { refused: `a macro writes the alias \`${alias}\`` };
  if (def.generics.length) return { refused: `the alias \`${alias}\` is generic` };
  // Every other mention of the alias must be a run-time import of this very symbol.
  const sites = dynamicImports(loaded).filter((d) => d.name === symbol);
  for (const file of loaded.crate.files) {
    const t = textOf(file) ?? loaded.crate.textOf(file);
    if (!t || !t.includes(alias)) continue;
    for (const m of t.matchAll(new RegExp(`\\b${alias}\\b`, 'g'))) {
      const at = m.index;
      if (file === def.nameOrigin.file && at === def.nameOrigin.span.start) continue;
      if (sites.some((s) => s.origin.file === file && s.origin.span.start <= at && at < s.origin.span.end)) continue;
      if (/^\s*\/\//.test(t.slice(t.lastIndexOf('\n', at) + 1, at))) continue;
      return {
        refused: `the alias \`${alias}\` is used for more than \`${symbol}\` (${file === origin.file ? 'line' : 'in another file, line'} ${lineAt(t, at)}): changing it would change them too`,
      };
    }
  }
  const aliased = defs[0].type.origin;
  const aliasText = textOf(aliased.file) ?? loaded.crate.textOf(aliased.file) ?? '';
  const target = fnPointerTarget(
    aliased.file,
    aliased.span.start,
    aliasText.slice(aliased.span.start, aliased.span.end),
  );
  if (!target) return { refused: `the alias \`${alias}\` is not written as an \`extern "…" fn\` type` };
  return { ...target, through: `its alias \`${alias}\` at line ${lineAt(aliasText, def.origin.span.start)}` };
}

/** A written `unsafe extern "C" fn(…) -> …` type: its prefix kept, its parameters and return type replaced. */
function fnPointerTarget(file: string, start: number, written: string): RewriteTarget | null {
  const m = /^(\s*(?:unsafe\s+)?extern\s*(?:"[^"]*"\s*)?fn)\s*\(/.exec(written);
  if (!m) return null;
  const parsed = parseTypeText(written, { file, span: { start, end: start + written.length } });
  if (parsed?.kind !== 'fnptr') return null;
  const prefix = m[1].trimStart();
  const lead = m[1].length - prefix.length;
  const trail = written.length - written.trimEnd().length;
  return {
    file,
    start: start + lead,
    end: start + written.length - trail,
    render: (params, ret) => `${prefix}(${params})${ret ? ` -> ${ret}` : ''}`,
  };
}

/** The fix with each importer of its symbol updated (an edit) or left (a reason), and notes on both. */
function updateImporters(
  fix: Fix,
  signature: ExportSignature,
  exporter: TypeScope,
  decls: ImportDecl[],
  textOf: (file: string) => string | undefined,
  writable: (file: string) => string | null,
): Fix {
  const dummy = (file: string): Origin => ({ file, span: { start: 0, end: 0 } });
  // The export as the fix leaves it, in the exporting module.
  const exportTys = resolveAll(
    signature,
    exporter,
    dummy(''),
    (name) => `its new signature names \`${name}\`, which the fix generates beside the export: declare it by hand`,
  );
  const edits: TextEdit[] = [];
  const notes: ImporterNote[] = [];
  for (const decl of decls) {
    const reason = ((): string | TextEdit => {
      if (typeof exportTys === 'string') return exportTys;
      const exported = rustSignature(signature.abi, exportTys.params, exportTys.ret, false);
      const unknown = unknownIn(exported);
      if (unknown) return `its new signature has \`${unknown}\`, which cannot be compared here: declare it by hand`;
      if (agrees(decl.current, exported)) return 'agrees';
      if ('refused' in decl.target) return decl.target.refused;
      const blocked = writable(decl.target.file);
      if (blocked) return `its file may not be written: ${blocked}`;
      // The importer's spelling: paths to `std` as its crate can write them, lifetimes left to elision.
      const spell = stdPaths(decl.module).rewrite;
      const params = signature.params.map((p) => ({ name: p.name, type: spell(elide(p.type)) }));
      const ret = signature.ret === null ? null : spell(elide(signature.ret));
      if ([...params.map((p) => p.type), ret ?? ''].some((t) => t.includes("'")))
        return 'its new signature has a lifetime the declaration cannot name';
      const importTys = resolveAll(
        { ...signature, params, ret },
        decl.scope,
        decl.origin,
        (name) => `its new signature names \`${name}\`, a type \`${decl.crate}\` does not define`,
      );
      if (typeof importTys === 'string') return importTys;
      const imported = rustSignature(decl.current.abi, importTys.params, importTys.ret, false);
      if (!agrees(imported, exported)) {
        const d = compareSignatures(imported, exported)[0];
        return `\`${decl.crate}\` cannot write the new C signature with its own types${d ? ` (${d.where} would be ${d.here}, not ${d.there})` : ''}`;
      }
      const edit: TextEdit = {
        file: decl.target.file,
        start: decl.target.start,
        end: decl.target.end,
        newText: decl.target.render(params.map((p) => `${p.name}: ${p.type}`).join(', '), ret),
      };
      if (fix.edits.some((e) => e.file === edit.file && e.start <= edit.end && edit.start <= e.end))
        return 'the fix edits the declaration itself';
      if (callingConvention(decl.current.abi) !== callingConvention(signature.abi))
        return `it is declared \`extern "${decl.current.abi}"\`, the export is \`extern "${signature.abi}"\``;
      return edit;
    })();
    if (reason === 'agrees') continue;
    const text = textOf(decl.file) ?? '';
    const updated = typeof reason !== 'string';
    if (updated) edits.push(reason);
    // Found in the text as it is, placed in the text as the fix leaves it.
    const calls = decl.calls(textOf).map((c) => {
      const t = textOf(c.file) ?? '';
      if (!updated || reason.file !== c.file || c.offset < reason.end)
        return { file: c.file, line: lineAt(t, c.offset) };
      const shift =
        lineAt(reason.newText, reason.newText.length) -
        lineAt(t.slice(reason.start, reason.end), reason.end - reason.start);
      return { file: c.file, line: lineAt(t, c.offset) + shift };
    });
    notes.push({
      symbol: signature.symbol,
      file: decl.file,
      line: lineAt(text, decl.origin.span.start),
      via:
        updated && !('refused' in decl.target) && decl.target.through
          ? `${decl.via}, ${decl.target.through}`
          : decl.via,
      updated,
      ...(updated ? {} : { reason: reason }),
      callSites: calls,
    });
  }
  if (!notes.length) return fix;
  return { ...fix, edits: [...fix.edits, ...edits], importers: [...(fix.importers ?? []), ...notes] };
}

/** Each type of a signature resolved in a scope, or why one cannot be read or named there. */
function resolveAll(
  signature: ExportSignature,
  scope: TypeScope,
  origin: Origin,
  missing: (name: string) => string,
): { params: Ty[]; ret: Ty | null } | string {
  const one = (text: string): Ty | string => {
    const expr = parseTypeText(text, origin);
    if (!expr) return `its new signature has a type this rewrite does not read (\`${text}\`)`;
    const ty = resolveType(expr, scope);
    const unresolved = unresolvedIn(ty);
    return unresolved ? missing(unresolved) : ty;
  };
  const params: Ty[] = [];
  for (const p of signature.params) {
    const t = one(p.type);
    if (typeof t === 'string') return t;
    params.push(t);
  }
  if (signature.ret === null) return { params, ret: null };
  const ret = one(signature.ret);
  return typeof ret === 'string' ? ret : { params, ret: isUnit(ret) ? null : ret };
}

/** Whether a C caller sees the two alike, every type of both laid out (`&str` is laid out by neither). */
function agrees(a: CSignature, b: CSignature): boolean {
  return !unknownIn(a) && !unknownIn(b) && compareSignatures(a, b).length === 0;
}

/** The first type of a signature the comparison cannot lay out (it would agree with anything), or null. */
function unknownIn(sig: CSignature): string | null {
  const seen = new Set<string>();
  const walk = (t: CType): string | null => {
    switch (t.k) {
      case 'unknown':
        return t.text;
      case 'ptr':
        return walk(t.to);
      case 'array':
        return walk(t.elem);
      case 'fn':
        return unknownIn(t.sig);
      case 'record':
        if (seen.has(t.name)) return null;
        seen.add(t.name);
        for (const f of t.fields) {
          const u = walk(f.type);
          if (u) return u;
        }
        return null;
      default:
        return null;
    }
  };
  for (const t of [...sig.params, sig.ret]) {
    const u = walk(t);
    if (u) return u || cTypeText(t);
  }
  return null;
}

/** The first path of a resolved type that names nothing (a type the fix generates, one the crate lacks), or null. */
function unresolvedIn(ty: Ty): string | null {
  switch (ty.k) {
    case 'unknown':
      return ty.text;
    case 'ref':
    case 'ptr':
    case 'slice':
    case 'array':
      return unresolvedIn(ty.inner);
    case 'tuple':
      return ty.elems.map(unresolvedIn).find((x) => x !== null) ?? null;
    case 'fnptr':
      return [...ty.params, ty.ret].map(unresolvedIn).find((x) => x !== null) ?? null;
    case 'adt':
      return ty.args.map(unresolvedIn).find((x) => x !== null) ?? null;
    default:
      return null;
  }
}

/** `&'a T` → `&T`: a declaration's parameters take elided lifetimes. */
function elide(type: string): string {
  return type.replace(/&\s*'[A-Za-z_]\w*\s+/g, '&');
}

/** Calls of an `extern` block function by its Rust name anywhere in its crate (`name(`, `path::name(`). */
function callsByName(
  loaded: LoadedCrate,
  textOf: (file: string) => string | undefined,
  name: string,
  decl: Origin,
): { file: string; offset: number }[] {
  const out: { file: string; offset: number }[] = [];
  const pattern = new RegExp(`(?<![\\w"'])(?:r#)?${name}\\s*\\(`, 'g');
  for (const file of loaded.crate.files) {
    const text = textOf(file);
    if (!text || !text.includes(name)) continue;
    for (const m of text.matchAll(pattern)) {
      const at = m.index;
      if (file === decl.file && at >= decl.span.start && at < decl.span.end) continue; // the declaration
      if (/\bfn\s+$/.test(text.slice(Math.max(0, at - 12), at))) continue; // a definition of the name
      const line = text.slice(text.lastIndexOf('\n', at - 1) + 1, at);
      if (line.includes('//') || /^\s*\*/.test(line)) continue; // a comment
      out.push({ file, offset: at });
    }
  }
  return out;
}

/**
 * Calls through the variable a run-time import is bound to (`let count: Symbol<…> = …;` then `count(…)`),
 * up to the end of the block that binds it; the import itself when it is not bound to a name.
 */
function callsThroughBinding(
  textOf: (file: string) => string | undefined,
  origin: Origin,
): { file: string; offset: number }[] {
  const text = textOf(origin.file);
  if (text === undefined) return [];
  // The statement holding the type: back to the previous `;`, `{` or `}`.
  let start = origin.span.start;
  while (start > 0 && !';{}'.includes(text[start - 1])) start--;
  const binding = /^\s*let\s+(?:mut\s+)?([A-Za-z_]\w*)\b/.exec(text.slice(start, origin.span.start))?.[1];
  if (!binding) return [{ file: origin.file, offset: origin.span.start }];
  let end = origin.span.end;
  for (let depth = 0; end < text.length; end++) {
    if (text[end] === '{') depth++;
    else if (text[end] === '}' && --depth < 0) break;
  }
  const out: { file: string; offset: number }[] = [];
  const pattern = new RegExp(`(?<![\\w.:])${binding}\\s*\\(`, 'g');
  pattern.lastIndex = origin.span.end;
  for (let m = pattern.exec(text); m && m.index < end; m = pattern.exec(text))
    if (!text.slice(text.lastIndexOf('\n', m.index - 1) + 1, m.index).includes('//'))
      out.push({ file: origin.file, offset: m.index });
  return out;
}

/** The 1-based line of an offset. */
function lineAt(text: string, offset: number): number {
  return new LineIndex(text).rustcPosition(offset).line;
}
