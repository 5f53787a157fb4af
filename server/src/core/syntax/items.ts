import type { Node } from 'web-tree-sitter';
import type {
  AdtItem,
  Attribute,
  BodyFacts,
  ExternBlockItem,
  Expansion,
  FieldDef,
  FileItems,
  FnItem,
  FnPointerExpr,
  ForeignFnItem,
  ForeignStaticItem,
  GenericArgs,
  GenericParam,
  Item,
  MacroRule,
  Origin,
  Param,
  PathSegment,
  Span,
  Token,
  TypeExpr,
  TypePath,
  UseTree,
  VariantDef,
  Visibility,
} from './model';
import type { ParsedFile } from './parse';
import { childrenOf, field, firstChildOfType, namedChildrenOf, originOf, stringValue, tokenTreeTokens } from './tree';

/**
 * From a syntax tree to plain items. Error recovery is the normal state in an editor, so every
 * extractor tolerates missing children: an item with a hole keeps what can be read.
 */
export function extractItems(file: string, parsed: ParsedFile): FileItems {
  const x = new Extractor(file, parsed);
  const root = parsed.tree.rootNode;
  const { items, innerAttrs } = x.itemList(childrenOf(root));
  return { file, innerAttrs, items, syntaxErrors: x.syntaxErrors(root) };
}

/**
 * Items from a macro expansion's text; `mapOrigin` takes expansion spans back to the source. With
 * `inBody`, the expansion was wrapped in a function (it stood in a body): its body's items are taken.
 */
export function extractItemsFromTree(
  file: string,
  parsed: ParsedFile,
  mapOrigin: (o: Origin) => Origin,
  expansion: Expansion,
  inBody = false,
): Item[] {
  const x = new Extractor(file, parsed, mapOrigin, expansion);
  const root = parsed.tree.rootNode;
  if (!inBody) return x.itemList(childrenOf(root)).items;
  const wrapper = root.namedChildren.find((c) => c?.type === 'function_item');
  const body = wrapper ? field(wrapper, 'body') : null;
  return body ? x.nestedItems(body) : [];
}

const ITEM_TYPES = new Set([
  'function_item',
  'function_signature_item',
  'struct_item',
  'enum_item',
  'union_item',
  'type_item',
  'static_item',
  'const_item',
  'foreign_mod_item',
  'mod_item',
  'use_declaration',
  'impl_item',
  'trait_item',
  'macro_definition',
  'macro_invocation',
  'extern_crate_declaration',
]);

class Extractor {
  private readonly unsafeExternKeywordAt: Set<number>;
  private readonly safeItemKeywordAt: number[];

  constructor(
    private readonly file: string,
    parsed: ParsedFile | null,
    private readonly mapOrigin: (o: Origin) => Origin = (o) => o,
    private readonly expansion: Expansion | null = null,
  ) {
    this.unsafeExternKeywordAt = new Set(parsed?.unsafeExternKeywordAt ?? []);
    this.safeItemKeywordAt = parsed?.safeItemKeywordAt ?? [];
  }

  private origin(node: Node): Origin {
    return this.mapOrigin(originOf(this.file, node));
  }

  private originRange(from: Node, to: Node): Origin {
    return this.mapOrigin({ file: this.file, span: { start: from.startIndex, end: to.endIndex } });
  }

  syntaxErrors(root: Node): Span[] {
    if (!root.hasError) return [];
    return root.descendantsOfType('ERROR').map((n) => ({ start: n.startIndex, end: n.endIndex }));
  }

  /** A sequence of sibling nodes at item level: attributes attach to the next item. */
  itemList(nodes: Node[]): { items: Item[]; innerAttrs: Attribute[] } {
    const items: Item[] = [];
    const innerAttrs: Attribute[] = [];
    let pending: Attribute[] = [];
    for (const node of nodes) {
      switch (node.type) {
        case 'attribute_item': {
          const a = this.attribute(node, false);
          if (a) pending.push(a);
          continue;
        }
        case 'inner_attribute_item': {
          const a = this.attribute(node, true);
          if (a) innerAttrs.push(a);
          continue;
        }
        case 'line_comment':
        case 'block_comment': {
          const doc = this.docComment(node);
          if (doc) (doc.inner ? innerAttrs : pending).push(doc);
          continue;
        }
        case 'expression_statement': {
          const inner = node.namedChild(0);
          if (inner && inner.type === 'macro_invocation') {
            const item = this.item(inner, pending);
            if (item) items.push(item);
          }
          pending = [];
          continue;
        }
        case 'ERROR': {
          // Half-typed code: what the parser could not place may still hold whole items.
          const nested = this.itemList(childrenOf(node));
          items.push(...nested.items);
          pending = [];
          continue;
        }
        default:
          if (ITEM_TYPES.has(node.type)) {
            const item = this.item(node, pending);
            if (item) items.push(item);
          }
          if (node.isNamed) pending = [];
      }
    }
    return { items, innerAttrs };
  }

