import type {
  Attribute,
  ExternBlockItem,
  FnItem,
  ForeignFnItem,
  ForeignStaticItem,
  GenericParam,
  Item,
  AdtItem,
  StaticItem,
  TypeAliasItem,
} from '../syntax/model';
import { isTestOnly, procMacroAttribute } from '../syntax/attributes';
import type { LintScopes } from './lint-levels';
import { LazySelfTy, scopeFor, TypeScope } from '../workspace/resolve';
import type { Crate } from '../workspace/crates';
import type { ModuleScope } from '../workspace/scopes';
import { blockScope } from '../workspace/scopes';
import { crateExportOf } from '../workspace/ffi-crates';

/**
 * Walks every item of a crate that rustc's FFI lints (and ours) look at, with what each check needs:
 * the lint scopes around it, the types in scope, and what encloses it. The checker and the ABI
 * report are visitors of this walk.
 */

export type FnContainer = 'free' | 'impl' | 'trait';

export interface WalkContext {
  crate: Crate;
  module: ModuleScope;
  scopes: LintScopes;
  types: TypeScope;
  container: FnContainer;
  /** Generic parameters of the enclosing `impl`, for `no_mangle_generic_items`. */
  implGenerics: GenericParam[];
}

export interface BoundaryVisitor {
  fn?(fn: FnItem, ctx: WalkContext): void;
  /**
   * Whether `fn` would do nothing with this function: the walk then makes no scope for it (the items its
   * body declares are walked still). Most functions of a crate are Rust functions that no rule reads.
   */
  ignoresFn?: (fn: FnItem) => boolean;
  externBlock?(block: ExternBlockItem, ctx: WalkContext): void;
  foreignItem?(item: ForeignFnItem | ForeignStaticItem, block: ExternBlockItem, ctx: WalkContext): void;
  adt?(item: AdtItem, ctx: WalkContext): void;
  typeAlias?(item: TypeAliasItem, ctx: WalkContext): void;
  staticOrConst?(item: StaticItem, ctx: WalkContext): void;
}

/**
 * One visitor that calls each of `visitors` in turn, so several checks share one walk. It ignores no
 * function: whoever combines them knows which functions all of them ignore.
 */
export function combineVisitors(visitors: BoundaryVisitor[]): BoundaryVisitor {
  const each = <K extends Exclude<keyof BoundaryVisitor, 'ignoresFn'>>(key: K): BoundaryVisitor[K] => {
    const fns = visitors.map((v) => v[key]).filter((f): f is NonNullable<BoundaryVisitor[K]> => !!f);
    if (!fns.length) return undefined;
    return (...args: unknown[]) => {
      for (const f of fns) (f as (...a: unknown[]) => void)(...args);
    };
  };
  return {
    fn: each('fn'),
    externBlock: each('externBlock'),
    foreignItem: each('foreignItem'),
    adt: each('adt'),
    typeAlias: each('typeAlias'),
    staticOrConst: each('staticOrConst'),
  };
}

/**
 * Walks the crate's modules (with `only`, those of the files it accepts: the items a file holds are walked in
 * the modules whose file it is, the inline modules and bodies in it included).
 */
export function walkCrate(
  crate: Crate,
  visitor: BoundaryVisitor,
  safeTypes?: Set<string>,
  only?: (file: string) => boolean,
): void {
  for (const module of crate.modules) {
    if (only && !only(module.file)) continue;
    const scopes = moduleScopes(module);
    const types = scopeFor(module);
    types.safeTypes = safeTypes;
    walkItems(module.items, { crate, module, scopes, types, container: 'free', implGenerics: [] }, visitor);
  }
}

/** Lint attributes of the crate and every module down to this one. */
function moduleScopes(module: ModuleScope): Attribute[][] {
  const chain: Attribute[][] = [];
  for (let m: ModuleScope | null = module; m; m = m.parent) chain.unshift(m.attrs);
  return chain;
}

function walkItems(items: Item[], ctx: WalkContext, visitor: BoundaryVisitor): void {
  for (const item of walkedItems(items, visitor)) walkItem(item, ctx, visitor);
}

/**
 * The items of a list that `walkItem` does anything with, for this visitor: not a kind it passes, a test-only
 * item, what a procedural macro attribute rewrites (save a function, which an FFI crate's attribute may export
 * depending on its module), a function the visitor ignores that declares no items, nor an `impl` of such
 * functions alone. Decided from the items alone, which are never changed once read, and kept per list: a
 * crate loaded again after an edit shares the lists of its unchanged files, and gtk's re-check after each
 * keystroke looked at its 22,000 items one by one to visit a few thousand.
 */
