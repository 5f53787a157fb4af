import { attributeOf } from './attribute-syntax';
import type { ExtractContext } from './extract-context';
import type { Attribute, Param, TypeExpr } from './model';
import { field, firstChildOfType, namedChildrenOf } from './tree';
import { containsImplTrait, typeExpr } from './type-syntax';
import type { SyntaxNode } from './syntax-tree';

/** A function's parameter list: each parameter with its attributes, the receiver as a `Self` parameter. */
export function fnParams(
  cx: ExtractContext,
  node: SyntaxNode | null,
): { params: Param[]; selfParam: boolean; hasImplTraitArg: boolean } {
  const params: Param[] = [];
  let selfParam = false;
  let hasImplTraitArg = false;
  if (!node) return { params, selfParam, hasImplTraitArg };
  let pending: Attribute[] = [];
  for (const c of namedChildrenOf(node)) {
    if (c.type === 'attribute_item') {
      const a = attributeOf(cx, c, false);
      if (a) pending.push(a);
      continue;
    }
    const attrs = pending;
    pending = [];
    if (c.type === 'self_parameter') {
      selfParam = true;
      params.push({ type: receiverType(cx, c), name: 'self', attrs });
    } else if (c.type === 'parameter') {
      const t = field(c, 'type');
      const pat = field(c, 'pattern');
      if (!t) continue;
      const type = typeExpr(cx, t);
      if (containsImplTrait(type)) hasImplTraitArg = true;
      params.push({ type, name: pat ? pat.text : '_', attrs });
    }
  }
  return { params, selfParam, hasImplTraitArg };
}

/** `self`, `&self`, `&mut self` as the type rustc checks: `Self` or a reference to it, at `self`. */
function receiverType(cx: ExtractContext, node: SyntaxNode): TypeExpr {
  // rustc checks the receiver like any parameter, reporting at `self`.
  const selfTok = firstChildOfType(node, 'self') ?? node;
  const origin = cx.origin(selfTok);
  const selfType: TypeExpr = {
    kind: 'path',
    origin,
    path: { global: false, qualified: false, segments: [{ name: 'Self', args: null }] },
  };
  const byRef = !!firstChildOfType(node, '&');
  return byRef
    ? {
        kind: 'ref',
        origin,
        mutable: !!firstChildOfType(node, 'mutable_specifier'),
        inner: selfType,
        lifetime: null,
      }
    : selfType;
}
