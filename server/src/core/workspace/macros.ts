import * as path from 'path';
import { applyCfg, evalCfg } from '../syntax/cfg';
import { extractItemsFromTree } from '../syntax/items';
import type { Expansion, Item, MacroCallItem, MacroRule, MacroRulesItem, Origin, Token } from '../syntax/model';
import { isSpace, isWordPart, isWordStart } from '../syntax/plain-text';
import { plainTokens, plainTokenTreeEnd } from '../syntax/plain-tokens';
import type { SpanOrigin } from '../syntax/tree';
import type { Crate, FileSource, SourceCache } from './crates';
import { newExpansionId } from './expansion-memo';
import type { ModuleScope } from './scopes';
import { findVisibleMacro, macrosOf } from './scopes';
import { BindingScope, Bindings, delimitersOf, Emitter, metavarNames, transcribedTokens } from './transcription';

/**
 * Expansion of local `macro_rules!`, which FFI crates use to stamp out exports, wherever they are
 * invoked (items, `impl` and `trait` blocks, function bodies and initialisers), plus `cfg_if!` and
 * `include!`. rustc reports findings inside an expansion at the span the tokens came from: the macro
 * body for tokens written there, the invocation for tokens passed in. We expand by token substitution,
 * parse the result, and map every span of the expanded items back to where its first token was written.
 * Files named by `include!` are found through the crate's `FileSource`, never on disk directly.
 *
 * Supported: fragments (`$x:ty`, `ident`, `expr`, `tt`, `literal`, `path`, `block`, `vis`, …) and one or
 * more levels of `$( … ) sep op` repetition. Not supported (left unexpanded, reported as such at item
 * level): macros from other crates, and rules whose fragments we cannot delimit.
 */

/** rustc's default `recursion_limit`: recursive macros (libc's own `cfg_if!`) nest deeply. */
const MAX_DEPTH = 128;

/**
 * Items with every macro call we can expand followed by its expansion: at item level, inside `impl`
 * and `trait` blocks, and in function bodies and initialisers (where rustc checks the items too).
 */
export function expandMacroCalls(items: Item[], module: ModuleScope, cache: SourceCache, depth = 0): Item[] {
  if (holdsNoCall(items)) return items;
  // Kept for the editor's loads (a cache that keeps expansions between loads): a command-line run loads each
  // crate once.
  if (depth > 0 || !cache.expansions) return expandList(items, module, cache, depth);
  const kept = KEPT_AS_IS.get(items);
  if (kept && sameLookups(kept.lookups, module)) {
    for (const [name, def] of kept.lookups) lookups?.set(name, def);
    for (const note of kept.unexpanded) module.crate.unexpandedMacros.push(note);
    return items;
  }
  const outer = { lookups, builtin: usedBuiltin };
  const mine = new Map<string, MacroRulesItem | undefined>();
  lookups = mine;
  usedBuiltin = false;
  const reported = module.crate.unexpandedMacros.length;
  let expanded: Item[];
  let builtin: boolean;
  try {
    expanded = expandList(items, module, cache, depth);
  } finally {
    builtin = usedBuiltin;
    lookups = outer.lookups;
    usedBuiltin = outer.builtin || builtin;
    for (const [name, def] of mine) lookups?.set(name, def);
  }
  if (expanded === items && !builtin)
    KEPT_AS_IS.set(items, { lookups: mine, unexpanded: module.crate.unexpandedMacros.slice(reported) });
  return expanded;
}

/**
 * Lists of a crate's items that expanded to themselves (each call's macro not the crate's, or matching no rule,
 * or a body's call that cannot matter), with the macros looked up to decide it and what it noted of calls left
 * unexpanded. The editor loads a crate again at every keystroke that is not inert: a list of a file it did not
 * change is the same list, and when each name still finds the same macro its expansion is the same (the
 * calls of gtk's functions, nearly all of which invoke `assert_initialized_main_thread!()`, were followed
 * again at every keystroke). Not for a list that invoked a built-in expansion (`include!` reads a file).
 */
const KEPT_AS_IS = new WeakMap<Item[], { lookups: Lookups; unexpanded: Crate['unexpandedMacros'] }>();

type Lookups = Map<string, MacroRulesItem | undefined>;

/** The macros looked up while the innermost list being expanded at depth 0 is (see `KEPT_AS_IS`). */
let lookups: Lookups | null = null;
/** Whether a built-in expansion was invoked meanwhile. */
let usedBuiltin = false;

function sameLookups(known: Lookups, module: ModuleScope): boolean {
  for (const [name, def] of known) if (findVisibleMacro(module, name) !== def) return false;
  return true;
}

/** `findVisibleMacro`, noted for `KEPT_AS_IS`. */
function visibleMacro(module: ModuleScope, name: string): MacroRulesItem | undefined {
  const def = findVisibleMacro(module, name);
  lookups?.set(name, def);
  return def;
}

function expandList(items: Item[], module: ModuleScope, cache: SourceCache, depth: number): Item[] {
  // Most lists expand to themselves (an impl's methods, a body's helpers): the copy is made at the first
  // item that changes, of the items before it.
  let out: Item[] | null = null;
  // Macros defined in this list (by earlier expansions too: `cfg_if!` around `macro_rules!`) are visible
  // to its calls: those already in `out` first, then those of the list as written.
  const outMacros: MacroRulesItem[] = [];
  const local = (name: string): MacroRulesItem | undefined =>
    outMacros.find((m) => m.name === name) ?? macrosOf(items).get(name);
  for (let i = 0; i < items.length; i++) {
    const item = items[i];
    if (item.kind !== 'macro-call') {
      const inside = expandInside(item, module, cache, depth);
      if (inside !== item) out ??= items.slice(0, i);
      out?.push(inside);
      if (inside.kind === 'macro-rules') outMacros.push(inside);
      continue;
    }
    // Expanded in an earlier pass: its items already follow it in the list.
    if (EXPANDED.has(item)) {
      out?.push(item);
      continue;
    }
    const expanded = expandOne(item, module, cache, local, depth);
    if (!expanded) {
      out?.push(item);
      continue;
    }
    // Its tokens are read by no one once it is expanded (libc's `s!` holds every struct it declares): the
    // list keeps the call without them. The file's own items (the cache's) keep theirs.
    const done: MacroCallItem = { ...item, tokens: [] };
    EXPANDED.add(done);
    out ??= items.slice(0, i);
    out.push(done);
    for (const e of expanded) out.push(e);
    for (const e of expanded) if (e.kind === 'macro-rules') outMacros.push(e);
  }
  // Nothing expanded: the same list, so a later pass sees no change.
  return out ?? items;
}

/**
 * Whether a list holds no macro call at any depth `expandMacroCalls` looks (bodies, initialisers, impls and
 * traits): then it expands to itself. Items are never changed once read, and most of a crate's outlive an
 * edit: the answer is kept for each list, so a keystroke's re-check passes them at once.
 */