  private item(node: Node, attrs: Attribute[]): Item | null {
    switch (node.type) {
      case 'function_item':
      case 'function_signature_item':
        return this.fnItem(node, attrs);
      case 'struct_item':
      case 'union_item':
      case 'enum_item':
        return this.adt(node, attrs);
      case 'type_item':
        return {
          kind: 'type',
          ...this.base(node, attrs),
          generics: this.generics(field(node, 'type_parameters')),
          type: this.typeOrNull(field(node, 'type')),
        };
      case 'static_item':
      case 'const_item':
        return {
          kind: node.type === 'static_item' ? 'static' : 'const',
          ...this.base(node, attrs),
          type: this.typeOrNull(field(node, 'type')),
          mutable: !!firstChildOfType(node, 'mutable_specifier'),
          nested: field(node, 'value') ? this.nestedItems(field(node, 'value')!) : [],
          valueText: field(node, 'value')?.text ?? null,
        };
      case 'foreign_mod_item':
        return this.externBlock(node, attrs);
      case 'mod_item': {
        const body = field(node, 'body');
        const inner = body ? this.itemList(childrenOf(body)) : null;
        return {
          kind: 'mod',
          ...this.base(node, attrs),
          items: inner ? inner.items : null,
          innerAttrs: inner ? inner.innerAttrs : [],
        };
      }
      case 'use_declaration': {
        const arg = field(node, 'argument');
        return { kind: 'use', ...this.base(node, attrs), name: '', trees: arg ? this.useTrees(arg, []) : [] };
      }
      case 'impl_item': {
        const body = field(node, 'body');
        const traitNode = field(node, 'trait');
        return {
          kind: 'impl',
          ...this.base(node, attrs),
          name: '',
          generics: this.generics(field(node, 'type_parameters')),
          selfType: this.typeOrNull(field(node, 'type')),
          traitName: traitNode ? traitNode.text : null,
          items: body ? this.itemList(childrenOf(body)).items : [],
        };
      }
      case 'trait_item': {
        const body = field(node, 'body');
        return {
          kind: 'trait',
          ...this.base(node, attrs),
          generics: this.generics(field(node, 'type_parameters')),
          items: body ? this.itemList(childrenOf(body)).items : [],
        };
      }
      case 'macro_definition':
        return { kind: 'macro-rules', ...this.base(node, attrs), rules: this.macroRules(node) };
      case 'macro_invocation': {
        const macro = field(node, 'macro');
        const tree = firstChildOfType(node, 'token_tree');
        if (!macro || !tree) return null;
        return {
          kind: 'macro-call',
          ...this.base(node, attrs),
          name: '',
          macroName: macro.text.replace(/\s+/g, ''),
          tokens: tokenTreeTokens(this.file, tree).map((t) => this.mapToken(t)),
        };
      }
      case 'extern_crate_declaration': {
        const name = field(node, 'name');
        const alias = field(node, 'alias');
        return {
          kind: 'extern-crate',
          ...this.base(node, attrs),
          crateName: name ? name.text : '',
          alias: alias ? alias.text : null,
        };
      }
    }
    return null;
  }

  private mapToken(t: Token): Token {
    return {
      ...t,
      origin: this.mapOrigin(t.origin),
      children: t.children?.map((c) => this.mapToken(c)),
    };
  }

  private base(
    node: Node,
    attrs: Attribute[],
  ): {
    name: string;
    attrs: Attribute[];
    visibility: Visibility;
    origin: Origin;
    nameOrigin: Origin;
    fromMacro?: boolean;
  } {
    const nameNode = field(node, 'name');
    const vis = firstChildOfType(node, 'visibility_modifier');
    let visibility: Visibility = 'private';
    if (vis) visibility = vis.text.trim() === 'pub' ? 'pub' : 'restricted';
    return {
      name: nameNode ? nameNode.text : '',
      attrs,
      visibility,
      origin: this.origin(node),
      nameOrigin: this.origin(nameNode ?? node),
      ...(this.expansion ? { fromMacro: true, expansion: this.expansion } : {}),
    };
  }

