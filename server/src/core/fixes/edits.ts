import type { Finding } from '../analysis/findings';
import type { FnItem } from '../syntax/model';

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

/** The `extern` or `extern "abi"` of a function's signature: where it is written, and the ABI string if one is. */
export function externClause(fn: FnItem, text: string): { start: number; end: number; abi: string | null } | null {
  const sigStart = fn.signatureOrigin.span.start;
  const m = /\bextern(?:\s*"([^"]*)")?/.exec(text.slice(sigStart, fn.nameOrigin.span.start));
  return m ? { start: sigStart + m.index, end: sigStart + m.index + m[0].length, abi: m[1] ?? null } : null;
}

/** Offset of the `fn` keyword of a function, found in its signature text. */
export function fnKeyword(fn: FnItem, text: string): number | null {
  const sig = text.slice(fn.signatureOrigin.span.start, fn.nameOrigin.span.start);
  const m = /\bfn\s*$/.exec(sig);
  return m ? fn.signatureOrigin.span.start + m.index : null;
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
