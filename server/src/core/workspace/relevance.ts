import * as path from 'path';
import type { BodyMacroTest } from '../syntax/item-words';
import { codeOnly, FileScan, MacroScan, ModulePath, scanFile } from '../syntax/scan';
import { expandedWithoutDefinition } from './macros';
import { anyStartsWith, foldersHolding, startingWith } from './sorted-paths';

/** What a run tells the index beyond the files' texts. */
export interface RelevanceOptions {
  /**
   * False when no crate of the run can have been built (`Discovery.buildFolders`): an `include!` of
   * `OUT_DIR` then finds no file, and a file is not parsed up front for one. True (the default) while a
   * build may come, as in the editor.
   */
  buildOutput?: boolean;
}

/**
 * Which files of a workspace can matter to the C boundary, decided from their text alone (a lexer pass,
 * no parse; comments and literals do not count). Most files of a real workspace declare no boundary item, define no macro and name no
 * macro that writes one: they are parsed only when resolution needs a module or a type they hold.
 *
 * A file must be parsed up front when it
 * - writes `extern`, `no_mangle` or `export_name` (a boundary item, an `extern` block, a C function pointer),
 *   other than only inside the arguments of macro calls that are never expanded (bindgen's `quote!`);
 * - uses `include!` of something other than a plain path (generated bindings in `OUT_DIR`, unless no crate
 *   can have been built), or of a file that is needed or not indexed (and a file a needed file includes is
 *   needed: it is part of its text);
 * - declares a `#[path]` module (or a `cfg_attr` may) whose file may be needed or is not indexed, or whose
 *   path the text does not tell (not a plain literal): parsing the file shows where it lies;
 * - defines a `macro_rules!` that a needed file invokes (its expansion decides what the invocation declares);
 * - invokes a macro that can write a boundary item (one whose rules write a boundary word or `include!`,
 *   or name such a macro in turn), or names one where it may be renamed or handed to a macro that
 *   invokes what it is given (`$m!`); of the macros its own crate may define (its package's, when the
 *   packages are known): a call is expanded only with its crate's own macros (`findVisibleMacro`).
 */
export class RelevanceIndex {
  private readonly scans = new Map<string, FileScan>();
  private neededFiles: Set<string> | null = null;
  private definers: Map<string, string[]> | null = null;
  /** What the workspace's macro definitions decide (see `macros`); kept while no definition changes. */
  private macroState: MacroState | null = null;
  /** Each file's own reason to be parsed up front, or null (`standsAlone`), as of `macroState`. */
  private readonly ownStanding = new Map<string, OwnReason | null>();
  /** The folders of the Cargo packages (see `macroSourcesOf`). */
  private readonly packageDirSet: ReadonlySet<string>;
  /** Each file's innermost package folder, or null, once asked. */
  private readonly packages = new Map<string, string | null>();

  /**
   * `packageDirs`: the folders of the run's Cargo packages, when known. A macro is expanded only where its
   * own crate invokes it, so the file of a package that defines a macro is not needed for what another
   * package invokes by the same name (a file outside every package may be part of any crate, and one of
   * a package nested in another's folder, of the outer package's crates).
   */
  private readonly textOf: (file: string) => string | null;

  /** Whether an `include!` of `OUT_DIR` may find a file (see `RelevanceOptions.buildOutput`). */
  private readonly buildOutput: boolean;

  /**
   * `textOf`: a file's text read again, for the rare question a scan does not answer (whether a file that
   * calls a higher-order macro names a producing one); without it, such a file is taken to.
   */
  constructor(
    packageDirs: readonly string[] = [],
    textOf: (file: string) => string | null = () => null,
    options: RelevanceOptions = {},
  ) {
    this.packageDirSet = new Set(packageDirs);
    this.textOf = textOf;
    this.buildOutput = options.buildOutput ?? true;
  }

  /** The innermost package folder holding a file, or null. */
  private packageOf(file: string): string | null {
    let dir = this.packages.get(file);
    if (dir === undefined) {
      // The file's folders, innermost first, looked up: not every package's folder compared with the file.
      dir = null;
      for (const d of foldersHolding(file)) {
        if (this.packageDirSet.has(d)) {
          dir = d;
          break;
        }
      }
      this.packages.set(file, dir);
    }
    return dir;
  }

