import type { ExtractContext, Spanned } from './extract-context';
import type { FnPointerExpr, GenericArgs, PathSegment, Span, TypeExpr, TypePath } from './model';
import type { PlainType } from './plain-text';
import { childrenOf, field, firstChildOfType, namedChildrenOf, stringValue } from './tree';
import type { SyntaxNode } from './syntax-tree';

/** Type expressions from type nodes: a type as written, its paths, generic arguments and fn pointers. */

/** A type node as a type expression; what cannot be interpreted is kept as `opaque-syntax`. */
export function typeExpr(cx: ExtractContext, node: SyntaxNode): TypeExpr {
  const origin = cx.origin(node);
  switch (node.type) {
    case 'primitive_type':
      return { kind: 'primitive', origin, name: node.text };
    case 'type_identifier':
    case 'identifier':
      return {
        kind: 'path',
        origin,
        path: { global: false, qualified: false, segments: [{ name: node.text, args: null }] },
      };
    case 'scoped_type_identifier':
    case 'scoped_identifier':
    case 'generic_type':
      return { kind: 'path', origin, path: typePath(cx, node) };
    case 'reference_type': {
      const inner = field(node, 'type');
      const lifetime = firstChildOfType(node, 'lifetime');
      return {
        kind: 'ref',
        origin,
        mutable: !!firstChildOfType(node, 'mutable_specifier'),
        inner: inner ? typeExpr(cx, inner) : hole(cx, node),
        lifetime: lifetime ? lifetime.text : null,
      };
    }
    case 'pointer_type': {
      const inner = field(node, 'type');
      return {
        kind: 'ptr',
        origin,
        mutable: !!firstChildOfType(node, 'mutable_specifier'),
        inner: inner ? typeExpr(cx, inner) : hole(cx, node),
      };
    }
    case 'array_type': {
      const el = field(node, 'element');
      const len = field(node, 'length');
      const inner = el ? typeExpr(cx, el) : hole(cx, node);
      return len ? { kind: 'array', origin, inner, length: len.text } : { kind: 'slice', origin, inner };
    }
    case 'tuple_type': {
      const elems = namedChildrenOf(node).filter(isTypeNode);
      // `(T)` without a comma is a parenthesised type, not a 1-tuple.
      if (elems.length === 1 && !firstChildOfType(node, ',')) return typeExpr(cx, elems[0]);
      return { kind: 'tuple', origin, elems: elems.map((c) => typeExpr(cx, c)) };
    }
    case 'unit_type':
      return { kind: 'tuple', origin, elems: [] };
    case 'never_type':
      return { kind: 'never', origin };
    case 'function_type': {
      if (field(node, 'trait')) return { kind: 'opaque-syntax', origin, text: node.text };
      return { kind: 'fnptr', origin, fn: fnPointer(cx, node) };
    }
    case 'dynamic_type':
      return { kind: 'dyn', origin, text: node.text };
    case 'bounded_type': {
      const first = node.namedChild(0);
      if (first && first.type === 'dynamic_type') return { kind: 'dyn', origin, text: node.text };
      if (first && first.type === 'abstract_type') return { kind: 'impl', origin, text: node.text };
      // A bare trait object `Trait + Send` (edition 2015 style).
      return { kind: 'dyn', origin, text: node.text };
    }
    case 'abstract_type':
      return { kind: 'impl', origin, text: node.text };
    case '_':
      return { kind: 'infer', origin };
    case 'parenthesized_type': {
      const inner = node.namedChild(0);
      return inner ? typeExpr(cx, inner) : hole(cx, node);
    }
  }
  if (node.text === '_') return { kind: 'infer', origin };
  return { kind: 'opaque-syntax', origin, text: node.text };
}

/** The names the grammar reads as `primitive_type` in a type. */
export const PRIMITIVE_TYPES = new Set(
  'u8 i8 u16 i16 u32 i32 u64 i64 u128 i128 isize usize f32 f64 bool str char'.split(' '),
);

/** A span of a node's text (offsets into it) as a span of the parsed text. */
export function spanIn(node: SyntaxNode, span: Span): Spanned {
  return { startIndex: node.startIndex + span.start, endIndex: node.startIndex + span.end };
}

/** A type read from the text of `node` (see `plain-text.ts`), as `typeExpr` reads the same type's nodes. */
export function plainTypeExpr(cx: ExtractContext, node: SyntaxNode, type: PlainType): TypeExpr {
  const origin = cx.origin(spanIn(node, type.span));
  if (type.kind === 'ptr')
    return { kind: 'ptr', origin, mutable: type.mutable, inner: plainTypeExpr(cx, node, type.inner) };
  const [first] = type.segments;
  if (type.segments.length === 1 && !type.global && PRIMITIVE_TYPES.has(first))
    return { kind: 'primitive', origin, name: first };
  const segments = type.segments.map((name) => ({ name, args: null }));
  return { kind: 'path', origin, path: { global: type.global, qualified: false, segments } };
}

