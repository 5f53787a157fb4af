import { adtItem } from './adt-items';
import { attributeOf, docCommentOf } from './attribute-syntax';
import { bodyFacts, mayWrapCatchUnwind } from './body-facts';
import { externBlockItem } from './extern-blocks';
import { ExtractContext, ExtractOptions } from './extract-context';
import { fnParams } from './fn-params';
import { genericParams } from './generics';
import type { Attribute, Expansion, FileItems, FnItem, Item, MacroRule, Span, StaticItem } from './model';
import { OriginMove, withMovedOrigins } from './moved-origins';
import { ITEM_TYPES, nestedItemNodes } from './nested-items';
import type { ParsedFile } from './parse';
import type { PlainConst } from './plain-consts';
import type { SyntaxNode } from './syntax-tree';
import { childrenOf, field, firstChildOfType, SpanOrigin } from './tree';
import { externAbi, plainTypeExpr, spanIn, typeExpr, typeExprOrNull } from './type-syntax';
import { useTrees } from './use-trees';

/**
 * From a syntax tree to plain items. Error recovery is the normal state in an editor, so every
 * extractor tolerates missing children: an item with a hole keeps what can be read. Types, generics,
 * attributes, `use` trees, data types, extern blocks and body facts each have their own module; this
 * one walks item lists and dispatches on the kind of item.
 */
export function extractItems(file: string, parsed: ParsedFile, options: ReadOptions = {}): FileItems {
  const cx = new ExtractContext(file, parsed, null, null, options);
  try {
    if (!options.reusable || parsed.parsedText !== parsed.text) {
      const { items, innerAttrs } = itemList(cx, childrenOf(cx.tree.root));
      return { file, innerAttrs, items, syntaxErrors: syntaxErrors(parsed) };
    }
    return fileItemsOf(
      file,
      parsed,
      segmentsOf(childrenOf(cx.tree.root)).map((nodes) => readSegment(cx, nodes)),
    );
  } finally {
    cx.dispose();
  }
}

export interface ReadOptions extends ExtractOptions {
  /** Keep what `extractItemsReusing` needs to read this file again after an edit (an open document's). */
  reusable?: boolean;
}

/** An edit of a text: `[start, oldEnd)` of the text before it is `[start, newEnd)` of the text after it. */
export interface TextEdit {
  start: number;
  oldEnd: number;
  newEnd: number;
}

/**
 * A file's items read again after `edits` (in order) changed the text `previous` was read from (with
 * `reusable`). Only what the edits touched is read from the new tree: a run of top-level nodes the edits
 * left alone, found at the same place in the new tree (moved by what was inserted or deleted before it),
 * keeps its items, their places moved. Reading the whole tree of a 400 kB document took 30 ms, most of a
 * keystroke in an exported signature. The items are those `extractItems` reads (test/reuse-items.test.ts).
 */
export function extractItemsReusing(
  file: string,
  parsed: ParsedFile,
  previous: FileItems,
  edits: readonly TextEdit[],
): FileItems {
  const old = SEGMENTS.get(previous);
  if (!old || parsed.parsedText !== parsed.text) return extractItems(file, parsed, { reusable: true });
  const kept = new Map<string, { segment: Segment; by: number }>();
  for (const segment of old) {
    const moved = movedRange(segment, edits);
    if (moved) kept.set(`${moved.start}:${moved.end}`, { segment, by: moved.start - segment.start });
  }
  const cx = new ExtractContext(file, parsed, null, null, { topLevelLater: true });
  try {
    const reused = new Set<Segment>();
    const read: Item[] = [];
    const segments = segmentsOf(childrenOf(cx.tree.root)).map((nodes) => {
      const found = kept.get(`${nodes[0].startIndex}:${nodes[nodes.length - 1].endIndex}`);
      if (!found || !sameTypes(found.segment, nodes)) {
        const segment = readSegment(cx, nodes);
        for (const item of segment.items) read.push(item);
        return segment;
      }
      reused.add(found.segment);
      return found.by ? movedSegment(found.segment, found.by, file) : found.segment;
    });
    const items = fileItemsOf(file, parsed, segments);
    const dropped = old.filter((s) => !reused.has(s)).flatMap((s) => s.items);
    REREAD.set(items, { read, dropped });
    return items;
  } finally {
    cx.dispose();
  }
}

