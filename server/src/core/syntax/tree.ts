import type { Node } from 'web-tree-sitter';
import type { Origin, Token } from './model';

/**
 * Small helpers over tree-sitter nodes, shared by the item extractors. Only the syntax stage knows
 * tree-sitter node types: the extractors (`items.ts` and the modules it dispatches to) and this file.
 */

export function originOf(file: string, node: Node): Origin {
  return { file, span: { start: node.startIndex, end: node.endIndex } };
}

// `children` fetches every child in one call into the WASM module; `child(i)` pays a call per child.
export function childrenOf(node: Node): Node[] {
  return node.children.filter((c): c is Node => c !== null);
}

export function namedChildrenOf(node: Node): Node[] {
  return node.namedChildren.filter((c): c is Node => c !== null);
}

export function field(node: Node, name: string): Node | null {
  return node.childForFieldName(name);
}

export function firstChildOfType(node: Node, ...types: string[]): Node | null {
  for (const c of childrenOf(node)) if (types.includes(c.type)) return c;
  return null;
}

export function hasChildOfType(node: Node, type: string): boolean {
  return firstChildOfType(node, type) !== null;
}

/** String literal content with the common escapes resolved. */
export function stringValue(node: Node): string {
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

/**
 * The tokens of a token tree (macro arguments, attribute arguments), nested groups kept as groups.
 * `node` is the tree itself, delimiters included; the returned list excludes its own delimiters.
 */
export function tokenTreeTokens(file: string, node: Node): Token[] {
  const out: Token[] = [];
  const kids = childrenOf(node);
  const inner = kids.length && OPENERS[kids[0].type] ? kids.slice(1, -1) : kids;
  for (const c of inner) pushTokens(file, c, out);
  return out;
}

function pushTokens(file: string, node: Node, out: Token[]): void {
  if (node.type === 'line_comment' || node.type === 'block_comment') {
    // A doc comment in macro input is the attribute `#[doc = "…"]` to the macro's matcher.
    const doc = node.childForFieldName('doc');
    if (!doc) return;
    const origin = originOf(file, node);
    const inner = !!node.childForFieldName('inner');
    const text = JSON.stringify(doc.text.replace(/\n$/, ''));
    out.push({ text: '#', kind: 'punct', origin });
    if (inner) out.push({ text: '!', kind: 'punct', origin });
    out.push({
      text: `[doc = ${text}]`,
      kind: 'group',
      delimiter: '[',
      children: [
        { text: 'doc', kind: 'ident', origin },
        { text: '=', kind: 'punct', origin },
        { text, kind: 'string', origin },
      ],
      origin,
    });
    return;
  }
  const kids = childrenOf(node);
  if (node.type === 'token_repetition' || node.type === 'token_repetition_pattern') {
    // `$( … ) sep op`: a `$` token, the group, then the separator and operator tokens.
    const open = kids.findIndex((k) => k.type === '(');
    const close = kids.map((k) => k.type).lastIndexOf(')');
    out.push({ text: '$', kind: 'punct', origin: originOf(file, kids[0]) });
    const children: Token[] = [];
    for (const k of kids.slice(open + 1, close)) pushTokens(file, k, children);
    out.push({ text: node.text, kind: 'group', delimiter: '(', children, origin: originOf(file, node) });
    // The grammar drops the separator of `$( … ),*` from the tree: read it from the text.
    const rest = kids.slice(close + 1);
    const opStart = rest.length ? rest[rest.length - 1].startIndex : node.endIndex;
    const sepStart = kids[close]?.endIndex ?? node.endIndex;
    const separator = node.text.slice(sepStart - node.startIndex, opStart - node.startIndex).trim();
    if (separator)
      out.push({ text: separator, kind: 'punct', origin: { file, span: { start: sepStart, end: opStart } } });
    for (const k of rest) pushTokens(file, k, out);
    return;
  }
  if (kids.length && OPENERS[kids[0].type] && (node.type.startsWith('token_') || node.type === 'ERROR')) {
    out.push({
      text: node.text,
      kind: 'group',
      delimiter: OPENERS[kids[0].type],
      children: tokenTreeTokens(file, node),
      origin: originOf(file, node),
    });
    return;
  }
  if (node.childCount === 0 || ATOMIC.has(node.type)) {
    out.push({ text: node.text, kind: tokenKind(node), origin: originOf(file, node) });
    return;
  }
  for (const c of kids) pushTokens(file, c, out);
}

function tokenKind(node: Node): Token['kind'] {
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
