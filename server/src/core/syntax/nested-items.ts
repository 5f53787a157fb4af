import { childAttributesBefore, leadingAttributes } from './attribute-syntax';
import type { ExtractContext } from './extract-context';
import type { Attribute } from './model';
import { lastNonSpaceBefore } from './scan';
import type { SyntaxNode } from './syntax-tree';

/** Node types that are items (and item-level macro calls) wherever they stand. */
export const ITEM_TYPES = new Set([
  'function_item',
  'function_signature_item',
  'struct_item',
  'enum_item',
  'union_item',
  'type_item',
  'static_item',
  'const_item',
  'foreign_mod_item',
  'mod_item',
  'use_declaration',
  'impl_item',
  'trait_item',
  'macro_definition',
  'macro_invocation',
  'extern_crate_declaration',
]);

/** An item node found inside a body, with every attribute that applies to it. */
export interface NestedItemNode {
  node: SyntaxNode;
  attrs: Attribute[];
}

/**
 * The item nodes declared anywhere inside a body (a function's, an initialiser's), but not inside items
 * nested deeper, each with its own attributes and those of the statements around it.
 */
export function nestedItemNodes(cx: ExtractContext, bodyNode: SyntaxNode): NestedItemNode[] {
  if (!mayDeclareItems(bodyNode.text)) return [];
  // A body is searched by tree-sitter itself, in one call; only the items found are read as syntax.
  const body = bodyNode.realNode();
  // Found in document order, every item before the items inside it: an item that starts before the end of
  // the last one kept lies inside it (nodes nest or are disjoint), without a walk up its parents.
  let keptEnd = -1;
  const direct = body.descendantsOfType([...ITEM_TYPES]).filter((n) => {
    if (n.id === body.id || n.startIndex < keptEnd) return false;
    keptEnd = n.endIndex;
    return true;
  });
  return direct.map((node) => {
    // `#[allow(…)] { … }` and `#[cfg(…)]` on an enclosing statement apply to the items inside it.
    const enclosing: Attribute[][] = [];
    for (let child = node, p = node.parent; p && p.id !== body.id; child = p, p = p.parent) {
      enclosing.unshift(leadingAttributes(cx, p));
      // A match arm carries its attributes as children before the pattern (`#[cfg(x)] A => …`).
      if (!BLOCKS.has(p.type)) enclosing.unshift(childAttributesBefore(cx, p, child));
    }
    return { node: cx.read(node), attrs: [...enclosing.flat(), ...leadingAttributes(cx, node)] };
  });
}

/**
 * Whether a body's text may declare an item. Most bodies declare none and call only std's macros: a text
 * test is far cheaper than a walk.
 */
export function mayDeclareItems(text: string): boolean {
  return writesItemKeyword(text) || callsNonStdMacro(text);
}

/**
 * Whether the text writes a keyword that may begin an item, other than `const` in a raw pointer type
 * (`as *const _`) or `static` as a lifetime (`&'static str`), which begin none. Binding crates cast to
 * raw pointers in many bodies (gtk's `to_glib_none().0 as *const _`), each of which was searched by
 * tree-sitter for items it cannot hold.
 */
function writesItemKeyword(text: string): boolean {
  for (const m of text.matchAll(ITEM_KEYWORDS)) if (!beginsNoItem(text, m.index, m[1])) return true;
  return false;
}

function beginsNoItem(text: string, at: number, keyword: string): boolean {
  if (keyword === 'static') return text.charCodeAt(at - 1) === APOSTROPHE;
  if (keyword !== 'const') return false;
  return text.charCodeAt(lastNonSpaceBefore(text, at)) === ASTERISK;
}

const APOSTROPHE = 39;
const ASTERISK = 42;

/** Nodes whose attribute children belong to one statement each, not to everything after them. */
const BLOCKS = new Set(['block', 'declaration_list', 'source_file', 'match_block']);

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

/** Whether a body invokes a macro that could be one of the crate's own. */
function callsNonStdMacro(text: string): boolean {
  if (!text.includes('!')) return false;
  for (const m of text.matchAll(MACRO_CALL)) if (!STD_MACROS.has(m[1])) return true;
  return false;
}