  /** Whether a macro defined in `definer` may be one a crate holding `user` expands. */
  private mayShareCrate(user: string, definer: string): boolean {
    return packagesMayShareCrate(this.packageOf(user), this.packageOf(definer));
  }

  /**
   * Records (or replaces) a file's text. What the rest of the workspace is decided by changes only when
   * the file's macro definitions do: otherwise only this file's own standing is decided again (an edit
   * in the editor costs a scan of its file, not of the workspace). `scan` is its scan when the caller has it
   * already (the same text elsewhere).
   */
  update(file: string, text: string, scan: FileScan = scanFile(text)): void {
    this.replaced(file, this.scans.get(file), scan);
  }

  /** Forgets a file (deleted, or no longer read). */
  remove(file: string): void {
    this.replaced(file, this.scans.get(file), undefined);
  }

  /** Drops what the change of one file's scan makes stale, and nothing else. */
  private replaced(file: string, before: FileScan | undefined, after: FileScan | undefined): void {
    if (after) this.scans.set(file, after);
    else this.scans.delete(file);
    this.neededFiles = null;
    this.unknownIncluderFiles = null;
    this.ownStanding.delete(file);
    if (!sameTypes(before, after)) this.definers = null;
    if (!sameMacros(before, after)) {
      this.macroDefinerMap = null;
      this.macroNamerFiles = null;
      this.macroState = null;
      this.ownStanding.clear();
    }
  }

  has(file: string): boolean {
    return this.scans.has(file);
  }

