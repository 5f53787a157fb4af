import type { Finding } from '../analysis/findings';
import type { AdtItem, FnItem } from '../syntax/model';

/**
 * The vocabulary every fix is written in: a text edit, a fix (a titled set of edits, or an explanation),
 * the context a fix reads source text from, how edits are applied, and what the implementation of a fix
 * id is asked. Also the few lookups in a signature's text that several fixes share (its indentation, its
 * `extern` clause, its `fn` keyword). A leaf of the fixes stage: it imports nothing of the other fix
 * modules, so each of them can import it.
 */

export interface TextEdit {
  file: string;
  start: number;
  end: number;
  newText: string;
}

export interface Fix {
  title: string;
  /** The one fix that is clearly right, applied by `ffi-guard fix`. */
  preferred: boolean;
  edits: TextEdit[];
  /** For fixes that only explain: what to do by hand. */
  explanation?: string;
  /** Items the fix adds (a shim, its free functions and types), by name: fixes adding the same item are not independent. */
  defines?: string[];
  /**
   * The exported symbol's signature once the fix is applied, where the fix changes its C signature (a shim
   * takes the symbol over with C's types): Rust types as the new export writes them, resolved in the
   * exporting function's module. Declarations importing the symbol elsewhere are updated from it
   * (core/importer-updates.ts).
   */
  exportSignature?: ExportSignature;
  /** What became of each declaration importing the symbol in the workspace (core/importer-updates.ts). */
  importers?: ImporterNote[];
}

/** An exported function's signature as a fix writes it. */
export interface ExportSignature {
  /** The link symbol. */
  symbol: string;
  abi: string;
  params: { name: string; type: string }[];
  /** The return type as written, null for none. */
  ret: string | null;
}

/** A declaration that imports a symbol whose C signature a fix changes, and what the fix does with it. */
export interface ImporterNote {
  symbol: string;
  /** Where the declaration is (the file as it was before the fix; 1-based line). */
  file: string;
  line: number;
  /** `extern block`, `libloading::Symbol`, `Library::get`, `dlsym`. */
  via: string;
  /** Rewritten in the fix's edits to the new prototype. */
  updated: boolean;
  /** Why it was left as it is (`abi-mismatch` reports it then). */
  reason?: string;
  /** Where it is called, in the file as the fix leaves it (1-based lines): those calls must change. */
  callSites: { file: string; line: number }[];
}

export interface FixContext {
  /** A file's current text. */
  textOf(file: string): string | undefined;
  edition: string;
}

/** Apply edits to one text; throws if they overlap (an internal error: fixes must never overlap). */
export function applyEdits(text: string, edits: TextEdit[]): string {
  const sorted = [...edits].sort((a, b) => b.start - a.start || b.end - a.end);
  for (let i = 1; i < sorted.length; i++) {
    if (sorted[i].end > sorted[i - 1].start)
      throw new Error(
        `overlapping edits at ${sorted[i].start}…${sorted[i].end} and ${sorted[i - 1].start}…${sorted[i - 1].end}`,
      );
  }
  let out = text;
  for (const e of sorted) out = out.slice(0, e.start) + e.newText + out.slice(e.end);
  return out;
}

/** The indentation of the line holding `offset`. */
export function indentOf(text: string, offset: number): string {
  const lineStart = text.lastIndexOf('\n', offset - 1) + 1;
  return /^[ \t]*/.exec(text.slice(lineStart))![0];
}

/**
 * The `extern` or `extern "abi"` of a function's signature: where it is written (with any comment between
 * `extern` and the ABI string), where its ABI string is, and the ABI if one is written (a raw string too).
 */
export function externClause(
  fn: FnItem,
  text: string,
): { start: number; end: number; abi: string | null; abiStart: number; abiEnd: number } | null {
  const sigStart = fn.signatureOrigin.span.start;
  const m = EXTERN_CLAUSE.exec(text.slice(sigStart, fn.nameOrigin.span.start));
  if (!m) return null;
  const start = sigStart + m.index;
  const end = start + m[0].length;
  const abi = m[2] ?? m[4] ?? null;
  return { start, end, abi, abiStart: abi === null ? end : end - m[1].length, abiEnd: end };
}

/** `extern`, then optionally blanks and comments and the ABI string (plain or raw). */
const EXTERN_CLAUSE = /\bextern(?:(?:\s|\/\/[^\n]*\n|\/\*[\s\S]*?\*\/)*("([^"\\]*)"|r(#*)"([^"]*)"\3))?/;

/** Offset of the `fn` keyword of a function, found in its signature text. */
export function fnKeyword(fn: FnItem, text: string): number | null {
  const sig = text.slice(fn.signatureOrigin.span.start, fn.nameOrigin.span.start);
  const m = /\bfn\s*$/.exec(sig);
  // Only a visibility and qualifiers may come before it: in a signature the parser recovered from
  // (`pub fn fn f`), an ABI written before the last `fn` would not end the finding, and a second run of
  // `fix` would write it again.
  return m && FN_QUALIFIERS.test(sig.slice(0, m.index)) ? fn.signatureOrigin.span.start + m.index : null;
}

const FN_QUALIFIERS = /^\s*(?:pub(?:\s*\([^()]*\))?\s+)?(?:(?:const|async|unsafe|safe|default)\s+)*$/;

/**
 * Why no fix may change a function or type written in several `#[cfg]` variants (one per platform, say),
 * null when it is written once: only the variant active here is checked, and fixing it alone would give
 * one symbol a different ABI on each platform. Found in the item's file: a variant in another file (a
 * `#[cfg]` module of its own) is not seen.
 */
export function cfgVariantsRefusal(item: FnItem | AdtItem, text: string): string | null {
  if (!item.attrs.some((a) => a.name === 'cfg')) return null;
  const name = item.name.replace(/^r#/, '');
  const keyword = item.kind === 'fn' ? 'fn' : '(?:struct|enum|union)';
  const { start, end } = item.origin.span;
  const others = [...text.matchAll(new RegExp(`\\b${keyword}\\s+(?:r#)?${name}\\b`, 'g'))].filter(
    (m) => m.index < start || m.index >= end,
  );
  if (!others.length) return null;
  const what = item.kind === 'fn' ? 'the symbol' : 'the symbols that pass it';
  return `\`${item.name}\` is written in several \`#[cfg]\` variants, and only the one active here is checked: fixing it alone would give ${what} a different ABI on each platform. Change every variant the same way by hand.`;
}

/** A fix that only explains what to do by hand. */
export function explanation(text: string): Fix {
  return { title: 'Explain how to fix this by hand', preferred: false, edits: [], explanation: text };
}

/** What an implementation of a fix id is asked: the finding, the source, and the fixes its rule offered so far. */
export interface FixRequest {
  finding: Finding;
  ctx: FixContext;
  /**
   * The fixes offered so far for this finding, in order. An implementation may change which of them is
   * preferred (a shim that makes the signature C's is preferred over a repr that leaves Rust types in it).
   */
  offered: Fix[];
}

/** The implementation of one fix id: the fixes it offers for a finding, none where it does not apply. */
export type FixImplementation = (request: FixRequest) => Fix[];
