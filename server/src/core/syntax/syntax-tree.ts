import type { Language, Node, Tree, TreeCursor } from 'web-tree-sitter';
import type { LeftOutItem } from './left-out-items';
import type { LeftOut } from './parse';
import { PlainAttribute, plainAttribute } from './plain-attributes';
import { PlainConst, plainConst } from './plain-consts';
import { PlainForeignFn, plainForeignFn } from './plain-foreign-fns';
import { isPlainTokenTree } from './plain-tokens';

/**
 * A parse tree read once into plain arrays, for the extractors. Every question put to a web-tree-sitter
 * node (its type, its end, its children, a field) crosses into WebAssembly and marshals the node, and
 * `children` builds a `Node` object per child: asked per node, that cost more than the parse itself.
 * Here one walk of a tree cursor records each node's type, span and field, and every later question is
 * answered from the arrays in JavaScript.
 *
 * The walk does not enter what the extractors read only as text or as a whole: function bodies,
 * initialisers, visibility, bounds, string literals. Such a node is recorded itself, and its children
 * are read on first request from where the cursor found it; a body is searched through tree-sitter
 * itself (`realNode`), in one call. Constants, foreign functions, attributes and token trees written
 * plainly, and line comments, are not entered either: their text says all (`plain-text.ts` and the
 * other `plain-*.ts`). Spans are UTF-16 offsets into the text the tree was
 * parsed from.
 */

const NONE = -1;

/** Named node types that are tokens of the grammar: a node of one never has children. */
const TOKEN_TYPES = [
  'identifier',
  'type_identifier',
  'field_identifier',
  'shorthand_field_identifier',
  'primitive_type',
  'integer_literal',
  'float_literal',
  'char_literal',
  'string_content',
  'escape_sequence',
  'metavariable',
  'doc_comment',
  'mutable_specifier',
  'self',
  'super',
  'crate',
];

/**
 * Node types whose rule assigns no field to any child (tree-sitter-rust's grammar): their children are
 * not asked which field they stand in.
 */
const FIELDLESS_TYPES = [
  'source_file',
  'declaration_list',
  'token_tree',
  'token_tree_pattern',
  'token_repetition',
  'token_repetition_pattern',
  'attribute_item',
  'inner_attribute_item',
  'parameters',
  'type_arguments',
  'type_parameters',
  'field_declaration_list',
  'enum_variant_list',
  'use_list',
  'tuple_type',
  'self_parameter',
  'extern_modifier',
  'function_modifiers',
];

/** Node types the extractors read only as text, type or span, never through their children. */
const WHOLE_TYPES = [
  'visibility_modifier',
  'where_clause',
  'trait_bounds',
  'string_literal',
  'raw_string_literal',
  'lifetime',
];

/** What one grammar's type and field ids mean, looked up once per language rather than per node. */
class GrammarTables {
  readonly types: string[];
  private readonly named: (boolean | undefined)[] = [];
  readonly token: boolean[] = [];
  readonly whole: boolean[] = [];
  readonly fieldless: boolean[] = [];
  readonly valueField: number;
  readonly bodyField: number;
  readonly blockType: number;
  readonly constItemType: number;
  readonly signatureType: number;
  readonly externBlockType: number;
  readonly tokenTreeType: number;
  readonly lineCommentType: number;
  readonly attributeItemType: number;
  readonly innerAttributeItemType: number;
  /** `_`: the one anonymous node a field the extractors ask for can hold (a parameter's pattern). */
  readonly underscoreType: number;
  /** `"`, the anonymous node whose text may differ from its type: a string's opening `b"` or `c"`. */
  readonly quoteType: number;
  private readonly fieldIds = new Map<string, number>();