function holdsNoCall(items: Item[]): boolean {
  if (!items.length) return true;
  let free = CALL_FREE.get(items);
  if (free === undefined) {
    free = items.every((item) => {
      switch (item.kind) {
        case 'macro-call':
          return false;
        case 'fn':
        case 'static':
        case 'const':
          return holdsNoCall(item.nested);
        case 'impl':
        case 'trait':
          return holdsNoCall(item.items);
        default:
          return true;
      }
    });
    CALL_FREE.set(items, free);
  }
  return free;
}

const CALL_FREE = new WeakMap<Item[], boolean>();

/** Calls already expanded: the crate is expanded in passes until no new macro becomes visible. */
const EXPANDED = new WeakSet<MacroCallItem>();

function withNested<T extends { nested: Item[] }>(item: T, nested: Item[]): T {
  return nested === item.nested ? item : { ...item, nested };
}

function withItems<T extends { items: Item[] }>(item: T, items: Item[]): T {
  return items === item.items ? item : { ...item, items };
}

function expandInside(item: Item, module: ModuleScope, cache: SourceCache, depth: number): Item {
  switch (item.kind) {
    case 'fn':
      // A body that declares nothing but macro calls none of which can write a boundary item: whatever
      // they expand to is local to the body and read by no rule (statements, `vec!`, test helpers).
      if (onlyCallsThatCannotMatter(item.nested, module)) return item;
      return withNested(item, expandMacroCalls(item.nested, module, cache, depth));
    case 'static':
    case 'const':
      return withNested(item, expandMacroCalls(item.nested, module, cache, depth));
    case 'impl':
    case 'trait':
      return withItems(item, expandMacroCalls(item.items, module, cache, depth));
    default:
      return item;
  }
}

/** Whether a body's items are all macro calls none of which may matter (`bodyCallMayMatter`). */
function onlyCallsThatCannotMatter(nested: Item[], module: ModuleScope): boolean {
  for (const i of nested) if (i.kind !== 'macro-call' || bodyCallMayMatter(i, module)) return false;
  return true;
}

/**
 * Whether a call in a body may expand (through every expansion it leads to) to something a rule reads:
 * its arguments or the rules of the macro it names write `extern`, `no_mangle`, `export_name` or
 * `include`, invoke a macro given as a fragment (`$m!`), or invoke a macro of the crate for which the same
 * holds. A call of a macro the crate does not define is not expanded at all (`cfg_if!` aside, whose
 * arguments are its expansion).
 */
function bodyCallMayMatter(call: MacroCallItem, module: ModuleScope): boolean {
  const said = whatTokensSay(call.tokens);
  if (said.matters) return true;
  const name = calledMacroName(call);
  // Most calls in bodies pass plain arguments to a macro whose rules invoke none of the crate's (gtk's
  // `assert_initialized_main_thread!()`, in nearly every function): answered without following anything.
  if (!said.calls.length) {
    const def = visibleMacro(module, name);
    if (!def || neverMatters(def)) return false;
  }
  const seen = new Set<MacroRulesItem>();
  return said.calls.some((called) => macroMayMatter(called, module, seen)) || macroMayMatter(name, module, seen);
}

/** Whether no rule of the macro writes a boundary word, invokes a fragment or invokes a macro: whatever is visible. */
function neverMatters(def: MacroRulesItem): boolean {
  let never = NEVER_MATTERS.get(def);
  if (never === undefined) {
    never = def.rules.every((rule) => {
      const said = whatTokensSay(rule.body);
      return !said.matters && !said.calls.length;
    });
    NEVER_MATTERS.set(def, never);
  }
  return never;
}

const NEVER_MATTERS = new WeakMap<MacroRulesItem, boolean>();

function tokensMayMatter(tokens: Token[], module: ModuleScope, seen: Set<MacroRulesItem>): boolean {
  const said = whatTokensSay(tokens);
  return said.matters || said.calls.some((name) => macroMayMatter(name, module, seen));
}

/** Whether a macro visible in the module, not yet `seen`, has a rule that may matter. */
function macroMayMatter(name: string, module: ModuleScope, seen: Set<MacroRulesItem>): boolean {
  const def = visibleMacro(module, name);
  if (!def || seen.has(def)) return false;
  seen.add(def);
  return def.rules.some((rule) => tokensMayMatter(rule.body, module, seen));
}

/**
 * What tokens (a call's arguments, a rule's body) say of whether an expansion may matter, whichever macros
 * are visible: whether they write a boundary word or invoke a fragment (`$m!`), and else the macros they
 * invoke. Kept for each list of tokens (read, never changed): a keystroke's re-check asks again for every
 * call in the crate's bodies.
 */
interface TokensSay {
  matters: boolean;
  calls: readonly string[];
}

function whatTokensSay(tokens: Token[]): TokensSay {
  let said = TOKENS_SAY.get(tokens);
  if (!said) {
    const calls = new Set<string>();
    said = { matters: tokensWriteBoundary(tokens, calls), calls: [...calls] };
    TOKENS_SAY.set(tokens, said);
  }
  return said;
}

const TOKENS_SAY = new WeakMap<Token[], TokensSay>();

/** Whether the tokens (at any depth) write a boundary word or invoke a fragment; the macros they invoke go to `calls`. */
function tokensWriteBoundary(tokens: Token[], calls: Set<string>): boolean {
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i];
    if (t.children) {
      if (tokensWriteBoundary(t.children, calls)) return true;
      continue;
    }
    if (BOUNDARY_TOKENS.has(t.text)) return true;
    if (tokens[i + 1]?.text !== '!' || t.kind === 'group') continue;
    if (t.text.startsWith('$')) return true;
    if (t.text !== 'macro_rules') calls.add(t.text);
  }
  return false;
}

/** Words whose presence in an expansion may make it declare a boundary item (or read a file that does). */
const BOUNDARY_TOKENS = new Set(['extern', 'no_mangle', 'export_name', 'include']);

type Expander = (call: MacroCallItem, module: ModuleScope, cache: SourceCache, depth: number) => Item[] | null;

/**
 * The macros expanded as rustc would, where the crate defines none of the name: `cfg_if!` (its arguments are
 * its expansion), `match_cfg!`, and an item-level `include!`.
 */
const BUILTIN_EXPANSIONS = new Map<string, Expander>([
  ['cfg_if', expandCfgIf],
  ['match_cfg', expandMatchCfg],
  ['include', (call, module, cache, depth) => (call.inBody ? null : expandInclude(call, module, cache, depth))],
]);

/** Whether a call of this name may be expanded though the crate defines no macro of the name. */
export function expandedWithoutDefinition(name: string): boolean {
  return BUILTIN_EXPANSIONS.has(name);
}

