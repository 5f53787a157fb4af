import type { Item, MacroCallItem, MacroRulesItem, Origin, Token } from '../syntax/model';

/** A macro call's expansion as parsed: which of the macro's rules matched, and the items its output parsed to. */
export interface ParsedExpansion {
  /** The index of the rule in the macro's list. */
  rule: number;
  /** The items of the output, before `cfg` and before the calls they hold are expanded. */
  items: Item[];
}

/** Expansions of one call, by the macro that expanded it (see `ExpansionMemo.macroKey`). */
type ByMacro = Map<string, ParsedExpansion>;

/** A file's calls: those looked up since it was last read, and those of the read before, kept one more load. */
interface FileCalls {
  current: Map<string, ByMacro>;
  previous: Map<string, ByMacro> | null;
}

/**
 * The macro expansions the editor has parsed (`SourceCache.expansions`). Its crates are loaded again at
 * every edit that is not inert, and parsing what their macros write was most of that time (185 ms a
 * keystroke in syn's `expr.rs`). What a macro writes for a call depends only on the macro's rules and the
 * call's tokens, and the items it parses to only on where those tokens were written, so both are known by
 * where and what they are:
 *
 * - a call or a `macro_rules!` written in a file, by its place and its text there: an edit leaves every
 *   call and macro before it as they were (and all of those of the files it does not touch). Each time a
 *   file is read again, what its calls found at the previous load is kept for one more load, so that what
 *   an edit moved is let go;
 * - one an expansion wrote, by its tokens (a call) or its rules (a macro): the same arrays for as long as
 *   that expansion is kept.
 *
 * Items are never changed once read: the next load shares them (`applyCfg` copies what it keeps).
 */
export class ExpansionMemo {
  private readonly written = new Map<string, FileCalls>();
  private readonly nested = new WeakMap<Token[], ByMacro>();
  private readonly ids = new WeakMap<object, number>();
  private nextId = 1;
  /** How many expansions were found here rather than parsed again. */
  reused = 0;

  /** `textOf`: the text of a file the cache holds, which the places of its items are in; null if none. */
  constructor(private readonly textOf: (file: string) => string | null) {}

  get(call: MacroCallItem, def: MacroRulesItem): ParsedExpansion | undefined {
    const macro = this.macroKey(def);
    if (macro === null) return undefined;
    const found = call.expansion ? this.nested.get(call.tokens)?.get(macro) : this.writtenGet(call, macro);
    if (found) this.reused++;
    return found;
  }

  private writtenGet(call: MacroCallItem, macro: string): ParsedExpansion | undefined {
    const file = this.written.get(call.origin.file);
    const key = this.writtenKey(call.origin, call.inBody ? 'body' : 'item');
    if (!file || key === null) return undefined;
    let byMacro = file.current.get(key);
    if (!byMacro) {
      byMacro = file.previous?.get(key);
      if (byMacro) file.current.set(key, byMacro);
    }
    return byMacro?.get(macro);
  }

  set(call: MacroCallItem, def: MacroRulesItem, parsed: ParsedExpansion): void {
    const macro = this.macroKey(def);
    if (macro === null) return;
    let byMacro: ByMacro | undefined;
    if (call.expansion) {
      byMacro = this.nested.get(call.tokens);
      if (!byMacro) this.nested.set(call.tokens, (byMacro = new Map<string, ParsedExpansion>()));
    } else {
      const key = this.writtenKey(call.origin, call.inBody ? 'body' : 'item');
      if (key === null) return;
      let file = this.written.get(call.origin.file);
      if (!file) this.written.set(call.origin.file, (file = { current: new Map(), previous: null }));
      byMacro = file.current.get(key);
      if (!byMacro) file.current.set(key, (byMacro = new Map<string, ParsedExpansion>()));
    }
    byMacro.set(macro, parsed);
  }

  /** A file was read again (an edit): its calls are looked up anew, those of its last load kept one more. */
  reread(file: string): void {
    const known = this.written.get(file);
    if (known) this.written.set(file, { current: new Map(), previous: known.current });
  }

  /** A file the cache no longer holds. */
  forget(file: string): void {
    this.written.delete(file);
  }

  /** A macro by its place and text, or by its rules when an expansion wrote it; null when its text is not at hand. */
  private macroKey(def: MacroRulesItem): string | null {
    if (!def.expansion) return this.writtenKey(def.origin, 'macro');
    let id = this.ids.get(def.rules);
    if (id === undefined) this.ids.set(def.rules, (id = this.nextId++));
    return `#${id}`;
  }

  /** Where an item is written and its text there (its file's path included), or null when the text is not at hand. */
  private writtenKey(origin: Origin, what: string): string | null {
    const text = this.textOf(origin.file);
    if (text === null) return null;
    const { start, end } = origin.span;
    return `${what}:${origin.file}:${start}:${end}:${text.slice(start, end)}`;
  }
}
