import { attributeOf, docCommentOf } from './attribute-syntax';
import type { ExtractContext } from './extract-context';
import { fnParams } from './fn-params';
import { genericParams } from './generics';
import type { Attribute, ExternBlockItem, ForeignFnItem, ForeignStaticItem } from './model';
import type { PlainForeignFn } from './plain-foreign-fns';
import { childrenOf, field, firstChildOfType } from './tree';
import { externAbi, plainTypeExpr, spanIn, typeExpr, typeExprOrNull } from './type-syntax';
import type { SyntaxNode } from './syntax-tree';

/** An `extern "ABI" { … }` block and the functions and statics it declares. */
export function externBlockItem(cx: ExtractContext, node: SyntaxNode, attrs: Attribute[]): ExternBlockItem {
  const ext = firstChildOfType(node, 'extern_modifier');
  const body = field(node, 'body');
  const items: (ForeignFnItem | ForeignStaticItem)[] = [];
  const isUnsafe = !!ext && cx.unsafeExternKeywordAt.has(ext.startIndex);
  if (body) {
    let pending: Attribute[] = [];
    for (const c of childrenOf(body)) {
      if (c.type === 'attribute_item') {
        const a = attributeOf(cx, c, false);
        if (a) pending.push(a);
        continue;
      }
      if (c.type === 'line_comment' || c.type === 'block_comment') {
        const d = docCommentOf(cx, c);
        if (d) pending.push(d);
        continue;
      }
      if (c.type === 'function_signature_item') items.push(foreignFn(cx, c, pending));
      else if (c.type === 'static_item') {
        items.push({
          kind: 'foreign-static',
          ...cx.base(c, pending),
          type: typeExprOrNull(cx, field(c, 'type')),
          safe: isSafeItem(cx, c),
        });
      }
      if (c.isNamed) pending = [];
    }
  }
  return {
    kind: 'extern-block',
    ...cx.base(node, attrs),
    name: '',
    abi: ext ? externAbi(ext) : 'C',
    isUnsafe,
    items,
  };
}

function foreignFn(cx: ExtractContext, node: SyntaxNode, attrs: Attribute[]): ForeignFnItem {
  const plain = node.plainForeignFn();
  if (plain) return plainForeignFnItem(cx, node, plain, attrs);
  const paramsNode = field(node, 'parameters');
  const retNode = field(node, 'return_type');
  return {
    kind: 'foreign-fn',
    ...cx.base(node, attrs),
    generics: genericParams(cx, field(node, 'type_parameters')),
    params: fnParams(cx, paramsNode).params,
    ret: retNode ? typeExpr(cx, retNode) : null,
    variadic: !!paramsNode && !!firstChildOfType(paramsNode, 'variadic_parameter'),
    safe: isSafeItem(cx, node),
  };
}

/** A foreign function written plainly (see `plainForeignFn`), read from its text: the item the tree would give. */
function plainForeignFnItem(
  cx: ExtractContext,
  node: SyntaxNode,
  plain: PlainForeignFn,
  attrs: Attribute[],
): ForeignFnItem {
  const name = spanIn(node, plain.name);
  return {
    kind: 'foreign-fn',
    ...cx.baseFields(
      node,
      attrs,
      plain.pub ? 'pub' : 'private',
      name,
      node.text.slice(plain.name.start, plain.name.end),
    ),
    generics: [],
    params: plain.params.map((p) => ({ type: plainTypeExpr(cx, node, p.type), name: p.name, attrs: [] })),
    ret: plain.ret ? plainTypeExpr(cx, node, plain.ret) : null,
    variadic: plain.variadic,
    safe: isSafeItem(cx, node, name.startIndex),
  };
}

function isSafeItem(
  cx: ExtractContext,
  node: SyntaxNode,
  nameAt = field(node, 'name')?.startIndex ?? node.endIndex,
): boolean {
  if (cx.safeItemKeywordAt.some((at) => at >= node.startIndex && at < nameAt)) return true;
  // In a plain `extern` block the grammar leaves `safe` as an error just before the item.
  const prev = node.previousSibling;
  return !!prev && prev.type === 'ERROR' && prev.text.trim() === 'safe';
}