function expandOne(
  call: MacroCallItem,
  module: ModuleScope,
  cache: SourceCache,
  local: (name: string) => MacroRulesItem | undefined,
  depth: number,
): Item[] | null {
  const name = calledMacroName(call);
  const def = local(name) ?? visibleMacro(module, name);
  const builtin = def ? undefined : BUILTIN_EXPANSIONS.get(name);
  if (builtin) {
    usedBuiltin = true;
    return builtin(call, module, cache, depth);
  }
  if (!def) {
    // In bodies most calls are std's (`println!`, `vec!`): only item-level calls are worth noting.
    if (!call.inBody && !BUILTIN_ITEM_MACROS.has(name))
      module.crate.unexpandedMacros.push({ origin: call.origin, name, why: 'not a macro_rules! of this crate' });
    return null;
  }
  if (depth >= MAX_DEPTH) {
    module.crate.unexpandedMacros.push({ origin: call.origin, name, why: 'recursion limit' });
    return null;
  }
  const known = cache.expansions?.get(call, def);
  if (known && !SLOW_RULES.has(def.rules[known.rule]))
    return expandMacroCalls(applyCfg(known.items, module.crate.cfg), module, cache, depth + 1);
  for (const [index, rule] of def.rules.entries()) {
    const bindings = matchRule(rule, call.tokens);
    if (!bindings) continue;
    if (!SLOW_RULES.has(rule)) {
      const slow: SlowAfterErrors = (ms, text) => slowAfterErrors(module.crate, rule, ms, text);
      const first = withLeadingCall(rule, bindings, call, cache, slow);
      const items = first === SLOW ? null : (first ?? ruleItems(rule, bindings, call, cache, slow));
      if (items) {
        cache.expansions?.set(call, def, { rule: index, items });
        return expandMacroCalls(applyCfg(items, module.crate.cfg), module, cache, depth + 1);
      }
    }
    module.crate.unexpandedMacros.push({ origin: call.origin, name, why: SLOW_EXPANSION });
    return null;
  }
  module.crate.unexpandedMacros.push({ origin: call.origin, name, why: 'no rule matched the arguments' });
  return null;
}

/** The items a rule writes for a call, read from its text (a trailing macro call transcribed to tokens). */
function ruleItems(
  rule: MacroRule,
  bindings: Bindings,
  call: MacroCallItem,
  cache: SourceCache,
  slow: SlowAfterErrors,
): Item[] | null {
  // An expansion in a body is statements: parse it inside a function to read its items.
  const emitter = new Emitter(call.inBody ? 'fn __ffi_guard_expansion() {' : '');
  // A rule that ends by calling a macro (a muncher's `intrinsics! { $($rest)* }`) is emitted in two
  // parts, so that the call is read as tokens, not parsed again at every level of the recursion.
  const tail = call.inBody ? -1 : trailingCallStart(rule.body);
  emitter.emitAll(tail < 0 ? rule.body : rule.body.slice(0, tail), bindings);
  return expansionItems(
    emitter,
    call,
    cache,
    call.inBody ?? false,
    ruleBodyOrigin(rule),
    slow,
    tail < 0 ? null : { body: rule.body.slice(tail), bindings },
  );
}

/**
 * The items of a rule whose body starts with a macro call and goes on (a muncher that calls itself first,
 * `m!($($rest)*); impl … for $t { … }`): the call transcribed to tokens, the rest read from its text alone,
 * as `expansionItems` reads them from the whole text. Null when it would not read them so (an expansion in a
 * body, a call that is not plain, a rest that does not parse cleanly alone): the whole text is then read.
 * `SLOW` when the rest parsed with errors as slowly as `SLOW_RULES` says (the rule is then one of them).
 */
function withLeadingCall(
  rule: MacroRule,
  bindings: Bindings,
  call: MacroCallItem,
  cache: SourceCache,
  slow: SlowAfterErrors,
): Item[] | typeof SLOW | null {
  const end = call.inBody || !expansionReading.transcribeTrailingCalls ? -1 : leadingCallEnd(rule.body);
  if (end < 0) return null;
  const expansion = newExpansion(call, ruleBodyOrigin(rule));
  const first = transcribedCall({ body: rule.body.slice(0, end), bindings }, expansion);
  if (!first) return null;
  const emitter = new Emitter();
  emitter.emitAll(rule.body.slice(end), bindings);
  const file = call.origin.file;
  const rest = partItems(
    emitter.text,
    cache,
    (start, spanEnd) => emitter.spanBack(file, start, spanEnd),
    file,
    expansion,
    slow,
  );
  return rest === SLOW || rest === null ? rest : [first, ...rest];
}

/** What a part of an expansion that parsed with errors as slowly as `SLOW_RULES` says reads as. */
const SLOW = Symbol('slow');

/**
 * The items of a part of an item-level expansion's text read alone, as the parse of the whole text gives them:
 * none for white space, the calls of a part that is only macro calls written plainly (`plainCalls`), else
 * those of its parse. Null when it parses with errors (the whole text is then parsed); `SLOW` when `slow`
 * says its rule is slow now.
 */
function partItems(
  text: string,
  cache: SourceCache,
  mapSpan: SpanOrigin,
  file: string,
  expansion: Expansion,
  slow: SlowAfterErrors,
): Item[] | typeof SLOW | null {
  if (!text.trim()) return [];
  const calls = plainCalls(text, expansion, mapSpan);
  if (calls) return calls;
  const started = performance.now();
  const parsed = cache.parseFragment(text);
  try {
    if (!parsed.tree.rootNode.hasError) return extractItemsFromTree(file, parsed, mapSpan, expansion, false);
    return slow(performance.now() - started, text) ? SLOW : null;
  } finally {
    parsed.tree.delete();
  }
}

/**
 * Where the macro call a rule's body starts with (`path::name!(…);`, `name! { … }`) ends, past its `;`, when
 * more follows it; -1 otherwise. A `(…)` or `[…]` call stands as an item only with its `;`.
 */
function leadingCallEnd(body: Token[]): number {
  let i = body[0]?.text === '$crate' && body[1]?.text === '::' ? 2 : 0;
  if (!writtenName(body[i])) return -1;
  while (body[i + 1]?.text === '::' && writtenName(body[i + 2])) i += 2;
  const group = body[i + 2];
  if (body[i + 1]?.text !== '!' || group?.kind !== 'group') return -1;
  let end = i + 3;
  if (body[end]?.text === ';') end++;
  else if (group.delimiter !== '{') return -1;
  return end < body.length ? end : -1;
}

/** A new expansion of `call`, by a rule whose body is written at `body`. */
function newExpansion(call: MacroCallItem, body: Origin | undefined): Expansion {
  return {
    at: call.origin,
    id: newExpansionId(),
    ...(call.expansion ? { parent: call.expansion } : {}),
    ...(body ? { body } : {}),
  };
}

/**
 * `cfg_if::cfg_if! { if #[cfg(a)] { … } else if #[cfg(b)] { … } else { … } }`, used by libc and many
 * -sys crates: the items of the first branch whose predicate holds.
 */
function expandCfgIf(call: MacroCallItem, module: ModuleScope, cache: SourceCache, depth: number): Item[] {
  const t = call.tokens;
  let i = 0;
  while (i < t.length) {
    if (t[i]?.text === 'else') i++;
    let holds = true;
    if (t[i]?.text === 'if') {
      // `if # [cfg(pred)] { … }`
      const attr = t[i + 2];
      const cfgGroup = attr?.children?.[1];
      holds =
        t[i + 1]?.text === '#' &&
        attr?.kind === 'group' &&
        attr.children?.[0]?.text === 'cfg' &&
        !!cfgGroup?.children &&
        evalCfg(cfgGroup.children, module.crate.cfg);
      i += 3;
    }
    const branch = t[i];
    if (branch?.kind !== 'group' || branch.delimiter !== '{') break;
    i++;
    if (holds) return branchItems([branch], call, module, cache, depth);
  }
  return [];
}

