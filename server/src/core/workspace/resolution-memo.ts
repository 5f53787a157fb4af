import type { TypeExpr, TypePath } from '../syntax/model';
import type { Resolution } from './resolve';
import type { ModuleScope } from './scopes';
import type { Ty } from './types';

/**
 * Memoised name and type resolution. What a path means seen from a module, and what a written type
 * means there, depend only on the module, what is written and the settings, unless resolving it read
 * what the scope adds to its module (a generic parameter, `Self`, a const argument): a -sys crate writes
 * `*mut GtkWidget` or `c_int` thousands of times in one module, and a binding crate as often in generic
 * methods and their trampolines, and each is resolved once. Resolved types are shared by every place
 * that wrote them; they are never changed once made.
 */

/**
 * A written type's meaning in a module. `scoped`: resolving it read what a scope adds to the module (it
 * names `Self`, or a generic parameter of a type alias it leads to), so it holds only where the scope adds
 * nothing. Otherwise it holds in every scope of the module whose generic parameters it does not name.
 */
export interface KnownType {
  ty: Ty;
  scoped: boolean;
}

/** The memoised answers for one module. */
export interface ModuleMemo {
  /** What a path means from here, by `pathKey`. */
  paths: Map<string, Resolution | null>;
  /** What a written type means here, by `writtenTypeKey`: where `impl Trait` is an opaque type… */
  types: Map<string, KnownType>;
  /** …and where it is a generic parameter (a parameter's type). */
  paramTypes: Map<string, KnownType>;
  /** The `safeTypes` setting the types were resolved with. */
  safeTypes: Set<string> | undefined;
  /** The crate's load state and the epoch the answers were given in (see `loadState`). */
  loadState: number;
  epoch: number;
}

// Keyed by module: a reloaded crate has new modules, so no answer outlives the text it was read from.
const memos = new WeakMap<ModuleScope, ModuleMemo>();
let epoch = 0;

/** Drop every memoised resolution; the workspace calls this (with the layout cache) when any file changes. */
export function forgetResolutions(): void {
  epoch++;
}

/** The memo of a module, emptied first when its crate has loaded more since (or any file changed). */
export function memoOf(scope: ModuleScope): ModuleMemo {
  const module = answeringScope(scope);
  const state = loadState(module);
  let memo = memos.get(module);
  if (!memo) {
    memo = { paths: new Map(), types: new Map(), paramTypes: new Map(), safeTypes: undefined, loadState: state, epoch };
    memos.set(module, memo);
    return memo;
  }
  if (memo.loadState !== state || memo.epoch !== epoch) {
    memo.paths.clear();
    memo.types.clear();
    memo.paramTypes.clear();
    memo.loadState = state;
    memo.epoch = epoch;
  }
  return memo;
}

/** The types of a memo for a `safeTypes` setting (paths do not depend on it): another setting starts afresh. */
export function typesOf(
  memo: ModuleMemo,
  safeTypes: Set<string> | undefined,
  implTraitIsParam: boolean,
): Map<string, KnownType> {
  if (memo.safeTypes !== safeTypes) {
    memo.types.clear();
    memo.paramTypes.clear();
    memo.safeTypes = safeTypes;
  }
  return implTraitIsParam ? memo.paramTypes : memo.types;
}

/**
 * The scope whose answers a scope's are. A function body that declares nothing the resolver reads (no type,
 * `use`, `const` or `extern crate` of its own: gtk's signal trampolines, each in a body of its own)
 * resolves every name as the scope around it does, so they share one memo. A global path (`::name`) is
 * the exception: from a body it reads the crate root's `extern crate` names alone, from a module also the
 * module's own, so a body only answers as a module that has none (or as the root).
 */
function answeringScope(scope: ModuleScope): ModuleScope {
  let m = scope;
  while (m.isBlock && m.parent && declaresNothing(m) && (!m.parent.externCrates.size || m.parent === m.crate.root))
    m = m.parent;
  return m;
}

function declaresNothing(block: ModuleScope): boolean {
  return (
    !block.types.size &&
    !block.uses.size &&
    !block.globs.length &&
    !block.consts.size &&
    !block.implConsts.size &&
    !block.children.size &&
    !block.externCrates.size
  );
}

/**
 * How much of a lazily loaded crate is loaded: it only grows (modules are added, a deferred root is
 * read). Loading more does not change what a name already resolved to means (the resolver loads what
 * it looks up), but the memo is emptied when the crate grows all the same, so that an answer from the
 * memo never rests on that argument.
 */
function loadState(module: ModuleScope): number {
  const crate = module.crate;
  return crate.modules.length * 2 + (crate.rootDeferred ? 1 : 0);
}

/** A path's key: its names, `::` in front when global. */
export function pathKey(names: string[], global: boolean): string {
  return (global ? '::' : '') + names.join('::');
}

/**
 * A written type as a key holding everything resolution reads from it: two types with the same key
 * resolve alike in one scope. Free text (a `dyn` bound, an array length) is prefixed with its length,
 * so no two different types share a key.
 */
export function writtenTypeKey(t: TypeExpr): string {
  switch (t.kind) {
    case 'primitive':
      return t.name;
    case 'path':
      return writtenPathKey(t.path);
    case 'ref':
      return `&${t.mutable ? 'mut' : ''}${t.lifetime === null ? '' : free(t.lifetime)} ${writtenTypeKey(t.inner)}`;
    case 'ptr':
      return `*${t.mutable ? 'mut' : 'const'} ${writtenTypeKey(t.inner)}`;
    case 'slice':
      return `[${writtenTypeKey(t.inner)}]`;
    case 'array':
      return `[${writtenTypeKey(t.inner)};${free(t.length)}]`;
    case 'tuple':
      return `(${t.elems.map(writtenTypeKey).join(',')})`;
    case 'fnptr': {
      const abi = t.fn.abi === null ? '' : `extern ${free(t.fn.abi)}`;
      const params = t.fn.params.map(writtenTypeKey).join(',') + (t.fn.variadic ? ',...' : '');
      return `${t.fn.unsafe ? 'unsafe ' : ''}${abi}fn(${params})${t.fn.ret ? `->${writtenTypeKey(t.fn.ret)}` : ''}`;
    }
    case 'never':
      return '!';
    case 'infer':
      return '_';
    case 'dyn':
    case 'impl':
    case 'opaque-syntax':
      return `${t.kind}${free(t.text)}`;
  }
}

/** Every segment with its generic arguments: the last one's are resolved, all are in the path's text. */
function writtenPathKey(p: TypePath): string {
  let key = `${p.global ? '::' : ''}${p.qualified ? '<>' : ''}`;
  for (const s of p.segments) {
    key += `${s.name}::`;
    if (s.args)
      key += `<${s.args.lifetimes}'${s.args.types.map(writtenTypeKey).join(',')};${s.args.consts.map(free).join(',')}>`;
  }
  return key;
}

function free(text: string): string {
  return `${text.length}#${text}`;
}
