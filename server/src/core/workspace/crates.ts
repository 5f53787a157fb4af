import * as path from 'path';
import type { Parser, Range } from 'web-tree-sitter';
import { applyCfg, CfgEnv, cfgHolds, expandCfgAttr } from '../syntax/cfg';
import type { BodyMacroTest } from '../syntax/item-words';
import { extractItems, extractItemsReusing, TextEdit } from '../syntax/items';
import { ExpansionMemo } from './expansion-memo';
import { calledMacroName, expandMacroCalls } from './macros';
import type {
  Attribute,
  FileItems,
  Item,
  MacroCallItem,
  MacroRulesItem,
  ModItem,
  Origin,
  Token,
} from '../syntax/model';
import {
  isParserAbort,
  parseRust,
  parseRustLeavingOut,
  parseRustPiece,
  ParsedFile,
  piecesOf,
  PIECEWISE_PARSE_CHARS,
  replaceAbortedParser,
} from '../syntax/parse';
import type { RelevanceIndex } from './relevance';
import type { ModuleScope } from './scopes';
import { nextScopeId } from './scopes';
import { anyStartsWith, foldersHolding } from './sorted-paths';
import { stdTypeCount } from './std-types';
import type { TypeNames } from './types';

/**
 * The index of crates and their module trees. A crate is a root file plus every file its `mod x;`
 * declarations reach; each module knows its items (after `#[cfg]` and macro expansion), the types it
 * defines, its `use` imports and its child modules. Name resolution (`resolve.ts`) walks this tree.
 */

/**
 * Where files come from: the disk for the CLI, open documents first for the language server. Every
 * read of the workspace goes through one, so what the editor holds unsaved is what the analysis sees.
 */
export interface FileSource {
  /** The text of a file, or null when it does not exist or cannot be read. */
  read(file: string): string | null;
  /** Whether a file exists. */
  exists(file: string): boolean;
  /** The names of a directory's entries; none when it does not exist or cannot be listed. */
  list(dir: string): string[];
  /** When a file last changed, in milliseconds since the epoch; null when it does not exist. */
  modifiedAt(file: string): number | null;
}

/**
 * Texts held in memory (open documents, edits not yet written) over another source: a held file is
 * read, found and listed from memory, saved or not. `readable` may refuse a held text (over the size
 * limit): it then reads as null, as the disk source would refuse the file.
 */
export function overlaySource(
  held: ReadonlyMap<string, string>,
  under: FileSource,
  readable: (text: string) => boolean = () => true,
): FileSource {
  return {
    read: (file) => {
      const text = held.get(file);
      if (text === undefined) return under.read(file);
      return readable(text) ? text : null;
    },
    exists: (file) => held.has(file) || under.exists(file),
    list: (dir) => {
      const names = new Set(under.list(dir));
      for (const file of held.keys()) {
        const relative = path.relative(dir, file);
        const first = relative.split(path.sep)[0];
        if (first && first !== '..' && !path.isAbsolute(relative)) names.add(first);
      }
      return [...names];
    },
    // A held text that was never saved is the newest version of its file.
    modifiedAt: (file) => under.modifiedAt(file) ?? (held.has(file) ? Date.now() : null),
  };
}

export interface SourceFile {
  file: string;
  text: string;
  parsed: ParsedFile;
  items: FileItems;
}

export interface Crate {
  id: number;
  name: string;
  rootFile: string;
  edition: string;
  cfg: CfgEnv;
  root: ModuleScope;
  modules: ModuleScope[];
  /** Every file that belongs to this crate. */
  files: Set<string>;
  /** Files read through `include!`, with the file that includes each. */
  included: Map<string, string>;
  /** `mod x;` declarations whose file could not be found or read. */
  missingModules: { origin: Origin; name: string; tried: readonly string[] }[];
  /** Macro calls we could not expand, for the README's known limits and for diagnostics. */
  unexpandedMacros: { origin: Origin; name: string; why: string }[];
  /** Names resolved through a glob import somewhere in the crate (rustc prints those with paths). */
  globUsedNames: Set<string>;
  /** The text of one of the crate's files. */
  textOf(file: string): string | undefined;
  /**
   * The library an extern crate name (`api` in `api::Info`) stands for, when it is a crate of the run
   * (a path dependency, a workspace member, the package's own library for its binaries and tests):
   * loaded on first use, once. Null for a crate outside the run (crates.io, a vendored copy).
   */
  dependency(name: string): Crate | null;
  /** The dependencies `dependency` has loaded so far: an edit to one of their files changes this crate's findings. */
  dependencyCrates: Crate[];
  /** How this crate's dependencies are loaded (given again when the editor reloads the crate). */
  dependencies: DependencyLoader | null;
  /** Loaded as another crate's dependency, to resolve its types: `#[non_exhaustive]` binds there. */
  asDependency: boolean;
  /**
   * The first `macro_rules!` of each name among the modules, in load order; null until asked for, and
   * again whenever a module is added or an expansion defines a macro.
   */
  macroIndex: Map<string, MacroRulesItem> | null;
  /**
   * `mod x;` declarations not loaded yet: their files (and every file below them) hold nothing the
   * relevance index asks to parse up front. One is loaded when a path or a type name needs it.
   */
  pending: PendingModule[];
  /** The root's items are not read yet (see `loadCrate`). */
  rootDeferred: boolean;
  /** How pending modules are loaded; null when every module is loaded up front. */
  lazy: { cache: SourceCache; relevance: RelevanceIndex } | null;
}

