import * as fs from 'fs';
import * as path from 'path';
import { Language, Parser, ParseState, Point, Range, Tree } from 'web-tree-sitter';
import { bracketStep } from './brackets';
import type { BodyMacroTest } from './item-words';
import { itemsToLeaveOut, LeftOutItem } from './left-out-items';
import { codeOnly, isSpace } from './scan';

/**
 * Loading the grammar and parsing. The grammar has no rule for edition 2024's `unsafe extern "C" { … }`
 * and `safe fn` / `safe static` inside it: error recovery breaks such blocks up in ways that depend on
 * their surroundings. We find them from their tokens and blank the `unsafe` / `safe` keywords out with
 * spaces of the same length before the real parse, so every offset stays valid and the block parses as
 * an ordinary `extern` block; the blanked spans are returned so the items know what was there.
 */

let parserPromise: Promise<Parser> | null = null;

/**
 * Where `tree-sitter-rust.wasm` is: `FFI_GUARD_GRAMMAR`, beside the running script (the bundled
 * extension ships it in `dist/`), or the repository's `grammars/` (running from `out/`).
 */
export function grammarPath(): string {
  const candidates = [
    process.env.FFI_GUARD_GRAMMAR,
    path.join(__dirname, 'tree-sitter-rust.wasm'),
    path.resolve(__dirname, '..', '..', '..', '..', '..', 'grammars', 'tree-sitter-rust.wasm'),
  ];
  return (
    candidates.find((c): c is string => !!c && fs.existsSync(c)) ?? path.resolve(__dirname, 'tree-sitter-rust.wasm')
  );
}

type TreeSitter = { Parser: typeof Parser; Language: typeof Language };

async function createParser(ts: TreeSitter): Promise<Parser> {
  // A bundle ships web-tree-sitter's own .wasm beside itself; otherwise the package finds it.
  const runtime = path.join(__dirname, 'web-tree-sitter.wasm');
  await ts.Parser.init(fs.existsSync(runtime) ? { locateFile: () => runtime } : undefined);
  const language = await ts.Language.load(grammarPath());
  const parser = new ts.Parser();
  parser.setLanguage(language);
  return parser;
}

/**
 * A parser in a WebAssembly instance of its own, ready to replace the shared one if it aborts: after an
 * abort (out of memory on a huge file) an instance answers every later call with the same error. An
 * instance is made only by loading web-tree-sitter's module afresh: the package's, or in a bundle the
 * copy beside it (scripts/bundle.js), which the bundle's own import is.
 */
let spare: Parser | null = null;

/** The file `import … from 'web-tree-sitter'` loaded. */
function treeSitterModule(): string {
  const besideBundle = path.join(__dirname, 'web-tree-sitter.cjs');
  return fs.existsSync(besideBundle) ? besideBundle : require.resolve('web-tree-sitter');
}

async function prepareSpare(): Promise<void> {
  let fresh: TreeSitter;
  try {
    const id = treeSitterModule();
    delete require.cache[id];
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    fresh = require(id) as TreeSitter;
  } catch {
    return;
  }
  if (fresh.Parser === Parser) return; // the same instance: nothing to fall back on
  try {
    spare = await createParser(fresh);
  } catch {
    spare = null;
  }
}

/** The shared parser, created once (with its spare, compiled at the same time for little more). */
export function loadParser(): Promise<Parser> {
  if (!parserPromise) {
    parserPromise = Promise.all([createParser({ Parser, Language }), prepareSpare()]).then(([parser]) => parser);
  }
  return parserPromise;
}

