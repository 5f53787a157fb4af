import type { UseTree } from './model';
import { field, namedChildrenOf } from './tree';
import type { SyntaxNode } from './syntax-tree';

/**
 * The argument of a `use` declaration as flat trees: `use a::{b, c as d, e::*};` is the paths `a::b`,
 * `a::c` (as `d`) and the glob `a::e::*`. `prefix` is the path of the enclosing `{…}` list.
 */
export function useTrees(node: SyntaxNode, prefix: string[]): UseTree[] {
  switch (node.type) {
    case 'identifier':
    case 'crate':
    case 'self':
    case 'super':
    case 'metavariable':
      return [{ kind: 'path', path: [...prefix, node.text], alias: null }];
    case 'scoped_identifier':
      return [{ kind: 'path', path: [...prefix, ...pathSegmentsOfSimplePath(node)], alias: null }];
    case 'use_as_clause': {
      const p = field(node, 'path');
      const alias = field(node, 'alias');
      if (!p) return [];
      return [{ kind: 'path', path: [...prefix, ...pathSegmentsOfSimplePath(p)], alias: alias ? alias.text : null }];
    }
    case 'use_wildcard': {
      const p = node.namedChild(0);
      return [{ kind: 'glob', path: p ? [...prefix, ...pathSegmentsOfSimplePath(p)] : prefix }];
    }
    case 'use_list':
      return namedChildrenOf(node).flatMap((c) => useTrees(c, prefix));
    case 'scoped_use_list': {
      const p = field(node, 'path');
      const list = field(node, 'list');
      const base = p ? [...prefix, ...pathSegmentsOfSimplePath(p)] : prefix;
      return list ? useTrees(list, base) : [];
    }
  }
  return [];
}

function pathSegmentsOfSimplePath(node: SyntaxNode): string[] {
  if (node.type === 'scoped_identifier') {
    const p = field(node, 'path');
    const name = field(node, 'name');
    return [...(p ? pathSegmentsOfSimplePath(p) : []), ...(name ? [name.text] : [])];
  }
  return [node.text];
}
