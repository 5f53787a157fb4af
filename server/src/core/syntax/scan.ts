import { ownCopy } from './own-copy';
import { bracketStep } from './brackets';
import { nonStdMacroCalls, writesItemKeyword } from './item-words';
import type { TextReplacement } from './inert-edit';
import { KEYWORDS } from './plain-text';

/**
 * A lexer-level look at a file's text, without parsing it: what could make the file matter to the C
 * boundary. Every answer is a superset (a word in a comment counts as written), so a file this scan
 * calls irrelevant is one that parsing could not have shown to matter; a false alarm only costs a parse.
 */

export interface FileScan {
  /**
   * The distinct words of the code followed by `as` (`export as e`), joined by new lines: a regular
   * expression `\b(?:a|b)\b` finds one of them here exactly when it finds it among them.
   */
  wordsBeforeAs: string;
  /**
   * Writes `extern "…"`, `extern fn`, `extern {`, `no_mangle`, `export_name` or an FFI crate's export
   * attribute: may declare a boundary item.
   */
  mentionsBoundary: boolean;
  /**
   * When every boundary word stands inside the arguments of a macro call (bindgen's
   * `quote! { extern "C" { … } }`): the names of the calls around them (`$` for a fragment's, `$m!`). A
   * word declares an item only if one of the calls around it is expanded: the file may declare one only if
   * one of these is. Null when one stands outside every call (as one written in a `macro_rules!`'s rules,
   * outside its calls, does).
   */
  boundaryCallers: ReadonlySet<string> | null;
  /**
   * Uses `include!` with a path other than a plain string or a plain one in `OUT_DIR` (a path built from
   * `CARGO_MANIFEST_DIR`, a macro of the crate's own…).
   */
  includesUnknown: boolean;
  /**
   * Uses `include!(concat!(env!("OUT_DIR"), "…"))`: generated code (bindgen's bindings), found in the
   * build output under `target/` once the crate has been built (`findInOutDir` in workspace/macros.ts).
   */
  includesBuildOutput: boolean;
  /** The plain-string paths of its `include!`s, as written (relative to the file's folder). */
  includeTargets: readonly string[];
  /** Names after `struct`, `enum`, `union`, `type` and `trait`: the types this file may define. */
  typeNames: Set<string>;
  /** The `macro_rules!` definitions, each with the words of its rules. */
  macros: readonly MacroScan[];
  /** Names written before a `!` (not `!=`): the macros this file may invoke. */
  macroCalls: Set<string>;
  /** Names after `mod`: the modules this file may declare. */
  modNames: Set<string>;
  /**
   * The paths its module attributes may set: every `#[path = "…"]`, and every path a `cfg_attr(…, path = "…")`
   * may set whichever `cfg` holds. Null when one cannot be read from the text (an escape in the literal, a
   * path that is not a literal): a module file may then lie anywhere.
   */
  modulePaths: readonly ModulePath[] | null;
  /** The text's size in UTF-8 bytes (what a crate is weighed by, core/shard.ts). */
  bytes: number;
}

/** A module file that a `#[path]` (or a `cfg_attr` that sets one) may name. */
export interface ModulePath {
  /** As written. */
  path: string;
  /**
   * The inline modules it is written in, outermost first (`mod a { #[path = "x.rs"] mod x; }`: `a`): it is
   * relative to their folder below the file's (`a/`, or `<stem>/a/` in a file not named `mod.rs`, `lib.rs`
   * or `main.rs`).
   */
  inlineModules: string[];
}

export interface MacroScan {
  name: string;
  /** The distinct words of the rules (from the opening delimiter to its match, to the end of the file if unbalanced), joined by new lines. */
  words: string;
  /** The body writes a boundary word or `include!`: an invocation may declare a boundary item. */
  writesBoundary: boolean;
  /**
   * The rules write a keyword that may begin an item (`writesItemKeyword`): a call in a function body may
   * declare an item there, as may a call of a macro that calls one that does (`RelevanceIndex.bodyMacroTest`).
   */
  writesItemKeyword: boolean;
  /** The macros other than std's that the rules call. */
  macroCalls: readonly string[];
  /** The body invokes one of its fragments as a macro (`$m!(…)`): it calls what it is given. */
  invokesFragment: boolean;
  /** The body defines a macro named by a fragment (`macro_rules! $name`): one the text names nowhere. */
  definesNamedMacro: boolean;
}