/** Whether an error is the parser's WebAssembly instance failing (an abort, a trap), after which it is unusable. */
export function isParserAbort(e: unknown): boolean {
  return e instanceof Error && (e.name === 'RuntimeError' || /^Aborted\(/.test(e.message));
}

/** Replacements already made: several caches sharing the aborted parser get the same replacement. */
const replacements = new Map<Parser, Parser>();

/**
 * The parser to use instead of one that aborted, or null when there is no spare. The shared parser
 * becomes the replacement, and a new spare is prepared for a later abort.
 */
export function replaceAbortedParser(aborted: Parser): Parser | null {
  const known = replacements.get(aborted);
  if (known) return known;
  const fresh = spare;
  spare = null;
  if (!fresh) return null;
  replacements.set(aborted, fresh);
  parserPromise = Promise.resolve(fresh);
  void prepareSpare();
  return fresh;
}

/**
 * The longest a parse may take: 10 s, and 5 s more per million characters. Real code parses at about a
 * million characters a second on a loaded machine, so this is far beyond it; tree-sitter's error recovery
 * is superlinear on some hostile texts (megabytes of `a!a!…` or of `"`), and past this the parse is
 * abandoned and the file skipped with a reason. `FFI_GUARD_PARSE_TIME_LIMIT_MS` sets a fixed limit instead.
 */
export function parseTimeLimit(length: number): number {
  const fixed = Number(process.env.FFI_GUARD_PARSE_TIME_LIMIT_MS);
  if (Number.isFinite(fixed) && fixed > 0) return fixed;
  return 10_000 + 5_000 * (length / 1_000_000);
}

/**
 * tree-sitter's progress callback: true (cancel) once `ms` have passed. It is called thousands of times per
 * parse; reading the clock at every call was a few milliseconds of each bench workspace's `check`, and a
 * limit of ten seconds does not need it.
 */
function parseDeadline(ms: number): (state: ParseState) => boolean {
  const deadline = performance.now() + ms;
  let calls = 0;
  return () => (++calls & (CLOCK_EVERY - 1)) === 0 && performance.now() > deadline;
}

/** How many progress calls a parse makes between two readings of the clock (a power of two). */
const CLOCK_EVERY = 32;

/**
 * The text as web-tree-sitter reads it: a piece at a time, as long as its input buffer. Given the string
 * itself, it reads `text.slice(index)` each time, and at every keystroke of an edited document, its whole
 * text then outlived the next scavenge (every version typed since the last full collection was still in
 * memory, 400 kB each for a 10,000-line document, and full collections came more often).
 */
function chunksOf(text: string): (index: number) => string {
  return (index) => {
    let end = index + PARSE_CHUNK;
    // A chunk that ends between the halves of a surrogate pair makes the lexer read a broken character
    // (`'𐍈'` lexed as an identifier): it ends before the pair.
    if (end < text.length && isHighSurrogate(text.charCodeAt(end - 1))) end--;
    return text.slice(index, end);
  };
}

function isHighSurrogate(c: number): boolean {
  return c >= 0xd800 && c <= 0xdbff;
}

/** web-tree-sitter's input buffer holds 10 kB of UTF-16: 5,119 code units. */
const PARSE_CHUNK = 5119;

function parseWithin(parser: Parser, text: string, old?: Tree, ranges?: Range[]): Tree {
  const limit = parseTimeLimit(ranges ? ranges[ranges.length - 1].endIndex - ranges[0].startIndex : text.length);
  const started = performance.now();
  const tree = parser.parse(chunksOf(text), old, {
    progressCallback: parseDeadline(limit),
    includedRanges: ranges,
  });
  if (!tree) {
    // A cancelled parse would otherwise resume on the next call, with the next text.
    parser.reset();
    // No tree before the deadline is tree-sitter giving up for a reason of its own, not our cancellation.
    if (performance.now() - started < limit) throw new Error('tree-sitter returned no tree');
    throw new Error(`parsing took longer than the parse time limit (${Math.round(limit / 1000)} s for this size)`);
  }
  return tree;
}

export interface ParsedFile {
  /** The text as given. */
  text: string;
  /** The text the tree was parsed from: `text` with edition 2024 keywords blanked. */
  parsedText: string;
  tree: Tree;
  /** Offsets of the blanked `unsafe` keywords that opened `unsafe extern` blocks. */
  unsafeExternAt: number[];
  /** Offsets of the `extern` keyword of each such block. */
  unsafeExternKeywordAt: number[];
  /** Offsets of the blanked `safe` keywords on items of such blocks. */
  safeItemAt: number[];
  /** Offsets of the `fn` / `static` keyword each `safe` stood before. */
  safeItemKeywordAt: number[];
  /** The items the parse was not given (`parseRustLeavingOut`), until the items are read. */
  leftOut?: LeftOut;
  /**
   * Which macros called in a function body may write an item there (`RelevanceIndex.bodyMacroTest`), as the
   * parse left bodies out by: the extraction reads the same bodies for items. Absent: any call may.
   */
  bodyMacros?: BodyMacroTest;
}

/** What a tree was parsed without, and how to parse what it stands in fully, should a node left out be asked for. */
export interface LeftOut {
  items: LeftOutItem[];
  /** The tree of the same text (or piece) parsed without leaving anything out; the caller deletes it. */
  wholeTree: () => Tree;
}

const UNSAFE_EXTERN = /\bunsafe(\s+)extern(\s*"[^"\n]*")?\s*\{/g;
const SAFE_ITEM = /\bsafe(\s+)(fn|static)\b/g;

/** Parse Rust source. `old` (the previous parse of the same document, already edited) makes it incremental. */
export function parseRust(parser: Parser, text: string, old?: ParsedFile): ParsedFile {
  // The caller has applied its edits to `old.tree`; a tree of blanked text cannot be reused that way.
  const reusable = old && old.parsedText === old.text ? old.tree : undefined;
  const tree = parseWithin(parser, text, reusable);
  const blanks = /\bunsafe\s+extern\b/.test(text) ? findEdition2024Keywords(text, tree) : null;
  const rawAbis = RAW_ABI_HINT.test(text) ? findRawStringAbis(text, tree) : [];
  if ((!blanks || !blanks.unsafeExternAt.length) && !rawAbis.length) return parsedAsIs(text, tree);
  const chars = text.split('');
  for (const at of blanks?.unsafeExternAt ?? []) blank(chars, at, 'unsafe'.length);
  for (const at of blanks?.safeItemAt ?? []) blank(chars, at, 'safe'.length);
  for (const [at, length] of rawAbis) blank(chars, at, length);
  const parsedText = chars.join('');
  tree.delete();
  const reparsed = parseWithin(parser, parsedText);
  return {
    text,
    parsedText,
    tree: reparsed,
    unsafeExternAt: blanks?.unsafeExternAt ?? [],
    unsafeExternKeywordAt: blanks?.unsafeExternKeywordAt ?? [],
    safeItemAt: blanks?.safeItemAt ?? [],
    safeItemKeywordAt: blanks?.safeItemKeywordAt ?? [],
  };
}

/** A file longer than this is parsed in pieces when no tree of it is kept (`piecesOf`). */
export const PIECEWISE_PARSE_CHARS = 512 * 1024;
const PIECE_CHARS = 128 * 1024;

/**
 * A long file cut into runs of whole top-level items of about `size` characters each, to be parsed one at a
 * time (`parseRustPiece`). The parser's WebAssembly memory grows to hold the largest tree it has made and is
 * never given back: read into items, gtk-sys's 1 MB `lib.rs` left the process 87 MB larger parsed whole, 46 MB
 * in six pieces (`node out/test/bench/parser-memory.js FILE`). A cut is made
 * after a `;` or `}` outside every bracket, where the next word starts an item; null when the text cannot be
 * cut so (brackets that do not balance) or holds what the parse must blank first (edition 2024 keywords, a
 * raw ABI string): it is parsed whole.
 */
export function piecesOf(text: string, size = PIECE_CHARS): Range[] | null {
  if (blanksFirst(text)) return null;
  const code = codeOnly(text);
  const cuts = [0];
  let depth = 0;
  for (let i = 0; i < code.length; i++) {
    const c = code.charCodeAt(i);
    depth += bracketStep(c);
    if (depth < 0) return null;
    if (depth || i + 1 - cuts[cuts.length - 1] < size || (c !== SEMICOLON && c !== CLOSE_BRACE)) continue;
    if (c === SEMICOLON || startsItem(code, i + 1)) cuts.push(i + 1);
  }
  if (depth) return null;
  if (cuts[cuts.length - 1] < text.length) cuts.push(text.length);
  const points = pointsAt(text, cuts);
  return cuts.slice(1).map((end, i) => ({
    startIndex: cuts[i],
    endIndex: end,
    startPosition: points[i],
    endPosition: points[i + 1],
  }));
}

/** An edition 2024 `unsafe extern` block, which the parse blanks (a function pointer's `unsafe extern "C" fn` is not one). */
const UNSAFE_EXTERN_BLOCK = new RegExp(UNSAFE_EXTERN.source);

/**
 * Whether the text holds what `parseRust` blanks before parsing (an edition 2024 `unsafe extern` block, a raw
 * ABI string): such a text is parsed whole, never a part of it alone.
 */
function blanksFirst(text: string): boolean {
  return UNSAFE_EXTERN_BLOCK.test(text) || RAW_ABI_HINT.test(text);
}

const SEMICOLON = ';'.charCodeAt(0);
const CLOSE_BRACE = '}'.charCodeAt(0);

/**
 * After a `}` outside every bracket, what starts an item (not `else`, `as`, `.`, `;`…: a constant's
 * initialiser may end in a block and go on). An identifier followed by `!` is a macro call.
 */
const ITEM_START =
  /^(?:#|pub\b|fn\b|struct\b|enum\b|union\b|impl\b|trait\b|mod\b|use\b|extern\b|const\b|static\b|type\b|unsafe\b|async\b|macro_rules\b|[A-Za-z_][A-Za-z0-9_]*\s*!)/;

/** Whether the code after `at`, past white space (and comments, blanked), starts an item or ends the text. */
function startsItem(code: string, at: number): boolean {
  let next = at;
  while (next < code.length && isSpace(code.charCodeAt(next))) next++;
  return next === code.length || ITEM_START.test(code.slice(next, next + 64));
}

/** The row and column (UTF-16) of each offset, in order. */
function pointsAt(text: string, offsets: number[]): Point[] {
  const out: Point[] = [];
  let row = 0;
  let lineStart = 0;
  for (const offset of offsets) {
    for (let nl = text.indexOf('\n', lineStart); nl >= 0 && nl < offset; nl = text.indexOf('\n', lineStart)) {
      row++;
      lineStart = nl + 1;
    }
    out.push({ row, column: offset - lineStart });
  }
  return out;
}

/** One piece of `piecesOf`, parsed alone: its tree has the nodes of that range, at the file's offsets. */
export function parseRustPiece(parser: Parser, text: string, range: Range): ParsedFile {
  return parsedAsIs(text, parseWithin(parser, text, undefined, [range]));
}

/** A tree of the text as given, nothing blanked before the parse. */
function parsedAsIs(text: string, tree: Tree, leftOut?: LeftOut): ParsedFile {
  return {
    text,
    parsedText: text,
    tree,
    unsafeExternAt: [],
    unsafeExternKeywordAt: [],
    safeItemAt: [],
    safeItemKeywordAt: [],
    ...(leftOut ? { leftOut } : {}),
  };
}

/**
 * A file (or one piece of it, `range`) parsed without its plain constants and foreign functions and the
 * function bodies nothing reads (`left-out-items.ts`), for a caller that keeps no tree: an edit could not
 * re-parse from one that lacks them. When the text holds what the parse must blank first, leaves nothing
 * out, or the parse without them finds an error (which the whole parse might place elsewhere), it is parsed
 * whole.
 */
export function parseRustLeavingOut(
  parser: Parser,
  text: string,
  range?: Range,
  bodyMacros?: BodyMacroTest,
): ParsedFile {
  const whole = (): ParsedFile => {
    const parsed = range ? parseRustPiece(parser, text, range) : parseRust(parser, text);
    return bodyMacros ? { ...parsed, bodyMacros } : parsed;
  };
  if (blanksFirst(text)) return whole();
  const from = range ? range.startIndex : 0;
  const to = range ? range.endIndex : text.length;
  const items = itemsToLeaveOut(text, from, to, undefined, bodyMacros);
  if (!items.length) return whole();
  const tree = parseWithin(parser, text, undefined, rangesBetween(text, items, from, to));
  if (tree.rootNode.hasError) {
    tree.delete();
    return whole();
  }
  const leftOut = { items, wholeTree: () => parseWithin(parser, text, undefined, range && [range]) };
  return { ...parsedAsIs(text, tree, leftOut), ...(bodyMacros ? { bodyMacros } : {}) };
}

/**
 * The ranges from `from` to `to` between the items left out (the last one may be empty: the parse needs one).
 * White space between two items is left out with them: it makes no node, and each range costs the parse time
 * of its own. The 4,347 foreign functions of gtk-sys's `lib.rs`, one per line, made as many ranges of a new
 * line and an indent: parsed in 97 ms leaving its items out, against 105 ms whole; with the white space left
 * out too (and the shortest items kept: `MIN_LEFT_OUT_CONTENTS`), in 65 ms (`node
 * out/test/bench/left-out-ranges.js FILE…`).
 */
function rangesBetween(text: string, items: LeftOutItem[], from: number, to: number): Range[] {
  const offsets = [from];
  for (const item of items) offsets.push(item.start, item.end);
  offsets.push(to);
  const points = pointsAt(text, offsets);
  const ranges: Range[] = [];
  for (let i = 0; i < offsets.length; i += 2) {
    if (offsets[i] === offsets[i + 1] && (ranges.length || i + 2 < offsets.length)) continue;
    if (i > 0 && i + 2 < offsets.length && onlySpace(text, offsets[i], offsets[i + 1])) continue;
    ranges.push({
      startIndex: offsets[i],
      endIndex: offsets[i + 1],
      startPosition: points[i],
      endPosition: points[i + 1],
    });
  }
  return ranges;
}

function onlySpace(text: string, start: number, end: number): boolean {
  for (let i = start; i < end; i++) if (!isSpace(text.charCodeAt(i))) return false;
  return true;
}

/**
 * `extern r"C"` and `extern r#"C"#`: rustc accepts a raw string as the ABI, the grammar does not (it
 * reads `extern` alone, then a stray string). The `r` and the hashes are blanked to spaces, which leaves
 * an ordinary `extern "C"` at the same offsets.
 */
const RAW_ABI_HINT = /\bextern\s+r#*"/;
const RAW_ABI = /\bextern(\s+)r(#*)"[^"\n]*"(#*)/g;

/** The `[offset, length]` spans to blank: the `r#…` before each raw ABI string and the `#…` after it. */
function findRawStringAbis(text: string, tree: Tree): [number, number][] {
  const out: [number, number][] = [];
  for (const m of text.matchAll(RAW_ABI)) {
    if (m[3] !== m[2] || !isCodeAt(tree, m.index)) continue;
    const r = m.index + 'extern'.length + m[1].length;
    out.push([r, 1 + m[2].length]);
    if (m[3].length) out.push([m.index + m[0].length - m[3].length, m[3].length]);
  }
  return out;
}

function blank(chars: string[], at: number, length: number): void {
  for (let i = at; i < at + length; i++) chars[i] = ' ';
}

/** Token-level search: a match counts only where the tree sees code (not a comment, string or char). */
function findEdition2024Keywords(
  text: string,
  tree: Tree,
): Pick<ParsedFile, 'unsafeExternAt' | 'unsafeExternKeywordAt' | 'safeItemAt' | 'safeItemKeywordAt'> {
  const unsafeExternAt: number[] = [];
  const unsafeExternKeywordAt: number[] = [];
  const safeItemAt: number[] = [];
  const safeItemKeywordAt: number[] = [];
  for (const m of text.matchAll(UNSAFE_EXTERN)) {
    const at = m.index;
    // Inside a macro's tokens it is not an item yet: the expansion is parsed (and blanked) on its own.
    if (!isCodeAt(tree, at) || inTokenTree(tree, at)) continue;
    const open = at + m[0].length - 1;
    const close = matchingBrace(text, tree, open);
    unsafeExternAt.push(at);
    unsafeExternKeywordAt.push(at + 'unsafe'.length + m[1].length);
    const body = text.slice(open, close);
    for (const s of body.matchAll(SAFE_ITEM)) {
      const sAt = open + s.index;
      if (!isCodeAt(tree, sAt)) continue;
      safeItemAt.push(sAt);
      safeItemKeywordAt.push(sAt + 'safe'.length + s[1].length);
    }
  }
  return { unsafeExternAt, unsafeExternKeywordAt, safeItemAt, safeItemKeywordAt };
}

const NON_CODE = new Set([
  'line_comment',
  'block_comment',
  'string_literal',
  'raw_string_literal',
  'char_literal',
  'string_content',
  'doc_comment',
]);

function inTokenTree(tree: Tree, offset: number): boolean {
  for (let node = tree.rootNode.descendantForIndex(offset, offset + 1); node; node = node.parent) {
    if (node.type === 'token_tree' || node.type === 'macro_definition') return true;
  }
  return false;
}

function isCodeAt(tree: Tree, offset: number): boolean {
  let node = tree.rootNode.descendantForIndex(offset, offset + 1);
  while (node) {
    if (NON_CODE.has(node.type)) return false;
    node = node.parent;
  }
  return true;
}

/** The offset just after the `}` matching the `{` at `open`, counting only braces that are code. */
function matchingBrace(text: string, tree: Tree, open: number): number {
  let depth = 0;
  for (let i = open; i < text.length; i++) {
    const c = text[i];
    if (c !== '{' && c !== '}') continue;
    if (!isCodeAt(tree, i)) continue;
    depth += c === '{' ? 1 : -1;
    if (depth === 0) return i + 1;
  }
  return text.length;
}