/** A `mod x;` whose file is read only on demand. */
export interface PendingModule {
  parent: ModuleScope;
  item: ModItem;
  /** `x.rs` and `x/mod.rs` beside the parent. */
  candidates: readonly string[];
  /** The folder of `x`'s own children: every file of the module's subtree is a candidate or lies below it. */
  subtreeDir: string;
}

export interface CrateSpec {
  name: string;
  rootFile: string;
  edition: string;
  cfg: CfgEnv;
  /** When given, modules whose files the index does not need are loaded only on demand. */
  relevance?: RelevanceIndex;
  /** Loads the library an extern crate name stands for (see `Crate.dependency`). */
  dependencies?: DependencyLoader | null;
  /** Loaded as another crate's dependency (see `Crate.asDependency`). */
  asDependency?: boolean;
}

/** The library crate of the run an extern crate name stands for, freshly loaded; null when there is none. */
export type DependencyLoader = (externName: string) => Crate | null;

let nextCrateId = 1;

/** Parses files once and keeps them; the language server replaces entries as documents change. */
export class SourceCache {
  private readonly files = new Map<string, SourceFile>();

  constructor(
    private parser: Parser,
    /** Where the files are read from; macro expansion finds `include!`d files through it too. */
    readonly source: FileSource,
    /**
     * Which files keep their syntax tree after their items are read: the documents open in the editor,
     * which it re-parses from at each keystroke. Every other tree is freed at once, so that trees are
     * alive only for them (`ffi-guard check` keeps none): the parser's memory is never given back, and a
     * workspace's worth of trees took 90 MB of the bench's bindings workspace.
     */
    private readonly keepsTree: (file: string) => boolean = () => true,
    options: { memoiseExpansions?: boolean; parsed?: () => void } = {},
  ) {
    this.parsed = options.parsed;
    this.expansions = options.memoiseExpansions
      ? new ExpansionMemo((file) => this.files.get(file)?.text ?? null)
      : null;
  }

  /**
   * The macro expansions parsed so far, when the cache keeps them: the editor's, whose crates are loaded
   * again at every edit that is not inert (`ffi-guard check` loads each crate once and keeps none).
   */
  readonly expansions: ExpansionMemo | null;

  /** Told after each parse (a file, a piece of one, an expansion): see `RunOptions.parsed` (core/shard.ts). */
  private readonly parsed: (() => void) | undefined;

  /** Trees freed already (the file keeps none, or the cache was disposed), which must not be freed twice. */
  private readonly freed = new WeakSet<object>();

  private free(parsed: ParsedFile): void {
    // What the parse left out is read into items by now; the entry keeps its parsed file.
    parsed.leftOut = undefined;
    if (this.freed.has(parsed.tree)) return;
    this.freed.add(parsed.tree);
    parsed.tree.delete();
  }

  /** Files whose parsing failed, and why: they are skipped, never fatal. */
  readonly failures = new Map<string, string>();

  /** Texts read but not parsed yet. */
  private readonly unparsed = new Map<string, string>();

  /** A file's text, read once (and parsed only if `get` asks for it later); null when it cannot be read. */
  text(file: string): string | null {
    const known = this.files.get(file)?.text ?? this.unparsed.get(file);
    if (known !== undefined) return known;
    const text = this.source.read(file);
    if (text !== null) this.unparsed.set(file, text);
    return text;
  }

  /** The parsed file, or null when it cannot be read. Reads and parses on first use. */
  get(file: string): SourceFile | null {
    const cached = this.files.get(file);
    if (cached) return cached;
    const text = this.text(file);
    this.unparsed.delete(file);
    if (text === null) return null;
    try {
      return this.set(file, text);
    } catch (e) {
      this.failures.set(file, `could not be parsed: ${(e as Error).message}`);
      return null;
    }
  }

