import type { Expansion, Item, MacroCallItem, MacroRulesItem, Origin, Token } from '../syntax/model';
import { isOrigin, OriginMove, withMovedOrigins } from '../syntax/moved-origins';

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

/** An expansion, and where the macro that wrote it was written then (null for a macro an expansion wrote). */
interface Placed {
  macro: Origin | null;
  parsed: ParsedExpansion;
}

/** Expansions of one call, by the macro that expanded it (see `ExpansionMemo.macroOf`). */
type ByMacro = Map<string, Placed>;

/** The expansions of a call written in a file, and where the call was when they were parsed. */
interface WrittenCall {
  start: number;
  end: number;
  byMacro: ByMacro;
}

/**
 * A file's calls by their text: those looked up since the file was last read, and those of the read
 * before, kept until its crates are loaded again.
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

/** A macro as the memo knows it: by its text (or its rules), and where it is written. */
interface MacroKey {
  key: string;
  /** Where a macro written in a file is; null for one an expansion wrote (known by its rules). */
  at: Origin | null;
}

/**
 * The macro expansions the editor has parsed (`SourceCache.expansions`). Its crates are loaded again at
 * every edit that is not inert, and parsing what their macros write was most of that time (185 ms a
 * keystroke in syn's `expr.rs`). What a macro writes for a call depends only on the macro's rules and the
 * call's tokens, and where the items of its output are only on where those tokens were written:
 *
 * - a call written in a file is known by its text, and a macro written in a file by its own. Found where
 *   an edit before them moved them, the expansion is copied with the places inside the call, and inside
 *   the macro, moved as they moved (`shifted`): a walk of the items instead of a parse and an extraction;
 * - a call an expansion wrote is known by its tokens, and a macro an expansion wrote by its rules: the
 *   same arrays for as long as that expansion is kept (a moved expansion's calls move with it; its macros
 *   are others, their places moved, whose calls are expanded again).
 *
 * Each time a file is read again, what its calls found at the previous load is kept until its crates are
 * loaded again (`loaded`), so that what no call asks for any more is let go. Items are never changed once
 * read: the next load shares them (`applyCfg` copies what it keeps).
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
    const macro = this.macroOf(def);
    if (macro === null) return undefined;
    const found = call.expansion ? this.nestedGet(call, macro) : this.writtenGet(call, macro);
    if (found) this.reused++;
    return found;
  }

  set(call: MacroCallItem, def: MacroRulesItem, parsed: ParsedExpansion): void {
    const macro = this.macroOf(def);
    if (macro === null) return;
    const placed: Placed = { macro: macro.at, parsed };
    if (call.expansion) {
      let byMacro = this.nested.get(call.tokens);
      if (!byMacro) this.nested.set(call.tokens, (byMacro = new Map<string, Placed>()));
      byMacro.set(macro.key, placed);
      return;
    }
    const calls = this.callsOf(call);
    if (calls) this.placed(calls.current, call).byMacro.set(macro.key, placed);
  }

  /**
   * A file was read again (an edit): its calls are looked up anew, those of its last load kept until its
   * crates are loaded. A file read again before any load looked its calls up (items refreshed, then the
   * edit that re-checks) keeps what it had.
   */
  reread(file: string): void {
    const known = this.written.get(file);
    if (known && known.current.size) this.written.set(file, { current: new Map(), previous: known.current });
  }

  /**
   * The crates holding the files read again are loaded: each call they hold took what it found of the load
   * before into this one's, and what is left of it is let go.
   */
  loaded(): void {
    for (const file of this.written.values()) file.previous = null;
  }

  /** A file the cache no longer holds. */
  forget(file: string): void {
    this.written.delete(file);
  }

  private nestedGet(call: MacroCallItem, macro: MacroKey): ParsedExpansion | undefined {
    const byMacro = this.nested.get(call.tokens);
    const placed = byMacro?.get(macro.key);
    if (!byMacro || !placed) return undefined;
    const shifts = macroShift(placed, macro);
    if (!shifts.length) return placed.parsed;
    const moved = this.movedTo(placed, shifts, macro);
    byMacro.set(macro.key, moved);
    return moved.parsed;
  }

  private writtenGet(call: MacroCallItem, macro: MacroKey): ParsedExpansion | undefined {
    const calls = this.callsOf(call);
    if (!calls) return undefined;
    const { start } = call.origin.span;
    const at = (list: WrittenCall[] | undefined): WrittenCall | undefined =>
      list?.find((c) => c.start === start && c.byMacro.has(macro.key));
    const from =
      at(calls.current) ??
      at(calls.previous) ??
      calls.current.find((c) => c.byMacro.has(macro.key)) ??
      calls.previous?.find((c) => c.byMacro.has(macro.key));
    if (!from) return undefined;
    const placed = from.byMacro.get(macro.key)!;
    const shifts = macroShift(placed, macro);
    const by = start - from.start;
    if (by) shifts.push({ file: call.origin.file, from: from.start, to: from.end, by });
    const found = shifts.length ? this.movedTo(placed, shifts, macro) : placed;
    this.placed(calls.current, call).byMacro.set(macro.key, found);
    return found.parsed;
  }

  /** An expansion copied with its places moved (`shifts`), under the macro as it is now. */
  private movedTo(placed: Placed, shifts: Shift[], macro: MacroKey): Placed {
    this.moved++;
    return { macro: macro.at, parsed: this.shifted(placed.parsed, shifts, new Map()) };
  }

  /**
   * The file's calls of the same text as this one: those of this load (their list, made if need be) and of
   * the load before, whose entries are taken into this load's as they are found, so that the others go with
   * it. Null without the file's text.
   */
  private callsOf(call: MacroCallItem): { current: WrittenCall[]; previous: WrittenCall[] | undefined } | null {
    const text = this.textOf(call.origin.file);
    if (text === null) return null;
    const key = `${call.inBody ? 'body' : 'item'}:${text.slice(call.origin.span.start, call.origin.span.end)}`;
    let file = this.written.get(call.origin.file);
    if (!file) this.written.set(call.origin.file, (file = { current: new Map(), previous: null }));
    let current = file.current.get(key);
    if (!current) file.current.set(key, (current = []));
    return { current, previous: file.previous?.get(key) };
  }

  /** The entry for the call's place among the calls of its text. */
  private placed(calls: WrittenCall[], call: MacroCallItem): WrittenCall {
    const { start, end } = call.origin.span;
    let entry = calls.find((c) => c.start === start);
    if (!entry) calls.push((entry = { start, end, byMacro: new Map<string, Placed>() }));
    return entry;
  }

  /** A macro by its file and text, or by its rules when an expansion wrote it; null when its text is not at hand. */
  private macroOf(def: MacroRulesItem): MacroKey | null {
    if (!def.expansion) {
      const text = this.textOf(def.origin.file);
      if (text === null) return null;
      return { key: `${def.origin.file}:${text.slice(def.origin.span.start, def.origin.span.end)}`, at: def.origin };
    }
    let id = this.ids.get(def.rules);
    if (id === undefined) this.ids.set(def.rules, (id = this.nextId++));
    return { key: `#${id}`, at: null };
  }

  /**
   * An expansion with its places moved (`shifts`), and with it the expansions of the calls it wrote, under
   * their moved tokens (`carried`). What holds no such place is shared, not copied. `copies`: what was
   * copied already, so that what two items share, they still share.
   */
  private shifted(parsed: ParsedExpansion, shifts: Shift[], copies: Map<object, unknown>): ParsedExpansion {
    const move: OriginMove = {
      origin: (origin) => shiftedOrigin(origin, shifts),
      arrayCopied: (from, to) => this.carried(from, to, shifts, copies),
      // A moved expansion is another one: two calls of the same text may both be in the crate.
      objectCopied: (copy) => {
        if (isExpansion(copy)) copy.id = newExpansionId();
      },
    };
    return { rule: parsed.rule, items: withMovedOrigins(parsed.items, move, copies) };
  }

  /**
   * A moved copy of an array: the expansions known by it (a call's tokens) go with it. A macro's moved
   * rules are another macro (its body's places moved): the calls of it are expanded again.
   */
  private carried(from: unknown[], to: unknown[], shifts: Shift[], copies: Map<object, unknown>): void {
    const byMacro = this.nested.get(from as Token[]);
    if (byMacro) {
      const moved: ByMacro = new Map();
      // A macro inside the moved places (a recursive one calling itself) moved with them.
      for (const [macro, placed] of byMacro)
        moved.set(macro, {
          macro: placed.macro && shiftedOrigin(placed.macro, shifts),
          parsed: this.shifted(placed.parsed, shifts, copies),
        });
      this.nested.set(to as Token[], moved);
    }
  }
}

/** How a macro written in a file moved since an expansion was parsed with it: none, or one shift. */
function macroShift(placed: Placed, macro: MacroKey): Shift[] {
  if (!placed.macro || !macro.at) return [];
  const { start, end } = placed.macro.span;
  const by = macro.at.span.start - start;
  return by ? [{ file: macro.at.file, from: start, to: end, by }] : [];
}

/** An origin moved by the shift whose places hold it; the same origin when none does. */
function shiftedOrigin(origin: Origin, shifts: Shift[]): Origin {
  const { file, span } = origin;
  const shift = shifts.find((s) => s.file === file && span.start >= s.from && span.end <= s.to);
  return shift ? { ...origin, span: { start: span.start + shift.by, end: span.end + shift.by } } : origin;
}

function isExpansion(value: Record<string, unknown>): value is Record<string, unknown> & Expansion {
  return typeof value.id === 'number' && typeof value.at === 'object' && value.at !== null && isOrigin(value.at);
}