/**
 * `match_cfg::match_cfg! { #[cfg(a)] => { … } #[cfg(b)] => { … } _ => { … } }` (hostname, among others),
 * as its rules write it: the first arm where its predicate holds, each later arm where its own holds and
 * the first arm's does not (not where no earlier one holds), and `_` where none of the others' holds.
 */
function expandMatchCfg(call: MacroCallItem, module: ModuleScope, cache: SourceCache, depth: number): Item[] {
  const t = call.tokens;
  const arms: { holds: boolean | null; body: Token }[] = [];
  for (let i = 0; i < t.length;) {
    // `# [cfg(pred)] => { … }` or `_ => { … }`
    const attr = t[i + 1];
    const cfgGroup = attr?.children?.[1];
    const isCfg = t[i].text === '#' && attr?.kind === 'group' && attr.children?.[0]?.text === 'cfg' && !!cfgGroup;
    const at = isCfg ? i + 2 : t[i].text === '_' ? i + 1 : -1;
    const body = t[at + 1];
    if (at < 0 || t[at]?.text !== '=>' || body?.kind !== 'group' || body.delimiter !== '{') return [];
    arms.push({ holds: isCfg ? evalCfg(cfgGroup.children ?? [], module.crate.cfg) : null, body });
    i = at + 2;
  }
  const conditions = arms.filter((a) => a.holds !== null).map((a) => a.holds);
  const kept = arms.filter((arm, k) =>
    arm.holds === null ? !conditions.some(Boolean) : k === 0 ? arm.holds : arm.holds && !arms[0].holds,
  );
  return kept.length
    ? branchItems(
        kept.map((a) => a.body),
        call,
        module,
        cache,
        depth,
      )
    : [];
}

/** The items of the chosen branches of a built-in conditional macro (`cfg_if!`, `match_cfg!`), expanded. */
function branchItems(
  branches: Token[],
  call: MacroCallItem,
  module: ModuleScope,
  cache: SourceCache,
  depth: number,
): Item[] {
  const emitter = new Emitter();
  for (const branch of branches) for (const token of branch.children ?? []) emitter.emitToken(token);
  // The branches are the crate's own text, not a rule's: never dropped for being slow.
  const items = expansionItems(emitter, call, cache, false, undefined, NEVER_SLOW) ?? [];
  return expandMacroCalls(applyCfg(items, module.crate.cfg), module, cache, depth + 1);
}

/** Where a rule's body is written: from its first token to its last (null for an empty body). */
function ruleBodyOrigin(rule: MacroRule): Origin | undefined {
  const first = rule.body[0]?.origin;
  const last = rule.body[rule.body.length - 1]?.origin;
  if (!first || !last || first.file !== last.file) return undefined;
  return { file: first.file, span: { start: first.span.start, end: last.span.end } };
}

/**
 * Rules an expansion of which parsed with errors far slower than code parses: tree-sitter's error
 * recovery is superlinear on some garbage (a recursive rule writing 50,000 `"` took 0.4 s a level), and
 * a rule that makes it once makes it at every call. So are rules whose expansions with errors have taken
 * `SLOW_RULE_ERROR_PARSES_MS` to parse in all: 100 kB of `x!x!…` parsed at 0.5 µs a character, no slower than
 * code on a loaded machine, but 25 calls took 2.5 s (`npm run fuzz -- --seed 164`, iteration 1406). Such a
 * rule is not expanded again in its crate, and that expansion is dropped too, so that every call of the rule
 * is treated alike.
 */
const SLOW_RULES = new WeakSet<MacroRule>();
const SLOW_EXPANSION = 'an expansion of this rule parses with errors, far slower than code: not expanded';

/**
 * What makes an expansion's parse slow: at least 50 ms, and 2 µs a character, when `npm run bench` parses
 * real code at 0.1 to 0.2 µs a character: only error recovery gone superlinear is that slow, even on a
 * loaded machine.
 */
const SLOW_PARSE_MIN_MS = 50;
const SLOW_PARSE_MS_PER_CHAR = 0.002;

/** Whether a parse of `text` that took `ms` was as slow as error recovery gone superlinear is. */
function parsedSlowly(ms: number, text: string): boolean {
  return ms >= SLOW_PARSE_MIN_MS && ms >= text.length * SLOW_PARSE_MS_PER_CHAR;
}

/**
 * The time the expansions of a rule that parsed with errors took to parse, in all, past which the rule is
 * slow. Real macros' expansions rarely parse with errors: the bench workspaces' did in about 70 ms in all (328
 * expansions in the bindings workspace, 2 ms the slowest), over every rule (`node
 * out/test/bench/expansion-errors.js`).
 */
const SLOW_RULE_ERROR_PARSES_MS = 500;

/**
 * The time each rule's expansions with errors took to parse so far in a crate (`slowAfterErrors`): counted
 * per crate loaded, so that the editor, which loads a crate again at an edit, does not add up every edit's.
 */
const errorParseMs = new WeakMap<Crate, Map<MacroRule, number>>();

/** Told of an expansion that parsed with errors, and how long it took: whether its rule is slow now. */
type SlowAfterErrors = (ms: number, text: string) => boolean;

/** For an expansion of no rule (a built-in's): never slow. */
const NEVER_SLOW: SlowAfterErrors = () => false;

/** `SlowAfterErrors` for a rule expanded in a crate: one of `SLOW_RULES` from this expansion on, or not. */
function slowAfterErrors(crate: Crate, rule: MacroRule, ms: number, text: string): boolean {
  let spent = errorParseMs.get(crate);
  if (!spent) errorParseMs.set(crate, (spent = new Map<MacroRule, number>()));
  const total = (spent.get(rule) ?? 0) + ms;
  spent.set(rule, total);
  if (!parsedSlowly(ms, text) && total < SLOW_RULE_ERROR_PARSES_MS) return false;
  SLOW_RULES.add(rule);
  return true;
}

/**
 * The items of an expansion's text (a new expansion of `call`). With `inBody`, the text is statements
 * wrapped in a function (the call stood in a body): its body's items. Text that is only macro calls
 * written plainly is read without a parse (`plainCalls`). Null when the parse had errors and `slow` says
 * the rule is slow now (`SLOW_RULES`).
 */
