import * as fs from 'fs';
import * as path from 'path';
import { Language, Parser, Tree } from 'web-tree-sitter';

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

/** The shared parser, created once. */
export function loadParser(): Promise<Parser> {
  if (!parserPromise) {
    parserPromise = (async () => {
      // A bundle ships web-tree-sitter's own .wasm beside itself; otherwise the package finds it.
      const runtime = path.join(__dirname, 'web-tree-sitter.wasm');
      await Parser.init(fs.existsSync(runtime) ? { locateFile: () => runtime } : undefined);
      const language = await Language.load(grammarPath());
      const parser = new Parser();
      parser.setLanguage(language);
      return parser;
    })();
  }
  return parserPromise;
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
}

const UNSAFE_EXTERN = /\bunsafe(\s+)extern(\s*"[^"\n]*")?\s*\{/g;
const SAFE_ITEM = /\bsafe(\s+)(fn|static)\b/g;

/** Parse Rust source. `old` (the previous parse of the same document, already edited) makes it incremental. */
export function parseRust(parser: Parser, text: string, old?: ParsedFile): ParsedFile {
  // The caller has applied its edits to `old.tree`; a tree of blanked text cannot be reused that way.
  const reusable = old && old.parsedText === old.text ? old.tree : undefined;
  const tree = parser.parse(text, reusable);
  if (!tree) throw new Error('tree-sitter returned no tree');
  const blanks = /\bunsafe\s+extern\b/.test(text) ? findEdition2024Keywords(text, tree) : null;
  if (!blanks || !blanks.unsafeExternAt.length) {
    return {
      text,
      parsedText: text,
      tree,
      unsafeExternAt: [],
      unsafeExternKeywordAt: [],
      safeItemAt: [],
      safeItemKeywordAt: [],
    };
  }
  const chars = text.split('');
  for (const at of blanks.unsafeExternAt) blank(chars, at, 'unsafe'.length);
  for (const at of blanks.safeItemAt) blank(chars, at, 'safe'.length);
  const parsedText = chars.join('');
  tree.delete();
  const reparsed = parser.parse(parsedText);
  if (!reparsed) throw new Error('tree-sitter returned no tree');
  return { text, parsedText, tree: reparsed, ...blanks };
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