  // ---- attributes ----

  attribute(node: Node, inner: boolean): Attribute | null {
    const attr = firstChildOfType(node, 'attribute');
    if (!attr) return null;
    const kids = namedChildrenOf(attr);
    const pathNode = kids[0];
    if (!pathNode) return null;
    let name = pathNode.text.replace(/\s+/g, '');
    const argsNode = field(attr, 'arguments');
    let args = argsNode ? tokenTreeTokens(this.file, argsNode).map((t) => this.mapToken(t)) : null;
    let unsafeWrapped = false;
    if (name === 'unsafe' && args) {
      // `#[unsafe(no_mangle)]`, `#[unsafe(export_name = "x")]`
      unsafeWrapped = true;
      const [head, ...rest] = args;
      name = head ? head.text : '';
      if (rest[0]?.kind === 'group') args = rest[0].children ?? [];
      else if (rest[0]?.text === '=' && rest[1]?.kind === 'string') {
        return { name, unsafeWrapped, args: null, value: unquote(rest[1].text), inner, origin: this.origin(node) };
      } else args = null;
    }
    const valueNode = field(attr, 'value');
    const value =
      valueNode && (valueNode.type === 'string_literal' || valueNode.type === 'raw_string_literal')
        ? stringValue(valueNode)
        : valueNode
          ? valueNode.text
          : null;
    return { name, unsafeWrapped, args, value, inner, origin: this.origin(node) };
  }

  private docComment(node: Node): Attribute | null {
    const doc = field(node, 'doc');
    if (!doc) return null;
    const inner = !!field(node, 'inner');
    return {
      name: 'doc',
      unsafeWrapped: false,
      args: null,
      value: doc.text.replace(/\n$/, ''),
      inner,
      origin: this.origin(node),
    };
  }

  // ---- functions ----

  private fnItem(node: Node, attrs: Attribute[]): FnItem {
    const mods = firstChildOfType(node, 'function_modifiers');
    const modText = mods ? childrenOf(mods).map((c) => c.type) : [];
    const ext = mods ? firstChildOfType(mods, 'extern_modifier') : null;
    const paramsNode = field(node, 'parameters');
    const { params, selfParam, hasImplTraitArg } = this.fnParams(paramsNode);
    const retNode = field(node, 'return_type');
    const body = field(node, 'body');
    const where = firstChildOfType(node, 'where_clause');
    const sigEnd = where ?? retNode ?? paramsNode ?? field(node, 'name') ?? node;
    const abi = ext ? this.abiOf(ext) : null;
    return {
      kind: 'fn',
      ...this.base(node, attrs),
      abi,
      isUnsafe: modText.includes('unsafe'),
      isConst: modText.includes('const'),
      isAsync: modText.includes('async'),
      generics: this.generics(field(node, 'type_parameters')),
      hasImplTraitArg,
      params,
      selfParam,
      paramsOrigin: this.origin(paramsNode ?? node),
      ret: retNode ? this.type(retNode) : null,
      hasBody: !!body,
      signatureOrigin: this.originRange(node, sigEnd),
      nested: body ? this.nestedItems(body) : [],
      bodyFacts: body && abi !== null ? this.bodyFacts(body) : null,
    };
  }

  private abiOf(ext: Node): string {
    const lit = firstChildOfType(ext, 'string_literal', 'raw_string_literal');
    return lit ? stringValue(lit) : 'C';
  }