/** What reading a file's items again after an edit read anew, and which of its previous items that replaced. */
export interface Reread {
  /** The items of the top-level nodes the edits touched, as they read now. */
  read: Item[];
  /** The previous items of those nodes (the other items are the same, moved by the edits). */
  dropped: Item[];
}

const REREAD = new WeakMap<FileItems, Reread>();

/** For items read by `extractItemsReusing`, what it read anew; undefined for items read whole. */
export function rereadOf(items: FileItems): Reread | undefined {
  return REREAD.get(items);
}

/**
 * A run of top-level nodes through the first that no attribute or comment before it waits for (an item,
 * most often): `itemList` reads it the same alone as among the others, since what waits is let go there.
 */
interface Segment {
  start: number;
  end: number;
  types: string[];
  items: Item[];
  innerAttrs: Attribute[];
}

/** The segments each reusable reading was made of. */
const SEGMENTS = new WeakMap<FileItems, Segment[]>();

/** Nodes that attach to the item after them (`itemList` keeps them waiting for it). */
const WAITING_FOR_ITEM = new Set(['attribute_item', 'inner_attribute_item', 'line_comment', 'block_comment']);

function segmentsOf(nodes: SyntaxNode[]): SyntaxNode[][] {
  const out: SyntaxNode[][] = [];
  let run: SyntaxNode[] = [];
  for (const node of nodes) {
    run.push(node);
    if (node.isNamed && !WAITING_FOR_ITEM.has(node.type)) {
      out.push(run);
      run = [];
    }
  }
  if (run.length) out.push(run);
  return out;
}

function readSegment(cx: ExtractContext, nodes: SyntaxNode[]): Segment {
  const { items, innerAttrs } = itemList(cx, nodes);
  return {
    start: nodes[0].startIndex,
    end: nodes[nodes.length - 1].endIndex,
    types: nodes.map((n) => n.type),
    items,
    innerAttrs,
  };
}

function fileItemsOf(file: string, parsed: ParsedFile, segments: Segment[]): FileItems {
  const items: FileItems = {
    file,
    innerAttrs: segments.flatMap((s) => s.innerAttrs),
    items: segments.flatMap((s) => s.items),
    syntaxErrors: syntaxErrors(parsed),
  };
  SEGMENTS.set(items, segments);
  return items;
}

/** Where a segment is after the edits; null when one of them touched its text. */
function movedRange(segment: Segment, edits: readonly TextEdit[]): Span | null {
  let { start, end } = segment;
  for (const edit of edits) {
    if (end <= edit.start) continue;
    if (start < edit.oldEnd) return null;
    start += edit.newEnd - edit.oldEnd;
    end += edit.newEnd - edit.oldEnd;
  }
  return { start, end };
}

function sameTypes(segment: Segment, nodes: SyntaxNode[]): boolean {
  return segment.types.length === nodes.length && nodes.every((n, i) => n.type === segment.types[i]);
}

/** A segment's items with every place in the file moved by `by`. */
function movedSegment(segment: Segment, by: number, file: string): Segment {
  const move: OriginMove = {
    origin: (o) => (o.file === file ? { ...o, span: { start: o.span.start + by, end: o.span.end + by } } : o),
  };
  const copies = new Map<object, unknown>();
  return {
    start: segment.start + by,
    end: segment.end + by,
    types: segment.types,
    items: withMovedOrigins(segment.items, move, copies),
    innerAttrs: withMovedOrigins(segment.innerAttrs, move, copies),
  };
}

/**
 * Items from a macro expansion's text; `mapSpan` takes expansion spans back to the source. With
 * `inBody`, the expansion was wrapped in a function (it stood in a body): its body's items are taken.
 */
export function extractItemsFromTree(
  file: string,
  parsed: ParsedFile,
  mapSpan: SpanOrigin,
  expansion: Expansion,
  inBody = false,
): Item[] {
  const cx = new ExtractContext(file, parsed, mapSpan, expansion);
  try {
    const root = cx.tree.root;
    if (!inBody) return itemList(cx, childrenOf(root)).items;
    const wrapper = root.namedChildren.find((c) => c.type === 'function_item');
    const body = wrapper ? field(wrapper, 'body') : null;
    return body ? nestedItems(cx, body) : [];
  } finally {
    cx.dispose();
  }
}