  /**
   * Replace a file's text (an edit in the editor, a change on disk). `edits`: how the text the file had
   * became this one (the editor's), so that its items are read again only where they changed.
   */
  set(file: string, text: string, previous?: ParsedFile, edits?: readonly TextEdit[]): SourceFile {
    this.unparsed.delete(file);
    const pieces = !previous && text.length > PIECEWISE_PARSE_CHARS && !this.keepsTree(file) ? piecesOf(text) : null;
    if (pieces) return this.setInPieces(file, text, pieces);
    const parsed = this.parse(text, previous, undefined, !previous && !this.keepsTree(file), file);
    const old = this.files.get(file);
    if (old && old.parsed.tree !== parsed.tree) this.free(old.parsed);
    const since = old && edits ? this.editsSinceItems.get(file) : undefined;
    const items =
      since && old && edits ? this.readAgain(file, parsed, old.items, [...since, ...edits]) : this.read(file, parsed);
    const entry: SourceFile = { file, text, parsed, items };
    if (!this.keepsTree(file)) this.free(parsed);
    this.files.set(file, entry);
    this.expansions?.reread(file);
    return entry;
  }

  /**
   * A long file whose tree is not kept, parsed and read a piece at a time (`piecesOf`), so that the parser's
   * memory holds one piece's tree at most. The items are those of the whole tree (test/pieces.test.ts).
   */
  private setInPieces(file: string, text: string, pieces: Range[]): SourceFile {
    const read: FileItems[] = [];
    let parsed: ParsedFile | null = null;
    for (const range of pieces) {
      parsed = this.parse(text, undefined, range, true, file);
      try {
        read.push(extractItems(file, parsed));
      } finally {
        this.free(parsed);
      }
    }
    const items: FileItems = {
      file,
      innerAttrs: read.flatMap((r) => r.innerAttrs),
      items: read.flatMap((r) => r.items),
      syntaxErrors: read.flatMap((r) => r.syntaxErrors),
    };
    // As `set` does, the file's previous entry is let go only once the new one is read.
    const old = this.files.get(file);
    if (old) this.free(old.parsed);
    this.editsSinceItems.delete(file);
    const entry: SourceFile = { file, text, parsed: parsed!, items };
    this.files.set(file, entry);
    this.expansions?.reread(file);
    return entry;
  }

  /** Whether a parsed file's syntax tree is alive (see `keepsTree`): an edit can re-parse from it. */
  hasTree(file: string): boolean {
    const entry = this.files.get(file);
    return !!entry && !this.freed.has(entry.parsed.tree);
  }

  /** Parses a file whose tree was freed again, for the edits to come; its items stay as they were. */
  keepTree(file: string): void {
    const entry = this.files.get(file);
    if (entry && !this.hasTree(file)) {
      entry.parsed = this.parse(entry.text);
      this.editsSinceItems.set(file, []);
    }
  }

  /** Frees a file's tree and keeps its items (a document closed as it is on disk). */
  dropTree(file: string): void {
    const entry = this.files.get(file);
    if (entry) this.free(entry.parsed);
    this.editsSinceItems.delete(file);
  }

  /**
   * Re-parses a parsed file after an edit that moved its items without changing them (an inert edit,
   * syntax/inert-edit.ts): the tree and the text are current, the items keep their old positions until
   * `refresh` reads them again.
   */
  reparseOnly(file: string, text: string, previous: ParsedFile, edits?: readonly TextEdit[]): ParsedFile {
    const entry = this.files.get(file);
    if (!entry) throw new Error(`reparseOnly: ${file} was never parsed`);
    const parsed = this.parse(text, previous);
    if (entry.parsed.tree !== parsed.tree) this.free(entry.parsed);
    entry.text = text;
    entry.parsed = parsed;
    const since = this.editsSinceItems.get(file);
    if (since && edits && since.length + edits.length <= MAX_EDITS_SINCE_ITEMS)
      for (const edit of edits) since.push(edit);
    else this.editsSinceItems.delete(file);
    return parsed;
  }

  /** Reads a file's items again from its current tree (after `reparseOnly`). */
  refresh(file: string): void {
    const entry = this.files.get(file);
    if (!entry) return;
    const since = this.editsSinceItems.get(file);
    entry.items = since ? this.readAgain(file, entry.parsed, entry.items, since) : this.read(file, entry.parsed);
    this.expansions?.reread(file);
  }

  /**
   * The edits made to the text of each file whose tree is kept since its items were read, in order: they
   * are read again only where the edits were (`extractItemsReusing`). None for a file whose edits are not
   * known: its items are read whole.
   */
  private readonly editsSinceItems = new Map<string, TextEdit[]>();

  private read(file: string, parsed: ParsedFile): FileItems {
    const reusable = this.keepsTree(file);
    if (reusable) this.editsSinceItems.set(file, []);
    else this.editsSinceItems.delete(file);
    return extractItems(file, parsed, { reusable });
  }

  private readAgain(file: string, parsed: ParsedFile, previous: FileItems, edits: readonly TextEdit[]): FileItems {
    if (!this.keepsTree(file)) return this.read(file, parsed);
    this.editsSinceItems.set(file, []);
    return extractItemsReusing(file, parsed, previous, edits);
  }