  private fnParams(node: Node | null): { params: Param[]; selfParam: boolean; hasImplTraitArg: boolean } {
    const params: Param[] = [];
    let selfParam = false;
    let hasImplTraitArg = false;
    if (!node) return { params, selfParam, hasImplTraitArg };
    let pending: Attribute[] = [];
    for (const c of namedChildrenOf(node)) {
      if (c.type === 'attribute_item') {
        const a = this.attribute(c, false);
        if (a) pending.push(a);
        continue;
      }
      const attrs = pending;
      pending = [];
      if (c.type === 'self_parameter') {
        selfParam = true;
        // rustc checks the receiver like any parameter, reporting at `self`.
        const selfTok = firstChildOfType(c, 'self') ?? c;
        const origin = this.origin(selfTok);
        const selfType: TypeExpr = {
          kind: 'path',
          origin,
          path: { global: false, qualified: false, segments: [{ name: 'Self', args: null }] },
        };
        const byRef = !!firstChildOfType(c, '&');
        const type: TypeExpr = byRef
          ? {
              kind: 'ref',
              origin,
              mutable: !!firstChildOfType(c, 'mutable_specifier'),
              inner: selfType,
              lifetime: null,
            }
          : selfType;
        params.push({ type, name: 'self', attrs });
      } else if (c.type === 'parameter') {
        const t = field(c, 'type');
        const pat = field(c, 'pattern');
        if (!t) continue;
        const type = this.type(t);
        if (containsImplTrait(type)) hasImplTraitArg = true;
        params.push({ type, name: pat ? pat.text : '_', attrs });
      }
    }
    return { params, selfParam, hasImplTraitArg };
  }

  /** Items declared anywhere inside a body, but not inside items nested deeper. */
  nestedItems(body: Node): Item[] {
    // Most bodies declare no items and call only std's macros: a text test is far cheaper than a walk.
    const text = body.text;
    if (!ITEM_KEYWORDS.test(text) && !callsNonStdMacro(text)) return [];
    const found = body.descendantsOfType([...ITEM_TYPES]);
    const direct = found.filter((n) => {
      for (let p = n.parent; p; p = p.parent) {
        if (p.id === body.id) return true;
        if (ITEM_TYPES.has(p.type)) return false;
      }
      return false;
    });
    const items: Item[] = [];
    for (const n of direct) {
      // `#[allow(…)] { … }` and `#[cfg(…)]` on an enclosing statement apply to the items inside it.
      const enclosing: Attribute[] = [];
      for (let child = n, p = n.parent; p && p.id !== body.id; child = p, p = p.parent) {
        enclosing.unshift(...this.leadingAttributes(p));
        // A match arm carries its attributes as children before the pattern (`#[cfg(x)] A => …`).
        if (!BLOCKS.has(p.type)) enclosing.unshift(...this.childAttributesBefore(p, child));
      }
      const item = this.item(n, [...enclosing, ...this.leadingAttributes(n)]);
      if (item?.kind === 'macro-call') item.inBody = true;
      if (item) items.push(item);
    }
    return items;
  }

  /** Attribute children of `parent` written before its child `child`. */
  private childAttributesBefore(parent: Node, child: Node): Attribute[] {
    const attrs: Attribute[] = [];
    for (const c of childrenOf(parent)) {
      if (c.startIndex >= child.startIndex) break;
      if (c.type === 'attribute_item') {
        const a = this.attribute(c, false);
        if (a) attrs.push(a);
      }
    }
    return attrs;
  }

  /** The outer attributes written just before `node` among its siblings. */
  private leadingAttributes(node: Node): Attribute[] {
    const attrs: Attribute[] = [];
    for (let p = node.previousSibling; p; p = p.previousSibling) {
      if (p.type === 'attribute_item') {
        const a = this.attribute(p, false);
        if (a) attrs.unshift(a);
      } else if (p.type !== 'line_comment' && p.type !== 'block_comment') break;
    }
    return attrs;
  }

  private bodyFacts(body: Node): BodyFacts {
    const panics: BodyFacts['panics'] = [];
    const text = body.text;
    const catchesUnwind = /\bcatch_unwind\b/.test(text);
    if (catchesUnwind || !MAY_PANIC.test(text)) return { panics, catchesUnwind };
    for (const n of body.descendantsOfType(['macro_invocation', 'call_expression', 'index_expression'])) {
      switch (n.type) {
        case 'macro_invocation': {
          const name = field(n, 'macro')?.text.split('::').pop() ?? '';
          if (PANIC_MACROS.has(name)) panics.push({ what: `${name}!`, origin: this.origin(n) });
          break;
        }
        case 'call_expression': {
          const fn = field(n, 'function');
          if (fn?.type === 'field_expression') {
            const method = field(fn, 'field')?.text ?? '';
            if (method === 'unwrap' || method === 'expect')
              panics.push({ what: `.${method}()`, origin: this.origin(field(fn, 'field') ?? n) });
          }
          break;
        }
        case 'index_expression':
          panics.push({ what: 'indexing', origin: this.origin(n) });
          break;
      }
    }
    return { panics, catchesUnwind };
  }