function syntaxErrors(parsed: ParsedFile): Span[] {
  const root = parsed.tree.rootNode;
  if (!root.hasError) return [];
  return root.descendantsOfType('ERROR').map((n) => ({ start: n.startIndex, end: n.endIndex }));
}

/** A sequence of sibling nodes at item level: attributes attach to the next item. */
function itemList(cx: ExtractContext, nodes: SyntaxNode[]): { items: Item[]; innerAttrs: Attribute[] } {
  const items: Item[] = [];
  const innerAttrs: Attribute[] = [];
  let pending: Attribute[] = [];
  for (const node of nodes) {
    switch (node.type) {
      case 'attribute_item': {
        const a = attributeOf(cx, node, false);
        if (a) pending.push(a);
        continue;
      }
      case 'inner_attribute_item': {
        const a = attributeOf(cx, node, true);
        if (a) innerAttrs.push(a);
        continue;
      }
      case 'line_comment':
      case 'block_comment': {
        const doc = docCommentOf(cx, node);
        if (doc) (doc.inner ? innerAttrs : pending).push(doc);
        continue;
      }
      case 'expression_statement': {
        const inner = node.namedChild(0);
        if (inner && inner.type === 'macro_invocation') {
          const item = itemOf(cx, inner, pending);
          if (item) items.push(item);
        }
        pending = [];
        continue;
      }
      case 'ERROR': {
        // Half-typed code: what the parser could not place may still hold whole items.
        const nested = itemList(cx, childrenOf(node));
        for (const item of nested.items) items.push(item);
        pending = [];
        continue;
      }
      default:
        if (ITEM_TYPES.has(node.type)) {
          const item = itemOf(cx, node, pending);
          if (item) items.push(item);
        }
        if (node.isNamed) pending = [];
    }
  }
  return { items, innerAttrs };
}

/** Items declared anywhere inside a body, but not inside items nested deeper. */
function nestedItems(cx: ExtractContext, body: SyntaxNode): Item[] {
  const items: Item[] = [];
  for (const { node, attrs } of nestedItemNodes(cx, body)) {
    const item = itemOf(cx, node, attrs);
    if (item?.kind === 'macro-call') item.inBody = true;
    if (item) items.push(item);
  }
  return items;
}

function itemOf(cx: ExtractContext, node: SyntaxNode, attrs: Attribute[]): Item | null {
  switch (node.type) {
    case 'function_item':
    case 'function_signature_item':
      return fnItem(cx, node, attrs);
    case 'struct_item':
    case 'union_item':
    case 'enum_item':
      return adtItem(cx, node, attrs);
    case 'type_item':
      return {
        kind: 'type',
        ...cx.base(node, attrs),
        generics: genericParams(cx, field(node, 'type_parameters')),
        type: typeExprOrNull(cx, field(node, 'type')),
      };
    case 'static_item':
    case 'const_item': {
      const plain = node.plainConst();
      if (plain) return plainConstItem(cx, node, plain, attrs);
      return {
        kind: node.type === 'static_item' ? 'static' : 'const',
        ...cx.base(node, attrs),
        type: typeExprOrNull(cx, field(node, 'type')),
        mutable: !!firstChildOfType(node, 'mutable_specifier'),
        nested: field(node, 'value') ? nestedItems(cx, field(node, 'value')!) : [],
        valueText: field(node, 'value')?.text ?? null,
      };
    }
    case 'foreign_mod_item':
      return externBlockItem(cx, node, attrs);
    case 'mod_item': {
      const body = field(node, 'body');
      const inner = body ? itemList(cx, childrenOf(body)) : null;
      return {
        kind: 'mod',
        ...cx.base(node, attrs),
        items: inner ? inner.items : null,
        innerAttrs: inner ? inner.innerAttrs : [],
      };
    }
    case 'use_declaration': {
      const arg = field(node, 'argument');
      return { kind: 'use', ...cx.base(node, attrs), name: '', trees: arg ? useTrees(arg, []) : [] };
    }
    case 'impl_item': {
      const body = field(node, 'body');
      const traitNode = field(node, 'trait');
      return {
        kind: 'impl',
        ...cx.base(node, attrs),
        name: '',
        generics: genericParams(cx, field(node, 'type_parameters')),
        selfType: typeExprOrNull(cx, field(node, 'type')),
        traitName: traitNode ? traitNode.text : null,
        items: body ? itemList(cx, childrenOf(body)).items : [],
      };
    }
    case 'trait_item': {
      const body = field(node, 'body');
      return {
        kind: 'trait',
        ...cx.base(node, attrs),
        generics: genericParams(cx, field(node, 'type_parameters')),
        items: body ? itemList(cx, childrenOf(body)).items : [],
      };
    }
    case 'macro_definition':
      return { kind: 'macro-rules', ...cx.base(node, attrs), rules: macroRules(cx, node) };
    case 'macro_invocation': {
      const macro = field(node, 'macro');
      const tree = firstChildOfType(node, 'token_tree');
      if (!macro || !tree) return null;
      return {
        kind: 'macro-call',
        ...cx.base(node, attrs),
        name: '',
        macroName: macro.text.replace(/\s+/g, ''),
        tokens: cx.tokens(tree),
      };
    }
    case 'extern_crate_declaration': {
      const name = field(node, 'name');
      const alias = field(node, 'alias');
      return {
        kind: 'extern-crate',
        ...cx.base(node, attrs),
        crateName: name ? name.text : '',
        alias: alias ? alias.text : null,
      };
    }
  }
  return null;
}