  /** A macro expansion's text, parsed as files are (edition 2024's `unsafe extern` / `safe` included); the caller deletes the tree. */
  parseFragment(text: string): ParsedFile {
    return this.parse(text);
  }

  /**
   * Parse with the current parser. If its WebAssembly instance aborts, every tree it made is lost with
   * it (none can be read, edited or freed any more): the cache forgets them, takes the spare parser for
   * the files after this one, and this file fails with the reason.
   */
  private parse(text: string, previous?: ParsedFile, piece?: Range, leaveOut = false, file?: string): ParsedFile {
    const usable = previous && !this.freed.has(previous.tree) ? previous : undefined;
    try {
      const parsed = leaveOut
        ? parseRustLeavingOut(this.parser, text, piece, file === undefined ? undefined : this.bodyMacros?.(file))
        : piece
          ? parseRustPiece(this.parser, text, piece)
          : parseRust(this.parser, text, usable);
      this.parsed?.();
      return parsed;
    } catch (e) {
      if (!isParserAbort(e)) throw e;
      for (const entry of this.files.values()) this.freed.add(entry.parsed.tree);
      if (previous) this.freed.add(previous.tree);
      const fresh = replaceAbortedParser(this.parser);
      if (fresh) this.parser = fresh;
      const what = (e as Error).message.split('\n')[0].replace(/\. Build with -sASSERTIONS.*$/, '');
      throw new Error(
        `the parser failed (${what}); ${fresh ? 'it was restarted for the other files' : 'it could not be restarted, so later files cannot be parsed either'}`,
      );
    }
  }

  /**
   * Which macros called in a function body of a file may write items there (`RelevanceIndex.bodyMacroTest`),
   * for a run whose files do not change under it (`checkEachCrate`): a body that calls no other is left out
   * of the parse of a file whose tree is not kept. Unset: any call may.
   */
  bodyMacros?: (file: string) => BodyMacroTest | undefined;

  /** Frees every tree (they live in the parser's WebAssembly memory, which is not garbage collected); texts and items stay readable. */
  dispose(): void {
    for (const entry of this.files.values()) this.free(entry.parsed);
  }

  /**
   * Forgets every file read so far but those `keep` holds (texts read but not parsed included): a run
   * that is done with a crate (`ffi-guard check` checks one at a time) reads and parses its files again
   * only if another crate asks for them.
   */
  release(keep: (file: string) => boolean = () => false): void {
    this.unparsed.clear();
    for (const file of [...this.files.keys()]) if (!keep(file)) this.delete(file);
  }

  peek(file: string): SourceFile | undefined {
    return this.files.get(file);
  }

  delete(file: string): void {
    this.unparsed.delete(file);
    this.editsSinceItems.delete(file);
    const old = this.files.get(file);
    if (old) this.free(old.parsed);
    this.files.delete(file);
    this.expansions?.forget(file);
  }
}

/**
 * Each run of a document's items is moved through every edit since they were read: past this many (a long
 * comment typed without a pause), its items are read whole again, which takes about as long.
 */
const MAX_EDITS_SINCE_ITEMS = 1000;

/** Build a crate's module tree from its root file. */
export function loadCrate(spec: CrateSpec, cache: SourceCache): Crate | null {
  // A crate none of whose files must be parsed up front (a test, a bench, an application crate) is read
  // as a root with no items until something asks for one. The index scanned its text, so it can be read:
  // reading it again here kept every waiting root's text until its crate was let go.
  const deferRoot =
    !!spec.relevance &&
    spec.relevance.has(spec.rootFile) &&
    rootCanWait(spec.relevance, spec.rootFile, !!spec.asDependency);
  const rootSource = deferRoot ? null : cache.get(spec.rootFile);
  if (!deferRoot && !rootSource) return null;
  const innerAttrs = rootSource ? expandCfgAttr(rootSource.items.innerAttrs, spec.cfg) : [];
  // A crate-level `#![cfg(…)]` that does not hold compiles an empty crate.
  const rootItems = rootSource && cfgHolds(innerAttrs, spec.cfg) ? rootSource.items.items : [];
  const waits =
    deferRoot || (!!spec.relevance && cfgLeavesRootWaiting(spec.relevance, spec.rootFile, rootItems, spec.cfg));
  const crate: Crate = {
    id: nextCrateId++,
    name: spec.name,
    rootFile: spec.rootFile,
    edition: spec.edition,
    cfg: spec.cfg,
    root: undefined as unknown as ModuleScope,
    modules: [],
    files: new Set([spec.rootFile]),
    included: new Map(),
    missingModules: [],
    unexpandedMacros: [],
    globUsedNames: new Set(),
    textOf: (file) => cache.peek(file)?.text,
    dependency: () => null,
    dependencyCrates: [],
    dependencies: spec.dependencies ?? null,
    asDependency: spec.asDependency ?? false,
    macroIndex: null,
    pending: [],
    lazy: spec.relevance ? { cache, relevance: spec.relevance } : null,
    rootDeferred: waits,
  };
  if (spec.dependencies) crate.dependency = dependencyOf(crate, spec.dependencies);
  crate.root = buildModule(crate, cache, {
    name: 'crate',
    path: 'crate',
    file: spec.rootFile,
    childDir: path.dirname(spec.rootFile),
    parent: null,
    rawItems: waits ? [] : rootItems,
    attrs: waits ? [] : innerAttrs,
  });
  expandAndIndex(crate, cache);
  return crate;
}

