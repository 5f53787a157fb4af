import type { Attribute, FieldDef, Item, Token, VariantDef } from './model';
import { TARGET_CFG } from './target-cfg';

/**
 * `#[cfg]` and `#[cfg_attr]` as rustc evaluates them for one target. Items whose `cfg` is false are not
 * compiled, so rustc says nothing about them, and neither do we.
 */

export interface CfgOptions {
  /** Enabled Cargo features (`feature = "x"`). */
  features: string[];
  /** Target triple; x86_64 Linux when not set. */
  target?: string;
  /** Extra `--cfg` names or `key="value"` pairs. */
  extra?: string[];
}

/** The set of cfg facts that hold: bare names and `key=value` pairs. */
export interface CfgEnv {
  names: Set<string>;
  pairs: Set<string>;
}

export const HOST_TARGET = 'x86_64-unknown-linux-gnu';

/** Names of the targets whose cfg facts we know. */
export function knownTargets(): string[] {
  return Object.keys(TARGET_CFG);
}

export function makeCfgEnv(options: CfgOptions): CfgEnv {
  const names = new Set<string>();
  const pairs = new Set<string>();
  const add = (e: string): void => {
    const m = /^([\w:]+)\s*=\s*"?([^"]*)"?$/.exec(e);
    if (m) pairs.add(`${m[1]}=${m[2]}`);
    else names.add(e);
  };
  // The target's facts are rustc's own (`rustc --print cfg --target T`, without `-O`: `debug_assertions`).
  for (const e of TARGET_CFG[options.target ?? HOST_TARGET] ?? TARGET_CFG[HOST_TARGET]) add(e);
  for (const f of options.features) pairs.add(`feature=${f}`);
  for (const e of options.extra ?? []) add(e);
  return { names, pairs };
}

/** Evaluate a cfg predicate given as the tokens inside `cfg(…)`. Unknown forms are false, as in rustc. */
export function evalCfg(tokens: Token[], env: CfgEnv): boolean {
  const preds = splitTopLevel(tokens);
  if (preds.length !== 1) return false;
  return evalPredicate(preds[0], env);
}

function evalPredicate(tokens: Token[], env: CfgEnv): boolean {
  if (!tokens.length) return false;
  const [head, next, value] = tokens;
  if (head.kind === 'ident' && next?.kind === 'group' && next.delimiter === '(') {
    const args = splitTopLevel(next.children ?? []);
    switch (head.text) {
      case 'all':
        return args.every((a) => evalPredicate(a, env));
      case 'any':
        return args.some((a) => evalPredicate(a, env));
      case 'not':
        return args.length === 1 && !evalPredicate(args[0], env);
      default:
        return false;
    }
  }
  if (tokens.length === 1) {
    if (head.text === 'true') return true;
    if (head.text === 'false') return false;
    return env.names.has(head.text);
  }
  if (next?.text === '=' && value?.kind === 'string') {
    return env.pairs.has(`${head.text}=${value.text.replace(/^"|"$/g, '')}`);
  }
  return false;
}

/** Split a token list on top-level commas, dropping empty trailing parts. */
export function splitTopLevel(tokens: Token[]): Token[][] {
  const parts: Token[][] = [[]];
  for (const t of tokens) {
    if (t.kind === 'punct' && t.text === ',') parts.push([]);
    else parts[parts.length - 1].push(t);
  }
  return parts.filter((p) => p.length > 0);
}

/**
 * Attributes as rustc sees them after `cfg_attr` expansion (nested `cfg_attr` included). Attributes
 * produced by expansion keep the origin of the `cfg_attr` they came from.
 */
export function expandCfgAttr(attrs: Attribute[], env: CfgEnv): Attribute[] {
  // Most lists hold no `cfg_attr`: the same list, not a copy.
  if (!attrs.some((a) => a.name === 'cfg_attr' && a.args)) return attrs;
  const out: Attribute[] = [];
  for (const a of attrs) {
    if (a.name !== 'cfg_attr' || !a.args) {
      out.push(a);
      continue;
    }
    const [pred, ...rest] = splitTopLevel(a.args);
    if (!pred || !evalPredicate(pred, env)) continue;
    for (const expanded of expandCfgAttr(
      rest.map((toks) => attributeFromTokens(toks, a)),
      env,
    ))
      out.push(expanded);
  }
  return out;
}