// Matched against the code only (comments and the contents of literals blanked). `extern` counts only where
// an ABI string, `fn`, a block or a macro fragment follows: not `extern crate`, nor the keyword quoted as a
// token (`Token![extern]`).
// The FFI crates' export attributes count too (`#[ffi_export]`, `#[sabi_extern_fn]`, `#[export_root_module]`,
// `#[stabby::export]`, workspace/ffi-crates.ts): they export functions written without `extern` or `no_mangle`.
const BOUNDARY_WORD =
  /\bextern\s*(?:["{$]|fn\b)|\bno_mangle\b|\bexport_name\b|\bffi_export\b|\bsabi_extern_fn\b|\bexport_root_module\b|\bstabby\s*::\s*export\b/g;

/**
 * The boundary words of the code, in order. `export_name` counts only where an attribute may set it:
 * `export_name = …` (rustc accepts no other form), first in an attribute's brackets or `unsafe(…)`'s, or after
 * a comma (`cfg_attr(…, export_name = …)`), or first in a macro's braces. Code generators name variables,
 * methods and fields so (cbindgen's `let export_name = …`), which export nothing. Checked on each match, not
 * in the expression: a look-behind there would be tried at every place of the text.
 */
function* boundaryWords(code: string): Iterable<RegExpExecArray> {
  for (const m of code.matchAll(BOUNDARY_WORD)) if (m[0] !== 'export_name' || setsExportName(code, m.index)) yield m;
}

function mentionsBoundaryWord(code: string): boolean {
  for (const _ of boundaryWords(code)) return true;
  return false;
}

/** Whether the `export_name` at `at` is set as an attribute's: `[`, `(`, `{` or `,` before it, `=` (not `==`) after. */
function setsExportName(code: string, at: number): boolean {
  const opener = code[lastNonSpaceBefore(code, at)];
  if (opener !== '[' && opener !== '(' && opener !== '{' && opener !== ',') return false;
  let after = at + 'export_name'.length;
  while (after < code.length && isSpace(code.charCodeAt(after))) after++;
  return code[after] === '=' && code[after + 1] !== '=';
}
const INCLUDE_CALL = /\binclude!\s*\(/g;
const PLAIN_INCLUDE = /^include!\s*\(\s*"([^"\\]*)"\s*\)/;
/** `include!(concat!(env!("OUT_DIR"), "/bindings.rs"))`, as `includedFile` (workspace/macros.ts) reads it. */
const OUT_DIR_INCLUDE =
  /^include!\s*\(\s*concat!\s*\(\s*env!\s*\(\s*"OUT_DIR"\s*\)\s*,\s*"[^"\\]*"\s*,?\s*\)\s*,?\s*\)/;
const INCLUDE = /\binclude!/;
/** A type (or trait) definition, or a module declaration: the keyword, then the name. */
const DEFINITION = /\b(struct|enum|union|type|trait|mod)\s+(?:r#)?([A-Za-z_][A-Za-z0-9_]*)/g;
const PATH_ATTRIBUTE = /#\s*\[\s*path\s*=/g;
const CFG_ATTR = /cfg_attr\s*\(/g;
const PATH_KEY = /\bpath\s*=/g;
const PLAIN_PATH_ATTRIBUTE = /^#\s*\[\s*path\s*=\s*"([^"\\]*)"\s*\]/;
const PLAIN_PATH_VALUE = /^path\s*=\s*"([^"\\]*)"/;
const INLINE_MODULE = /\bmod\s+(?:r#)?([A-Za-z_][A-Za-z0-9_]*)\s*\{/g;
const BRACES = /[{}]/g;
const MACRO_DEFINITION = /\bmacro_rules!\s*(?:r#)?([A-Za-z_][A-Za-z0-9_]*)\s*/g;

const WORD = /[A-Za-z0-9_]+/g;
const AS_KEYWORD = /\bas\b/g;
/** A macro body that invokes one of its fragments as a macro: `$m!(…)`. */
const INVOKES_FRAGMENT = /\$[A-Za-z_][A-Za-z0-9_]*\s*!/;
/** A macro body that defines a macro whose name it is given: `macro_rules! $name`. */
const DEFINES_NAMED_MACRO = /\bmacro_rules\s*!\s*\$/;
/**
 * What the text must contain, anywhere, for the exact scan to find a boundary word, a macro definition or
 * an `include!`, or to differ from the rough scan (a block comment, which may nest). Most files of a
 * workspace contain none of these: they get the rough scan.
 */
const NEEDS_EXACT_SCAN = new RegExp(
  // `extern` as `BOUNDARY_WORD` finds it in the code, or before a comment (`extern // C\n "C"`): not `extern crate`.
  `extern\\s*(?:["{$/]|fn\\b)|no_mangle|export_name\\s*=|ffi_export|sabi_extern_fn|export_root_module|stabby\\s*::\\s*export|macro_rules|include!|\\/\\*|${PATH_ATTRIBUTE.source}`,
);

/** Whether the text needs the exact scan: `NEEDS_EXACT_SCAN`, or a `cfg_attr` and a `path =` anywhere. */
function needsExactScan(text: string): boolean {
  return NEEDS_EXACT_SCAN.test(text) || (text.includes('cfg_attr') && /\bpath\s*=/.test(text));
}
/** Distinct words, joined by new lines (a string of its own: no slice of the code it was found in). */
function wordsOf(words: Iterable<string>): string {
  return [...new Set(words)].join('\n');
}

function* matched(matches: Iterable<RegExpMatchArray>): Iterable<string> {
  for (const m of matches) yield m[0];
}

/** The words written right before an `as` keyword, across white space: `export as e` → `export`. */
function* wordsBeforeAs(code: string): Iterable<string> {
  for (const m of code.matchAll(AS_KEYWORD)) {
    const word = wordBefore(code, m.index);
    if (word.end < m.index && word.start < word.end) yield code.slice(word.start, word.end);
  }
}

/** The run of word characters that ends right before `at`, past any white space (empty if there is none). */
function wordBefore(code: string, at: number): { start: number; end: number } {
  const end = lastNonSpaceBefore(code, at) + 1;
  let start = end;
  while (start > 0 && isWordChar(code.charCodeAt(start - 1))) start--;
  return { start, end };
}

/** Where the last character before `at` that is not white space stands, or -1 when there is none. */
export function lastNonSpaceBefore(text: string, at: number): number {
  let before = at - 1;
  while (before >= 0 && isSpace(text.charCodeAt(before))) before--;
  return before;
}

export function isSpace(c: number): boolean {
  return c === 32 || (c >= 9 && c <= 13) || (c > 127 && /\s/.test(String.fromCharCode(c)));
}

function isWordChar(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95;
}

/**
 * The names written before a `!` that is not `!=` (white space between allowed), as the regular expression
 * `\b([A-Za-z_][A-Za-z0-9_]*)\s*!(?!=)` finds them, found from the `!`s: far fewer than the words.
 */
function* macroCallNames(code: string): Iterable<string> {
  for (let bang = code.indexOf('!'); bang >= 0; bang = code.indexOf('!', bang + 1)) {
    if (code.charCodeAt(bang + 1) === 61) continue;
    const { start, end } = wordBefore(code, bang);
    const first = code.charCodeAt(start);
    if (start < end && !(first >= 48 && first <= 57)) yield code.slice(start, end);
  }
}

/**
 * Scans a file's text in time linear in its length. A text that cannot declare a boundary item, define a
 * macro or include a file (no such word anywhere, comments included) and has no block comment gets a
 * rough scan: its comments and literals replaced by one space each, which loses the places (the exact
 * scan needs them) but not the names.
 */
export function scanFile(text: string): FileScan {
  const exact = needsExactScan(text);
  const code = exact ? codeOnly(text) : text.replace(TOKEN, ' ');
  const typeNames = new Set<string>();
  const modNames = new Set<string>();
  for (const m of code.matchAll(DEFINITION)) (m[1] === 'mod' ? modNames : typeNames).add(ownCopy(m[2]));
  const macroCalls = new Set<string>();
  for (const name of macroCallNames(code)) macroCalls.add(ownCopy(name));
  return {
    wordsBeforeAs: wordsOf(wordsBeforeAs(code)),
    typeNames,
    macroCalls,
    modNames,
    bytes: Buffer.byteLength(text, 'utf8'),
    ...(exact ? boundaryScan(text, code) : NO_BOUNDARY),
  };
}

/**
 * The scan of `text`, made by `edit` from `previous` (scanned as `before`), when the edit cannot change what
 * a scan finds; null when it may (then the text is scanned again). An editor's keystroke in a name (a
 * parameter, a local, a type named in a signature) changes one word of the code, which the scan reads only
 * where it stands next to what it looks for: after a keyword that defines a name (`struct W`, `mod W`,
 * `macro_rules! W`), before `!` (a macro call) or `as`, as a keyword or a boundary word itself, in a macro's
 * rules (their words), in a path a string gives (`#[path]`, `include!`), or beside a quote, `#`, `$`, `!` or a
 * backslash (the edge of a literal, a raw name, a fragment or a negation); a comment between the word and what
 * is next to it counts as such. Scanning a 10,000-line document again took 4 to 5 ms of such a keystroke
 * (gtk's `enums.rs`).
 */
export function scanAfterEdit(
  before: FileScan,
  previous: string,
  text: string,
  edit: TextReplacement,
): FileScan | null {
  const { start, oldEnd, inserted } = edit;
  const removed = previous.slice(start, oldEnd);
  const end = start + inserted.length;
  if (!WORD_CHARS.test(inserted) || !WORD_CHARS.test(removed)) return null;
  if (previous.length - removed.length !== text.length - inserted.length) return null;
  if (previous.slice(0, start) !== text.slice(0, start) || previous.slice(oldEnd) !== text.slice(end)) return null;
  let wordStart = start;
  while (wordStart > 0 && isWordChar(text.charCodeAt(wordStart - 1))) wordStart--;
  let wordEnd = end;
  while (wordEnd < text.length && isWordChar(text.charCodeAt(wordEnd))) wordEnd++;
  // A word deleted whole: what stood on either side of it now meets (`/x*` → `/*`).
  if (wordEnd === wordStart) return null;
  const word = text.slice(wordStart, wordEnd);
  const wordBefore = previous.slice(wordStart, wordEnd - inserted.length + removed.length);
  if (SCANNED_WORDS.has(word) || SCANNED_WORDS.has(wordBefore)) return null;
  if (EDGES.has(text.charCodeAt(wordStart - 1)) || EDGES.has(text.charCodeAt(wordEnd))) return null;
  if (definesName(text, wordStart) || namesCallOrRenaming(text, wordEnd)) return null;
  if (text.includes('macro_rules') || readsPaths(before)) return null;
  return { ...before, bytes: before.bytes + inserted.length - removed.length };
}

const WORD_CHARS = /^[A-Za-z0-9_]*$/;

/** Whether the scan read paths out of string literals (`#[path = "…"]`, `include!("…")`), which a word typed in one changes. */
function readsPaths(scan: FileScan): boolean {
  return (
    scan.modulePaths === null ||
    scan.modulePaths.length > 0 ||
    scan.includeTargets.length > 0 ||
    scan.includesUnknown ||
    scan.includesBuildOutput
  );
}

/** Words the scan looks for, besides Rust's keywords: an edit to or from one is scanned. */
const SCANNED_WORDS: ReadonlySet<string> = new Set([
  ...KEYWORDS,
  'macro_rules',
  'no_mangle',
  'export_name',
  'ffi_export',
  'sabi_extern_fn',
  'export_root_module',
  'stabby',
  'export',
  'include',
  'path',
  'cfg_attr',
  'r',
  'b',
  'br',
]);

/** Characters beside which a word may be part of a literal, a raw name, a lifetime or a fragment. */
const EDGES: ReadonlySet<number> = new Set([...'\'"#$\\!'].map((c) => c.charCodeAt(0)));

/**
 * Whether what precedes the word at `at` (across white space) is a keyword that defines a name or a `!`, or may
 * be: a comment may stand between (a block comment, or `struct // …` with the name on the next line), which the
 * scan does not see and this look back does.
 */
function definesName(text: string, at: number): boolean {
  const end = lastNonSpaceBefore(text, at) + 1;
  const c = end > 0 ? text.charCodeAt(end - 1) : 0;
  if (c === BANG || c === SLASH) return true;
  const newLine = text.lastIndexOf('\n', at - 1);
  if (newLine >= end && text.slice(text.lastIndexOf('\n', end - 1) + 1, end).includes('//')) return true;
  const { start } = wordBefore(text, end);
  return DEFINING_WORDS.has(text.slice(start, end));
}

const DEFINING_WORDS: ReadonlySet<string> = new Set(['struct', 'enum', 'union', 'type', 'trait', 'mod']);
const BANG = 33;
const SLASH = 47;

/** Whether what follows the word ending at `at` (across white space) is `!` or `as`, or a comment before either. */
function namesCallOrRenaming(text: string, at: number): boolean {
  let next = at;
  while (next < text.length && isSpace(text.charCodeAt(next))) next++;
  const c = text.charCodeAt(next);
  if (c === BANG || c === SLASH) return true;
  return text.startsWith('as', next) && !isWordChar(text.charCodeAt(next + 2));
}

/** What only the exact scan can find: boundary words, macro definitions, `include!`s. */
type BoundaryScan = Pick<
  FileScan,
  | 'mentionsBoundary'
  | 'boundaryCallers'
  | 'includesUnknown'
  | 'includesBuildOutput'
  | 'includeTargets'
  | 'macros'
  | 'modulePaths'
>;

const NO_BOUNDARY: Readonly<BoundaryScan> = Object.freeze({
  mentionsBoundary: false,
  boundaryCallers: null,
  includesUnknown: false,
  includesBuildOutput: false,
  includeTargets: [],
  macros: [],
  modulePaths: [],
});

/** `code` is `codeOnly(text)`: of the same length, so a place in one is the same place in the other. */
function boundaryScan(text: string, code: string): BoundaryScan {
  const macros: MacroScan[] = [];
  for (const m of code.matchAll(MACRO_DEFINITION)) {
    const body = code.slice(m.index + m[0].length, delimitedEnd(code, m.index + m[0].length));
    macros.push({
      name: ownCopy(m[1]),
      words: wordsOf(matched(body.matchAll(WORD))),
      writesBoundary: mentionsBoundaryWord(body) || INCLUDE.test(body),
      writesItemKeyword: writesItemKeyword(body),
      macroCalls: nonStdMacroCalls(body).map(ownCopy),
      invokesFragment: INVOKES_FRAGMENT.test(body),
      definesNamedMacro: DEFINES_NAMED_MACRO.test(body),
    });
  }
  const includeTargets: string[] = [];
  let includesUnknown = false;
  let includesBuildOutput = false;
  for (const m of code.matchAll(INCLUDE_CALL)) {
    // The literal's contents are blanked in `code`: read the path from the text, at the same place.
    const call = text.slice(m.index, m.index + 4096);
    const plain = PLAIN_INCLUDE.exec(call);
    if (plain) includeTargets.push(ownCopy(plain[1]));
    else if (OUT_DIR_INCLUDE.test(call)) includesBuildOutput = true;
    else includesUnknown = true;
  }
  const mentionsBoundary = mentionsBoundaryWord(code);
  return {
    mentionsBoundary,
    boundaryCallers: mentionsBoundary ? boundaryCallers(code) : null,
    includesUnknown,
    includesBuildOutput,
    includeTargets,
    macros,
    modulePaths: modulePathsOf(text, code),
  };
}

/** Words that may stand before a `!(` without calling a macro: `if !(a && b)`, `return !(x)`. */
const KEYWORDS_BEFORE_NOT = new Set(['if', 'while', 'match', 'return', 'in', 'else', 'break', 'yield', 'let', 'as']);

/** A macro call whose arguments are open at a place of the code, in the call whose arguments hold it. */
interface OpenCall {
  name: string;
  outer: OpenCall | null;
  /** Its name and those of the calls around it are in the answer already. */
  counted: boolean;
}

/**
 * See `FileScan.boundaryCallers`; `code` is `codeOnly(text)`, where every bracket is one of the code's. One
 * sweep of the brackets up to the last boundary word (to the first one outside every call, in most files
 * that have one); each call's name is counted once, however many words it holds.
 */
function boundaryCallers(code: string): Set<string> | null {
  // The brackets open before the word: the call each opens, or null for a bracket that opens none.
  const open: (OpenCall | null)[] = [];
  let innermost: OpenCall | null = null;
  const names = new Set<string>();
  // Brackets are read a character at a time: a document's words may come after thousands of them, and a
  // regular expression's match for each was most of what a re-scan of an edited document allocated.
  let at = 0;
  for (const word of boundaryWords(code)) {
    for (; at < word.index; at++) {
      const step = bracketStep(code.charCodeAt(at));
      if (step > 0) {
        const name = callOpenedAt(code, at);
        const call: OpenCall | null = name === null ? null : { name, outer: innermost, counted: false };
        open.push(call);
        if (call) innermost = call;
      } else if (step < 0 && open.pop() && innermost) innermost = innermost.outer;
    }
    if (!innermost) return null;
    for (let c: OpenCall | null = innermost; c && !c.counted; c = c.outer) {
      names.add(c.name);
      c.counted = true;
    }
  }
  return names;
}

/**
 * The name of the macro call whose arguments the bracket at `at` opens (`quote! {`, `q::quote!(`, `$m!`
 * as `$`), or null when it opens none.
 */
function callOpenedAt(code: string, at: number): string | null {
  const bang = lastNonSpaceBefore(code, at);
  if (code.charCodeAt(bang) !== 33) return null;
  const { start, end } = wordBefore(code, bang);
  const first = code.charCodeAt(start);
  if (start === end || (first >= 48 && first <= 57)) return null;
  if (code.charCodeAt(start - 1) === 36) return '$';
  const name = code.slice(start, end);
  return KEYWORDS_BEFORE_NOT.has(name) ? null : name;
}

/** See `FileScan.modulePaths`; `code` is `codeOnly(text)`. */
function modulePathsOf(text: string, code: string): ModulePath[] | null {
  const written: { at: number; path: string }[] = [];
  for (const m of code.matchAll(PATH_ATTRIBUTE)) {
    // The literal's contents are blanked in `code`: read the path from the text, at the same place.
    const plain = PLAIN_PATH_ATTRIBUTE.exec(text.slice(m.index, m.index + 4096));
    if (!plain) return null;
    written.push({ at: m.index, path: plain[1] });
  }
  const conditional = cfgAttrPaths(text, code);
  if (!conditional) return null;
  for (const p of conditional) written.push(p);
  if (!written.length) return [];
  const inline = inlineModules(code);
  // An inline module with a path of its own moves the folder of those inside it: not followed from the text.
  if (inline.some((m) => m.ownPath)) return null;
  // One sweep of both in order: the modules open at a path's place hold it (they nest, as braces do).
  written.sort((a, b) => a.at - b.at);
  const open: InlineModule[] = [];
  let next = 0;
  return written.map(({ at, path }) => {
    for (; next < inline.length && inline[next].start < at; next++) {
      while (open.length && open[open.length - 1].end <= inline[next].start) open.pop();
      open.push(inline[next]);
    }
    while (open.length && open[open.length - 1].end <= at) open.pop();
    return { path: ownCopy(path), inlineModules: open.map((m) => m.name) };
  });
}

/** An inline module (`mod a { … }`): see `inlineModules`. */
interface InlineModule {
  name: string;
  /** Its opening brace. */
  start: number;
  /** Past its closing brace. */
  end: number;
  /** Its own attributes may set a path. */
  ownPath: boolean;
}

/**
 * The inline modules (`mod a { … }`), outer ones first: the name, where the body lies (from the opening brace
 * to past its match), and whether the module's own attributes may set a path.
 */
function inlineModules(code: string): InlineModule[] {
  const found = Array.from(code.matchAll(INLINE_MODULE));
  const ends = braceEnds(code, new Set(found.map((m) => m.index + m[0].length - 1)));
  return found.map((m) => {
    const open = m.index + m[0].length - 1;
    // Its attributes are what lies since the end of the item or block before it (searched back to the
    // nearest `;`, `{` or `}`: no further than the module before it, whose brace is one).
    let before = m.index - 1;
    for (; before >= 0; before--) {
      const c = code.charCodeAt(before);
      if (c === 59 || c === 123 || c === 125) break;
    }
    return {
      name: ownCopy(m[1]),
      start: open,
      end: ends.get(open) ?? code.length,
      ownPath: /\bpath\b/.test(code.slice(before + 1, m.index)),
    };
  });
}

/**
 * Past the `}` that closes each of the given `{`s (absent when none does), in one pass over the code (every
 * brace of `codeOnly`'s text is one of the code's): modules nested a thousand deep are not each scanned to
 * their end.
 */
function braceEnds(code: string, opens: ReadonlySet<number>): Map<number, number> {
  const ends = new Map<number, number>();
  const stack: number[] = [];
  for (const m of code.matchAll(BRACES)) {
    if (m[0] === '{') stack.push(m.index);
    else {
      const open = stack.pop();
      if (open !== undefined && opens.has(open)) ends.set(open, m.index + 1);
    }
  }
  return ends;
}

/**
 * The paths the `cfg_attr(…)`s of the code may set: each `path = "…"` written before the `]` that ends its
 * attribute, or null when one of them is not a plain literal. One pass over the code, not a search from every
 * `cfg_attr(` to the next `]` (quadratic on a text of `cfg_attr()`s).
 */
function cfgAttrPaths(text: string, code: string): { at: number; path: string }[] | null {
  if (!code.includes('cfg_attr')) return [];
  const keys = Array.from(code.matchAll(PATH_KEY), (m) => m.index);
  const found: { at: number; path: string }[] = [];
  let k = 0;
  let close = -1;
  for (const m of code.matchAll(CFG_ATTR)) {
    if (k === keys.length) break;
    const from = m.index + m[0].length;
    // The first `]` from here: the one found for an earlier `cfg_attr(` while it lies ahead.
    if (close < from) {
      const at = code.indexOf(']', from);
      close = at < 0 ? code.length : at;
    }
    while (k < keys.length && keys[k] < from) k++;
    for (; k < keys.length && keys[k] < close; k++) {
      // The literal's contents are blanked in `code`: read the path from the text, at the same place.
      const plain = PLAIN_PATH_VALUE.exec(text.slice(keys[k], keys[k] + 4096));
      if (!plain) return null;
      found.push({ at: keys[k], path: plain[1] });
    }
  }
  return found;
}

/**
 * Comments and literals as `codeOnly` reads them, as one regular expression: a block comment up to its first
 * `*\/` (one that nests another is told apart afterwards), a raw string as `r#"…"#` closes it, a character
 * literal's escape up to the next quote (a `'` that starts none is a lifetime's).
 */
const TOKEN =
  /\/\/[^\n]*|\/\*[\s\S]*?(?:\*\/|$)|(?<![A-Za-z0-9_])(b?r)(#*)"[\s\S]*?(?:"\2|$)|"(?:[^"\\]|\\[\s\S])*(?:"|$)|'(?:\\[\s\S][^']*(?:'|$)|(?:[\uD800-\uDBFF][\uDC00-\uDFFF]|[^'\\])')/g;

/**
 * The text with every comment and the contents of every string, raw string and character literal
 * replaced by spaces (new lines too), so that words in them are not taken for code. Same length.
 */
export function codeOnly(text: string): string {
  let nested = false;
  const code = text.replace(TOKEN, (token: string, raw: string | undefined, hashes: string | undefined) => {
    if (token.startsWith('//')) return ' '.repeat(token.length);
    if (token.startsWith('/*')) {
      nested ||= token.includes('/*', 2);
      return ' '.repeat(token.length);
    }
    // Kept: a literal's opening delimiter (`"`, `'`, `r`, `br`) and, when it is closed, its last character.
    const open = raw ? raw.length : 1;
    const closed =
      token.length > open &&
      (raw
        ? token.endsWith(`"${hashes}`) && token.length >= open + hashes!.length * 2 + 2
        : token.endsWith(token[0]) && token.length > 1);
    const inner = token.length - open - (closed ? 1 : 0);
    return token.slice(0, open) + ' '.repeat(Math.max(0, inner)) + (closed ? token[token.length - 1] : '');
  });
  // A block comment nests another: only the scan that counts them finds where it ends.
  return nested ? codeOnlyCounting(text) : code;
}

/** `codeOnly`, token by token, counting nested block comments. */
function codeOnlyCounting(text: string): string {
  const out: string[] = [];
  let copied = 0;
  const blank = (from: number, to: number): void => {
    out.push(text.slice(copied, from), ' '.repeat(to - from));
    copied = to;
  };
  // Jump from one place where a comment or a literal may start to the next.
  const starts = /\/\/|\/\*|"|'|\bb?r#*"/g;
  for (let m = starts.exec(text); m; m = starts.exec(text)) {
    const i = m.index;
    let end: number;
    if (m[0] === '//') {
      end = lineEnd(text, i);
      blank(i, end);
    } else if (m[0] === '/*') {
      end = Math.min(text.length, blockCommentEnd(text, i) + 1);
      blank(i, end);
    } else if (m[0] === '"') {
      end = stringEnd(text, i);
      blank(i + 1, end);
      end++;
    } else if (m[0] === "'") {
      const close = quoteEnd(text, i);
      end = close > i ? close + 1 : i + 1;
      if (close > i) blank(i + 1, close);
    } else {
      const at = text[i] === 'b' ? i + 1 : i;
      const close = rawStringEnd(text, at);
      blank(at + 1, close);
      end = close + 1;
    }
    starts.lastIndex = Math.max(end, i + 1);
  }
  out.push(text.slice(copied));
  return out.join('');
}

const OPEN = '([{';
const CLOSE = ')]}';

/**
 * Where the delimited group starting at `start` ends: past its matching bracket, skipping strings,
 * character literals and comments. Where it cannot tell (no opening bracket, or never closed), the end
 * of the text, so the group is never cut short.
 */
export function delimitedEnd(text: string, start: number): number {
  if (!OPEN.includes(text[start] ?? '')) return text.length;
  let depth = 0;
  for (let i = start; i < text.length; i++) {
    const c = text[i];
    if (OPEN.includes(c)) depth++;
    else if (CLOSE.includes(c)) {
      if (--depth === 0) return i + 1;
    } else if (c === '/' && text[i + 1] === '/') i = lineEnd(text, i);
    else if (c === '/' && text[i + 1] === '*') i = blockCommentEnd(text, i);
    else if (c === '"') i = stringEnd(text, i);
    else if (c === 'r' && (text[i + 1] === '"' || text[i + 1] === '#') && startsToken(text, i))
      i = rawStringEnd(text, i);
    else if (c === "'") i = quoteEnd(text, i);
  }
  return text.length;
}

function lineEnd(text: string, i: number): number {
  const end = text.indexOf('\n', i);
  return end < 0 ? text.length : end;
}

function blockCommentEnd(text: string, i: number): number {
  let depth = 0;
  for (; i < text.length; i++) {
    if (text[i] === '/' && text[i + 1] === '*') {
      depth++;
      i++;
    } else if (text[i] === '*' && text[i + 1] === '/') {
      i++;
      if (--depth === 0) return i;
    }
  }
  return text.length;
}

function stringEnd(text: string, i: number): number {
  for (i++; i < text.length; i++) {
    if (text[i] === '\\') i++;
    else if (text[i] === '"') return i;
  }
  return text.length;
}

/** Whether the `r` at `i` starts a token (or follows the `b` of `br"…"`). */
function startsToken(text: string, i: number): boolean {
  const identifierChar = (c: string | undefined): boolean => !!c && /[A-Za-z0-9_]/.test(c);
  if (!identifierChar(text[i - 1])) return true;
  return text[i - 1] === 'b' && !identifierChar(text[i - 2]);
}

/** `r"…"`, `r#"…"#`: past the closing quote and hashes. `r#name` (a raw identifier) is one character. */
function rawStringEnd(text: string, i: number): number {
  const raw = /^r(#*)"/.exec(text.slice(i, i + 260));
  if (!raw) return i;
  const hashes = raw[1];
  const end = text.indexOf(`"${hashes}`, i + hashes.length + 2);
  return end < 0 ? text.length : end + hashes.length;
}

/** A character literal (`'{'`, `'\''`, `'\u{7b}'`) is skipped; a lifetime or label (`'a`) is one quote. */
function quoteEnd(text: string, i: number): number {
  if (text[i + 1] === '\\') {
    const end = text.indexOf("'", i + 3);
    return end < 0 ? text.length : end;
  }
  const next = text.codePointAt(i + 1);
  const width = next !== undefined && next > 0xffff ? 2 : 1;
  return text[i + 1 + width] === "'" ? i + 1 + width : i;
}