function walkedItems(items: Item[], visitor: BoundaryVisitor): Item[] {
  const ignores = visitor.ignoresFn ?? IGNORES_NONE;
  let known = WALKED_LISTS.get(ignores);
  if (!known) WALKED_LISTS.set(ignores, (known = new WeakMap()));
  let walked = known.get(items);
  if (!walked) {
    walked = items.filter((item) => isWalked(item, ignores));
    // The list itself when nothing is left out: no copy kept for the many lists whose items are all walked.
    known.set(items, walked.length === items.length ? items : walked);
  }
  return walked;
}

function isWalked(item: Item, ignores: (fn: FnItem) => boolean): boolean {
  if (!WALKED.has(item.kind) || isTestOnly(item.attrs)) return false;
  const rewritten =
    item.kind !== 'struct' && item.kind !== 'enum' && item.kind !== 'union' && procMacroAttribute(item.attrs);
  if (rewritten) return item.kind === 'fn';
  if (item.kind === 'fn') return !ignores(item) || item.nested.length > 0;
  if (item.kind === 'impl') return !ignoresAll(item.items, ignores);
  return true;
}

const IGNORES_NONE = (): boolean => false;
const WALKED_LISTS = new WeakMap<(fn: FnItem) => boolean, WeakMap<Item[], Item[]>>();

/** The kinds of item the walk visits or looks into; modules are walked from the crate's module list. */
const WALKED = new Set<Item['kind']>([
  'fn',
  'extern-block',
  'struct',
  'enum',
  'union',
  'type',
  'static',
  'const',
  'impl',
  'trait',
]);

function walkItem(item: Item, ctx: WalkContext, visitor: BoundaryVisitor): void {
  if (!WALKED.has(item.kind) || isTestOnly(item.attrs)) return;
  // What a procedural macro attribute outputs is what rustc checks; we cannot see it, but for the export
  // attributes of the FFI crates we know (workspace/ffi-crates.ts).
  let fnItem: FnItem | null = item.kind === 'fn' ? item : null;
  if (item.kind !== 'struct' && item.kind !== 'enum' && item.kind !== 'union' && procMacroAttribute(item.attrs)) {
    fnItem = item.kind === 'fn' && ctx.container === 'free' ? asCrateExport(item, ctx.module) : null;
    if (!fnItem) return;
  }
  if (item.kind === 'fn') {
    const fn = fnItem ?? item;
    const ignored = visitor.ignoresFn?.(fn) ?? false;
    if (ignored && !fn.nested.length) return;
    const inner: WalkContext = { ...ctx, scopes: [...ctx.scopes, item.attrs] };
    if (!ignored) visitor.fn?.(fn, { ...inner, types: scopeFor(ctx.module, fn.generics, null, ctx.types) });
    walkNested(fn.nested, inner, visitor);
    return;
  }
  const inner: WalkContext = { ...ctx, scopes: [...ctx.scopes, item.attrs] };
  switch (item.kind) {
    case 'extern-block':
      visitor.externBlock?.(item, inner);
      for (const f of item.items) visitor.foreignItem?.(f, item, { ...inner, scopes: [...inner.scopes, f.attrs] });
      return;
    case 'struct':
    case 'enum':
    case 'union': {
      const types = scopeFor(ctx.module, item.generics, null, ctx.types);
      visitor.adt?.(item, { ...inner, types });
      return;
    }
    case 'type':
      visitor.typeAlias?.(item, { ...inner, types: scopeFor(ctx.module, item.generics, null, ctx.types) });
      return;
    case 'static':
    case 'const':
      if (ctx.container === 'free') visitor.staticOrConst?.(item, inner);
      walkNested(item.nested, inner, visitor);
      return;
    case 'impl': {
      if (visitor.ignoresFn && ignoresAll(item.items, visitor.ignoresFn)) return;
      const types = scopeFor(ctx.module, item.generics, null, ctx.types);
      types.selfTy = item.selfType ? new LazySelfTy(item.selfType, { ...types }) : null;
      walkItems(item.items, { ...inner, types, container: 'impl', implGenerics: item.generics }, visitor);
      return;
    }
    case 'trait': {
      const types = scopeFor(ctx.module, item.generics, { k: 'param', name: 'Self' }, ctx.types);
      walkItems(item.items, { ...inner, types, container: 'trait', implGenerics: [] }, visitor);
      return;
    }
    default:
      return;
  }
}

/**
 * Whether an `impl`'s items are all functions `ignores` says the visitor does nothing with, declaring no
 * items of their own (a wrapper crate's methods): its walk would visit nothing. Items are never changed
 * once read, and most outlive an edit: the answer is kept for each list.
 */