function expansionItems(
  emitter: Emitter,
  call: MacroCallItem,
  cache: SourceCache,
  inBody: boolean,
  body: Origin | undefined,
  slow: SlowAfterErrors,
  /** The macro call that ends the rule's body (`trailingCallStart`), not written in `emitter` yet, or null. */
  trailing: TrailingCall | null = null,
): Item[] | null {
  const file = call.origin.file;
  const expansion = newExpansion(call, body);
  const mapSpan = (start: number, end: number): Origin => emitter.spanBack(file, start, end);
  let split: number | null = null;
  if (trailing) {
    const read = expansionReading.transcribeTrailingCalls
      ? withTranscribedCall(emitter.text, trailing, cache, mapSpan, file, expansion, slow)
      : null;
    if (read) return read;
    split = emitter.text.length;
    emitter.emitAll(trailing.body, trailing.bindings);
  }
  const calls = inBody ? null : plainCalls(emitter.text, expansion, mapSpan);
  if (calls) return calls;
  if (split !== null) {
    const items = withTrailingCalls(emitter.text, split, cache, mapSpan, file, expansion, slow);
    if (items) return items;
  }
  const text = emitter.text + (inBody ? ' }' : '');
  const started = performance.now();
  const parsed = cache.parseFragment(text);
  try {
    if (parsed.tree.rootNode.hasError && slow(performance.now() - started, text)) return null;
    return extractItemsFromTree(file, parsed, mapSpan, expansion, inBody);
  } finally {
    parsed.tree.delete();
  }
}

/**
 * Where a rule's body ends with a macro call (`path::name! { … }`, `name!(…);`) that follows a complete
 * item (a `}` or a `;` before it, not an attribute) or stands alone: the index of the call's first token,
 * or -1. A muncher's step that is nothing but the call to its next (nix's `libc_enum!`, which hands on the
 * variants gathered so far) is transcribed as well: written out and read back, every step lexed again all
 * that the steps before it gathered.
 */
function trailingCallStart(body: Token[]): number {
  let end = body.length;
  if (end && body[end - 1].kind === 'punct' && body[end - 1].text === ';') end--;
  if (end < 3 || body[end - 1].kind !== 'group' || body[end - 2].text !== '!') return -1;
  // A name written in the rule (not a fragment's), after a path of names or `$crate`.
  let start = end - 3;
  if (!writtenName(body[start])) return -1;
  while (
    start >= 2 &&
    body[start - 1].text === '::' &&
    (writtenName(body[start - 2]) || body[start - 2].text === '$crate')
  )
    start -= 2;
  const before = body[start - 1];
  if (!before) return start;
  const itemEnds =
    (before.kind === 'group' && before.delimiter === '{') || (before.kind === 'punct' && before.text === ';');
  return itemEnds ? start : -1;
}

/** A name of a macro call's path written in the rule itself, not a fragment's (`$name`). */
function writtenName(t: Token | undefined): boolean {
  return !!t && t.kind === 'ident' && !t.text.startsWith('$');
}

/**
 * How an expansion ending in a macro call is read: the call transcribed to tokens (`withTranscribedCall`), or
 * written out and read back from the text. Tests compare the two; the items are the same.
 */
export const expansionReading = { transcribeTrailingCalls: true };

/** The macro call a rule's body ends with (`trailingCallStart`), and the bindings it is transcribed with. */
interface TrailingCall {
  body: Token[];
  bindings: BindingScope;
}

/**
 * What `expansionItems` reads from the text before a rule's trailing call and the call written after it, the
 * call transcribed to tokens rather than written and read back (`transcribedTokens`): the same items. Null
 * when the call would not read back plainly, or the text before it does not parse cleanly alone (the text is
 * then written whole and read as it always is).
 */
function withTranscribedCall(
  before: string,
  trailing: TrailingCall,
  cache: SourceCache,
  mapSpan: SpanOrigin,
  file: string,
  expansion: Expansion,
  slow: SlowAfterErrors,
): Item[] | null {
  const call = transcribedCall(trailing, expansion);
  if (!call) return null;
  // Slow or not, a part before the call that parses with errors leaves the whole text to be parsed.
  const items = partItems(before, cache, mapSpan, file, expansion, slow);
  return Array.isArray(items) ? [...items, call] : null;
}

/**
 * A rule's trailing call (`path::name! { … }`, `name!(…);`) as `plainCalls` reads it from its transcription,
 * or null when it would not read it (a keyword in the path, `name!(…)` without its `;`, a token that is not
 * plain).
 */
function transcribedCall({ body, bindings }: TrailingCall, expansion: Expansion): MacroCallItem | null {
  const bang = body.findIndex((t) => t.text === '!');
  const group = body[bang + 1];
  if (bang < 1 || group?.kind !== 'group') return null;
  const path = body.slice(0, bang).map((t) => (t.text === '$crate' ? 'crate' : t.text));
  for (let k = 0; k < path.length; k++) {
    const segment = path[k];
    if (k % 2 === 1) {
      if (segment !== '::') return null;
      continue;
    }
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(segment)) return null;
    const startsLonger = k === 0 && PATH_STARTS.has(segment) && path.length > 1;
    if (NOT_MACRO_NAMES.has(segment) && !startsLonger) return null;
  }
  if (path.length % 2 === 0 || path.join('') === 'macro_rules') return null;
  const after = body[bang + 2];
  if (after ? after.text !== ';' || bang + 3 !== body.length : group.delimiter !== '{') return null;
  const tokens = transcribedTokens(group.children ?? [], bindings);
  if (!tokens) return null;
  const first = body[0].origin;
  const { close } = delimitersOf(group);
  const end = close.file === first.file && close.span.end >= first.span.start ? close.span.end : first.span.end;
  const at = (): Origin => ({ file: first.file, span: { start: first.span.start, end } });
  return {
    kind: 'macro-call',
    name: '',
    attrs: [],
    visibility: 'private',
    origin: at(),
    nameOrigin: at(),
    fromMacro: true,
    expansion,
    macroName: path.join(''),
    tokens,
  };
}

/**
 * The items of an item-level expansion whose text ends with macro calls written plainly from `split` on:
 * the text before them parsed, the calls read as tokens (`plainCalls`). Null when they are not plain, or the
 * text before does not parse cleanly alone: the whole text is then parsed.
 */
function withTrailingCalls(
  text: string,
  split: number,
  cache: SourceCache,
  mapSpan: SpanOrigin,
  file: string,
  expansion: Expansion,
  slow: SlowAfterErrors,
): Item[] | null {
  const calls = plainCalls(text.slice(split), expansion, (start, end) => mapSpan(start + split, end + split));
  if (!calls) return null;
  const items = partItems(text.slice(0, split), cache, mapSpan, file, expansion, slow);
  return Array.isArray(items) ? [...items, ...calls] : null;
}

/**
 * An item-level expansion that is nothing but macro calls written plainly — `name!(…);`, `a :: b! { … }`,
 * each group a plain token tree (syntax/plain-tokens.ts) — as the items its parse gives
 * (syntax/items.ts): libc's `s!` expands to one `s!(it: …);` per struct, each of which expands to
 * `__item! { … }`, and none of these needs the parser. Null when the text is anything else (or empty).
 */
