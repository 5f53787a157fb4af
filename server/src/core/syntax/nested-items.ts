import { childAttributesBefore, leadingAttributes } from './attribute-syntax';
import type { ExtractContext } from './extract-context';
import type { Attribute } from './model';
import { mayDeclareItems } from './item-words';
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
  if (!mayDeclareItems(bodyNode.text, cx.bodyMacros)) return [];
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

/** Nodes whose attribute children belong to one statement each, not to everything after them. */
const BLOCKS = new Set(['block', 'declaration_list', 'source_file', 'match_block']);
