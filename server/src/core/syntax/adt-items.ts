import { attributeOf } from './attribute-syntax';
import type { ExtractContext } from './extract-context';
import { genericParams } from './generics';
import type { AdtItem, Attribute, FieldDef, VariantDef } from './model';
import { childrenOf, field } from './tree';
import { typeExpr } from './type-syntax';
import type { SyntaxNode } from './syntax-tree';

/** Every field of a type: a struct's or union's, or those of each of an enum's variants in turn. */
export function adtFields(item: AdtItem): FieldDef[] {
  return item.kind === 'enum' ? item.variants.flatMap((v) => v.fields) : item.fields;
}

/** A `struct`, `enum` or `union` definition: its generics, and its fields or variants with their attributes. */
export function adtItem(cx: ExtractContext, node: SyntaxNode, attrs: Attribute[]): AdtItem {
  const kind = node.type === 'struct_item' ? 'struct' : node.type === 'enum_item' ? 'enum' : 'union';
  const body = field(node, 'body');
  const item: AdtItem = {
    kind,
    ...cx.base(node, attrs),
    generics: genericParams(cx, field(node, 'type_parameters')),
    fields: [],
    shape: 'unit',
    variants: [],
  };
  if (!body) return item;
  if (kind === 'enum') {
    item.variants = variants(cx, body);
  } else {
    item.shape = body.type === 'ordered_field_declaration_list' ? 'tuple' : 'struct';
    item.fields = fields(cx, body);
  }
  return item;
}

function fields(cx: ExtractContext, list: SyntaxNode): FieldDef[] {
  const out: FieldDef[] = [];
  let pending: Attribute[] = [];
  if (list.type === 'ordered_field_declaration_list') {
    for (const c of childrenOf(list)) {
      if (c.type === 'attribute_item') {
        const a = attributeOf(cx, c, false);
        if (a) pending.push(a);
      } else if (c.isNamed && c.type !== 'visibility_modifier' && !c.type.endsWith('comment')) {
        out.push({ name: String(out.length), type: typeExpr(cx, c), attrs: pending, origin: cx.origin(c) });
        pending = [];
      }
    }
    return out;
  }
  for (const c of childrenOf(list)) {
    if (c.type === 'attribute_item') {
      const a = attributeOf(cx, c, false);
      if (a) pending.push(a);
    } else if (c.type === 'field_declaration') {
      const t = field(c, 'type');
      const n = field(c, 'name');
      if (t) out.push({ name: n ? n.text : null, type: typeExpr(cx, t), attrs: pending, origin: cx.origin(c) });
      pending = [];
    }
  }
  return out;
}

function variants(cx: ExtractContext, list: SyntaxNode): VariantDef[] {
  const out: VariantDef[] = [];
  let pending: Attribute[] = [];
  for (const c of childrenOf(list)) {
    if (c.type === 'attribute_item') {
      const a = attributeOf(cx, c, false);
      if (a) pending.push(a);
    } else if (c.type === 'enum_variant') {
      const body = field(c, 'body');
      const value = field(c, 'value');
      out.push({
        name: field(c, 'name')?.text ?? '',
        fields: body ? fields(cx, body) : [],
        shape: !body ? 'unit' : body.type === 'ordered_field_declaration_list' ? 'tuple' : 'struct',
        discriminant: value ? value.text : null,
        attrs: pending,
        origin: cx.origin(c),
      });
      pending = [];
    }
  }
  return out;
}