  constructor(private readonly language: Language) {
    this.types = language.types;
    for (const t of TOKEN_TYPES) this.mark(this.token, t);
    for (const t of WHOLE_TYPES) this.mark(this.whole, t);
    for (const t of FIELDLESS_TYPES) this.mark(this.fieldless, t);
    this.valueField = this.fieldId('value');
    this.bodyField = this.fieldId('body');
    this.blockType = language.idForNodeType('block', true) ?? NONE;
    this.constItemType = language.idForNodeType('const_item', true) ?? NONE;
    this.signatureType = language.idForNodeType('function_signature_item', true) ?? NONE;
    this.externBlockType = language.idForNodeType('foreign_mod_item', true) ?? NONE;
    this.tokenTreeType = language.idForNodeType('token_tree', true) ?? NONE;
    this.lineCommentType = language.idForNodeType('line_comment', true) ?? NONE;
    this.attributeItemType = language.idForNodeType('attribute_item', true) ?? NONE;
    this.innerAttributeItemType = language.idForNodeType('inner_attribute_item', true) ?? NONE;
    this.underscoreType = language.idForNodeType('_', false) ?? NONE;
    this.quoteType = language.idForNodeType('"', false) ?? NONE;
  }

  private mark(table: boolean[], type: string): void {
    const id = this.language.idForNodeType(type, true);
    if (id !== null) table[id] = true;
  }

  typeName(id: number): string {
    return this.types[id] || 'ERROR';
  }

  isNamed(id: number): boolean {
    let named = this.named[id];
    if (named === undefined) named = this.named[id] = this.language.nodeTypeIsNamed(id);
    return named;
  }

  /** A field's id; 0 (no field) for a name the grammar does not have. */
  fieldId(name: string): number {
    let id = this.fieldIds.get(name);
    if (id === undefined) {
      id = Math.max(0, this.language.fields.indexOf(name));
      this.fieldIds.set(name, id);
    }
    return id;
  }
}

const tablesOf = new WeakMap<Language, GrammarTables>();

function grammarTables(language: Language): GrammarTables {
  let tables = tablesOf.get(language);
  if (!tables) tablesOf.set(language, (tables = new GrammarTables(language)));
  return tables;
}

/** Children not read yet: the node's subtree is read when asked for. */
const UNREAD = -2;
/** A node the parse was not given (`LeftOut`): its children, if ever asked for, are read from a whole parse. */
const LEFT_OUT = -3;

/** What a syntax tree records of each node, one typed array per question; grown by doubling. */
class NodeColumns {
  readonly typeIds: Uint16Array;
  readonly starts: Int32Array;
  readonly ends: Int32Array;
  readonly fields: Uint16Array;
  readonly parents: Int32Array;
  /** First child, `NONE` for a leaf, `UNREAD` when the children are still in the tree only. */
  readonly firstChildren: Int32Array;
  readonly nextSiblings: Int32Array;
  readonly previousSiblings: Int32Array;
  /** For a node whose children are unread: its index among the descendants of its cursor's root. */
  readonly descendantIndexes: Int32Array;
  /** Which cursor found each node. */
  readonly cursorOf: Uint16Array;
  /**
   * Each node's wrapper and list of children, made when first asked for. Filled as nodes are appended
   * (sparse arrays fall back to slow dictionaries), and emptied when the tree is disposed.
   */
  wrappers: (SyntaxNode | null)[] = [];
  childLists: (SyntaxNode[] | null)[] = [];

  constructor(readonly capacity: number) {
    this.typeIds = new Uint16Array(capacity);
    this.starts = new Int32Array(capacity);
    this.ends = new Int32Array(capacity);
    this.fields = new Uint16Array(capacity);
    this.parents = new Int32Array(capacity);
    this.firstChildren = new Int32Array(capacity);
    this.nextSiblings = new Int32Array(capacity);
    this.previousSiblings = new Int32Array(capacity);
    this.descendantIndexes = new Int32Array(capacity);
    this.cursorOf = new Uint16Array(capacity);
  }

  /** Twice the capacity, holding the same nodes. */
  grown(): NodeColumns {
    const to = new NodeColumns(this.capacity * 2);
    to.typeIds.set(this.typeIds);
    to.starts.set(this.starts);
    to.ends.set(this.ends);
    to.fields.set(this.fields);
    to.parents.set(this.parents);
    to.firstChildren.set(this.firstChildren);
    to.nextSiblings.set(this.nextSiblings);
    to.previousSiblings.set(this.previousSiblings);
    to.descendantIndexes.set(this.descendantIndexes);
    to.cursorOf.set(this.cursorOf);
    // The growing ones move over as they are.
    to.wrappers = this.wrappers;
    to.childLists = this.childLists;
    return to;
  }
}

