import type { Language, Node, Tree, TreeCursor } from 'web-tree-sitter';

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
 * itself (`realNode`), in one call. Spans are UTF-16 offsets into the text the tree was parsed from.
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
  readonly valueField: number;
  readonly bodyField: number;
  readonly blockType: number;
  private readonly fieldIds = new Map<string, number>();

  constructor(private readonly language: Language) {
    this.types = language.types;
    for (const t of TOKEN_TYPES) this.mark(this.token, t);
    for (const t of WHOLE_TYPES) this.mark(this.whole, t);
    this.valueField = this.fieldId('value');
    this.bodyField = this.fieldId('body');
    this.blockType = language.idForNodeType('block', true) ?? NONE;
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

/** The nodes of one parse tree as arrays, read by one walk and then on demand; `dispose` when done. */
export class SyntaxTree {
  private readonly grammar: GrammarTables;
  /** Whether anonymous tokens may be missing (zero-width) nodes: their span is then asked for. */
  private readonly exactTokenSpans: boolean;
  private capacity = 0;
  private count = 0;
  private typeIds = new Uint16Array(0);
  private starts = new Int32Array(0);
  private ends = new Int32Array(0);
  private fields = new Uint16Array(0);
  private parents = new Int32Array(0);
  /** First child, `NONE` for a leaf, `UNREAD` when the children are still in the tree only. */
  private firstChildren = new Int32Array(0);
  private nextSiblings = new Int32Array(0);
  private previousSiblings = new Int32Array(0);
  /** For a node whose children are unread: its index among the descendants of its cursor's root. */
  private descendantIndexes = new Int32Array(0);
  /** Which cursor found each node. */
  private cursorOf = new Uint16Array(0);
  private readonly cursors: TreeCursor[] = [];
  // Filled as nodes are appended, so the arrays stay packed (sparse ones fall back to slow dictionaries).
  private readonly wrappers: (SyntaxNode | null)[] = [];
  private readonly childLists: (SyntaxNode[] | null)[] = [];
  /** The tree-sitter node of a subtree's root read on its own (`read`). */
  private readonly realRoots = new Map<number, Node>();
  readonly root: SyntaxNode;

  /** `text` is the text `tree` was parsed from. */
  constructor(
    tree: Tree,
    readonly text: string,
  ) {
    this.grammar = grammarTables(tree.language);
    this.exactTokenSpans = tree.rootNode.hasError;
    this.root = this.node(this.readSubtree(tree.walk()));
  }

  /** Frees the cursors; the nodes answer nothing that needs the tree afterwards. */
  dispose(): void {
    for (const c of this.cursors) c.delete();
    this.cursors.length = 0;
  }

  /** A tree-sitter node (from a body, say) as a syntax node of this tree, its subtree read on its own. */
  read(real: Node): SyntaxNode {
    const index = this.readSubtree(real.walk());
    this.realRoots.set(index, real);
    return this.node(index);
  }

  /** The wrapper of node `index`, made once. */
  node(index: number): SyntaxNode {
    let n = this.wrappers[index];
    if (!n) n = this.wrappers[index] = new SyntaxNode(this, index);
    return n;
  }

  type(index: number): string {
    return this.grammar.typeName(this.typeIds[index]);
  }

  isNamed(index: number): boolean {
    return this.grammar.isNamed(this.typeIds[index]);
  }

  start(index: number): number {
    return this.starts[index];
  }

  end(index: number): number {
    return this.ends[index];
  }

  parent(index: number): SyntaxNode | null {
    const p = this.parents[index];
    return p === NONE ? null : this.node(p);
  }

  previousSibling(index: number): SyntaxNode | null {
    const p = this.previousSiblings[index];
    return p === NONE ? null : this.node(p);
  }

  children(index: number): SyntaxNode[] {
    let list = this.childLists[index];
    if (list) return list;
    if (this.firstChildren[index] === UNREAD) this.readChildrenLater(index);
    list = [];
    for (let c = this.firstChildren[index]; c !== NONE; c = this.nextSiblings[c]) list.push(this.node(c));
    this.childLists[index] = list;
    return list;
  }

  childForField(index: number, name: string): SyntaxNode | null {
    const id = this.grammar.fieldId(name);
    if (id === 0) return null;
    for (const c of this.children(index)) if (this.fields[c.id] === id) return c;
    return null;
  }

  /** The tree-sitter node itself: for a node whose children were left unread, or one given to `read`. */
  realNode(index: number): Node {
    const root = this.realRoots.get(index);
    if (root) return root;
    const at = this.descendantIndexes[index];
    if (at === NONE) throw new Error('syntax tree: only a node read as a whole has its tree-sitter node at hand');
    const cursor = this.cursors[this.cursorOf[index]];
    cursor.gotoDescendant(at);
    return cursor.currentNode;
  }

  /** Reads the subtree at a new cursor's position; returns its root's index. */
  private readSubtree(cursor: TreeCursor): number {
    this.cursors.push(cursor);
    const cursorId = this.cursors.length - 1;
    const root = this.append(cursor, cursorId, NONE, NONE);
    const when = this.whenToRead(root);
    if (when === 'now') this.walkChildren(cursor, cursorId, root);
    else if (when === 'later') this.leaveForLater(cursor, root);
    return root;
  }

  /** The children of a node whose subtree the walk left unread, from where its cursor found it. */
  private readChildrenLater(index: number): void {
    const cursorId = this.cursorOf[index];
    const cursor = this.cursors[cursorId];
    cursor.gotoDescendant(this.descendantIndexes[index]);
    this.firstChildren[index] = NONE;
    this.walkChildren(cursor, cursorId, index);
  }

  /**
   * Whether a node's children are read by the walk: never for a token, later for what the extractors
   * read whole (a function body, an initialiser, visibility, bounds, a string literal), else now.
   */
  private whenToRead(index: number): 'never' | 'later' | 'now' {
    const typeId = this.typeIds[index];
    if (!this.grammar.isNamed(typeId) || this.grammar.token[typeId]) return 'never';
    if (this.grammar.whole[typeId]) return 'later';
    const field = this.fields[index];
    if (field === 0) return 'now';
    const bodyOrValue =
      field === this.grammar.valueField || (field === this.grammar.bodyField && typeId === this.grammar.blockType);
    return bodyOrValue ? 'later' : 'now';
  }

  private leaveForLater(cursor: TreeCursor, index: number): void {
    this.firstChildren[index] = UNREAD;
    this.descendantIndexes[index] = cursor.currentDescendantIndex;
  }

  /** Depth-first from the node under the cursor, which is left where it started. */
  private walkChildren(cursor: TreeCursor, cursorId: number, top: number): void {
    if (!cursor.gotoFirstChild()) return;
    let parent = top;
    let previous = NONE;
    for (;;) {
      const index = this.append(cursor, cursorId, parent, previous);
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
        parent = this.parents[parent];
      }
    }
  }

  /** Records the node under the cursor as the next child of `parent`, after `previous`. */
  private append(cursor: TreeCursor, cursorId: number, parent: number, previous: number): number {
    if (this.count === this.capacity) this.grow();
    const index = this.count++;
    const typeId = cursor.nodeTypeId;
    const start = cursor.startIndex;
    this.typeIds[index] = typeId;
    this.starts[index] = start;
    // An anonymous node is a token whose text is its type, unless error recovery made it a missing one.
    this.ends[index] =
      this.exactTokenSpans || this.grammar.isNamed(typeId)
        ? cursor.endIndex
        : start + this.grammar.typeName(typeId).length;
    this.fields[index] = cursor.currentFieldId;
    this.parents[index] = parent;
    this.firstChildren[index] = NONE;
    this.nextSiblings[index] = NONE;
    this.previousSiblings[index] = previous;
    this.descendantIndexes[index] = NONE;
    this.cursorOf[index] = cursorId;
    this.wrappers.push(null);
    this.childLists.push(null);
    if (previous !== NONE) this.nextSiblings[previous] = index;
    else if (parent !== NONE) this.firstChildren[parent] = index;
    return index;
  }

  private grow(): void {
    this.capacity = Math.max(256, this.capacity * 2);
    const copy = <T extends Int32Array | Uint16Array>(from: T, make: new (n: number) => T): T => {
      const to = new make(this.capacity);
      to.set(from);
      return to;
    };
    this.typeIds = copy(this.typeIds, Uint16Array);
    this.starts = copy(this.starts, Int32Array);
    this.ends = copy(this.ends, Int32Array);
    this.fields = copy(this.fields, Uint16Array);
    this.parents = copy(this.parents, Int32Array);
    this.firstChildren = copy(this.firstChildren, Int32Array);
    this.nextSiblings = copy(this.nextSiblings, Int32Array);
    this.previousSiblings = copy(this.previousSiblings, Int32Array);
    this.descendantIndexes = copy(this.descendantIndexes, Int32Array);
    this.cursorOf = copy(this.cursorOf, Uint16Array);
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

  /** The tree-sitter node: only for a node read as a whole (a body, an initialiser) or given to `read`. */
  realNode(): Node {
    return this.tree.realNode(this.id);
  }
}
