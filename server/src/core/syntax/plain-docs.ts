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

function lineDocComment(text: string): DocComment | null {
  const outer = text.startsWith('///') && !text.startsWith('////');
  if (!outer && !text.startsWith('//!')) return null;
  return { inner: !outer, value: text.slice(3).replace(/\n$/, '') };
}