/** Columns of disposed trees, for the next: trees are read one at a time, so one or two suffice. */
const spareColumns: NodeColumns[] = [];
const MAX_SPARE_COLUMNS = 2;
/** Nodes; at 34 bytes a node, a spare keeps at most 9 MB. */
const MAX_SPARE_CAPACITY = 1 << 18;

/** The whole tree's root is the first node read, by the first cursor. */
const ROOT = 0;
const ROOT_CURSOR = 0;

/** The nodes of one parse tree as arrays, read by one walk and then on demand; `dispose` when done. */
export class SyntaxTree {
  private readonly grammar: GrammarTables;
  /**
   * Whether the parser recovered from errors: anonymous tokens may then be missing (zero-width) nodes,
   * their span is asked for, and no item is read from its text.
   */
  private readonly hasError: boolean;
  /** The constants and foreign functions left unread because their text says all, by index. */
  private readonly plainConsts = new Map<number, PlainConst>();
  private readonly plainForeignFns = new Map<number, PlainForeignFn>();
  private readonly plainAttributes = new Map<number, PlainAttribute>();
  /** Token trees and line comments left unread because their text says all (`readAsText`). */
  private readonly textOnly = new Set<number>();
  private count = 0;
  private c = spareColumns.pop() ?? new NodeColumns(4096);
  private readonly cursors: TreeCursor[] = [];
  /** The tree-sitter node of a subtree's root read on its own (`read`). */
  private readonly realRoots = new Map<number, Node>();
  /** The items left out of the parse, put back in order by the first walk (`appendLeftOut`). */
  private readonly leftOut: Exclude<LeftOutItem, { kind: 'body' | 'tokens' }>[] = [];
  /**
   * Where the blocks and token trees start whose contents were left out (function bodies nothing reads,
   * plain macro arguments).
   */
  private readonly leftOutBlocks = new Set<number>();
  private nextLeftOut = 0;
  /** Where the next item left out starts; past every offset when none is left. */
  private nextLeftOutStart = Infinity;
  private readonly wholeTreeOf: (() => Tree) | null;
  /** The tree of the whole parse, made only if a node left out is asked for its children. */
  private wholeTree: Tree | null = null;
  readonly root: SyntaxNode;

  /**
   * `text` is the text `tree` was parsed from. With `readText` false, nothing is read from its text: every
   * node is read from the tree (tests compare the two readings). With `topLevelLater`, the subtrees of the
   * root's children are read only when asked for: an edited document's items are read again only where
   * the edit was (`extractItemsReusing`). `leftOut`: the items the parse of `tree` was not given, which
   * the walk puts back where they stand (reading nothing from the text, or reading the top level later,
   * the tree of the whole parse is read instead).
   */
  constructor(
    tree: Tree,
    readonly text: string,
    private readonly readText = true,
    private readonly topLevelLater = false,
    leftOut?: LeftOut,
  ) {
    this.grammar = grammarTables(tree.language);
    this.wholeTreeOf = leftOut ? leftOut.wholeTree : null;
    if (leftOut && (!readText || topLevelLater)) tree = this.wholeTree = leftOut.wholeTree();
    for (const item of leftOut && !this.wholeTree ? leftOut.items : [])
      if (item.kind === 'body' || item.kind === 'tokens') this.leftOutBlocks.add(item.start - 1);
      else this.leftOut.push(item);
    if (this.leftOut.length) this.nextLeftOutStart = this.leftOut[0].start;
    this.hasError = tree.rootNode.hasError;
    this.root = this.node(this.readSubtree(tree.walk()));
    if (this.nextLeftOut < this.leftOut.length) this.putBackLast();
  }

  /**
   * The items left out after the last node of the parse, as the root's last children; the root spans
   * them, as the whole parse's would (it starts at the first token and ends at the text's end).
   */
  private putBackLast(): void {
    let last = NONE;
    for (let c = this.c.firstChildren[ROOT]; c !== NONE; c = this.c.nextSiblings[c]) last = c;
    while (this.nextLeftOut < this.leftOut.length) last = this.appendLeftOut(ROOT, last);
    this.c.ends[ROOT] = Math.max(this.c.ends[ROOT], this.leftOut[this.leftOut.length - 1].end);
  }

