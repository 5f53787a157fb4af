import type { Node } from 'web-tree-sitter';
import type { Origin, Token } from './model';
import { docComment, docTokens } from './plain-docs';
import { plainTokens } from './plain-tokens';
import type { SyntaxNode } from './syntax-tree';

/**
 * Small helpers over syntax nodes, shared by the item extractors. Only the syntax stage knows
 * tree-sitter node types: the extractors (`items.ts` and the modules it dispatches to) and this file.
 */

export function childrenOf(node: SyntaxNode): SyntaxNode[] {
  return node.children;
}

export function namedChildrenOf(node: SyntaxNode): SyntaxNode[] {
  return node.namedChildren;
}

/** The first child in a field; also of a tree-sitter node, for what is searched inside a body. */
export function field<N extends SyntaxNode | Node>(node: N, name: string): N | null {
  return node.childForFieldName(name) as N | null;
}

/** The first child of type `type` (or of type `orType`). */
export function firstChildOfType(node: SyntaxNode, type: string, orType?: string): SyntaxNode | null {
  return node.firstChildOfType(type, orType);
}

export function hasChildOfType(node: SyntaxNode, type: string): boolean {
  return firstChildOfType(node, type) !== null;
}

/** String literal content with the common escapes resolved. */
export function stringValue(node: SyntaxNode): string {
  const text = node.text;
  if (node.type === 'raw_string_literal') {
    const m = /^r(#*)"([\s\S]*)"\1$/.exec(text);
    return m ? m[2] : text;
  }
  const inner = text.replace(/^b?"/, '').replace(/"$/, '');
  return inner.replace(
    /\\(n|t|r|0|\\|"|')/g,
    (_, c: string) => ({ n: '\n', t: '\t', r: '\r', '0': '\0', '\\': '\\', '"': '"', "'": "'" })[c] ?? c,
  );
}

/** Node types whose text is one token even though tree-sitter gives them children. */
const ATOMIC = new Set([
  'string_literal',
  'raw_string_literal',
  'char_literal',
  'lifetime',
  'metavariable',
  'integer_literal',
  'float_literal',
  'boolean_literal',
  'line_comment',
  'block_comment',
]);

const OPENERS: Record<string, '(' | '[' | '{'> = { '(': '(', '[': '[', '{': '{' };

/** Where a span of the tree was written: the file's own span, or one mapped back from an expansion. */
export type SpanOrigin = (start: number, end: number) => Origin;

/**
 * The tokens of a token tree (macro arguments, attribute arguments), nested groups kept as groups.
 * `node` is the tree itself, delimiters included; the returned list excludes its own delimiters.
 */
export function tokenTreeTokens(node: SyntaxNode, origin: SpanOrigin): Token[] {
  if (node.readAsText) return plainTokens(node.text, node.startIndex, origin);
  const out: Token[] = [];
  const kids = node.children;
  const inner = kids.length && OPENERS[kids[0].type] ? kids.slice(1, -1) : kids;
  for (const c of inner) pushTokens(c, origin, out);
  return out;
}

function pushTokens(node: SyntaxNode, origin: SpanOrigin, out: Token[]): void {
  const type = node.type;
  if (type === 'line_comment' || type === 'block_comment') {
    // A doc comment in macro input is the attribute `#[doc = "…"]` to the macro's matcher.
    const doc = docComment(node);
    if (doc) for (const t of docTokens(doc, () => origin(node.startIndex, node.endIndex))) out.push(t);
    return;
  }
  if (node.readAsText) {
    const text = node.text;
    const delimiter = OPENERS[text[0]];
    const children = plainTokens(text, node.startIndex, origin);
    out.push({ text, kind: 'group', delimiter, children, origin: origin(node.startIndex, node.endIndex) });
    return;
  }
  // An atomic token's children (a string's content) are not read.
  const kids = ATOMIC.has(type) ? [] : node.children;
  if (kids.length === 0) {
    out.push({ text: node.text, kind: tokenKind(node), origin: origin(node.startIndex, node.endIndex) });
    return;
  }
  if (type === 'token_repetition' || type === 'token_repetition_pattern') {
    // `$( … ) sep op`: a `$` token, the group, then the separator and operator tokens.
    const open = kids.findIndex((k) => k.type === '(');
    const close = kids.map((k) => k.type).lastIndexOf(')');
    out.push({ text: '$', kind: 'punct', origin: origin(kids[0].startIndex, kids[0].endIndex) });
    const children: Token[] = [];
    for (const k of kids.slice(open + 1, close)) pushTokens(k, origin, children);
    out.push({
      text: node.text,
      kind: 'group',
      delimiter: '(',
      children,
      origin: origin(node.startIndex, node.endIndex),
    });
    // The grammar drops the separator of `$( … ),*` from the tree: read it from the text.
    const rest = kids.slice(close + 1);
    const opStart = rest.length ? rest[rest.length - 1].startIndex : node.endIndex;
    const sepStart = kids[close]?.endIndex ?? node.endIndex;
    const separator = node.text.slice(sepStart - node.startIndex, opStart - node.startIndex).trim();
    if (separator) out.push({ text: separator, kind: 'punct', origin: origin(sepStart, opStart) });
    for (const k of rest) pushTokens(k, origin, out);
    return;
  }
  if (kids.length && OPENERS[kids[0].type] && (type.startsWith('token_') || type === 'ERROR')) {
    out.push({
      text: node.text,
      kind: 'group',
      delimiter: OPENERS[kids[0].type],
      children: tokenTreeTokens(node, origin),
      origin: origin(node.startIndex, node.endIndex),
    });
    return;
  }
  for (const c of kids) pushTokens(c, origin, out);
}

function tokenKind(node: SyntaxNode): Token['kind'] {
  switch (node.type) {
    case 'string_literal':
    case 'raw_string_literal':
      return 'string';
    case 'char_literal':
      return 'char';
    case 'integer_literal':
    case 'float_literal':
      return 'number';
    case 'lifetime':
      return 'lifetime';
    default:
      return /^[\p{L}_][\p{L}\p{N}_]*$/u.test(node.text) || node.type === 'metavariable' ? 'ident' : 'punct';
  }
}