function ignoresAll(items: Item[], ignores: (fn: FnItem) => boolean): boolean {
  let known = IGNORED_LISTS.get(ignores);
  if (!known) IGNORED_LISTS.set(ignores, (known = new WeakMap()));
  let all = known.get(items);
  if (all === undefined) {
    all = items.every((i) => i.kind === 'fn' && !i.nested.length && ignores(i));
    known.set(items, all);
  }
  return all;
}

const IGNORED_LISTS = new WeakMap<(fn: FnItem) => boolean, WeakMap<Item[], boolean>>();

/** Attributes the FFI crates' export attributes read themselves: inert beside them. */
const CRATE_HELPER_ATTRIBUTES = new Set(['unsafe_no_layout_constant']);

/**
 * A function exported by an FFI crate's attribute, as the crate's expansion presents it: its ABI, and its
 * symbol as an `export_name` so the report, header, baseline and cross-crate checks see the export (the
 * attribute's origin, marked `unsafe(…)` as the crate's own output is). Null when another procedural macro
 * is on it too, or none of ours.
 */
function asCrateExport(fn: FnItem, module: ModuleScope): FnItem | null {
  const exp = crateExportOf(fn, module);
  if (!exp) return null;
  const others = fn.attrs.filter((a) => a !== exp.attribute && !CRATE_HELPER_ATTRIBUTES.has(a.name));
  if (procMacroAttribute(others)) return null;
  const exportsFn = exp.symbol !== null && exp.kind !== 'root-module' && !exportAttribute(fn.attrs);
  const attrs: Attribute[] = exportsFn
    ? [
        ...fn.attrs,
        {
          name: 'export_name',
          unsafeWrapped: true,
          args: null,
          value: exp.symbol,
          inner: false,
          origin: exp.attribute.origin,
        },
      ]
    : fn.attrs;
  return { ...fn, abi: exp.abi, attrs, crateExport: exp };
}

/**
 * Items in a body are items of their own: outer generics are not in scope, lint levels are. A body none of
 * whose items the walk would visit gets no scope.
 */
function walkNested(items: Item[], ctx: WalkContext, visitor: BoundaryVisitor): void {
  const walked = walkedItems(items, visitor);
  if (!walked.length) return;
  // The scope holds every item of the body: what the visited ones name may be declared beside them.
  const block = blockScope(ctx.module, items);
  const types = scopeFor(block);
  types.safeTypes = ctx.types.safeTypes;
  const inner: WalkContext = { ...ctx, module: block, types, container: 'free', implGenerics: [] };
  for (const item of walked) walkItem(item, inner, visitor);
}

/** ABIs rustc treats as Rust's own: their signatures are not checked, only C fn pointers in them. */
export function isRustAbi(abi: string | null): boolean {
  return abi === null || abi === 'Rust' || abi === 'rust-call' || abi === 'rust-cold' || abi === 'rust-intrinsic';
}

/** ABIs that are a compile error on x86_64 Linux (E0570 / E0658): rustc emits no lint at all then. */
const UNSUPPORTED_ON_HOST = new Set([
  'stdcall',
  'stdcall-unwind',
  'fastcall',
  'fastcall-unwind',
  'aapcs',
  'aapcs-unwind',
  'thiscall',
  'thiscall-unwind',
  'vectorcall',
  'vectorcall-unwind',
  'x86-interrupt',
  'msp430-interrupt',
  'riscv-interrupt-m',
  'avr-interrupt',
  'ptx-kernel',
  'gpu-kernel',
]);

export function isUnsupportedAbi(abi: string | null): boolean {
  return abi !== null && UNSUPPORTED_ON_HOST.has(abi);
}

/** `#[no_mangle]` / `#[export_name]` in any spelling (after `cfg_attr`). */
export function exportAttribute(attrs: Attribute[]): Attribute | null {
  return attrs.find((a) => a.name === 'export_name') ?? attrs.find((a) => a.name === 'no_mangle') ?? null;
}

/** The link name of an exported item: `export_name`'s value, or the item's own name. */
export function linkName(attrs: Attribute[], name: string): string {
  const e = attrs.find((a) => a.name === 'export_name' && a.value !== null);
  // `#[no_mangle] fn r#loop` exports `loop`: the `r#` only lets Rust source use a keyword as a name.
  return e?.value ?? name.replace(/^r#/, '');
}

/** The symbol an `extern` block item links to: `#[link_name]`'s value, or the item's own name. */
export function importLinkName(attrs: Attribute[], name: string): string {
  const l = attrs.find((a) => a.name === 'link_name' && a.value !== null);
  return l?.value ?? name.replace(/^r#/, '');
}