  /** Frees the cursors; the nodes answer nothing that needs the tree afterwards. */
  dispose(): void {
    for (const c of this.cursors) c.delete();
    this.cursors.length = 0;
    this.wholeTree?.delete();
    this.wholeTree = null;
    // Typed arrays are costly to allocate (and to collect): the next tree reuses these, unless they grew
    // past what is worth keeping. The wrappers go: they would keep this tree and its text alive.
    this.c.wrappers.length = 0;
    this.c.childLists.length = 0;
    if (spareColumns.length < MAX_SPARE_COLUMNS && this.c.capacity <= MAX_SPARE_CAPACITY) spareColumns.push(this.c);
  }

  /** A tree-sitter node (from a body, say) as a syntax node of this tree, its subtree read on its own. */
  read(real: Node): SyntaxNode {
    const index = this.readSubtree(real.walk());
    this.realRoots.set(index, real);
    return this.node(index);
  }

  /** The wrapper of node `index`, made once. */
  node(index: number): SyntaxNode {
    let n = this.c.wrappers[index];
    if (!n) n = this.c.wrappers[index] = new SyntaxNode(this, index);
    return n;
  }

  type(index: number): string {
    return this.grammar.typeName(this.c.typeIds[index]);
  }

  isNamed(index: number): boolean {
    return this.grammar.isNamed(this.c.typeIds[index]);
  }

  start(index: number): number {
    return this.c.starts[index];
  }

  end(index: number): number {
    return this.c.ends[index];
  }

  parent(index: number): SyntaxNode | null {
    const p = this.c.parents[index];
    return p === NONE ? null : this.node(p);
  }

  previousSibling(index: number): SyntaxNode | null {
    const p = this.c.previousSiblings[index];
    return p === NONE ? null : this.node(p);
  }

  children(index: number): SyntaxNode[] {
    let list = this.c.childLists[index];
    if (list) return list;
    list = [];
    for (let c = this.firstChild(index); c !== NONE; c = this.c.nextSiblings[c]) list.push(this.node(c));
    this.c.childLists[index] = list;
    return list;
  }

  // The two searches below follow the links: a wrapper is made for the child found only.

  childForField(index: number, name: string): SyntaxNode | null {
    const id = this.grammar.fieldId(name);
    if (id === 0) return null;
    for (let c = this.firstChild(index); c !== NONE; c = this.c.nextSiblings[c])
      if (this.c.fields[c] === id) return this.node(c);
    return null;
  }

  firstChildOfType(index: number, type: string, orType: string | undefined): SyntaxNode | null {
    for (let c = this.firstChild(index); c !== NONE; c = this.c.nextSiblings[c]) {
      const t = this.grammar.typeName(this.c.typeIds[c]);
      if (t === type || t === orType) return this.node(c);
    }
    return null;
  }

  private firstChild(index: number): number {
    const first = this.c.firstChildren[index];
    if (first === UNREAD) this.readChildrenLater(index);
    else if (first === LEFT_OUT) this.readLeftOutChildren(index);
    return this.c.firstChildren[index];
  }

  /** The parts of a constant left unread because its text says all; null for any other node. */
  plainConst(index: number): PlainConst | null {
    return this.plainConsts.get(index) ?? null;
  }

  /** Whether a token tree was left unread because its text lexes plainly. */
  readAsText(index: number): boolean {
    return this.textOnly.has(index);
  }

  /** The parts of an attribute left unread because its text says all; null for any other node. */
  plainAttribute(index: number): PlainAttribute | null {
    return this.plainAttributes.get(index) ?? null;
  }

  /** The parts of a foreign function left unread because its text says all; null for any other node. */
  plainForeignFn(index: number): PlainForeignFn | null {
    return this.plainForeignFns.get(index) ?? null;
  }