/** `Crate.dependency`: each name loaded once (a name asked for again while it loads gets null). */
function dependencyOf(crate: Crate, load: DependencyLoader): (name: string) => Crate | null {
  const known = new Map<string, Crate | null>();
  return (name) => {
    const seen = known.get(name);
    if (seen !== undefined) return seen;
    known.set(name, null);
    const dependency = load(name);
    known.set(name, dependency);
    if (dependency) crate.dependencyCrates.push(dependency);
    return dependency;
  };
}

/** Reads a deferred crate root's items (and loads, expands and indexes what they declare). */
export function loadDeferredRoot(crate: Crate): void {
  if (!crate.rootDeferred || !crate.lazy) return;
  crate.rootDeferred = false;
  const { cache } = crate.lazy;
  const rootSource = cache.get(crate.rootFile);
  if (!rootSource) return;
  const root = crate.root;
  root.attrs = expandCfgAttr(rootSource.items.innerAttrs, crate.cfg);
  root.items = cfgHolds(root.attrs, crate.cfg) ? applyCfg(rootSource.items.items, crate.cfg) : [];
  crate.macroIndex = null;
  for (const item of root.items) if (item.kind === 'mod') loadChildModule(root, item, cache);
  expandAndIndex(crate, cache);
}

/**
 * Macros are expanded once every module file is loaded, so a call sees every `macro_rules!` of the
 * crate (`#[macro_use] mod`, `#[macro_export]`); modules an expansion declares (`cfg_if!` around
 * `mod imp;`) are loaded and expanded in turn. Then each module's names are indexed.
 */
function expandAndIndex(crate: Crate, cache: SourceCache, firstModule = 0): void {
  // A macro can be defined by another expansion (libc's own `cfg_if!` wrapping `macro_rules! f`), possibly in
  // a module expanded later: expand in passes until a pass expands nothing new.
  const earlier = crate.unexpandedMacros.slice(0, firstModule ? undefined : 0);
  for (let pass = 0; pass < 4; pass++) {
    crate.unexpandedMacros = [...earlier];
    let grew = false;
    for (let i = firstModule; i < crate.modules.length; i++) {
      const module = crate.modules[i];
      const expanded = expandMacroCalls(module.items, module, cache);
      // The same list when nothing expanded (most modules, at every keystroke's re-check): nothing new in it.
      if (expanded === module.items) continue;
      const before = new Set(module.items);
      module.items = expanded;
      for (const item of module.items) {
        if (before.has(item)) continue;
        grew = true;
        if (item.kind === 'macro-rules') crate.macroIndex = null;
        if (item.kind === 'mod') loadChildModule(module, item, cache);
      }
    }
    if (!grew) break;
  }
  for (const module of crate.modules.slice(firstModule)) indexModuleItems(module);
}

interface ModuleInit {
  name: string;
  path: string;
  file: string;
  childDir: string;
  parent: ModuleScope | null;
  rawItems: Item[];
  attrs: Attribute[];
}

function buildModule(crate: Crate, cache: SourceCache, init: ModuleInit): ModuleScope {
  const module: ModuleScope = {
    id: nextScopeId(),
    crate,
    name: init.name,
    path: init.path,
    file: init.file,
    childDir: init.childDir,
    parent: init.parent,
    items: [],
    attrs: init.attrs,
    children: new Map(),
    types: new Map(),
    uses: new Map(),
    globs: [],
    externCrates: new Map(),
    consts: new Map(),
    implConsts: new Map(),
  };
  crate.modules.push(module);
  crate.macroIndex = null;
  if (init.parent) init.parent.children.set(init.name, module);
  module.items = applyCfg(init.rawItems, crate.cfg);
  for (const item of module.items) if (item.kind === 'mod') loadChildModule(module, item, cache);
  return module;
}