function attributeFromTokens(tokens: Token[], from: Attribute): Attribute {
  let [head, ...rest] = tokens;
  let unsafeWrapped = false;
  if (head?.text === 'unsafe' && rest[0]?.kind === 'group') {
    unsafeWrapped = true;
    [head, ...rest] = rest[0].children ?? [];
  }
  // Paths like `clippy::x` arrive as several tokens.
  let name = head ? head.text : '';
  while (rest.length >= 2 && rest[0].text === ':' && rest[1].text === ':') {
    name += '::' + (rest[2]?.text ?? '');
    rest = rest.slice(3);
  }
  const group = rest[0]?.kind === 'group' ? rest[0] : null;
  const value = rest[0]?.text === '=' && rest[1] ? rest[1].text.replace(/^r?#*"|"#*$/g, '') : null;
  return {
    name,
    unsafeWrapped,
    args: group ? (group.children ?? []) : null,
    value,
    inner: from.inner,
    origin: from.origin,
  };
}

/** Whether `#[cfg(…)]` attributes (all of them) hold. */
export function cfgHolds(attrs: Attribute[], env: CfgEnv): boolean {
  return attrs.every((a) => a.name !== 'cfg' || (a.args !== null && evalCfg(a.args, env)));
}

/**
 * `items` with what `cfg` removes taken out and `cfg_attr` expanded, recursively (module bodies, impl and
 * trait items, extern block items, fields, variants, nested items in bodies). Made once per list and
 * configuration, and shared: the editor loads a crate again at every edit that is not inert, and copying the
 * items of every file it did not change was about a quarter of a keystroke in a signature of gtk's crate
 * (`node out/test/bench/typing-heap.js --workspace bindings`). A list or an item that `cfg` leaves as it is
 * is the same list or item, not a copy (most of them: a `-sys` crate's constants and foreign functions have
 * no `cfg` of their own). What it returns must not be changed, and what is worked out of an item is kept by
 * module (`localAdt`, the checked types of `analysis/boundary-types.ts`): a load's modules, or two modules
 * that read one file, each have their own.
 */
export function applyCfg(items: Item[], env: CfgEnv): Item[] {
  let byEnv = APPLIED.get(items);
  if (!byEnv) APPLIED.set(items, (byEnv = new WeakMap()));
  let applied = byEnv.get(env);
  if (!applied) byEnv.set(env, (applied = copyWithCfg(items, env)));
  return applied;
}

const APPLIED = new WeakMap<readonly Item[], WeakMap<CfgEnv, Item[]>>();

function copyWithCfg(items: Item[], env: CfgEnv): Item[] {
  return withCfg(items, env, (item) => applyCfgInside(item, env));
}

/** The item with `cfg` applied to what it holds: the same item when that changes nothing. */
function applyCfgInside(item: Item, env: CfgEnv): Item {
  switch (item.kind) {
    case 'mod': {
      const innerAttrs = expandCfgAttr(item.innerAttrs, env);
      const items = item.items ? copyWithCfg(item.items, env) : null;
      return innerAttrs === item.innerAttrs && items === item.items ? item : { ...item, innerAttrs, items };
    }
    case 'impl':
    case 'trait': {
      const items = copyWithCfg(item.items, env);
      return items === item.items ? item : { ...item, items };
    }
    case 'fn': {
      const params = withCfg(item.params, env);
      const nested = copyWithCfg(item.nested, env);
      return params === item.params && nested === item.nested ? item : { ...item, params, nested };
    }
    case 'static':
    case 'const': {
      const nested = copyWithCfg(item.nested, env);
      return nested === item.nested ? item : { ...item, nested };
    }
    case 'extern-block': {
      const items = withCfg(item.items, env);
      return items === item.items ? item : { ...item, items };
    }
    case 'struct':
    case 'enum':
    case 'union': {
      const fields = filterFields(item.fields, env);
      const variants = filterVariants(item.variants, env);
      return fields === item.fields && variants === item.variants ? item : { ...item, fields, variants };
    }
    default:
      return item;
  }
}

/**
 * Parameters, fields or variants with `cfg_attr` expanded and those `cfg` removes taken out; the same
 * list (and the same entries) where nothing changes, which is most of them: no copy to make and collect.
 */
function withCfg<T extends { attrs: Attribute[] }>(entries: T[], env: CfgEnv, inside?: (entry: T) => T): T[] {
  let out: T[] | null = null;
  for (let i = 0; i < entries.length; i++) {
    const entry = entries[i];
    const attrs = expandCfgAttr(entry.attrs, env);
    const holds = cfgHolds(attrs, env);
    let next: T | null = holds ? (attrs === entry.attrs ? entry : { ...entry, attrs }) : null;
    if (next && inside) next = inside(next);
    if (next !== entry && !out) out = entries.slice(0, i);
    if (out && next) out.push(next);
  }
  return out ?? entries;
}

function filterFields(fields: FieldDef[], env: CfgEnv): FieldDef[] {
  return withCfg(fields, env);
}

function filterVariants(variants: VariantDef[], env: CfgEnv): VariantDef[] {
  return withCfg(variants, env, (v) => {
    const fields = filterFields(v.fields, env);
    return fields === v.fields ? v : { ...v, fields };
  });
}