  /** The tree-sitter node itself: for a node whose children were left unread, or one given to `read`. */
  realNode(index: number): Node {
    const root = this.realRoots.get(index);
    if (root) return root;
    if (this.c.firstChildren[index] === LEFT_OUT) return this.leftOutNode(index);
    const at = this.c.descendantIndexes[index];
    if (at === NONE) throw new Error('syntax tree: only a node read as a whole has its tree-sitter node at hand');
    const cursor = this.cursors[this.c.cursorOf[index]];
    cursor.gotoDescendant(at);
    return cursor.currentNode;
  }

  /** Reads the subtree at a new cursor's position; returns its root's index. */
  private readSubtree(cursor: TreeCursor): number {
    this.cursors.push(cursor);
    const cursorId = this.cursors.length - 1;
    const root = this.append(cursor, cursorId, NONE, NONE, cursor.startIndex);
    // The whole parse's root starts at its first token, which may be an item left out.
    if (this.nextLeftOutStart < this.c.starts[root]) this.c.starts[root] = this.nextLeftOutStart;
    const when = this.whenToRead(root);
    if (when === 'now') this.walkChildren(cursor, cursorId, root);
    else if (when === 'later') this.leaveForLater(cursor, root);
    return root;
  }

  /** A node left out of the parse, found in the whole parse (made once). */
  private leftOutNode(index: number): Node {
    this.wholeTree ??= this.wholeTreeOf!();
    const start = this.c.starts[index];
    const end = this.c.ends[index];
    const type = this.type(index);
    for (let n: Node | null = this.wholeTree.rootNode.descendantForIndex(start, end); n; n = n.parent)
      if (n.startIndex === start && n.endIndex === end && n.type === type) {
        this.realRoots.set(index, n);
        return n;
      }
    throw new Error(`syntax tree: the whole parse has no ${type} at ${start}`);
  }

  /** The children of a node left out of the parse, read from the whole parse. */
  private readLeftOutChildren(index: number): void {
    const cursor = this.leftOutNode(index).walk();
    this.cursors.push(cursor);
    this.c.firstChildren[index] = NONE;
    this.walkChildren(cursor, this.cursors.length - 1, index);
  }

  /** Puts the next item left out back, as the next child of `parent` after `previous`; returns its index. */
  private appendLeftOut(parent: number, previous: number): number {
    const item = this.leftOut[this.nextLeftOut++];
    this.nextLeftOutStart = this.nextLeftOut < this.leftOut.length ? this.leftOut[this.nextLeftOut].start : Infinity;
    if (this.count === this.c.capacity) this.grow();
    const index = this.count++;
    this.c.typeIds[index] = item.kind === 'const' ? this.grammar.constItemType : this.grammar.signatureType;
    this.c.starts[index] = item.start;
    this.c.ends[index] = item.end;
    this.c.fields[index] = 0;
    this.c.parents[index] = parent;
    this.c.firstChildren[index] = LEFT_OUT;
    this.c.nextSiblings[index] = NONE;
    this.c.previousSiblings[index] = previous;
    this.c.descendantIndexes[index] = NONE;
    this.c.cursorOf[index] = ROOT_CURSOR;
    this.c.wrappers.push(null);
    this.c.childLists.push(null);
    if (previous !== NONE) this.c.nextSiblings[previous] = index;
    else this.c.firstChildren[parent] = index;
    if (item.kind === 'const') this.plainConsts.set(index, item.plain);
    else this.plainForeignFns.set(index, item.plain);
    return index;
  }

  /** The children of a node whose subtree the walk left unread, from where its cursor found it. */
  private readChildrenLater(index: number): void {
    const cursorId = this.c.cursorOf[index];
    const cursor = this.cursors[cursorId];
    cursor.gotoDescendant(this.c.descendantIndexes[index]);
    this.c.firstChildren[index] = NONE;
    this.walkChildren(cursor, cursorId, index);
  }

