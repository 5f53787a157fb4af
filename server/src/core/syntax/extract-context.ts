import type { Node } from 'web-tree-sitter';
import type { BodyMacroTest } from './item-words';
import type { Attribute, Expansion, Origin, Token, Visibility } from './model';
import type { ParsedFile } from './parse';
import { SyntaxNode, SyntaxTree } from './syntax-tree';
import { field, firstChildOfType, SpanOrigin, tokenTreeTokens } from './tree';

/** What every item carries, whatever its kind. */
export interface ItemBaseFields {
  name: string;
  attrs: Attribute[];
  visibility: Visibility;
  origin: Origin;
  nameOrigin: Origin;
  fromMacro?: boolean;
  expansion?: Expansion;
}

export interface ExtractOptions {
  /** Read every item from the tree, none from its text (`plain-text.ts`): for tests, which compare the two. */
  treeOnly?: boolean;
  /** Read a top-level item's subtree only when it is asked for (see `SyntaxTree`). */
  topLevelLater?: boolean;
}

/** Anything with a span in the parsed text: a syntax node, or a tree-sitter node found inside a body. */
export interface Spanned {
  startIndex: number;
  endIndex: number;
}

/**
 * What one extraction reads nodes against: the file, its syntax tree, how spans map back to the source
 * (identity for a file, the emitter's map for a macro expansion), and the edition 2024 keywords the
 * parse blanked. Every extractor of the syntax stage takes one, so a position is computed the same way
 * everywhere. `dispose` frees the tree's cursors once the items are extracted.
 */
export class ExtractContext {
  /** Offsets of the `extern` keyword of `unsafe extern` blocks (the `unsafe` was blanked before parsing). */
  readonly unsafeExternKeywordAt: Set<number>;
  /** Offsets of the `fn` / `static` keyword of items written `safe` in such blocks. */
  readonly safeItemKeywordAt: number[];
  readonly tree: SyntaxTree;
  /** A span of the parsed text as an origin in the source. */
  readonly spanOrigin: SpanOrigin;
  /** Which macros called in a body may write items there, as the parse was told (`ParsedFile.bodyMacros`). */
  readonly bodyMacros: BodyMacroTest | undefined;
  /** The words `mentions` has searched the text for, and whether it holds them. */
  private readonly mentioned = new Map<string, boolean>();

  constructor(
    readonly file: string,
    parsed: ParsedFile,
    /** How a span of the parsed text maps back to the source (a macro expansion's); the file's own span when null. */
    mapSpan: SpanOrigin | null = null,
    private readonly expansion: Expansion | null = null,
    options: ExtractOptions = {},
  ) {
    this.unsafeExternKeywordAt = new Set(parsed.unsafeExternKeywordAt);
    this.safeItemKeywordAt = parsed.safeItemKeywordAt;
    this.bodyMacros = parsed.bodyMacros;
    this.tree = new SyntaxTree(
      parsed.tree,
      parsed.parsedText,
      !options.treeOnly,
      options.topLevelLater,
      parsed.leftOut,
    );
    this.spanOrigin = mapSpan ? mapSpan : (start, end) => ({ file, span: { start, end } });
  }

  dispose(): void {
    this.tree.dispose();
  }

  /** Where a node was written, mapped back to the source. */
  origin(node: Spanned): Origin {
    return this.spanOrigin(node.startIndex, node.endIndex);
  }

  /** From the start of `from` through the end of `to`, mapped back to the source. */
  originRange(from: Spanned, to: Spanned): Origin {
    return this.spanOrigin(from.startIndex, to.endIndex);
  }

  /** Whether the parsed text contains `word` anywhere (comments included): a prefilter, searched once per word. */
  mentions(word: string): boolean {
    let known = this.mentioned.get(word);
    if (known === undefined) this.mentioned.set(word, (known = this.tree.text.includes(word)));
    return known;
  }

  /** The text of a tree-sitter node found inside a body, read from the parsed text. */
  text(node: Spanned): string {
    return this.tree.text.slice(node.startIndex, node.endIndex);
  }

  /** A tree-sitter node found inside a body, as a syntax node its items can be extracted from. */
  read(node: Node): SyntaxNode {
    return this.tree.read(node);
  }

  /** The tokens of a token tree, their origins mapped back to the source. */
  tokens(tree: SyntaxNode): Token[] {
    return tokenTreeTokens(tree, this.spanOrigin);
  }

  /** The fields every item has: name, attributes, visibility, origins and, in an expansion, which one. */
  base(node: SyntaxNode, attrs: Attribute[]): ItemBaseFields {
    const nameNode = field(node, 'name');
    const vis = firstChildOfType(node, 'visibility_modifier');
    let visibility: Visibility = 'private';
    if (vis) visibility = vis.text.trim() === 'pub' ? 'pub' : 'restricted';
    return this.baseFields(node, attrs, visibility, nameNode ?? node, nameNode ? nameNode.text : '');
  }

  /** `base` from parts already read: the item's node, where its name is and what it says. */
  baseFields(node: Spanned, attrs: Attribute[], visibility: Visibility, nameAt: Spanned, name: string): ItemBaseFields {
    return {
      name,
      attrs,
      visibility,
      origin: this.origin(node),
      nameOrigin: this.origin(nameAt),
      ...(this.expansion ? { fromMacro: true, expansion: this.expansion } : {}),
    };
  }
}
