import type { Node } from 'web-tree-sitter';
import type { ExtractContext } from './extract-context';
import type { Attribute } from './model';
import type { PlainAttribute } from './plain-attributes';
import { docComment } from './plain-docs';
import { plainTokens } from './plain-tokens';
import type { SyntaxNode } from './syntax-tree';
import { field, firstChildOfType, namedChildrenOf, stringValue } from './tree';

/** `#[…]` / `#![…]` as an attribute: its path, its arguments or value; `#[unsafe(…)]` unwrapped. */
export function attributeOf(cx: ExtractContext, node: SyntaxNode, inner: boolean): Attribute | null {
  const plain = node.plainAttribute();
  if (plain) return plainAttributeOf(cx, node, plain, inner);
  const attr = firstChildOfType(node, 'attribute');
  if (!attr) return null;
  const kids = namedChildrenOf(attr);
  const pathNode = kids[0];
  if (!pathNode) return null;
  let name = pathNode.text.replace(/\s+/g, '');
  const argsNode = field(attr, 'arguments');
  let args = argsNode ? cx.tokens(argsNode) : null;
  let unsafeWrapped = false;
  if (name === 'unsafe' && args) {
    // `#[unsafe(no_mangle)]`, `#[unsafe(export_name = "x")]`
    unsafeWrapped = true;
    const [head, ...rest] = args;
    name = head ? head.text : '';
    if (rest[0]?.kind === 'group') args = rest[0].children ?? [];
    else if (rest[0]?.text === '=' && rest[1]?.kind === 'string') {
      return { name, unsafeWrapped, args: null, value: unquote(rest[1].text), inner, origin: cx.origin(node) };
    } else args = null;
  }
  const valueNode = field(attr, 'value');
  const value =
    valueNode && (valueNode.type === 'string_literal' || valueNode.type === 'raw_string_literal')
      ? stringValue(valueNode)
      : valueNode
        ? valueNode.text
        : null;
  return { name, unsafeWrapped, args, value, inner, origin: cx.origin(node) };
}

/** An attribute written plainly (see `plainAttribute`), read from its text: the attribute the tree would give. */
function plainAttributeOf(cx: ExtractContext, node: SyntaxNode, plain: PlainAttribute, inner: boolean): Attribute {
  const text = node.text;
  const { args, value } = plain;
  return {
    name: plain.name,
    unsafeWrapped: false,
    args: args && plainTokens(text.slice(args.start, args.end), node.startIndex + args.start, cx.spanOrigin),
    value: value && text.slice(value.start, value.end),
    inner,
    origin: cx.origin(node),
  };
}

/** A doc comment (`///`, `//!`, a doc block) as the `doc` attribute it stands for; null for a plain comment. */
export function docCommentOf(cx: ExtractContext, node: SyntaxNode): Attribute | null {
  const doc = docComment(node);
  if (!doc) return null;
  return { name: 'doc', unsafeWrapped: false, args: null, value: doc.value, inner: doc.inner, origin: cx.origin(node) };
}

/** The outer attributes written just before `node`, a tree-sitter node inside a body, among its siblings. */
export function leadingAttributes(cx: ExtractContext, node: Node): Attribute[] {
  const attrs: Attribute[] = [];
  for (let p = node.previousSibling; p; p = p.previousSibling) {
    if (p.type === 'attribute_item') {
      const a = attributeOf(cx, cx.read(p), false);
      if (a) attrs.unshift(a);
    } else if (p.type !== 'line_comment' && p.type !== 'block_comment') break;
  }
  return attrs;
}

/** Attribute children of `parent` written before its child `child`: tree-sitter nodes inside a body. */
export function childAttributesBefore(cx: ExtractContext, parent: Node, child: Node): Attribute[] {
  const attrs: Attribute[] = [];
  for (const c of parent.children) {
    if (!c) continue;
    if (c.startIndex >= child.startIndex) break;
    if (c.type === 'attribute_item') {
      const a = attributeOf(cx, cx.read(c), false);
      if (a) attrs.push(a);
    }
  }
  return attrs;
}

function unquote(s: string): string {
  return s.replace(/^r?#*"/, '').replace(/"#*$/, '');
}