/** A constant written plainly (see `plainConst`), read from its text: the item the tree would give. */
function plainConstItem(cx: ExtractContext, node: SyntaxNode, plain: PlainConst, attrs: Attribute[]): StaticItem {
  const text = node.text;
  const name = text.slice(plain.name.start, plain.name.end);
  return {
    kind: 'const',
    ...cx.baseFields(node, attrs, plain.pub ? 'pub' : 'private', spanIn(node, plain.name), name),
    type: plainTypeExpr(cx, node, plain.type),
    mutable: false,
    nested: [],
    valueText: text.slice(plain.value.start, plain.value.end),
  };
}

function fnItem(cx: ExtractContext, node: SyntaxNode, attrs: Attribute[]): FnItem {
  const mods = firstChildOfType(node, 'function_modifiers');
  const modText = mods ? childrenOf(mods).map((c) => c.type) : [];
  const ext = mods ? firstChildOfType(mods, 'extern_modifier') : null;
  const paramsNode = field(node, 'parameters');
  const { params, selfParam, hasImplTraitArg } = fnParams(cx, paramsNode);
  const retNode = field(node, 'return_type');
  const body = field(node, 'body');
  const where = firstChildOfType(node, 'where_clause');
  const sigEnd = where ?? retNode ?? paramsNode ?? field(node, 'name') ?? node;
  const abi = ext ? externAbi(ext) : null;
  const generics = genericParams(cx, field(node, 'type_parameters'));
  return {
    kind: 'fn',
    ...cx.base(node, attrs),
    abi,
    isUnsafe: modText.includes('unsafe'),
    isConst: modText.includes('const'),
    isAsync: modText.includes('async'),
    generics,
    hasImplTraitArg,
    params,
    selfParam,
    paramsOrigin: cx.origin(paramsNode ?? node),
    ret: retNode ? typeExpr(cx, retNode) : null,
    hasBody: !!body,
    signatureOrigin: cx.originRange(node, sigEnd),
    nested: body ? nestedItems(cx, body) : [],
    // Functions at the boundary are read for body facts, and functions that may wrap `catch_unwind` (a
    // boundary body may call one with a closure): no rule reads another body. Only a generic function's
    // `let`s are read (the payload its trampoline casts a pointer parameter to). A body read here or by
    // `nestedItems` must be one `bodyIsRead` (left-out-items.ts) keeps in the parse.
    bodyFacts:
      body && (abi !== null || (cx.mentions('catch_unwind') && mayWrapCatchUnwind(body.text)))
        ? bodyFacts(cx, body, { lets: generics.some((g) => g.kind === 'type') })
        : null,
  };
}

function macroRules(cx: ExtractContext, node: SyntaxNode): MacroRule[] {
  const rules: MacroRule[] = [];
  for (const r of childrenOf(node)) {
    if (r.type !== 'macro_rule') continue;
    const left = field(r, 'left');
    const right = field(r, 'right');
    if (!left || !right) continue;
    rules.push({ pattern: cx.tokens(left), body: cx.tokens(right) });
  }
  return rules;
}
