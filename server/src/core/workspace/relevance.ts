import { FileScan, MacroScan, scanFile } from '../syntax/scan';

/**
 * Which files of a workspace can matter to the C boundary, decided from their text alone (a lexer pass,
 * no parse). Most files of a real workspace declare no boundary item, define no macro and name no
 * macro that writes one: they are parsed only when resolution needs a module or a type they hold.
 *
 * A file must be parsed up front when it
 * - writes `extern`, `no_mangle` or `export_name` (a boundary item, an `extern` block, a C function pointer);
 * - uses `include!` (generated bindings);
 * - defines a `macro_rules!` (a macro is visible crate-wide, and its expansions decide what an invocation
 *   elsewhere declares);
 * - names a macro that can write a boundary item: one whose rules write a boundary word or `include!`,
 *   or name such a macro in turn.
 */
export class RelevanceIndex {
  private readonly scans = new Map<string, FileScan>();
  private readonly texts = new Map<string, string>();
  private neededFiles: Set<string> | null = null;
  private definers: Map<string, string[]> | null = null;

  /** Records (or replaces) a file's text. */
  update(file: string, text: string): void {
    this.scans.set(file, scanFile(text));
    this.texts.set(file, text);
    this.neededFiles = null;
    this.definers = null;
  }

  /** Forgets a file (deleted, or no longer read). */
  remove(file: string): void {
    this.scans.delete(file);
    this.texts.delete(file);
    this.neededFiles = null;
    this.definers = null;
  }

  has(file: string): boolean {
    return this.scans.has(file);
  }

  /** Whether the file must be parsed whatever a boundary names (see the class comment). */
  isNeeded(file: string): boolean {
    return this.needed().has(file);
  }

  /** The files that must be parsed up front. */
  needed(): Set<string> {
    this.neededFiles ??= this.computeNeeded();
    return this.neededFiles;
  }

  /** The files that may define a type (or trait) named `name`: a superset, from the text. */
  filesDefiningType(name: string): readonly string[] {
    if (!this.definers) {
      this.definers = new Map();
      for (const [file, scan] of this.scans) {
        for (const type of scan.typeNames) {
          const files = this.definers.get(type);
          if (files) files.push(file);
          else this.definers.set(type, [file]);
        }
      }
    }
    return this.definers.get(name) ?? [];
  }

  private computeNeeded(): Set<string> {
    const needed = new Set<string>();
    const producing = new Set<string>();
    const others: MacroScan[] = [];
    for (const [file, scan] of this.scans) {
      if (scan.mentionsBoundary || scan.includes || scan.macros.length) needed.add(file);
      for (const m of scan.macros) {
        if (m.writesBoundary) producing.add(m.name);
        else others.push(m);
      }
    }
    // A macro whose rules name a producing macro produces too: grow to a fixed point.
    for (let grew = true; grew;) {
      grew = false;
      const names = wordPattern(producing);
      for (let i = others.length - 1; i >= 0 && names; i--) {
        if (producing.has(others[i].name) || !names.test(others[i].body)) continue;
        producing.add(others[i].name);
        others.splice(i, 1);
        grew = true;
      }
    }
    const names = wordPattern(producing);
    if (names) for (const [file, text] of this.texts) if (!needed.has(file) && names.test(text)) needed.add(file);
    return needed;
  }
}

/** One regular expression that finds any of the words, or null for none. */
function wordPattern(words: ReadonlySet<string>): RegExp | null {
  if (words.size === 0) return null;
  return new RegExp(`\\b(?:${[...words].join('|')})\\b`);
}