function indexModuleItems(module: ModuleScope): void {
  for (const item of module.items) {
    switch (item.kind) {
      case 'struct':
      case 'enum':
      case 'union':
        module.types.set(item.name, { kind: 'adt', item, module });
        break;
      case 'type':
        module.types.set(item.name, { kind: 'alias', item, module });
        break;
      case 'trait':
        module.types.set(item.name, { kind: 'trait', item, module });
        break;
      case 'use':
        for (const tree of item.trees) {
          if (tree.kind === 'glob') module.globs.push(tree.path);
          else {
            const last = tree.path[tree.path.length - 1];
            const local = tree.alias ?? (last === 'self' ? tree.path[tree.path.length - 2] : last);
            const target = last === 'self' ? tree.path.slice(0, -1) : tree.path;
            if (local && local !== '_') module.uses.set(local, target);
          }
        }
        break;
      case 'extern-crate':
        module.externCrates.set(item.alias ?? item.crateName, item.crateName);
        break;
      case 'const':
        module.consts.set(item.name, item);
        break;
      case 'impl': {
        const self =
          item.selfType?.kind === 'path'
            ? item.selfType.path.segments[item.selfType.path.segments.length - 1].name
            : null;
        if (self) for (const c of item.items) if (c.kind === 'const') module.implConsts.set(`${self}::${c.name}`, c);
        break;
      }
    }
  }
}

function loadChildModule(parent: ModuleScope, item: ModItem, cache: SourceCache, now = false): void {
  const crate = parent.crate;
  const childPath = `${parent.path}::${item.name}`;
  const pathAttr = item.attrs.find((a) => a.name === 'path' && a.value !== null)?.value ?? null;
  if (item.items) {
    const attrs = [...item.attrs, ...item.innerAttrs];
    if (!cfgHolds(item.innerAttrs, crate.cfg)) return;
    buildModule(crate, cache, {
      name: item.name,
      path: childPath,
      file: parent.file,
      childDir: pathAttr ? path.resolve(parent.childDir, pathAttr) : modulePaths(item, parent.childDir).subtreeDir,
      parent,
      rawItems: item.items,
      attrs,
    });
    return;
  }
  const paths = pathAttr ? null : modulePaths(item, parent.childDir);
  const candidates = paths ? paths.candidates : [path.resolve(pathBase(parent), pathAttr!)];
  if (
    !now &&
    paths &&
    crate.lazy &&
    canWait(crate.lazy.relevance, candidates, paths.subtreeDir, false, crate.asDependency)
  ) {
    crate.pending.push({ parent, item, candidates, subtreeDir: paths.subtreeDir });
    return;
  }
  for (const file of candidates) {
    if (crate.files.has(file)) return; // a cycle through #[path]
    const source = cache.get(file);
    if (!source) continue;
    crate.files.add(file);
    const innerAttrs = expandCfgAttr(source.items.innerAttrs, crate.cfg);
    if (!cfgHolds(innerAttrs, crate.cfg)) return;
    buildModule(crate, cache, {
      name: item.name,
      path: childPath,
      file,
      // `x.rs` and `x/mod.rs` alike: `x/`; a `#[path]` file's own folder.
      childDir: paths ? paths.subtreeDir : path.dirname(file),
      parent,
      rawItems: source.items.items,
      attrs: [...item.attrs, ...innerAttrs],
    });
    return;
  }
  crate.missingModules.push({ origin: item.origin, name: item.name, tried: candidates });
}