  // ---- types: structs, enums, unions ----

  private adt(node: Node, attrs: Attribute[]): AdtItem {
    const kind = node.type === 'struct_item' ? 'struct' : node.type === 'enum_item' ? 'enum' : 'union';
    const body = field(node, 'body');
    const item: AdtItem = {
      kind,
      ...this.base(node, attrs),
      generics: this.generics(field(node, 'type_parameters')),
      fields: [],
      shape: 'unit',
      variants: [],
    };
    if (!body) return item;
    if (kind === 'enum') {
      item.variants = this.variants(body);
    } else {
      item.shape = body.type === 'ordered_field_declaration_list' ? 'tuple' : 'struct';
      item.fields = this.fields(body);
    }
    return item;
  }

  private fields(list: Node): FieldDef[] {
    const out: FieldDef[] = [];
    let pending: Attribute[] = [];
    if (list.type === 'ordered_field_declaration_list') {
      for (const c of childrenOf(list)) {
        if (c.type === 'attribute_item') {
          const a = this.attribute(c, false);
          if (a) pending.push(a);
        } else if (c.isNamed && c.type !== 'visibility_modifier' && !c.type.endsWith('comment')) {
          out.push({ name: String(out.length), type: this.type(c), attrs: pending, origin: this.origin(c) });
          pending = [];
        }
      }
      return out;
    }
    for (const c of childrenOf(list)) {
      if (c.type === 'attribute_item') {
        const a = this.attribute(c, false);
        if (a) pending.push(a);
      } else if (c.type === 'field_declaration') {
        const t = field(c, 'type');
        const n = field(c, 'name');
        if (t) out.push({ name: n ? n.text : null, type: this.type(t), attrs: pending, origin: this.origin(c) });
        pending = [];
      }
    }
    return out;
  }

  private variants(list: Node): VariantDef[] {
    const out: VariantDef[] = [];
    let pending: Attribute[] = [];
    for (const c of childrenOf(list)) {
      if (c.type === 'attribute_item') {
        const a = this.attribute(c, false);
        if (a) pending.push(a);
      } else if (c.type === 'enum_variant') {
        const body = field(c, 'body');
        const value = field(c, 'value');
        out.push({
          name: field(c, 'name')?.text ?? '',
          fields: body ? this.fields(body) : [],
          shape: !body ? 'unit' : body.type === 'ordered_field_declaration_list' ? 'tuple' : 'struct',
          discriminant: value ? value.text : null,
          attrs: pending,
          origin: this.origin(c),
        });
        pending = [];
      }
    }
    return out;
  }

  // ---- extern blocks ----

  private externBlock(node: Node, attrs: Attribute[]): ExternBlockItem {
    const ext = firstChildOfType(node, 'extern_modifier');
    const body = field(node, 'body');
    const items: (ForeignFnItem | ForeignStaticItem)[] = [];
    const isUnsafe = !!ext && this.unsafeExternKeywordAt.has(ext.startIndex);
    if (body) {
      let pending: Attribute[] = [];
      for (const c of childrenOf(body)) {
        if (c.type === 'attribute_item') {
          const a = this.attribute(c, false);
          if (a) pending.push(a);
          continue;
        }
        if (c.type === 'line_comment' || c.type === 'block_comment') {
          const d = this.docComment(c);
          if (d) pending.push(d);
          continue;
        }
        if (c.type === 'function_signature_item') {
          const fn = this.fnItem(c, pending);
          items.push({
            kind: 'foreign-fn',
            name: fn.name,
            attrs: fn.attrs,
            visibility: fn.visibility,
            origin: fn.origin,
            nameOrigin: fn.nameOrigin,
            ...(fn.expansion ? { fromMacro: true, expansion: fn.expansion } : {}),
            generics: fn.generics,
            params: fn.params,
            ret: fn.ret,
            variadic: !!field(c, 'parameters') && !!firstChildOfType(field(c, 'parameters')!, 'variadic_parameter'),
            safe: this.isSafeItem(c),
          });
        } else if (c.type === 'static_item') {
          items.push({
            kind: 'foreign-static',
            ...this.base(c, pending),
            type: this.typeOrNull(field(c, 'type')),
            safe: this.isSafeItem(c),
          });
        }
        if (c.isNamed) pending = [];
      }
    }
    return {
      kind: 'extern-block',
      ...this.base(node, attrs),
      name: '',
      abi: ext ? this.abiOf(ext) : 'C',
      isUnsafe,
      items,
    };
  }

