import type { Expansion, Item, MacroCallItem, MacroRulesItem, Origin, Token } from '../syntax/model';

/** A macro call's expansion as parsed: which of the macro's rules matched, and the items its output parsed to. */
export interface ParsedExpansion {
  /** The index of the rule in the macro's list. */
  rule: number;
  /** The items of the output, before `cfg` and before the calls they hold are expanded. */
  items: Item[];
}

let lastExpansionId = 0;

/** A new expansion's identity (`Expansion.id`): rustc reports a diagnostic once per expansion that wrote it. */
export function newExpansionId(): number {
  return ++lastExpansionId;
}

/** Expansions of one call, by the macro that expanded it (see `ExpansionMemo.macroKey`). */
type ByMacro = Map<string, ParsedExpansion>;

/** The expansions of a call written in a file, and where the call was when they were parsed. */
interface WrittenCall {
  start: number;
  end: number;
  byMacro: ByMacro;
}

/**
 * A file's calls by their text: those looked up since the file was last read, and those of the read
 * before, kept for one more load.
 */
interface FileCalls {
  current: Map<string, WrittenCall[]>;
  previous: Map<string, WrittenCall[]> | null;
}

/** Origins in `file` within `[from, to]` move by `by`. */
interface Shift {
  file: string;
  from: number;
  to: number;
  by: number;
}

/**
 * The macro expansions the editor has parsed (`SourceCache.expansions`). Its crates are loaded again at
 * every edit that is not inert, and parsing what their macros write was most of that time (185 ms a
 * keystroke in syn's `expr.rs`). What a macro writes for a call depends only on the macro's rules and the
 * call's tokens, and where the items of its output are only on where those tokens were written:
 *
 * - a call written in a file is known by its text. Found at another place (an edit before it moved it),
 *   its expansion is copied with the places inside the call moved as the call did (`shifted`), which
 *   costs a walk of the items instead of a parse and an extraction;
 * - a call an expansion wrote is known by its tokens, the same array for as long as that expansion is
 *   kept (a moved expansion's calls are moved with it);
 * - a macro written in a file is known by its place and its text (a moved one is parsed again where it is
 *   called), one an expansion wrote by its rules.
 *
 * Each time a file is read again, what its calls found at the previous load is kept for one more load,
 * so that what no call asks for any more is let go. Items are never changed once read: the next load
 * shares them (`applyCfg` copies what it keeps).
 */
export class ExpansionMemo {
  private readonly written = new Map<string, FileCalls>();
  private readonly nested = new WeakMap<Token[], ByMacro>();
  private readonly ids = new WeakMap<object, number>();
  private nextId = 1;
  /** How many expansions were found here rather than parsed again (`moved` of them at another place). */
  reused = 0;
  moved = 0;

  /** `textOf`: the text of a file the cache holds, which the places of its items are in; null if none. */
  constructor(private readonly textOf: (file: string) => string | null) {}

  get(call: MacroCallItem, def: MacroRulesItem): ParsedExpansion | undefined {
    const macro = this.macroKey(def);
    if (macro === null) return undefined;
    const found = call.expansion ? this.nested.get(call.tokens)?.get(macro) : this.writtenGet(call, macro);
    if (found) this.reused++;
    return found;
  }

  set(call: MacroCallItem, def: MacroRulesItem, parsed: ParsedExpansion): void {
    const macro = this.macroKey(def);
    if (macro === null) return;
    if (call.expansion) {
      let byMacro = this.nested.get(call.tokens);
      if (!byMacro) this.nested.set(call.tokens, (byMacro = new Map<string, ParsedExpansion>()));
      byMacro.set(macro, parsed);
      return;
    }
    const calls = this.callsOf(call);
    if (calls) this.placed(calls, call).byMacro.set(macro, parsed);
  }

  /**
   * A file was read again (an edit): its calls are looked up anew, those of its last load kept one more. A
   * file read again before any load looked its calls up (items refreshed, then the edit that re-checks)
   * keeps what it had.
   */
  reread(file: string): void {
    const known = this.written.get(file);
    if (known && known.current.size) this.written.set(file, { current: new Map(), previous: known.current });
  }

  /** A file the cache no longer holds. */
  forget(file: string): void {
    this.written.delete(file);
  }

  private writtenGet(call: MacroCallItem, macro: string): ParsedExpansion | undefined {
    const calls = this.callsOf(call);
    if (!calls) return undefined;
    const { start } = call.origin.span;
    const here = calls.find((c) => c.start === start)?.byMacro.get(macro);
    if (here) return here;
    const elsewhere = calls.find((c) => c.byMacro.has(macro));
    if (!elsewhere) return undefined;
    const shift = { file: call.origin.file, from: elsewhere.start, to: elsewhere.end, by: start - elsewhere.start };
    const moved = this.shifted(elsewhere.byMacro.get(macro)!, shift, new Map());
    this.placed(calls, call).byMacro.set(macro, moved);
    this.moved++;
    return moved;
  }

