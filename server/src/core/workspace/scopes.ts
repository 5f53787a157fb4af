import type { AdtItem, Attribute, Item, MacroRulesItem, StaticItem, TraitItem, TypeAliasItem } from '../syntax/model';
import type { Crate } from './crates';

/**
 * Module scopes: what a module (or a function body that declares items) holds and names, as name
 * resolution and macro expansion see it. The crate index (`crates.ts`) builds them; the macro expander
 * and the resolver read them.
 */

/** A type a scope defines: a struct, enum or union, an alias, or a trait, with the scope it is defined in. */
export type TypeDefEntry =
  | { kind: 'adt'; item: AdtItem; module: ModuleScope }
  | { kind: 'alias'; item: TypeAliasItem; module: ModuleScope }
  | { kind: 'trait'; item: TraitItem; module: ModuleScope };

/** What a module holds and the names it defines or imports; a function body's items get a block scope. */
export interface ModuleScope {
  id: number;
  crate: Crate;
  name: string;
  /** `crate::a::b` */
  path: string;
  /** The file whose text holds this module's items. */
  file: string;
  /** The directory where `mod x;` of this module looks for `x.rs` / `x/mod.rs`. */
  childDir: string;
  parent: ModuleScope | null;
  items: Item[];
  /** Outer attributes of the `mod` item and the module's inner attributes (lint levels). */
  attrs: Attribute[];
  children: Map<string, ModuleScope>;
  types: Map<string, TypeDefEntry>;
  /** `use a::b as c;` → c ↦ ["a", "b"] */
  uses: Map<string, string[]>;
  globs: string[][];
  /** `extern crate foo as bar;` → bar ↦ foo */
  externCrates: Map<string, string>;
  /** `const` items, for array lengths. */
  consts: Map<string, StaticItem>;
  /** Associated consts of inherent impls: `Type::NAME` → item. */
  implConsts: Map<string, StaticItem>;
  /** A function body's scope: names not found here are looked up in `parent` (lexical scoping). */
  isBlock?: boolean;
}

let nextModuleId = 1;

/** A fresh identity for a module or block scope, unique across crates (results are memoised by it). */
export function nextScopeId(): number {
  return nextModuleId++;
}

/** What a block scope reads from its items. */
const BLOCK_DECLARATIONS = new Set<Item['kind']>(['struct', 'enum', 'union', 'type', 'trait', 'const', 'use']);
// The tables of blocks that declare nothing: never filled (crates.ts fills the crate's modules only).
const NO_CHILDREN = new Map<string, ModuleScope>();
const NO_TYPES = new Map<string, TypeDefEntry>();
const NO_USES = new Map<string, string[]>();
const NO_GLOBS: string[][] = [];
const NO_EXTERN_CRATES = new Map<string, string>();
const NO_CONSTS = new Map<string, StaticItem>();

/**
 * The scope of a function body that declares items: they are visible inside it, and every other name
 * resolves as in the enclosing module. Not registered in the crate's module list.
 */
export function blockScope(parent: ModuleScope, items: Item[]): ModuleScope {
  // Most bodies declare functions alone (gtk's signal trampolines): their scopes share empty tables, as a
  // block's tables are filled here and never after. A block never holds modules, crates or impls' consts.
  const declares = items.some((i) => BLOCK_DECLARATIONS.has(i.kind));
  const block: ModuleScope = {
    ...parent,
    id: nextScopeId(),
    name: '{block}',
    parent,
    items,
    children: NO_CHILDREN,
    types: declares ? new Map<string, TypeDefEntry>() : NO_TYPES,
    uses: declares ? new Map<string, string[]>() : NO_USES,
    globs: declares ? [] : NO_GLOBS,
    externCrates: NO_EXTERN_CRATES,
    consts: declares ? new Map<string, StaticItem>() : NO_CONSTS,
    implConsts: NO_CONSTS,
    isBlock: true,
  };
  if (!declares) return block;
  for (const item of items) {
    if (item.kind === 'struct' || item.kind === 'enum' || item.kind === 'union')
      block.types.set(item.name, { kind: 'adt', item, module: block });
    else if (item.kind === 'type') block.types.set(item.name, { kind: 'alias', item, module: block });
    else if (item.kind === 'trait') block.types.set(item.name, { kind: 'trait', item, module: block });
    else if (item.kind === 'const') block.consts.set(item.name, item);
    else if (item.kind === 'use') {
      for (const tree of item.trees) {
        if (tree.kind === 'glob') block.globs.push(tree.path);
        else block.uses.set(tree.alias ?? tree.path[tree.path.length - 1], tree.path);
      }
    }
  }
  return block;
}

/**
 * The `macro_rules!` named `name` visible from a module: its own, then its ancestors', then the first of
 * the crate's modules (in load order) that defines one.
 */
export function findVisibleMacro(module: ModuleScope, name: string): MacroRulesItem | undefined {
  for (let m: ModuleScope | null = module; m; m = m.parent) {
    const own = macrosOf(m.items).get(name);
    if (own) return own;
  }
  const crate = module.crate;
  if (!crate.macroIndex) {
    crate.macroIndex = new Map();
    for (const m of crate.modules)
      for (const [n, def] of macrosOf(m.items)) if (!crate.macroIndex.has(n)) crate.macroIndex.set(n, def);
  }
  return crate.macroIndex.get(name);
}

/** The first `macro_rules!` of each name in an item list; a list is never changed in place, so it is cached. */
export function macrosOf(items: Item[]): Map<string, MacroRulesItem> {
  let found = MACROS_OF.get(items);
  if (!found) {
    found = new Map();
    for (const item of items) if (item.kind === 'macro-rules' && !found.has(item.name)) found.set(item.name, item);
    MACROS_OF.set(items, found);
  }
  return found;
}

const MACROS_OF = new WeakMap<Item[], Map<string, MacroRulesItem>>();