/** The name of a module's file and folder: `mod r#enum;` is `enum.rs` (or `enum/mod.rs`). */
export function moduleFileStem(item: ModItem): string {
  return item.name.replace(/^r#/, '');
}

/** The files a `mod` of this file stem may be in, within the folder its declaring module's `mod`s look in. */
export function moduleFileCandidates(dir: string, stem: string): string[] {
  return [path.join(dir, `${stem}.rs`), path.join(dir, stem, 'mod.rs')];
}

/** Where a `mod x;` declared in a folder may be: its two files, and the folder of its own modules. */
interface ModulePaths {
  dir: string;
  candidates: readonly string[];
  subtreeDir: string;
}

/**
 * The paths of each `mod`, kept with the item (read, never changed: the items of a file the editor did not
 * change are the same at every load, and let go with it). The editor loads a crate again at every keystroke
 * that is not inert, and joining the same paths again was the largest part of what such a keystroke
 * allocated in gtk's crate (`node out/test/bench/typing-heap.js --workspace untuned --allocations`).
 */
const MODULE_PATHS = new WeakMap<ModItem, ModulePaths>();

function modulePaths(item: ModItem, dir: string): ModulePaths {
  const known = MODULE_PATHS.get(item);
  if (known?.dir === dir) return known;
  const stem = moduleFileStem(item);
  const subtreeDir = path.join(dir, stem);
  const paths = { dir, candidates: moduleFileCandidates(dir, stem), subtreeDir };
  MODULE_PATHS.set(item, paths);
  return paths;
}

/**
 * The folder a `#[path]` on a `mod x;` of this module is relative to: the folder of the module's file,
 * unless the module is inline (then the folder its own `mod x;` declarations look in: the Reference,
 * "The path attribute").
 */
function pathBase(module: ModuleScope): string {
  const inline = module.parent !== null && module.parent.file === module.file;
  return inline ? module.childDir : path.dirname(module.file);
}

/**
 * Whether a `mod x;` can be left unloaded: its file is known to the relevance index and neither it nor
 * any file below its folder must be parsed up front. A file the index does not know (outside the
 * requested paths) is loaded, as is every `#[path]` module (its subtree is not a folder of its own).
 * With `typesOnly` (a crate loaded as another's dependency, read for the types a path names), nothing
 * must be parsed up front: its boundary is checked when it is checked itself.
 */
function canWait(
  relevance: RelevanceIndex,
  candidates: readonly string[],
  subtreeDir: string,
  mayBeAbsent = false,
  typesOnly = false,
): boolean {
  if (!mayBeAbsent && !candidates.some((c) => relevance.has(c))) return false;
  if (typesOnly) return true;
  return !candidates.some((c) => relevance.isNeeded(c)) && !relevance.neededBelow(subtreeDir);
}

/**
 * Whether a crate root can be left unread: it and the files of every module it may declare (by its
 * text: `mod x` → `x.rs`, `x/…` beside it) hold nothing the index must parse up front. Other roots in
 * the same folder (`tests/a.rs`, `tests/b.rs`) do not count against each other.
 */
function rootCanWait(relevance: RelevanceIndex, rootFile: string, typesOnly: boolean): boolean {
  const mods = relevance.modulesOf(rootFile);
  if (!mods) return false;
  if (typesOnly) return true;
  if (relevance.isNeeded(rootFile)) return false;
  const dir = path.dirname(rootFile);
  return [...mods].every((name) => canWait(relevance, moduleFileCandidates(dir, name), path.join(dir, name), true));
}

/**
 * Whether a root that was read, only because a module it may declare leads to a file the index must parse
 * up front, declares no such module once its `#[cfg]`s are applied: portable-atomic's boundary is an
 * `extern` block in a `#[cfg(test)] mod tests`, many crates' bindings are in a `#[cfg(windows)] mod`. Nothing
 * the crate compiles then declares a boundary item (they are all in files the index must parse), and its
 * root waits as one that could from the start (`rootCanWait`): its macros are expanded, and its modules
 * loaded, only if something asks. A module a macro may declare (`cfg_if! { mod imp; }`, a macro whose rules
 * write `mod`, `include!`), a `#[path]`, or an inline module that declares modules keeps the root read.
 */
function cfgLeavesRootWaiting(relevance: RelevanceIndex, rootFile: string, items: Item[], cfg: CfgEnv): boolean {
  // A root the index has not scanned (a document never saved, a file outside the workspace) tells nothing.
  if (!relevance.has(rootFile)) return false;
  const reason = relevance.reasonNeeded(rootFile);
  if (reason !== null && reason !== 'followed') return false;
  const dir = path.dirname(rootFile);
  // The macros already followed from an earlier call, none of which writes `mod` (else the answer is given).
  const followed = new Set<string>();
  return applyCfg(items, cfg).every((item) => {
    if (item.kind === 'macro-call') return !mayDeclareModules(item, relevance, followed);
    if (item.kind !== 'mod') return true;
    if (item.attrs.some((a) => a.name === 'path' || a.name === 'cfg_attr')) return false;
    if (item.items) return item.items.every((i) => i.kind !== 'mod' && i.kind !== 'macro-call');
    return canWait(relevance, moduleFileCandidates(dir, item.name), path.join(dir, item.name), true);
  });
}

/**
 * Whether an item-level macro call may expand to a `mod` (or to a file's items, `include!`): `mod` or `include`
 * is written in its arguments, in its macro's rules, or in those of a macro either names (which the expansion
 * may invoke), and so on.
 */
function mayDeclareModules(call: MacroCallItem, relevance: RelevanceIndex, seen = new Set<string>()): boolean {
  const words = new Set<string>();
  wordsOf(call.tokens, words);
  const pending = [calledMacroName(call), ...words];
  while (pending.length) {
    const name = pending.pop()!;
    if (name === 'mod' || name === 'include') return true;
    if (seen.has(name)) continue;
    seen.add(name);
    for (const w of relevance.macroWords(name)) if (!seen.has(w)) pending.push(w);
  }
  return false;
}

function wordsOf(tokens: readonly Token[], into: Set<string>): void {
  for (const t of tokens) {
    if (t.kind === 'ident') into.add(t.text);
    if (t.children) wordsOf(t.children, into);
  }
}

/** Loads a pending module (and expands and indexes what it brings); true when something was loaded. */
function loadPending(crate: Crate, which: (p: PendingModule) => boolean): boolean {
  if (!crate.lazy) return false;
  const chosen = crate.pending.filter(which);
  if (!chosen.length) return false;
  crate.pending = crate.pending.filter((p) => !chosen.includes(p));
  // The macros their files invoke are defined first, as if every module had been loaded.
  const relevance = crate.lazy.relevance;
  loadFiles(
    crate,
    chosen.flatMap((p) => p.candidates.flatMap((c) => relevance.macroSourcesOf(c))),
  );
  const before = crate.modules.length;
  for (const p of chosen) loadChildModule(p.parent, p.item, crate.lazy.cache, true);
  expandAndIndex(crate, crate.lazy.cache, before);
  return true;
}

/** A child module by name, loading it first when it is pending. */
export function childModule(module: ModuleScope, name: string): ModuleScope | undefined {
  loadDeferredRoot(module.crate);
  const child = module.children.get(name);
  if (child || module.isBlock) return child;
  loadPending(module.crate, (p) => p.parent === module && p.item.name === name);
  return module.children.get(name);
}

/**
 * Loads the pending modules whose files may define a type named `name` (and the modules on the way to
 * them), so that everything that looks a type up by its bare name (name trimming, associated consts)
 * sees what loading every module would have shown.
 */
export function loadTypeDefinitions(crate: Crate, name: string): void {
  if (crate.lazy) loadFiles(crate, crate.lazy.relevance.filesDefiningType(name));
}

/**
 * Whether a file is the crate's: loaded, or in the folder of a module (or root) not loaded yet, where
 * it may be one of the crate's files. A superset for unloaded modules: a file there that no `mod`
 * reaches counts too.
 */
export function mayContain(crate: Crate, file: string): boolean {
  return unloadedParts(crate)(file);
}

/**
 * `mayContain` for one crate as it is now, to ask about many files: a file is looked up with its folders
 * (a few set lookups) instead of against every pending module.
 */
export function unloadedParts(crate: Crate): (file: string) => boolean {
  const { files, dirs } = unloadedAreas(crate);
  const prefixes = [...dirs].map((d) => d + path.sep);
  return (file) => {
    if (crate.files.has(file) || files.has(file)) return true;
    // Few folders (most crates): compare prefixes; many: look the file's folders up.
    if (prefixes.length <= 16) return prefixes.some((p) => file.startsWith(p));
    return foldersOf(file).some((d) => dirs.has(d));
  };
}

/**
 * Where the parts of a crate not loaded yet may lie: the files its pending `mod x;` name (and a deferred
 * root), and the folders below which every other file of theirs lies.
 */
export function unloadedAreas(crate: Crate): { files: Set<string>; dirs: Set<string> } {
  const files = new Set<string>();
  const dirs = new Set<string>();
  if (crate.rootDeferred) {
    files.add(crate.rootFile);
    dirs.add(path.dirname(crate.rootFile));
  }
  for (const p of crate.pending) {
    for (const c of p.candidates) files.add(c);
    dirs.add(p.subtreeDir);
  }
  return { files, dirs };
}

/** A file's folders, innermost first (kept: the same files are asked about for every crate). */
function foldersOf(file: string): string[] {
  let folders = FOLDERS.get(file);
  if (!folders) {
    folders = [...foldersHolding(file)];
    FOLDERS.set(file, folders);
  }
  return folders;
}

const FOLDERS = new Map<string, string[]>();

/** Loads the pending modules of these files, and those on the way to them. */
export function loadFiles(crate: Crate, files: readonly string[]): void {
  // Nothing left to load (most crates, once checked): every type name asked about is looked up here.
  if (!files.length || (!crate.rootDeferred && !crate.pending.length)) return;
  const rootDir = path.dirname(crate.rootFile) + path.sep;
  if (crate.rootDeferred && files.some((f) => crate.files.has(f) || f.startsWith(rootDir))) loadDeferredRoot(crate);
  // The files a pending module may hold, found by their folders (a name a thousand packages define is asked
  // about in every crate): asked again after each load, whose modules may lead elsewhere (`#[path]`).
  for (;;) {
    const wanted = [...new Set(files.filter(unloadedParts(crate)))].sort();
    if (!wanted.length) return;
    const named = new Set(wanted);
    const holds = (p: PendingModule): boolean =>
      p.candidates.some((c) => named.has(c)) || anyStartsWith(wanted, p.subtreeDir + path.sep);
    if (!loadPending(crate, holds)) return;
  }
}

/** How type names print in this crate (rustc's trimmed paths): a name is trimmed only when unique. */
export function crateTypeNames(crate: Crate): TypeNames {
  const local = new Map<string, number>();
  let counted = 0;
  const localCount = (name: string): number => {
    loadTypeDefinitions(crate, name);
    // Modules loaded since the last question are counted once, as they arrive.
    for (; counted < crate.modules.length; counted++) {
      const m = crate.modules[counted];
      for (const [type, entry] of m.types) if (entry.module === m) local.set(type, (local.get(type) ?? 0) + 1);
    }
    return local.get(name) ?? 0;
  };
  return {
    isAmbiguous: (name) => crate.globUsedNames.has(name) || localCount(name) + stdTypeCount(name) > 1,
  };
}
