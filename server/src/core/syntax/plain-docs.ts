import type { Origin, Token } from './model';
import type { SyntaxNode } from './syntax-tree';

/**
 * Doc comments. A line comment is a token to the grammar, lexed the same wherever it stands: `///`
 * (but `////`) is an outer doc comment, `//!` an inner one, and the doc is the rest of the line. Read
 * from its text, it is the doc the tree gives, without its nodes; a block comment, or a line comment in
 * a file with syntax errors, is read from the tree.
 */

/** What a doc comment says: its text (the line's end left out) and whether it is an inner one. */
export interface DocComment {
  inner: boolean;
  value: string;
}

/** The doc a comment node carries; null for a comment that is not a doc comment. */
export function docComment(node: SyntaxNode): DocComment | null {
  if (node.readAsText) return lineDocComment(node.text);
  const doc = node.childForFieldName('doc');
  if (!doc) return null;
  return { inner: !!node.childForFieldName('inner'), value: doc.text.replace(/\n$/, '') };
}

/** The doc of a line comment's text (its line's end included when the grammar includes it); null for a plain comment. */
export function lineDocComment(text: string): DocComment | null {
  const outer = text.startsWith('///') && !text.startsWith('////');
  if (!outer && !text.startsWith('//!')) return null;
  return { inner: !outer, value: text.slice(3).replace(/\n$/, '') };
}

/**
 * A doc comment in macro input, as the macro's matcher sees it: the attribute `#[doc = "…"]` (`#![…]` for
 * an inner one), every token at the comment's span (`at` makes each its own origin).
 */
export function docTokens(doc: DocComment, at: () => Origin): Token[] {
  const text = JSON.stringify(doc.value);
  const tokens: Token[] = [{ text: '#', kind: 'punct', origin: at() }];
  if (doc.inner) tokens.push({ text: '!', kind: 'punct', origin: at() });
  tokens.push({
    text: `[doc = ${text}]`,
    kind: 'group',
    delimiter: '[',
    children: [
      { text: 'doc', kind: 'ident', origin: at() },
      { text: '=', kind: 'punct', origin: at() },
      { text, kind: 'string', origin: at() },
    ],
    origin: at(),
  });
  return tokens;
}
