import type { Node } from 'web-tree-sitter';
import type { Attribute, Expansion, Origin, Token, Visibility } from './model';
import type { ParsedFile } from './parse';
import { field, firstChildOfType, originOf, tokenTreeTokens } from './tree';

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

/**
 * What one extraction reads nodes against: the file, how spans map back to the source (identity for a
 * file, the emitter's map for a macro expansion), and the edition 2024 keywords the parse blanked.
 * Every extractor of the syntax stage takes one, so a position is computed the same way everywhere.
 */
export class ExtractContext {
  /** Offsets of the `extern` keyword of `unsafe extern` blocks (the `unsafe` was blanked before parsing). */
  readonly unsafeExternKeywordAt: Set<number>;
  /** Offsets of the `fn` / `static` keyword of items written `safe` in such blocks. */
  readonly safeItemKeywordAt: number[];

  constructor(
    readonly file: string,
    parsed: ParsedFile | null,
    private readonly mapOrigin: (o: Origin) => Origin = (o) => o,
    private readonly expansion: Expansion | null = null,
  ) {
    this.unsafeExternKeywordAt = new Set(parsed?.unsafeExternKeywordAt ?? []);
    this.safeItemKeywordAt = parsed?.safeItemKeywordAt ?? [];
  }

  /** Where a node was written, mapped back to the source. */
  origin(node: Node): Origin {
    return this.mapOrigin(originOf(this.file, node));
  }

  /** From the start of `from` through the end of `to`, mapped back to the source. */
  originRange(from: Node, to: Node): Origin {
    return this.mapOrigin({ file: this.file, span: { start: from.startIndex, end: to.endIndex } });
  }

  /** The tokens of a token tree, their origins mapped back to the source. */
  tokens(tree: Node): Token[] {
    return tokenTreeTokens(this.file, tree).map((t) => this.mapToken(t));
  }

  private mapToken(t: Token): Token {
    return {
      ...t,
      origin: this.mapOrigin(t.origin),
      children: t.children?.map((c) => this.mapToken(c)),
    };
  }

  /** The fields every item has: name, attributes, visibility, origins and, in an expansion, which one. */
  base(node: Node, attrs: Attribute[]): ItemBaseFields {
    const nameNode = field(node, 'name');
    const vis = firstChildOfType(node, 'visibility_modifier');
    let visibility: Visibility = 'private';
    if (vis) visibility = vis.text.trim() === 'pub' ? 'pub' : 'restricted';
    return {
      name: nameNode ? nameNode.text : '',
      attrs,
      visibility,
      origin: this.origin(node),
      nameOrigin: this.origin(nameNode ?? node),
      ...(this.expansion ? { fromMacro: true, expansion: this.expansion } : {}),
    };
  }
}
