/**
 * A lexer-level look at a file's text, without parsing it: what could make the file matter to the C
 * boundary. Every answer is a superset (a word in a comment counts as written), so a file this scan
 * calls irrelevant is one that parsing could not have shown to matter; a false alarm only costs a parse.
 */

export interface FileScan {
  /** Writes `extern` (other than `extern crate`), `no_mangle` or `export_name`: may declare a boundary item. */
  mentionsBoundary: boolean;
  /** Defines a `macro_rules!` macro. */
  definesMacros: boolean;
  /** Uses `include!`, which may pull in generated bindings (`OUT_DIR`). */
  includes: boolean;
  /** Names after `struct`, `enum`, `union`, `type` and `trait`: the types this file may define. */
  typeNames: Set<string>;
  /** Names after `macro_rules!`: the macros this file may define. */
  macroNames: Set<string>;
}

const BOUNDARY_WORD = /\bextern\b(?!\s+crate\b)|\bno_mangle\b|\bexport_name\b/;
const TYPE_DEFINITION = /\b(?:struct|enum|union|type|trait)\s+(?:r#)?([A-Za-z_][A-Za-z0-9_]*)/g;
const MACRO_DEFINITION = /\bmacro_rules!\s*(?:r#)?([A-Za-z_][A-Za-z0-9_]*)/g;

/** Scans a file's text in time linear in its length. */
export function scanFile(text: string): FileScan {
  const typeNames = new Set<string>();
  for (const m of text.matchAll(TYPE_DEFINITION)) typeNames.add(m[1]);
  const macroNames = new Set<string>();
  for (const m of text.matchAll(MACRO_DEFINITION)) macroNames.add(m[1]);
  return {
    mentionsBoundary: BOUNDARY_WORD.test(text),
    definesMacros: macroNames.size > 0,
    includes: /\binclude!/.test(text),
    typeNames,
    macroNames,
  };
}