export function plainCalls(text: string, expansion: Expansion, origin: SpanOrigin): MacroCallItem[] | null {
  const out: MacroCallItem[] = [];
  let at = 0;
  const space = (): void => {
    while (at < text.length && isSpace(text.charCodeAt(at))) at++;
  };
  const word = (): string => {
    const start = at;
    if (at < text.length && isWordStart(text.charCodeAt(at))) while (isWordPart(text.charCodeAt(++at)));
    return text.slice(start, at);
  };
  for (space(); at < text.length; space()) {
    const start = at;
    let pathEnd = at;
    for (let first = true; ; first = false) {
      const segment = word();
      const keyword = NOT_MACRO_NAMES.has(segment);
      // `crate`, `self`, `super` only begin a longer path.
      const starts = first && PATH_STARTS.has(segment);
      if (!segment || (keyword && !starts)) return null;
      pathEnd = at;
      space();
      if (!text.startsWith('::', at)) {
        if (starts) return null;
        break;
      }
      at += 2;
      space();
    }
    if (text.slice(start, pathEnd) === 'macro_rules' || text[at] !== '!' || text[at + 1] === '=') return null;
    at++;
    space();
    const open = at;
    const end = plainTokenTreeEnd(text, open);
    if (end < 0) return null;
    at = end;
    space();
    // `name!(…)` and `name![…]` stand as items only with a `;` after them.
    if (text[at] === ';') at++;
    else if (text[open] !== '{') return null;
    const whole = origin(start, end);
    out.push({
      kind: 'macro-call',
      name: '',
      attrs: [],
      visibility: 'private',
      origin: whole,
      nameOrigin: origin(start, end),
      fromMacro: true,
      expansion,
      macroName: text.slice(start, pathEnd).replace(/\s+/g, ''),
      tokens: plainTokens(text.slice(open, end), open, origin),
    });
  }
  return out.length ? out : null;
}

/** What may begin a macro's path though it is a keyword. */
const PATH_STARTS = new Set(['crate', 'self', 'super']);

/** Rust's keywords and reserved words: not a segment of a macro's path (but `PATH_STARTS` first). */
const NOT_MACRO_NAMES = new Set(
  (
    '_ as async await break const continue crate default dyn else enum extern false fn for gen if impl in let ' +
    'loop match mod move mut pub ref return self Self static struct super trait true type union unsafe use ' +
    'where while abstract become box do final macro override priv try typeof unsized virtual yield'
  ).split(' '),
);

/**
 * `include!("bindings.rs")`, `include!(concat!(env!("CARGO_MANIFEST_DIR"), "/…"))` and
 * `include!(concat!(env!("OUT_DIR"), "/bindings.rs"))` (bindgen's pattern, found in the build output under `target/`
 * when the crate has been built): the file's items, as rustc sees them.
 */
function expandInclude(call: MacroCallItem, module: ModuleScope, cache: SourceCache, depth: number): Item[] | null {
  const file = includedFile(call, module, cache.source);
  if (!file) {
    module.crate.unexpandedMacros.push({
      origin: call.origin,
      name: 'include',
      why: 'the included file could not be found (OUT_DIR exists only after a build)',
    });
    return null;
  }
  const source = cache.get(file);
  if (!source) return null;
  module.crate.files.add(file);
  module.crate.included.set(file, call.origin.file);
  return expandMacroCalls(applyCfg(source.items.items, module.crate.cfg), module, cache, depth + 1);
}

/** The file an `include!` names, if it exists; read through `source`, so an unsaved open document counts. */
function includedFile(call: MacroCallItem, module: ModuleScope, source: FileSource): string | null {
  const parts: string[] = [];
  const read = (tokens: Token[]): boolean => {
    for (let i = 0; i < tokens.length; i++) {
      const t = tokens[i];
      if (t.kind === 'string') parts.push(t.text.replace(/^"|"$/g, ''));
      else if (t.text === 'concat' && tokens[i + 2]?.kind === 'group') {
        if (!read(tokens[i + 2].children ?? [])) return false;
        i += 2;
      } else if (t.text === 'env' && tokens[i + 2]?.kind === 'group') {
        const name = tokens[i + 2].children?.[0]?.text.replace(/^"|"$/g, '');
        const value = name ? envDir(name, module, source) : null;
        if (!value) return false;
        parts.push(value);
        i += 2;
      } else if (t.text !== ',') return false;
    }
    return true;
  };
  if (!read(call.tokens) || !parts.length) return null;
  const joined = parts.join('');
  const file = path.isAbsolute(joined) ? joined : path.resolve(path.dirname(call.origin.file), joined);
  if (joined.startsWith('\u0000OUT_DIR')) return findInOutDir(joined.slice('\u0000OUT_DIR'.length), module, source);
  return source.exists(file) ? file : null;
}

/** `CARGO_MANIFEST_DIR`: the folder of the crate's Cargo.toml. `OUT_DIR` is looked up per file, below. */
function envDir(name: string, module: ModuleScope, source: FileSource): string | null {
  if (name === 'OUT_DIR') return '\u0000OUT_DIR';
  if (name !== 'CARGO_MANIFEST_DIR') return null;
  return manifestDir(module.crate.rootFile, source);
}

function manifestDir(file: string, source: FileSource): string | null {
  for (let d = path.dirname(file); path.dirname(d) !== d; d = path.dirname(d))
    if (source.exists(path.join(d, 'Cargo.toml'))) return d;
  return null;
}

/** The name a macro call invokes, without its path or `!`: `cfg_if::cfg_if!` → `cfg_if`. */
export function calledMacroName(call: MacroCallItem): string {
  return call.macroName.replace(/!$/, '').split('::').pop() ?? '';
}

/**
 * Whether `findInOutDir` may find a file: `CARGO_TARGET_DIR` names a folder of its own, or a discovery saw a
 * folder named `target` where a crate's (`buildFolders`: false when it saw none, undefined when unknown).
 */
export function buildOutputMayExist(buildFolders: boolean | undefined): boolean {
  return buildFolders !== false || process.env.CARGO_TARGET_DIR !== undefined;
}

/** The newest file `rest` under the crate's `target/<profile>/build/<package>-<hash>/out/`, if it was built. */
function findInOutDir(rest: string, module: ModuleScope, source: FileSource): string | null {
  const dir = manifestDir(module.crate.rootFile, source);
  if (!dir) return null;
  const target = process.env.CARGO_TARGET_DIR ?? path.join(dir, 'target');
  const pkg = module.crate.name.replace(/_/g, '-');
  let best: { file: string; mtime: number } | null = null;
  for (const profile of source.list(target)) {
    const build = path.join(target, profile, 'build');
    for (const entry of source.list(build)) {
      if (!entry.startsWith(`${pkg}-`) && !entry.startsWith(`${module.crate.name}-`)) continue;
      const file = path.join(build, entry, 'out', rest.replace(/^[\\/]/, ''));
      const mtime = source.modifiedAt(file);
      if (mtime === null) continue;
      if (!best || mtime > best.mtime) best = { file, mtime };
    }
  }
  return best?.file ?? null;
}

/** Macros of std that can appear at item level and expand to nothing we check. */
const BUILTIN_ITEM_MACROS = new Set([
  'compile_error',
  'global_asm',
  'println',
  'thread_local',
  'assert',
  'debug_assert',
  'const_assert',
]);