  /** The scan a file was last indexed with. */
  scanOf(file: string): FileScan | undefined {
    return this.scans.get(file);
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

  private neededInOrder: { of: Set<string>; sorted: string[] } | null = null;

  /**
   * Whether a file below `dir` must be parsed up front: a binary search of the needed files in order, not a
   * pass over them (asked for every module a crate may leave unloaded).
   */
  neededBelow(dir: string): boolean {
    const needed = this.needed();
    if (this.neededInOrder?.of !== needed) this.neededInOrder = { of: needed, sorted: [...needed].sort() };
    return anyStartsWith(this.neededInOrder.sorted, dir + path.sep);
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

  /** A file's size in UTF-8 bytes, when it is indexed. */
  bytesOf(file: string): number | undefined {
    return this.scans.get(file)?.bytes;
  }

  /** The names of the types a file may define, sorted. */
  typesOf(file: string): string[] {
    return [...(this.scans.get(file)?.typeNames ?? [])].sort();
  }

  /** The names of the modules a file may declare (`mod x`), or null when the file is not indexed. */
  modulesOf(file: string): ReadonlySet<string> | null {
    return this.scans.get(file)?.modNames ?? null;
  }

  /** The files that may define a `macro_rules!` named `name`. */
  filesDefiningMacro(name: string): readonly string[] {
    return this.macroDefiners().get(name) ?? [];
  }

  /** The words of the rules of every `macro_rules!` named `name` the workspace defines. */
  macroWords(name: string): Set<string> {
    const words = new Set<string>();
    for (const file of this.filesDefiningMacro(name))
      for (const m of this.scans.get(file)?.macros ?? [])
        if (m.name === name) for (const w of m.words.split('\n')) words.add(w);
    return words;
  }

  /** The files that define the macros a file may invoke (its own excluded; of its own package, when packages are known). */
  macroSourcesOf(file: string): string[] {
    const calls = this.scans.get(file)?.macroCalls;
    if (!calls) return [];
    const out = new Set<string>();
    for (const name of calls)
      for (const f of this.filesDefiningMacro(name)) if (f !== file && this.mayShareCrate(file, f)) out.add(f);
    return [...out];
  }

  /**
   * Whether a call of `name` in `file` may be expanded: a fragment's (`$m!`), one rustc expands built in, or
   * a macro that a file of its crate may define. Any other call's arguments are never read as items.
   */
  private mayExpand(file: string, name: string): boolean {
    return (
      name === '$' ||
      expandedWithoutDefinition(name) ||
      this.filesDefiningMacro(name).some((definer) => this.mayShareCrate(file, definer)) ||
      this.macroNamers().some((definer) => this.mayShareCrate(file, definer))
    );
  }

  /**
   * Which macros called in a function body of `file` may write an item there (undefined: the file is not
   * indexed, any may). A call is expanded only with a macro its crate may define (`mayExpand`): one none of
   * whose definitions there writes an item keyword, calls what it is given or a macro that may (`MacroScan`),
   * adds no item to the body, and a body that calls only such macros (brotli's `fast!(…)` for each index) and writes
   * no item keyword is not read for items.
   */
  bodyMacroTest(file: string): BodyMacroTest | undefined {
    if (!this.scans.has(file)) return undefined;
    // A macro its crate may define out of sight (generated, or named by a fragment) may be any call's.
    const mayDefineUnseen = (f: string): boolean => this.mayShareCrate(file, f);
    if (this.unknownIncluders().some(mayDefineUnseen) || this.macroNamers().some(mayDefineUnseen)) return undefined;
    const answers = new Map<string, boolean>();
    return (name) => {
      let may = answers.get(name);
      if (may === undefined) answers.set(name, (may = this.bodyMacroMayWriteItems(file, name)));
      return may;
    };
  }

  /** Whether a macro its crate may define writes an item keyword, or calls one that may (`visiting`: the calls on the way). */
  private bodyMacroMayWriteItems(file: string, name: string, visiting = new Set<string>()): boolean {
    if (name === '$' || expandedWithoutDefinition(name)) return true;
    if (visiting.has(name)) return false;
    visiting.add(name);
    return this.filesDefiningMacro(name).some(
      (definer) =>
        this.mayShareCrate(file, definer) &&
        !!this.scans
          .get(definer)
          ?.macros.some(
            (m) =>
              m.name === name &&
              (m.writesItemKeyword ||
                m.invokesFragment ||
                m.macroCalls.some((call) => this.bodyMacroMayWriteItems(file, call, visiting))),
          ),
    );
  }

  private unknownIncluderFiles: string[] | null = null;

  /** The files that `include!` what the index does not know (a path built at compile time, build output, a file not indexed). */
  private unknownIncluders(): string[] {
    const unknown = (file: string, scan: FileScan): boolean =>
      scan.includesUnknown ||
      scan.includesBuildOutput ||
      scan.includeTargets.some((target) => !this.scans.has(path.resolve(path.dirname(file), target)));
    this.unknownIncluderFiles ??= [...this.scans].filter(([file, scan]) => unknown(file, scan)).map(([file]) => file);
    return this.unknownIncluderFiles;
  }

  private macroNamerFiles: string[] | null = null;

  /** The files with a macro that defines a macro named by a fragment: any call of their crate may be its. */
  private macroNamers(): string[] {
    this.macroNamerFiles ??= [...this.scans]
      .filter(([, scan]) => scan.macros.some((m) => m.definesNamedMacro))
      .map(([file]) => file);
    return this.macroNamerFiles;
  }

  /**
   * The indexed files a module path written in `file` may name, or none when none of them is indexed (it
   * may lie anywhere). Inside an inline module, the folder it is relative to depends on whether the file is
   * a `mod.rs`-like one (any crate root is): both are asked; a file exists at one of them.
   */
  private filesAt(file: string, target: ModulePath): string[] {
    const dir = path.dirname(file);
    const bases = [dir];
    const name = path.basename(file);
    if (target.inlineModules.length && !MOD_RS_NAMES.has(name)) bases.push(path.join(dir, path.parse(name).name));
    return bases
      .map((base) => path.resolve(base, ...target.inlineModules, target.path))
      .filter((candidate) => this.scans.has(candidate));
  }

  private macroDefinerMap: Map<string, string[]> | null = null;

  private macroDefiners(): Map<string, string[]> {
    if (!this.macroDefinerMap) {
      this.macroDefinerMap = new Map();
      for (const [file, scan] of this.scans) {
        for (const m of scan.macros) {
          const files = this.macroDefinerMap.get(m.name);
          if (!files) this.macroDefinerMap.set(m.name, [file]);
          else if (!files.includes(file)) files.push(file);
        }
      }
    }
    return this.macroDefinerMap;
  }

  /** What the macro definitions decide: kept until one of them changes (`replaced`). */
  private macros(): MacroState {
    if (this.macroState) return this.macroState;
    // A macro is expanded only where its own crate invokes it (workspace/scopes.ts): whether one produces
    // is decided among the macros of the packages that may share a crate with its own, so a word in one
    // package's rules (tracing's `|dispatch|`) is not taken for a call of another's producing macro.
    const groups = new Map<string | null, MacroGroup>();
    for (const [file, scan] of this.scans) {
      if (!scan.macros.length) continue;
      const pkg = this.packageOf(file);
      let group = groups.get(pkg);
      if (!group) groups.set(pkg, (group = { producing: new Set(), others: [] }));
      for (const m of scan.macros) {
        if (m.writesBoundary) group.producing.add(m.name);
        else group.others.push(m);
      }
    }
    const related = relatedGroups(groups);
    // A macro whose rules name a producing macro it may see produces too: grow to a fixed point.
    for (let grew = true; grew;) {
      grew = false;
      for (const [pkg, group] of groups) {
        if (!group.others.length) continue;
        const names = wordPattern(producingOf(related(pkg)));
        for (let i = group.others.length - 1; i >= 0 && names; i--) {
          if (group.producing.has(group.others[i].name) || !names.test(group.others[i].words)) continue;
          group.producing.add(group.others[i].name);
          group.others.splice(i, 1);
          grew = true;
        }
      }
    }
    const higherOrder = new Set(
      [...this.scans.values()].flatMap((scan) => scan.macros.filter((m) => m.invokesFragment).map((m) => m.name)),
    );
    const seen = new Map<string | null, ProducingMacros>();
    this.macroState = {
      higherOrder,
      producingFor: (pkg) => {
        let found = seen.get(pkg);
        if (!found) {
          const producing = producingOf(related(pkg));
          seen.set(pkg, (found = { producing, names: wordPattern(producing) }));
        }
        return found;
      },
    };
    return this.macroState;
  }

  /**
   * Why a file must be parsed up front: its own reason (the first found), `followed` when only what a needed
   * file invokes, includes or declares makes it needed, or null when it is not needed (a tool's question:
   * `test/bench/relevance-reasons.ts`).
   */
  reasonNeeded(file: string): OwnReason | 'followed' | null {
    const scan = this.scans.get(file);
    if (!scan || !this.needed().has(file)) return null;
    return this.ownReason(file, scan, this.macros()) ?? 'followed';
  }

  /** The file's own reason to be parsed up front (`standsAlone`), kept while no macro definition changes. */
  private ownReason(file: string, scan: FileScan, state: MacroState): OwnReason | null {
    let own = this.ownStanding.get(file);
    if (own === undefined) {
      own = standsAlone(scan, {
        seen: state.producingFor(this.packageOf(file)),
        higherOrder: state.higherOrder,
        mayExpand: (name) => this.mayExpand(file, name),
        textOf: () => this.textOf(file),
        buildOutput: this.buildOutput,
      });
      this.ownStanding.set(file, own);
    }
    return own;
  }

  private computeNeeded(): Set<string> {
    const needed = new Set<string>();
    const state = this.macros();
    for (const [file, scan] of this.scans) {
      if (this.ownReason(file, scan, state)) needed.add(file);
    }
    // A plain include! of a file the index does not know is needed; one of a known file is needed as
    // that file is, and the other way round (the included text is part of the includer's).
    const includedBy = new Map<string, string[]>();
    // A file declaring a `#[path]` module is needed when the module's file is, or is not indexed (it may
    // hold anything); a needed declaring file does not make the module needed (loading the one loads the other).
    const declaredBy = new Map<string, string[]>();
    for (const [file, scan] of this.scans) {
      for (const target of scan.includeTargets) {
        const included = path.resolve(path.dirname(file), target);
        if (!this.scans.has(included)) needed.add(file);
        includedBy.set(included, [...(includedBy.get(included) ?? []), file]);
      }
      for (const target of scan.modulePaths ?? []) {
        const declared = this.filesAt(file, target);
        if (!declared.length) needed.add(file);
        for (const d of declared) declaredBy.set(d, [...(declaredBy.get(d) ?? []), file]);
      }
    }
    // The definitions of what a needed file invokes are needed too (expansions depend on them), and so
    // on through what those files invoke and include.
    const queue = [...needed];
    while (queue.length) {
      const file = queue.pop()!;
      const scan = this.scans.get(file);
      const related = [
        ...this.macroSourcesOf(file),
        ...(includedBy.get(file) ?? []),
        ...(declaredBy.get(file) ?? []),
        ...(scan?.includeTargets ?? []).map((t) => path.resolve(path.dirname(file), t)),
      ];
      for (const next of related) {
        if (needed.has(next) || !this.scans.has(next)) continue;
        needed.add(next);
        queue.push(next);
      }
    }
    return needed;
  }
}

/** The files whose inline modules' folders are named for the modules alone (rustc's "mod-rs" files). */
const MOD_RS_NAMES = new Set(['mod.rs', 'lib.rs', 'main.rs']);

/** What the macro definitions of the whole workspace decide about any one file. */
interface MacroState {
  /** The producing macros a file of a package (null: of none, or packages unknown) may invoke. */
  producingFor(pkg: string | null): ProducingMacros;
  /** Macros that invoke a macro they are given (`$m!`). */
  higherOrder: Set<string>;
}

/** Macros that can write a boundary item (directly, or by naming such a macro), as a file may see them. */
interface ProducingMacros {
  producing: Set<string>;
  /** Any of their names, as a word. */
  names: WordTest | null;
}

/** The macros defined in one package's files: those known to produce, and the others. */
interface MacroGroup {
  producing: Set<string>;
  others: MacroScan[];
}

/**
 * Whether files of two packages (null: of none, or packages unknown) may belong to one crate: the same
 * package, or one inside the other's folder (a `mod` into it may hold files of the outer one's crates).
 */
function packagesMayShareCrate(a: string | null, b: string | null): boolean {
  return a === null || b === null || a === b || a.startsWith(b + path.sep) || b.startsWith(a + path.sep);
}

/**
 * For a package (null: of none, or packages unknown), the macro groups of the packages that may share a
 * crate with it (`packagesMayShareCrate`): found by its folders and a search of the sorted folders below it,
 * not by comparing it with every package (a monorepo has thousands). Kept per package.
 */
function relatedGroups(groups: ReadonlyMap<string | null, MacroGroup>): (pkg: string | null) => MacroGroup[] {
  const all = [...groups.values()];
  const folders = [...groups.keys()].filter((k): k is string => k !== null).sort();
  const known = new Map<string | null, MacroGroup[]>();
  return (pkg) => {
    if (pkg === null) return all;
    let found = known.get(pkg);
    if (found) return found;
    const out = new Set<MacroGroup>();
    const add = (key: string | null): void => {
      const group = groups.get(key);
      if (group) out.add(group);
    };
    add(null);
    // The package and those whose folders hold it.
    add(pkg);
    for (const d of foldersHolding(pkg)) add(d);
    // Those inside its folder: one run of the sorted folders.
    for (const folder of startingWith(folders, pkg + path.sep)) add(folder);
    known.set(pkg, (found = [...out]));
    return found;
  };
}

/** The producing macros of these groups. */
function producingOf(groups: readonly MacroGroup[]): Set<string> {
  const out = new Set<string>();
  for (const group of groups) for (const name of group.producing) out.add(name);
  return out;
}

/**
 * A file's own reason to be parsed up front: it writes a boundary word where it may declare an item, an
 * `include!` of what the text does not tell, a module path the text does not tell, or it invokes, renames
 * (`use … as`) or hands to a macro that invokes what it is given (`$m!`) a macro that can write a boundary item.
 */
export type OwnReason =
  | 'boundary'
  | 'include'
  | 'module-path'
  | 'calls-producing-macro'
  | 'renames-producing-macro'
  | 'hands-producing-macro';

/** What a file's own standing is decided against, besides its scan. */
interface StandingContext {
  /** The producing macros its crate may define. */
  seen: ProducingMacros;
  /** Macros that invoke a macro they are given (`$m!`). */
  higherOrder: ReadonlySet<string>;
  /** Whether a call of this name in the file may be expanded (`RelevanceIndex.mayExpand`). */
  mayExpand: (name: string) => boolean;
  /** The file's text, read again. */
  textOf: () => string | null;
  /** See `RelevanceOptions.buildOutput`. */
  buildOutput: boolean;
}

/**
 * Why a file must be parsed up front on its own account (null: it need not be), before what it includes or invokes is
 * followed: it writes a boundary word where it may declare an item (not only inside the arguments of macro
 * calls that are never expanded, as bindgen's `quote! { extern "C" … }`), an `include!` of something unknown
 * or a `#[path]`, or it invokes a producing macro by name, or may reach one otherwise: through a rename
 * (`use crate::export as e;`) or by passing its name to a macro that invokes what it is given (`$m!`).
 */
function standsAlone(
  scan: FileScan,
  { seen, higherOrder, mayExpand, textOf, buildOutput }: StandingContext,
): OwnReason | null {
  if (scan.includesUnknown || (scan.includesBuildOutput && buildOutput)) return 'include';
  if (scan.modulePaths === null) return 'module-path';
  if (scan.mentionsBoundary && (scan.boundaryCallers === null || [...scan.boundaryCallers].some(mayExpand)))
    return 'boundary';
  if (!seen.names) return null;
  const calls = [...scan.macroCalls];
  if (calls.some((c) => seen.producing.has(c))) return 'calls-producing-macro';
  if (seen.names.test(scan.wordsBeforeAs)) return 'renames-producing-macro';
  if (!calls.some((c) => higherOrder.has(c))) return null;
  // Calls to a higher-order macro are rare: the text is read again rather than every file's words kept.
  const text = textOf();
  return text === null || seen.names.test(codeOnly(text)) ? 'hands-producing-macro' : null;
}

/** Whether two scans of a file define the same macros (what every other file's standing depends on). */
function sameMacros(a: FileScan | undefined, b: FileScan | undefined): boolean {
  const x = a?.macros ?? [];
  const y = b?.macros ?? [];
  return (
    x.length === y.length &&
    x.every(
      (m, i) =>
        m.name === y[i].name &&
        m.words === y[i].words &&
        m.writesBoundary === y[i].writesBoundary &&
        m.writesItemKeyword === y[i].writesItemKeyword &&
        m.macroCalls.join() === y[i].macroCalls.join() &&
        m.invokesFragment === y[i].invokesFragment &&
        m.definesNamedMacro === y[i].definesNamedMacro,
    )
  );
}

/** Whether two scans of a file may define the same types. */
function sameTypes(a: FileScan | undefined, b: FileScan | undefined): boolean {
  const x = a?.typeNames ?? new Set<string>();
  const y = b?.typeNames ?? new Set<string>();
  return x.size === y.size && [...x].every((t) => y.has(t));
}

/** What finds any of a set of words in a text. */
interface WordTest {
  test(text: string): boolean;
}

/**
 * Above this many characters of words, one alternation is too large for the regular expression engine
 * (a 50,000-character macro name is a SyntaxError): the words are looked up per identifier instead.
 */
const MAX_PATTERN_LENGTH = 10_000;

/** Identifiers as `\b` delimits them; the look-behind keeps the scan linear in long words. */
const WORD = /(?<![A-Za-z0-9_])[A-Za-z0-9_]+/g;

/** Finds any of the words as a whole word, followed by `after` (a regular expression), or null for no words. */
function wordPattern(words: ReadonlySet<string>, after = '\\b'): WordTest | null {
  if (words.size === 0) return null;
  let length = 0;
  for (const w of words) length += w.length + 1;
  if (length <= MAX_PATTERN_LENGTH) return new RegExp(`\\b(?:${[...words].join('|')})${after}`);
  const follows = new RegExp(`^${after}`);
  return {
    test: (text) => {
      for (const m of text.matchAll(WORD))
        if (words.has(m[0]) && follows.test(text.slice(m.index + m[0].length, m.index + m[0].length + 4096)))
          return true;
      return false;
    },
  };
}