/** `typeExpr` of an optional node (a missing `type` field in half-typed code). */
export function typeExprOrNull(cx: ExtractContext, node: SyntaxNode | null): TypeExpr | null {
  return node ? typeExpr(cx, node) : null;
}

/** The ABI an `extern_modifier` names: its string, or `"C"` for a bare `extern`. */
export function externAbi(ext: SyntaxNode): string {
  const lit = firstChildOfType(ext, 'string_literal', 'raw_string_literal');
  return lit ? stringValue(lit) : 'C';
}

const TYPE_NODES = new Set([
  'primitive_type',
  'type_identifier',
  'scoped_type_identifier',
  'generic_type',
  'reference_type',
  'pointer_type',
  'array_type',
  'tuple_type',
  'unit_type',
  'never_type',
  'function_type',
  'dynamic_type',
  'bounded_type',
  'abstract_type',
  'macro_invocation',
  'parenthesized_type',
  '_',
]);

/** Whether a node is a type (among the children of a list that also holds punctuation and comments). */
export function isTypeNode(n: SyntaxNode): boolean {
  return TYPE_NODES.has(n.type);
}

/** Whether `impl Trait` appears in a type, at any depth a generic argument can reach. */
export function containsImplTrait(t: TypeExpr): boolean {
  switch (t.kind) {
    case 'impl':
      return true;
    case 'ref':
    case 'ptr':
    case 'slice':
    case 'array':
      return containsImplTrait(t.inner);
    case 'tuple':
      return t.elems.some(containsImplTrait);
    case 'path':
      return t.path.segments.some((s) => !!s.args && s.args.types.some(containsImplTrait));
    default:
      return false;
  }
}

function hole(cx: ExtractContext, node: SyntaxNode): TypeExpr {
  return { kind: 'opaque-syntax', origin: cx.origin(node), text: '' };
}

function fnPointer(cx: ExtractContext, node: SyntaxNode): FnPointerExpr {
  const mods = firstChildOfType(node, 'function_modifiers');
  const ext = mods ? firstChildOfType(mods, 'extern_modifier') : null;
  const paramsNode = field(node, 'parameters');
  const params: TypeExpr[] = [];
  let variadic = false;
  if (paramsNode) {
    for (const c of namedChildrenOf(paramsNode)) {
      if (c.type === 'parameter') {
        const t = field(c, 'type');
        if (t) params.push(typeExpr(cx, t));
      } else if (c.type === 'variadic_parameter') variadic = true;
      else if (isTypeNode(c)) params.push(typeExpr(cx, c));
    }
  }
  const ret = field(node, 'return_type');
  return {
    abi: ext ? externAbi(ext) : null,
    unsafe: !!mods && childrenOf(mods).some((c) => c.type === 'unsafe'),
    params,
    ret: ret ? typeExpr(cx, ret) : null,
    variadic,
  };
}

function typePath(cx: ExtractContext, node: SyntaxNode): TypePath {
  const segments: PathSegment[] = [];
  let global = false;
  let qualified = false;
  const walk = (n: SyntaxNode, args: GenericArgs | null): void => {
    switch (n.type) {
      case 'generic_type': {
        const t = field(n, 'type');
        const a = field(n, 'type_arguments');
        if (t) walk(t, a ? genericArgs(cx, a) : null);
        return;
      }
      case 'scoped_type_identifier':
      case 'scoped_identifier': {
        const p = field(n, 'path');
        const name = field(n, 'name');
        if (p) walk(p, null);
        else if (n.text.startsWith('::')) global = true;
        if (name) segments.push({ name: name.text, args });
        return;
      }
      case 'bracketed_type':
        qualified = true;
        segments.push({ name: n.text, args: null });
        return;
      case 'generic_type_with_turbofish': {
        const t = field(n, 'type');
        const a = field(n, 'type_arguments');
        if (t) walk(t, a ? genericArgs(cx, a) : null);
        return;
      }
      default:
        segments.push({ name: n.text, args });
    }
  };
  walk(node, null);
  return { global, qualified, segments };
}

function genericArgs(cx: ExtractContext, node: SyntaxNode): GenericArgs {
  const out: GenericArgs = { types: [], bindings: [], consts: [], lifetimes: 0 };
  for (const c of namedChildrenOf(node)) {
    if (c.type === 'lifetime') out.lifetimes++;
    if (c.type === 'lifetime' || c.type.endsWith('comment')) continue;
    if (c.type === 'type_binding' || c.type === 'associated_type') {
      const name = field(c, 'name');
      const t = field(c, 'type');
      if (name && t) out.bindings.push({ name: name.text, type: typeExpr(cx, t) });
    } else if (c.type === 'trait_bounds') {
      continue;
    } else if (isTypeNode(c)) {
      out.types.push(typeExpr(cx, c));
    } else {
      out.consts.push(c.text);
    }
  }
  return out;
}