  private isSafeItem(node: Node): boolean {
    const nameAt = field(node, 'name')?.startIndex ?? node.endIndex;
    if (this.safeItemKeywordAt.some((at) => at >= node.startIndex && at < nameAt)) return true;
    // In a plain `extern` block the grammar leaves `safe` as an error just before the item.
    const prev = node.previousSibling;
    return !!prev && prev.type === 'ERROR' && prev.text.trim() === 'safe';
  }

  // ---- use ----

  private useTrees(node: Node, prefix: string[]): UseTree[] {
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
        return namedChildrenOf(node).flatMap((c) => this.useTrees(c, prefix));
      case 'scoped_use_list': {
        const p = field(node, 'path');
        const list = field(node, 'list');
        const base = p ? [...prefix, ...pathSegmentsOfSimplePath(p)] : prefix;
        return list ? this.useTrees(list, base) : [];
      }
    }
    return [];
  }

  // ---- generics ----

  private generics(node: Node | null): GenericParam[] {
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
          out.push({ kind: 'type', name: name ? name.text : c.text, defaultType: def ? this.type(def) : null });
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

  // ---- macro_rules ----

  private macroRules(node: Node): MacroRule[] {
    const rules: MacroRule[] = [];
    for (const r of childrenOf(node)) {
      if (r.type !== 'macro_rule') continue;
      const left = field(r, 'left');
      const right = field(r, 'right');
      if (!left || !right) continue;
      rules.push({
        pattern: tokenTreeTokens(this.file, left).map((t) => this.mapToken(t)),
        body: tokenTreeTokens(this.file, right).map((t) => this.mapToken(t)),
      });
    }
    return rules;
  }

  // ---- types ----

  private typeOrNull(node: Node | null): TypeExpr | null {
    return node ? this.type(node) : null;
  }

  type(node: Node): TypeExpr {
    const origin = this.origin(node);
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
        return { kind: 'path', origin, path: this.typePath(node) };
      case 'reference_type': {
        const inner = field(node, 'type');
        const lifetime = firstChildOfType(node, 'lifetime');
        return {
          kind: 'ref',
          origin,
          mutable: !!firstChildOfType(node, 'mutable_specifier'),
          inner: inner ? this.type(inner) : this.hole(node),
          lifetime: lifetime ? lifetime.text : null,
        };
      }
      case 'pointer_type': {
        const inner = field(node, 'type');
        return {
          kind: 'ptr',
          origin,
          mutable: !!firstChildOfType(node, 'mutable_specifier'),
          inner: inner ? this.type(inner) : this.hole(node),
        };
      }
      case 'array_type': {
        const el = field(node, 'element');
        const len = field(node, 'length');
        const inner = el ? this.type(el) : this.hole(node);
        return len ? { kind: 'array', origin, inner, length: len.text } : { kind: 'slice', origin, inner };
      }
      case 'tuple_type': {
        const elems = namedChildrenOf(node).filter(isTypeNode);
        // `(T)` without a comma is a parenthesised type, not a 1-tuple.
        if (elems.length === 1 && !firstChildOfType(node, ',')) return this.type(elems[0]);
        return { kind: 'tuple', origin, elems: elems.map((c) => this.type(c)) };
      }
      case 'unit_type':
        return { kind: 'tuple', origin, elems: [] };
      case 'never_type':
        return { kind: 'never', origin };
      case 'function_type': {
        if (field(node, 'trait')) return { kind: 'opaque-syntax', origin, text: node.text };
        return { kind: 'fnptr', origin, fn: this.fnPointer(node) };
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
        return inner ? this.type(inner) : this.hole(node);
      }
    }
    if (node.text === '_') return { kind: 'infer', origin };
    return { kind: 'opaque-syntax', origin, text: node.text };
  }

  private hole(node: Node): TypeExpr {
    return { kind: 'opaque-syntax', origin: this.origin(node), text: '' };
  }

  private fnPointer(node: Node): FnPointerExpr {
    const mods = firstChildOfType(node, 'function_modifiers');
    const ext = mods ? firstChildOfType(mods, 'extern_modifier') : null;
    const paramsNode = field(node, 'parameters');
    const params: TypeExpr[] = [];
    let variadic = false;
    if (paramsNode) {
      for (const c of namedChildrenOf(paramsNode)) {
        if (c.type === 'parameter') {
          const t = field(c, 'type');
          if (t) params.push(this.type(t));
        } else if (c.type === 'variadic_parameter') variadic = true;
        else if (isTypeNode(c)) params.push(this.type(c));
      }
    }
    const ret = field(node, 'return_type');
    return {
      abi: ext ? this.abiOf(ext) : null,
      unsafe: !!mods && childrenOf(mods).some((c) => c.type === 'unsafe'),
      params,
      ret: ret ? this.type(ret) : null,
      variadic,
    };
  }

  private typePath(node: Node): TypePath {
    const segments: PathSegment[] = [];
    let global = false;
    let qualified = false;
    const walk = (n: Node, args: GenericArgs | null): void => {
      switch (n.type) {
        case 'generic_type': {
          const t = field(n, 'type');
          const a = field(n, 'type_arguments');
          if (t) walk(t, a ? this.genericArgs(a) : null);
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
          if (t) walk(t, a ? this.genericArgs(a) : null);
          return;
        }
        default:
          segments.push({ name: n.text, args });
      }
    };
    walk(node, null);
    return { global, qualified, segments };
  }

  private genericArgs(node: Node): GenericArgs {
    const out: GenericArgs = { types: [], bindings: [], consts: [], lifetimes: 0 };
    for (const c of namedChildrenOf(node)) {
      if (c.type === 'lifetime') out.lifetimes++;
      if (c.type === 'lifetime' || c.type.endsWith('comment')) continue;
      if (c.type === 'type_binding' || c.type === 'associated_type') {
        const name = field(c, 'name');
        const t = field(c, 'type');
        if (name && t) out.bindings.push({ name: name.text, type: this.type(t) });
      } else if (c.type === 'trait_bounds') {
        continue;
      } else if (isTypeNode(c)) {
        out.types.push(this.type(c));
      } else {
        out.consts.push(c.text);
      }
    }
    return out;
  }
}