// ---- matching ----

function matchRule(rule: MacroRule, input: Token[]): Bindings | null {
  const b: Bindings = new Map();
  const end = matchSeq(rule.pattern, input, 0, b, undefined);
  return end === input.length ? b : null;
}

/**
 * Match `pattern` against `input` from `pos`; returns the position after the match, or -1.
 * `outerFollow` is the token that comes after this pattern in the enclosing one (after a repetition's
 * body), if any.
 */
function matchSeq(pattern: Token[], input: Token[], pos: number, b: Bindings, outerFollow: Token | undefined): number {
  let i = 0;
  while (i < pattern.length) {
    const p = pattern[i];
    if (p.text.startsWith('$') && p.text.length > 1 && pattern[i + 1]?.text === ':' && pattern[i + 2]) {
      const frag = pattern[i + 2].text;
      const n = fragmentLength(frag, input, pos, i + 3 < pattern.length ? pattern[i + 3] : outerFollow);
      if (n < 0) return -1;
      b.set(p.text, { tokens: input.slice(pos, pos + n), frag });
      pos += n;
      i += 3;
      continue;
    }
    if (p.text === '$' && pattern[i + 1]?.kind === 'group') {
      const inner = pattern[i + 1].children ?? [];
      let j = i + 2;
      let sep: string | null = null;
      let op = pattern[j]?.text;
      if (op !== '*' && op !== '+' && op !== '?') {
        sep = op ?? null;
        j++;
        op = pattern[j]?.text;
      }
      // What comes after the repetition: the next token of the pattern, if any.
      const follow = j + 1 < pattern.length ? pattern[j + 1] : undefined;
      // What comes after each of its bodies: the separator, else what follows the repetition.
      const afterBody: Token | undefined =
        sep !== null ? { text: sep, kind: 'punct', origin: pattern[i].origin } : (follow ?? outerFollow);
      if (sep === null && isSingleTt(inner)) {
        // A muncher's `$($rest:tt)*`: each repetition takes one token, up to what follows it.
        let end = pos;
        while (end < input.length && !startsWith(input, end, follow) && (op !== '?' || end === pos)) end++;
        if (op === '+' && end === pos) return -1;
        b.set(inner[0].text, { ttRun: input.slice(pos, end) });
        pos = end;
        i = j + 1;
        continue;
      }
      const reps: Bindings[] = [];
      while (pos < input.length) {
        if (reps.length && sep !== null) {
          if (input[pos]?.text !== sep) break;
          if (startsWith(input, pos + 1, follow)) break;
        }
        const rb: Bindings = new Map();
        const start = reps.length && sep !== null ? pos + 1 : pos;
        if (startsWith(input, start, follow)) break;
        const next = matchSeq(inner, input, start, rb, afterBody);
        if (next < 0 || next === start) break;
        reps.push(rb);
        pos = next;
        if (op === '?') break;
      }
      // A trailing separator is allowed by many macros (`$(,)?` handles it explicitly).
      if (op === '+' && !reps.length) return -1;
      for (const name of metavarNames(inner)) b.set(name, { reps });
      i = j + 1;
      continue;
    }
    const t = input[pos];
    if (!t) return -1;
    if (p.kind === 'group') {
      if (t.kind !== 'group' || t.delimiter !== p.delimiter) return -1;
      // Bound straight into `b`: a group that fails fails the sequence it is in, whose bindings are then
      // dropped (the rule's, or one iteration's of a repetition).
      const end = matchSeq(p.children ?? [], t.children ?? [], 0, b, undefined);
      if (end !== (t.children ?? []).length) return -1;
      pos++;
      i++;
      continue;
    }
    if (t.text !== p.text) return -1;
    pos++;
    i++;
  }
  return pos;
}

/** A repetition's body that is one `$x:tt` and nothing else. */
function isSingleTt(inner: Token[]): boolean {
  const [name, colon, frag] = inner;
  return (
    inner.length === 3 && name.text.startsWith('$') && name.text.length > 1 && colon.text === ':' && frag.text === 'tt'
  );
}

function startsWith(input: Token[], pos: number, f: Token | undefined): boolean {
  if (!f || f.text.startsWith('$')) return false;
  const t = input[pos];
  return !!t && t.kind !== 'group' && t.text === f.text;
}

/**
 * How many input tokens a fragment takes, or -1 when it cannot match. A one-token fragment takes only a
 * token of its kind: an `ident` that took any token made wasm-bindgen's `tys!`, whose first rule is
 * `($($a:ident)*)` and whose inner calls start with `@ (`, match its first rule again and again, each
 * call holding the last, down to the recursion limit.
 */
function fragmentLength(frag: string, input: Token[], pos: number, follow: Token | undefined): number {
  const t = input[pos];
  if (frag === 'tt') return t ? 1 : -1;
  if (frag === 'ident') return t?.kind === 'ident' && t.text !== '_' ? 1 : -1;
  if (frag === 'lifetime') return t?.kind === 'lifetime' ? 1 : -1;
  if (frag === 'literal') {
    if (t?.text === '-') return input[pos + 1]?.kind === 'number' ? 2 : -1;
    return t && isLiteral(t) ? 1 : -1;
  }
  if (frag === 'block') return input[pos]?.kind === 'group' && input[pos].delimiter === '{' ? 1 : -1;
  if (frag === 'vis') {
    if (input[pos]?.text !== 'pub') return 0;
    return input[pos + 1]?.kind === 'group' && input[pos + 1].delimiter === '(' ? 2 : 1;
  }
  // ty, path, expr, pat, stmt, item, meta…: up to the token that follows in the pattern.
  const stop = follow && !follow.text.startsWith('$') && follow.kind !== 'group' ? follow.text : null;
  const typeLike = frag === 'ty' || frag === 'path';
  // An expression ends where rustc's parser ends it, whatever follows it in the pattern (a repetition…).
  if (frag === 'expr' || frag === 'stmt') {
    const n = expressionLength(input, pos, frag === 'stmt');
    return n > 0 ? n : -1;
  }
  if (frag === 'item') return itemLength(input, pos);
  let angle = 0;
  let n = 0;
  for (let k = pos; k < input.length; k++) {
    const t = input[k];
    // A type never contains a `{ … }` block or, outside `<…>`, a `=`: rustc's type parser stops there.
    if (typeLike && angle === 0 && ((t.kind === 'group' && t.delimiter === '{') || t.text === '=')) break;
    // Nor a `[…]` right after a complete type (`X86OpMem [ ]`): an array type stands alone (capstone's
    // `impl_PartialEq_repr_fields!` calls itself with `$name [ ]` and falls through to its first rule).
    if (typeLike && angle === 0 && k > pos && t.kind === 'group' && t.delimiter === '[' && endsType(input[k - 1]))
      break;
    // A path never holds a `!` (a type may: a macro call in type position). nom's `tuple_parser!` tries
    // `$e:path ,` first on `call!(e), …`: taking `call!(e)` as the path, it called itself with
    // `call!(call!(e))`, and so on down to the recursion limit.
    if (frag === 'path' && angle === 0 && t.text === '!') break;
    // Nor a `where` or an `as` outside `<…>` (both may follow one in a pattern): sequoia's
    // `impl_into_iterator!($t where)`, taking `Packet where` as the `$t:ty` of its first rule, called itself
    // with one more `where` each time.
    if (typeLike && angle === 0 && t.kind === 'ident' && (t.text === 'where' || t.text === 'as')) break;
    if (t.kind !== 'group') {
      if (angle === 0 && stop !== null && t.text === stop) break;
      if (
        angle === 0 &&
        stop === null &&
        (frag === 'ty' || frag === 'path') &&
        (t.text === ',' || t.text === ';' || t.text === '=>')
      )
        break;
      if (frag === 'ty' || frag === 'path') {
        if (t.text === '<') angle++;
        else if (t.text === '>' && angle > 0) angle--;
        else if (t.text === '>>' && angle > 0) angle = Math.max(0, angle - 2);
      }
    }
    n++;
  }
  return n > 0 || frag === 'vis' ? n : -1;
}