  /**
   * Whether a node's children are read by the walk: never for a token, later for what the extractors
   * read whole (a function body, an initialiser, visibility, bounds, a string literal), else now.
   */
  private whenToRead(index: number): 'never' | 'later' | 'now' {
    const typeId = this.c.typeIds[index];
    if (!this.grammar.isNamed(typeId) || this.grammar.token[typeId]) return 'never';
    if (this.grammar.whole[typeId]) return 'later';
    if (this.readText && !this.hasError && this.readFromText(index, typeId)) return 'later';
    const field = this.c.fields[index];
    if (this.topLevelLater && this.c.parents[index] === ROOT && this.c.cursorOf[index] === ROOT_CURSOR) return 'later';
    if (field === 0) return 'now';
    const bodyOrValue =
      field === this.grammar.valueField || (field === this.grammar.bodyField && typeId === this.grammar.blockType);
    return bodyOrValue ? 'later' : 'now';
  }

  /**
   * Whether a node is a constant, a foreign function, an attribute, a token tree or a line comment its
   * text says all about (recorded so).
   */
  private readFromText(index: number, typeId: number): boolean {
    if (typeId === this.grammar.tokenTreeType) {
      const plain = isPlainTokenTree(this.text.slice(this.c.starts[index], this.c.ends[index]));
      if (plain) this.textOnly.add(index);
      return plain;
    }
    if (typeId === this.grammar.attributeItemType || typeId === this.grammar.innerAttributeItemType) {
      const inner = typeId === this.grammar.innerAttributeItemType;
      const plain = plainAttribute(this.text.slice(this.c.starts[index], this.c.ends[index]), inner);
      if (plain) this.plainAttributes.set(index, plain);
      return !!plain;
    }
    if (typeId === this.grammar.lineCommentType) {
      this.textOnly.add(index);
      return true;
    }
    if (typeId === this.grammar.constItemType) {
      const plain = plainConst(this.text.slice(this.c.starts[index], this.c.ends[index]));
      if (plain) this.plainConsts.set(index, plain);
      return !!plain;
    }
    if (typeId === this.grammar.signatureType && this.inExternBlock(index)) {
      const plain = plainForeignFn(this.text.slice(this.c.starts[index], this.c.ends[index]));
      if (plain) this.plainForeignFns.set(index, plain);
      return !!plain;
    }
    return false;
  }

  /** Whether a node stands in the body of an `extern` block (its parent's parent is the block). */
  private inExternBlock(index: number): boolean {
    const parent = this.c.parents[index];
    const block = parent === NONE ? NONE : this.c.parents[parent];
    return block !== NONE && this.c.typeIds[block] === this.grammar.externBlockType;
  }

  private leaveForLater(cursor: TreeCursor, index: number): void {
    const typeId = this.c.typeIds[index];
    const emptied = typeId === this.grammar.blockType || typeId === this.grammar.tokenTreeType;
    if (emptied && this.leftOutBlocks.has(this.c.starts[index])) {
      this.c.firstChildren[index] = LEFT_OUT;
      return;
    }
    this.c.firstChildren[index] = UNREAD;
    this.c.descendantIndexes[index] = cursor.currentDescendantIndex;
  }

  /** Depth-first from the node under the cursor, which is left where it started. */
  private walkChildren(cursor: TreeCursor, cursorId: number, top: number): void {
    if (!cursor.gotoFirstChild()) return;
    let parent = top;
    let previous = NONE;
    for (;;) {
      const start = cursor.startIndex;
      // An item left out stands before the first node of the parse that starts after it, among its siblings.
      while (this.nextLeftOutStart < start) previous = this.appendLeftOut(parent, previous);
      const index = this.append(cursor, cursorId, parent, previous, start);
      const when = this.whenToRead(index);
      if (when === 'now' && cursor.gotoFirstChild()) {
        parent = index;
        previous = NONE;
        continue;
      }
      if (when === 'later') this.leaveForLater(cursor, index);
      previous = index;
      while (!cursor.gotoNextSibling()) {
        cursor.gotoParent();
        if (parent === top) return;
        previous = parent;
        parent = this.c.parents[parent];
      }
    }
  }

