/**
 * Whether a macro called in a function body may write an item there, by its name (`RelevanceIndex.bodyMacroTest`,
 * which knows the macros of the body's crate).
 */
export type BodyMacroTest = (name: string) => boolean;

/**
 * Whether a body's text may declare an item (or, the text of a macro's rules, write one). Most bodies declare
 * none and call only std's macros: a text test is far cheaper than a walk. Without `macroMayWriteItems`, a
 * call of any other macro may.
 */
export function mayDeclareItems(text: string, macroMayWriteItems?: BodyMacroTest): boolean {
  return writesItemKeyword(text) || callsNonStdMacro(text, macroMayWriteItems);
}

/**
 * Whether the text writes a keyword that may begin an item, other than `const` in a raw pointer type
 * (`as *const _`) or `static` as a lifetime (`&'static str`), which begin none. Binding crates cast to
 * raw pointers in many bodies (gtk's `to_glib_none().0 as *const _`), each of which was searched by
 * tree-sitter for items it cannot hold.
 */
export function writesItemKeyword(text: string): boolean {
  for (const m of text.matchAll(ITEM_KEYWORDS)) if (!beginsNoItem(text, m.index, m[1])) return true;
  return false;
}

function beginsNoItem(text: string, at: number, keyword: string): boolean {
  if (keyword === 'static') return text.charCodeAt(at - 1) === APOSTROPHE;
  if (keyword !== 'const') return false;
  // White space longer than this between `*` and `const` reads as an item: the side that reads the body.
  return RAW_POINTER_BEFORE.test(text.slice(Math.max(0, at - 64), at));
}

const APOSTROPHE = 39;
const RAW_POINTER_BEFORE = /\*\s*$/;

/** A body without any of these words cannot declare an item. */
const ITEM_KEYWORDS = /\b(fn|struct|enum|union|type|static|const|extern|impl|trait|mod|use|macro_rules)\b/g;
const STD_MACROS = new Set([
  'println',
  'print',
  'eprintln',
  'eprint',
  'format',
  'format_args',
  'write',
  'writeln',
  'vec',
  'assert',
  'assert_eq',
  'assert_ne',
  'debug_assert',
  'debug_assert_eq',
  'debug_assert_ne',
  'panic',
  'unreachable',
  'todo',
  'unimplemented',
  'matches',
  'dbg',
  'concat',
  'stringify',
  'include_str',
  'include_bytes',
  'env',
  'option_env',
  'cfg',
  'line',
  'file',
  'column',
  'module_path',
  'compile_error',
  'thread_local',
  'try',
  'addr_of',
  'addr_of_mut',
  'offset_of',
]);

/**
 * `name!(`, `name![`, `name!{`. The look-behind makes a match start only at the start of a word: without
 * it, every position inside a long word (a 100 kB string literal of letters) would rescan the rest of the
 * word, quadratic in its length.
 */
const MACRO_CALL = /(?<![A-Za-z0-9_])([A-Za-z_][A-Za-z0-9_]*)\s*!\s*[({[]/g;

/** The macros other than std's that a text calls, each name once. */
export function nonStdMacroCalls(text: string): string[] {
  const names = new Set<string>();
  if (text.includes('!')) for (const m of text.matchAll(MACRO_CALL)) if (!STD_MACROS.has(m[1])) names.add(m[1]);
  return [...names];
}

/** Whether a body invokes a macro that could be one of the crate's own (and, when told which, may write items). */
function callsNonStdMacro(text: string, mayWriteItems?: BodyMacroTest): boolean {
  if (!text.includes('!')) return false;
  for (const m of text.matchAll(MACRO_CALL))
    if (!STD_MACROS.has(m[1]) && (!mayWriteItems || mayWriteItems(m[1]))) return true;
  return false;
}