/** Nodes whose attribute children belong to one statement each, not to everything after them. */
const BLOCKS = new Set(['block', 'declaration_list', 'source_file', 'match_block']);

/** A body without any of these words cannot declare an item. */
const ITEM_KEYWORDS = /\b(fn|struct|enum|union|type|static|const|extern|impl|trait|mod|use|macro_rules)\b/;
const STD_MACROS = new Set([
  'println',
  'print',
  'eprintln',
  'eprint',
  'format',
  'format_args',
  'write',
  'writeln',
  'vec',
  'assert',
  'assert_eq',
  'assert_ne',
  'debug_assert',
  'debug_assert_eq',
  'debug_assert_ne',
  'panic',
  'unreachable',
  'todo',
  'unimplemented',
  'matches',
  'dbg',
  'concat',
  'stringify',
  'include_str',
  'include_bytes',
  'env',
  'option_env',
  'cfg',
  'line',
  'file',
  'column',
  'module_path',
  'compile_error',
  'thread_local',
  'try',
  'addr_of',
  'addr_of_mut',
  'offset_of',
]);

/** Whether a body invokes a macro that could be one of the crate's own. */
function callsNonStdMacro(text: string): boolean {
  for (const m of text.matchAll(/([A-Za-z_][A-Za-z0-9_]*)\s*!\s*[({[]/g)) if (!STD_MACROS.has(m[1])) return true;
  return false;
}

/** A body without any of these cannot obviously panic. */
const MAY_PANIC = /unwrap|expect|\[|panic!|unreachable!|todo!|unimplemented!|assert/;

const PANIC_MACROS = new Set(['panic', 'unreachable', 'todo', 'unimplemented', 'assert', 'assert_eq', 'assert_ne']);

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

function isTypeNode(n: Node): boolean {
  return TYPE_NODES.has(n.type);
}

function containsImplTrait(t: TypeExpr): boolean {
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

function pathSegmentsOfSimplePath(node: Node): string[] {
  if (node.type === 'scoped_identifier') {
    const p = field(node, 'path');
    const name = field(node, 'name');
    return [...(p ? pathSegmentsOfSimplePath(p) : []), ...(name ? [name.text] : [])];
  }
  return [node.text];
}

function unquote(s: string): string {
  return s.replace(/^r?#*"/, '').replace(/"#*$/, '');
}