  /** Records the node under the cursor as the next child of `parent`, after `previous`. */
  private append(cursor: TreeCursor, cursorId: number, parent: number, previous: number, start: number): number {
    if (this.count === this.c.capacity) this.grow();
    const index = this.count++;
    const typeId = cursor.nodeTypeId;
    this.c.typeIds[index] = typeId;
    this.c.starts[index] = start;
    const hasField = parent !== NONE && !this.grammar.fieldless[this.c.typeIds[parent]];
    if (this.grammar.isNamed(typeId)) {
      this.c.ends[index] = cursor.endIndex;
      this.c.fields[index] = hasField ? cursor.currentFieldId : 0;
    } else {
      // An anonymous node is a token whose text is its type (but `"`, which may be `b"`), unless error
      // recovery made it a missing one.
      this.c.ends[index] =
        this.hasError || typeId === this.grammar.quoteType
          ? cursor.endIndex
          : start + this.grammar.typeName(typeId).length;
      // Fields of punctuation and keywords (an operator's) are never asked for; `_` may be a pattern.
      this.c.fields[index] = hasField && typeId === this.grammar.underscoreType ? cursor.currentFieldId : 0;
    }
    this.c.parents[index] = parent;
    this.c.firstChildren[index] = NONE;
    this.c.nextSiblings[index] = NONE;
    this.c.previousSiblings[index] = previous;
    this.c.descendantIndexes[index] = NONE;
    this.c.cursorOf[index] = cursorId;
    this.c.wrappers.push(null);
    this.c.childLists.push(null);
    if (previous !== NONE) this.c.nextSiblings[previous] = index;
    else if (parent !== NONE) this.c.firstChildren[parent] = index;
    return index;
  }

  private grow(): void {
    this.c = this.c.grown();
  }
}

/** One node of a `SyntaxTree`, answering the questions the extractors put to tree-sitter nodes. */
export class SyntaxNode {
  constructor(
    private readonly tree: SyntaxTree,
    /** Unique within its tree. */
    readonly id: number,
  ) {}

  get type(): string {
    return this.tree.type(this.id);
  }

  get isNamed(): boolean {
    return this.tree.isNamed(this.id);
  }

  get startIndex(): number {
    return this.tree.start(this.id);
  }

  get endIndex(): number {
    return this.tree.end(this.id);
  }

  get text(): string {
    return this.tree.text.slice(this.tree.start(this.id), this.tree.end(this.id));
  }

  get parent(): SyntaxNode | null {
    return this.tree.parent(this.id);
  }

  get previousSibling(): SyntaxNode | null {
    return this.tree.previousSibling(this.id);
  }

  get children(): SyntaxNode[] {
    return this.tree.children(this.id);
  }

  get namedChildren(): SyntaxNode[] {
    return this.children.filter((c) => c.isNamed);
  }

  get childCount(): number {
    return this.children.length;
  }

  namedChild(index: number): SyntaxNode | null {
    return this.namedChildren[index] ?? null;
  }

  /** The first child in the field `name`, as tree-sitter's `childForFieldName` answers. */
  childForFieldName(name: string): SyntaxNode | null {
    return this.tree.childForField(this.id, name);
  }

  /** The first child of type `type` (or of type `orType`). */
  firstChildOfType(type: string, orType?: string): SyntaxNode | null {
    return this.tree.firstChildOfType(this.id, type, orType);
  }

  /** A `const_item` written plainly: the parts its text says, offsets into that text (see `plainConst`). */
  plainConst(): PlainConst | null {
    return this.tree.plainConst(this.id);
  }

  /**
   * A token tree whose text lexes plainly (see `plain-tokens.ts`), or a line comment, in a file without
   * syntax errors: what it holds is read from its text (its tokens, its doc comment), not its children.
   */
  get readAsText(): boolean {
    return this.tree.readAsText(this.id);
  }

  /** An `attribute_item` or `inner_attribute_item` written plainly (see `plainAttribute`). */
  plainAttribute(): PlainAttribute | null {
    return this.tree.plainAttribute(this.id);
  }

  /** A `function_signature_item` of an `extern` block written plainly (see `plainForeignFn`). */
  plainForeignFn(): PlainForeignFn | null {
    return this.tree.plainForeignFn(this.id);
  }

  /** The tree-sitter node: only for a node read as a whole (a body, an initialiser) or given to `read`. */
  realNode(): Node {
    return this.tree.realNode(this.id);
  }
}