  /** The file's calls of the same text as this one (their list, made if need be); null without its text. */
  private callsOf(call: MacroCallItem): WrittenCall[] | null {
    const text = this.textOf(call.origin.file);
    if (text === null) return null;
    const key = `${call.inBody ? 'body' : 'item'}:${text.slice(call.origin.span.start, call.origin.span.end)}`;
    let file = this.written.get(call.origin.file);
    if (!file) this.written.set(call.origin.file, (file = { current: new Map(), previous: null }));
    let calls = file.current.get(key);
    if (!calls) file.current.set(key, (calls = file.previous?.get(key) ?? []));
    return calls;
  }

  /** The entry for the call's place among the calls of its text. */
  private placed(calls: WrittenCall[], call: MacroCallItem): WrittenCall {
    const { start, end } = call.origin.span;
    let entry = calls.find((c) => c.start === start);
    if (!entry) calls.push((entry = { start, end, byMacro: new Map<string, ParsedExpansion>() }));
    return entry;
  }

  /** A macro by its place and text, or by its rules when an expansion wrote it; null when its text is not at hand. */
  private macroKey(def: MacroRulesItem): string | null {
    if (!def.expansion) {
      const text = this.textOf(def.origin.file);
      if (text === null) return null;
      const { start, end } = def.origin.span;
      return `${def.origin.file}:${start}:${end}:${text.slice(start, end)}`;
    }
    let id = this.ids.get(def.rules);
    if (id === undefined) this.ids.set(def.rules, (id = this.nextId++));
    return `#${id}`;
  }

  /**
   * An expansion with the places inside its call moved (`shift`), and with it the expansions of the calls
   * it wrote and the macros it defined, under their moved tokens and rules. What holds no such place is
   * shared, not copied. `copies`: what was copied already, so that what two items share, they still share.
   */
  private shifted(parsed: ParsedExpansion, shift: Shift, copies: Map<object, unknown>): ParsedExpansion {
    return { rule: parsed.rule, items: this.copy(parsed.items, shift, copies) as Item[] };
  }

  private copy(value: unknown, shift: Shift, copies: Map<object, unknown>): unknown {
    if (typeof value !== 'object' || value === null) return value;
    if (copies.has(value)) return copies.get(value);
    let out: unknown = value;
    if (Array.isArray(value)) {
      let changed: unknown[] | null = null;
      for (let i = 0; i < value.length; i++) {
        const next = this.copy(value[i], shift, copies);
        if (next !== value[i] && !changed) changed = value.slice(0, i);
        if (changed) changed.push(next);
      }
      if (changed) out = this.carried(value, changed, shift, copies);
    } else if (isOrigin(value)) {
      const { file, span } = value;
      if (file === shift.file && span.start >= shift.from && span.end <= shift.to)
        out = { ...value, span: { start: span.start + shift.by, end: span.end + shift.by } };
    } else if (Object.getPrototypeOf(value) === Object.prototype) {
      const fields = value as Record<string, unknown>;
      let changed: Record<string, unknown> | null = null;
      for (const key in fields) {
        const next = this.copy(fields[key], shift, copies);
        if (next !== fields[key]) {
          changed ??= { ...fields };
          changed[key] = next;
        }
      }
      // A moved expansion is another one: two calls of the same text may both be in the crate.
      if (changed && isExpansion(changed)) changed.id = newExpansionId();
      if (changed) out = changed;
    }
    copies.set(value, out);
    return out;
  }

  /** A moved copy of an array: what is known by the array (a call's tokens, a macro's rules) goes with it. */
  private carried(from: unknown[], to: unknown[], shift: Shift, copies: Map<object, unknown>): unknown[] {
    const id = this.ids.get(from);
    if (id !== undefined) this.ids.set(to, id);
    const byMacro = this.nested.get(from as Token[]);
    if (byMacro) {
      const moved: ByMacro = new Map();
      for (const [macro, parsed] of byMacro) moved.set(macro, this.shifted(parsed, shift, copies));
      this.nested.set(to as Token[], moved);
    }
    return to;
  }
}

function isExpansion(value: Record<string, unknown>): value is Record<string, unknown> & Expansion {
  return typeof value.id === 'number' && typeof value.at === 'object' && value.at !== null && isOrigin(value.at);
}

function isOrigin(value: object): value is Origin {
  const v = value as Partial<Origin>;
  return typeof v.file === 'string' && typeof v.span === 'object' && v.span !== null && 'start' in v.span;
}
