import type { ExtractContext } from './extract-context';
import type { GenericParam } from './model';
import { field, namedChildrenOf } from './tree';
import { typeExpr } from './type-syntax';
import type { SyntaxNode } from './syntax-tree';

/** The generic parameters of an item (`<'a, T: Copy = u8, const N: usize>`); none without a list. */
export function genericParams(cx: ExtractContext, node: SyntaxNode | null): GenericParam[] {
  if (!node) return [];
  const out: GenericParam[] = [];
  for (const c of namedChildrenOf(node)) {
    switch (c.type) {
      case 'lifetime_parameter':
      case 'lifetime':
        out.push({ kind: 'lifetime', name: c.text, defaultType: null });
        break;
      case 'type_parameter':
      case 'type_identifier':
      case 'constrained_type_parameter':
      case 'optional_type_parameter': {
        const name = field(c, 'name') ?? field(c, 'left') ?? (c.type === 'type_identifier' ? c : c.namedChild(0));
        const def = field(c, 'default_type');
        out.push({ kind: 'type', name: name ? name.text : c.text, defaultType: def ? typeExpr(cx, def) : null });
        break;
      }
      case 'const_parameter': {
        const name = field(c, 'name');
        out.push({ kind: 'const', name: name ? name.text : c.text, defaultType: null });
        break;
      }
    }
  }
  return out;
}