/** Keywords that go on an expression after an operand: `x as u8`, `for x in y`, `if a {} else {}`. */
const CONTINUES_EXPRESSION = new Set(['as', 'in', 'else']);

/** Keywords after which an operand is still to come (`return x`, `&mut x`, `&raw const x`, `move |x| …`). */
const WANTS_OPERAND = new Set(
  `as async await box break const continue dyn else for if impl in let loop match move mut raw ref return static
   unsafe where while yield`.split(/\s+/),
);

/** Whether a token ends an operand: a name, a literal or a group (`f(x)`, `[a]`, `{ … }`). */
function endsOperand(t: Token): boolean {
  if (t.kind === 'group' || t.kind === 'number' || t.kind === 'string' || t.kind === 'char') return true;
  return t.kind === 'ident' && !WANTS_OPERAND.has(t.text);
}

/** Whether a token ends a type: a name (not `const` of `*const`, `dyn`…), a closing `>`, a group. */
function endsType(t: Token): boolean {
  if (t.kind === 'group') return true;
  if (t.kind === 'ident') return !TYPE_PREFIXES.has(t.text);
  return t.text === '>' || t.text === '>>';
}

/** Keywords a type goes on after: `*const [u8]`, `&mut [u8]`, `dyn Trait`, `unsafe extern "C" fn`. */
const TYPE_PREFIXES = new Set(['const', 'mut', 'dyn', 'impl', 'unsafe', 'extern', 'fn', 'for', 'as', 'where']);

/**
 * The tokens an `item` fragment takes: one item, as rustc's item parser ends it (outer attributes
 * included), whatever follows in the pattern: at its first `;`, or at the `{ … }` that ends it (a body, a
 * struct's fields, an `impl`, a `macro_rules!` or a braced macro call). A `use`, `type`, `const` or
 * `static` item ends at its `;` only: `use a::{b, c};`, `const C: S = S { x: 1 };`. -1 for no complete item.
 * Taking the rest of the input instead made `$($it:item)*` one repetition holding every item, so the
 * `cfg_if!` of libc and of many crates (`$(#[$m] $it)*`) put each branch's `#[cfg]` on its first item
 * alone, and every other item of every branch held: libc loaded the modules of every target.
 */
function itemLength(input: Token[], pos: number): number {
  let k = pos;
  while (input[k]?.text === '#' && input[k + 1]?.kind === 'group' && input[k + 1].delimiter === '[') k += 2;
  if (input[k]?.text === 'pub') k += input[k + 1]?.kind === 'group' && input[k + 1].delimiter === '(' ? 2 : 1;
  const endsAtSemicolon =
    SEMICOLON_ITEMS.has(input[k]?.text ?? '') && !(input[k].text === 'const' && isConstFn(input, k));
  // `{ … }` inside generics is a const argument (`Foo<{ N }>`), not what ends the item.
  let angle = 0;
  for (let j = k; j < input.length; j++) {
    const t = input[j];
    if (t.kind === 'group') {
      if (!endsAtSemicolon && angle === 0 && t.delimiter === '{') return j + 1 - pos;
      continue;
    }
    if (t.text === ';') return j + 1 - pos;
    if (t.text === '<') angle++;
    else if (t.text === '<<') angle += 2;
    else if (t.text === '>') angle = Math.max(0, angle - 1);
    else if (t.text === '>>') angle = Math.max(0, angle - 2);
  }
  return -1;
}

/** Items that end at their `;` whatever groups they hold (a `const` that is not a `const fn`). */
const SEMICOLON_ITEMS = new Set(['use', 'type', 'const', 'static']);

/** `const fn`, `const unsafe fn`, `const extern "C" fn`…: a function, whose body ends it. */
function isConstFn(input: Token[], k: number): boolean {
  return CONST_FN_NEXT.has(input[k + 1]?.text ?? '');
}

const CONST_FN_NEXT = new Set(['fn', 'unsafe', 'extern', 'async']);

/** A literal token: a string, a character, a number, `true` or `false`. */
function isLiteral(t: Token): boolean {
  return t.kind === 'string' || t.kind === 'char' || t.kind === 'number' || /^(true|false)$/.test(t.text);
}

/**
 * The tokens an `expr` or a `stmt` fragment takes: up to the first `,`, `;` or `=>` outside its groups,
 * which no expression holds (rustc allows only these after such a fragment). Two places where a `,` is
 * part of the expression are kept: a closure's parameters (`|a, b| a + b`) and a turbofish's arguments
 * (`f::<A, B>()`). Taking the rest of the input where a repetition followed made a rule of pyo3's,
 * `$t:expr $(, #x=$x:path)?`, swallow its optional part and call itself with an ever longer input down to
 * the recursion limit; stopping at a turbofish's `,` made a rule that did match fail.
 */
function expressionLength(input: Token[], pos: number, statement: boolean): number {
  let turbofish = 0;
  let closureParams = false;
  for (let k = pos; k < input.length; k++) {
    const t = input[k];
    if (t.kind === 'group') continue;
    const text = t.text;
    if (closureParams) {
      if (text === '|') closureParams = false;
      continue;
    }
    // A word right after a complete operand (`vec vec![]`) is where rustc's parser stops: regex's
    // `searcher!` relies on it to fall through to its last rule. (A statement may be an item: `fn f`.)
    const juxtaposed = k > pos && t.kind === 'ident' && !CONTINUES_EXPRESSION.has(text) && endsOperand(input[k - 1]);
    if (juxtaposed && !statement) return k - pos;
    // A closure's parameters open where the expression (or a `move` before them) begins.
    if (text === '|' && (k === pos || input[k - 1].text === 'move' || input[k - 1].text === 'async')) {
      closureParams = true;
      continue;
    }
    if (text === '<' && input[k - 1]?.text === '::') turbofish++;
    else if (turbofish && text === '>') turbofish--;
    else if (turbofish && text === '>>') turbofish = Math.max(0, turbofish - 2);
    else if (!turbofish && (text === ',' || text === ';' || text === '=>')) return k - pos;
  }
  return input.length - pos;
}
