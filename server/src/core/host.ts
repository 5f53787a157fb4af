import type { Parser } from 'web-tree-sitter';
import type { Settings } from './config';
import { discover } from './workspace/discover';
import { clearLayoutCache } from './analysis/ffi';
import { compareFindings, type Finding } from './analysis/findings';
import { DiskTexts, FixRun, runFixes } from './fix-all';
import { importerUpdater, ImporterUpdater } from './importer-updates';
import * as path from 'path';
import { performance } from 'perf_hooks';
import {
  checkCrates,
  checkFileOf,
  crateLoads,
  DiskSource,
  internalError,
  LoadedCrate,
  MAX_FINDINGS_PER_CRATE,
  overLimit,
  packageDirsOf,
  withoutRefusedFeatures,
} from './project';
import { MAX_LINE_LENGTH, textOverLimits } from './workspace/read-file';
import type { CrateDescription } from './workspace/discover';
import { confirmEdit, probeEdit, TextReplacement } from './syntax/inert-edit';
import { scanAfterEdit } from './syntax/scan';
import { rereadOf } from './syntax/items';
import { AppliedChanges, applyChanges, TextChange } from './syntax/text-edits';
import { LineIndex } from './syntax/positions';
import { Crate, loadCrate, loadFiles, mayContain, overlaySource, SourceCache } from './workspace/crates';
import { RelevanceIndex } from './workspace/relevance';
import {
  changedFunctionsAlone,
  findingsByFile,
  movedFinding,
  movedList,
  walkOrderOf,
  ProducedFindings,
  producedFindings,
  withFileRechecked,
} from './file-recheck';

/**
 * The analysis state of an editor session: the workspace's crates, the open documents over the disk,
 * and the findings of every file. Text in, findings out; the language server is a thin adapter over
 * this class. As `ffi-guard check`, it parses only the files the relevance index needs (and those a
 * boundary names, and the documents open in the editor). An edit re-parses the file incrementally and
 * re-checks the crates that contain it, so a change in one file updates the findings of the others in
 * the same crate; an edit to a file no crate has loaded costs a scan of its text, unless it makes the
 * file matter.
 */
export class AnalysisHost {
  private readonly open = new Map<string, string>();
  private readonly disk: DiskSource;
  private readonly cache: SourceCache;
  private crates: LoadedCrate[] = [];
  /** Findings per file, for every file of every crate. */
  private readonly findings = new Map<string, Finding[]>();
  private files = new Set<string>();
  private relevance = this.newRelevanceIndex();
  /**
   * Files edited inertly since their items were last read: their findings were moved, not re-made, and
   * their items, relevance scan and crates are brought up to date before anything reads them (`settle`).
   */
  private readonly stale = new Set<string>();
  /**
   * How edits were handled: moved findings (inert), a re-check of the crates, of which those that walked
   * the edited file's items alone.
   */
  readonly editsHandled = { inert: 0, rechecked: 0, alone: 0 };

  /** How many macro expansions re-checks found already parsed (`SourceCache.expansions`), and moved. */
  get expansionsReused(): { found: number; moved: number } {
    return { found: this.cache.expansions?.reused ?? 0, moved: this.cache.expansions?.moved ?? 0 };
  }

  /** The largest open document analysed as it is typed (in UTF-16 code units); a larger one is skipped. */
  readonly maxOpenDocumentSize: number;
  /** Open documents skipped for a limit of their own (size, line length, nesting), until an edit lifts it. */
  private readonly overLimits = new Set<string>();
  /**
   * Open documents of no crate of the workspace (a file outside every folder, or any file when the editor
   * names no folder): each is checked as a crate of its own, as `rustc FILE` compiles it.
   */
  private readonly standalone = new Set<string>();
  /** Told what the host did about bad input it could not take as is (an edit outside its document…). */
  onWarning: (message: string) => void = () => {};
  /**
   * Told, at each indexing, what cargo would refuse in the `features` setting (an unknown name…), in
   * cargo's words; the workspace is checked with the features cargo would accept.
   */
  onFeatureErrors: (errors: string[]) => void = () => {};
  /** The requested features cargo refused at the last indexing: left out of every run (`fixAll` too). */
  private refusedFeatures: string[] = [];

  constructor(
    parser: Parser,
    private settings: Settings,
    private roots: string[],
    options: { maxOpenDocumentSize?: number } = {},
  ) {
    this.maxOpenDocumentSize = options.maxOpenDocumentSize ?? DEFAULT_MAX_OPEN_DOCUMENT_SIZE;
    this.disk = new DiskSource(settings.maxFileSize);
    const overlay = overlaySource(this.open, this.disk, (text) => text.length <= this.openLimit());
    // Only open documents are edited a keystroke at a time: only they keep a tree to re-parse from.
    this.cache = new SourceCache(parser, overlay, (file) => this.open.has(file), { memoiseExpansions: true });
  }

  /**
   * A relevance index that reads a file again, when it must, as the analysis would (open documents first);
   * `packageDirs`, the folders of the workspace's packages, as `check` gives them (workspace/relevance.ts).
   */
  private newRelevanceIndex(packageDirs: readonly string[] = []): RelevanceIndex {
    return new RelevanceIndex(packageDirs, (file) => this.cache.text(file));
  }

  /** The size above which an open document is not analysed: the file limit or the open-document one. */
  private openLimit(): number {
    return Math.min(this.settings.maxFileSize, this.maxOpenDocumentSize);
  }

  /** Files that were not read, and why (binary, too large, not UTF-8…). */
  skipped(): Map<string, string> {
    return new Map([...this.disk.skipped, ...this.cache.failures, ...this.failed]);
  }

  /**
   * Discover, parse and check every crate under the roots. `progress` is called as files are read and
   * parsed (the bulk of the work). Returns the findings of every file, including files whose findings
   * went away (as empty lists).
   */
  indexAll(progress?: (done: number, total: number) => void): Map<string, Finding[]> {
    const steps = this.indexSteps(progress);
    for (let step = steps.next(); !step.done; step = steps.next());
    return new Map(this.findings);
  }

  /**
   * `indexAll` in steps that give the event loop back (`pause`) every few files and after each crate, so
   * that an editor's messages are served while a large workspace is indexed. The crates that may hold an
   * open document are loaded first, and `checked` gets each crate's findings as soon as they are made.
   */
  async indexInBackground(
    pause: () => Promise<void>,
    progress?: (done: number, total: number) => void,
    checked?: (findings: Map<string, Finding[]>) => void,
  ): Promise<Map<string, Finding[]>> {
    this.indexing = true;
    try {
      const steps = this.indexSteps(progress);
      for (let step = steps.next(); !step.done; step = steps.next()) {
        if (step.value && checked) checked(step.value);
        await pause();
      }
    } finally {
      this.indexing = false;
    }
    return new Map(this.findings);
  }

  /** Whether `indexInBackground` is running: only documents of crates already loaded are analysed. */
  private indexing = false;

  /** Whether an editor's change to this file can be analysed now (its crates are loaded, or none will be). */
  canAnalyse(file: string): boolean {
    return !this.indexing || this.cratesHolding(file).length > 0;
  }

  /**
   * A document opened or changed while its crate is not loaded yet: its text is kept (the loading reads
   * it) and nothing is analysed; the indexing reports its findings once its crate is checked.
   */
  noteText(file: string, text: string): void {
    this.open.set(file, text);
    // Over the open-document limit, it is said skipped once its crate is checked.
    this.tooLarge(file, text);
    this.cache.delete(file);
    if (this.relevance.has(file)) this.index(file, text);
  }

  /** `noteText` for incremental changes. */
  noteChanges(file: string, changes: TextChange[]): void {
    const old = this.open.get(file) ?? this.cache.text(file) ?? '';
    this.noteText(file, applyChanges(old, changes).text);
  }

  /**
   * The steps of indexing: read and scan the files (a step every 200 files), then load and check one
   * crate per step; a crate's step yields the findings it made.
   */
  private *indexSteps(progress?: (done: number, total: number) => void): Generator<Map<string, Finding[]> | null> {
    this.refreshStale();
    clearLayoutCache();
    for (const f of [...this.disk.skipped.keys()]) if (f.endsWith('Cargo.toml')) this.disk.skipped.delete(f);
    const found = discover(this.roots, this.roots[0] ?? process.cwd(), this.settings.exclude);
    this.files = new Set(found.files);
    // Files no root holds any more (a folder removed, the roots moved) would keep their trees, which live in
    // the parser's WebAssembly memory until it aborts: forgotten, and read again if a crate still reaches them.
    this.cache.release((f) => this.files.has(f) || this.open.has(f));
    this.relevance = this.newRelevanceIndex(packageDirsOf(found));
    this.indexed.clear();
    let sliceStart = performance.now();
    for (let i = 0; i < found.files.length; i++) {
      const file = found.files[i];
      const text = this.cache.text(file);
      if (text !== null) this.relevance.update(file, text);
      // The index has what it needs of the text: a file no crate parses is read again only if one does.
      if (!this.open.has(file) && !this.cache.peek(file)) this.cache.delete(file);
      progress?.(i + 1, found.files.length);
      // The event loop is given back every few milliseconds, not every so many files: a keystroke waits
      // for at most one slice of the scan.
      if (performance.now() - sliceStart > SCAN_SLICE_MS) {
        yield null;
        sliceStart = performance.now();
      }
    }
    const before = new Set(this.findings.keys());
    this.findings.clear();
    this.crates = [];
    this.refusedFeatures = [];
    // A broken Cargo.toml is said, on the manifest itself, like any other file we could not use.
    for (const s of found.skipped) {
      this.disk.skipped.set(s.file, s.reason);
      this.findings.set(s.file, []);
    }
    const openFirst = (remaining: readonly CrateDescription[]): number =>
      Math.max(
        0,
        remaining.findIndex((d) => {
          const dir = path.dirname(d.manifest ?? d.rootFile) + path.sep;
          return [...this.open.keys()].some((f) => f.startsWith(dir));
        }),
      );
    for (const loaded of crateLoads(
      found,
      this.cache,
      this.settings,
      {
        relevance: this.relevance,
        onFeatureErrors: (errors, refused) => {
          this.refusedFeatures = refused;
          this.onFeatureErrors(errors);
        },
      },
      openFirst,
    )) {
      this.crates.push(loaded);
      this.loadOpenDocuments(loaded.crate);
      yield this.storeNew(loaded);
    }
    // The open documents no crate of the workspace holds are crates of their own.
    this.standalone.clear();
    for (const file of [...this.open.keys()]) {
      this.addStandalone(file);
      if (!this.standalone.has(file)) continue;
      const own = this.crates.filter((c) => c.crate.rootFile === file && c.description.manifest === null);
      if (own.length) yield this.storeNew(own[own.length - 1]);
    }
    for (const f of [...before, ...found.files]) if (!this.findings.has(f)) this.findings.set(f, []);
  }

  /**
   * Checks a newly loaded crate and files its findings; one another crate already made (a module shared
   * by a library and a binary) is kept once. The crate's own repeats are all kept, as `check` keeps them
   * and rustc reports them (two expansions of one macro body, each with its finding). Returns the findings
   * of every file of the crate.
   */
  private storeNew(loaded: LoadedCrate): Map<string, Finding[]> {
    const keyOf = (f: Finding): string =>
      `${f.rule}|${f.origin.file}|${f.origin.span.start}|${f.origin.span.end}|${f.message}`;
    const touched = new Set(loaded.crate.files);
    // The findings other crates made, by file, as they were before this crate's.
    const others = new Map<string, Set<string>>();
    for (const f of this.checkRecorded([loaded])) {
      const list = this.findings.get(f.origin.file) ?? [];
      let made = others.get(f.origin.file);
      if (!made) others.set(f.origin.file, (made = new Set(list.map(keyOf))));
      if (made.has(keyOf(f))) continue;
      list.push(f);
      this.findings.set(f.origin.file, list);
      touched.add(f.origin.file);
    }
    const out = new Map<string, Finding[]>();
    for (const file of touched) {
      const list = (this.findings.get(file) ?? []).sort(compareFindings);
      this.findings.set(file, list);
      out.set(file, list);
    }
    return out;
  }

  /** A document opened or changed in the editor; returns the findings of every file that may have changed. */
  update(file: string, text: string): Map<string, Finding[]> {
    // Opening a file the indexing checked, with the text it checked, changes nothing: its findings stand.
    const checked = this.cache.peek(file)?.text === text && !this.failed.has(file) && !this.stale.has(file);
    this.open.set(file, text);
    return this.analysing(file, () => {
      if (this.tooLarge(file, text)) return new Map([[file, []]]);
      if (this.outsideEveryCrate(file)) return this.recordOnly(file, text);
      this.addStandalone(file);
      const holding = this.cratesHolding(file).length;
      this.loadIntoCrates(file);
      const findings = this.findings.get(file);
      if (checked && holding > 0 && this.cratesHolding(file).length === holding && findings) {
        // Its tree was freed when the indexing read it: parsed again now, not at the first keystroke.
        this.cache.keepTree(file);
        return new Map([[file, findings]]);
      }
      return this.reparse(file, text);
    });
  }

  /**
   * Runs the analysis of an open document's new text. A failure (the parser gives up on the text, an
   * internal error) is said on the document, whose findings are then none: the findings of an older text
   * are never handed out again as this text's. Its tree is dropped, so the next edit parses it whole.
   */
  private analysing(file: string, analyse: () => Map<string, Finding[]>): Map<string, Finding[]> {
    this.failed.delete(file);
    try {
      return analyse();
    } catch (e) {
      const message = (e as Error).message;
      this.failed.set(file, `could not be analysed: ${message}`);
      this.onWarning(
        `${file}: could not be analysed (${message}); its findings are cleared until it can be\n${(e as Error).stack ?? ''}`,
      );
      this.cache.delete(file);
      this.stale.delete(file);
      this.findings.set(file, []);
      return new Map([[file, []]]);
    }
  }

  /** Open documents whose last text could not be analysed, and why. */
  private readonly failed = new Map<string, string>();

  /**
   * A `.rs` document that no crate of the workspace may hold becomes a crate of its own (once; its
   * edits then re-check that crate alone, never the workspace).
   */
  private addStandalone(file: string): void {
    if (!file.endsWith('.rs') || this.files.has(file) || this.standalone.has(file)) return;
    if (this.crates.some((c) => mayContain(c.crate, file))) return;
    const description: CrateDescription = {
      name: path.basename(file, '.rs').replace(/[^A-Za-z0-9_]/g, '_'),
      rootFile: file,
      edition: '2021',
      manifest: null,
      target: 'file',
      crateTypes: [],
    };
    const found = { files: [file], crates: [description], skipped: [] };
    for (const loaded of crateLoads(found, this.cache, this.settings, {
      loadEveryModule: true,
      // A file of its own has no Cargo package: no feature of it is resolved, none refused.
      onFeatureErrors: () => {},
    })) {
      this.crates.push(loaded);
      this.standalone.add(file);
    }
  }

  /** A standalone document closed: its crate goes with it. */
  private dropStandalone(file: string): Map<string, Finding[]> {
    const out = new Map<string, Finding[]>();
    if (!this.standalone.delete(file)) return out;
    const gone = this.crates.filter((c) => c.crate.rootFile === file && c.description.manifest === null);
    this.crates = this.crates.filter((c) => !gone.includes(c));
    for (const c of gone) for (const f of c.crate.files) if (!this.files.has(f)) out.set(f, []);
    for (const f of out.keys()) this.findings.delete(f);
    return out;
  }

  /** Loads a file's module in every crate that may contain it (an opened document is analysed whole). */
  private loadIntoCrates(file: string): void {
    for (const { crate } of this.crates) loadDocuments(crate, [file]);
  }

  /** What the editor shows is analysed whole (hovers, code actions), needed or not. */
  private loadOpenDocuments(crate: Crate): void {
    loadDocuments(crate, [...this.open.keys()]);
  }

  /** A crate the checker failed on, or whose findings went past their limit, is listed as `check` lists it. */
  private reportSkipped(entry: { file: string; reason: string }): void {
    this.disk.skipped.set(entry.file, entry.reason);
  }

  /**
   * An open document over the size limit, or over the line length or nesting limit, is not parsed (as on
   * disk): it is listed as skipped instead, until an edit brings it back within them.
   */
  private tooLarge(file: string, text: string, shapeUnchanged = false): boolean {
    const over =
      text.length > this.openLimit()
        ? text.length > this.settings.maxFileSize
          ? `larger than the size limit (${Math.round(this.settings.maxFileSize / 1024)} KB)`
          : `larger than the size limit for open documents (${Math.round(this.maxOpenDocumentSize / 1024)} KB): ` +
            'it is not analysed as you type; `ffi-guard check` still checks it'
        : shapeUnchanged
          ? null
          : textOverLimits(text);
    if (over === null) {
      if (this.overLimits.delete(file)) this.disk.skipped.delete(file);
      return false;
    }
    this.overLimits.add(file);
    this.disk.skipped.set(file, over);
    this.cache.delete(file);
    this.findings.set(file, []);
    return true;
  }

  /** Incremental changes to an open document (LSP `didChange`). */
  change(file: string, changes: TextChange[]): Map<string, Finding[]> {
    const old = this.open.get(file) ?? this.cache.peek(file)?.text ?? '';
    const valid = validChanges(old, changes);
    for (const problem of valid.problems) this.onWarning(`${file}: ${problem}`);
    const applied = applyChanges(old, valid.changes);
    this.open.set(file, applied.text);
    // Positions that had to be mended leave nothing of the old tree trustworthy: parse the new text whole.
    if (valid.problems.length) applied.edits = null;
    const shapeUnchanged = !this.overLimits.has(file) && withinShapeStill(old, applied);
    return this.analysing(file, () => this.analyseChange(file, applied, shapeUnchanged));
  }

  private analyseChange(file: string, applied: AppliedChanges, shapeUnchanged: boolean): Map<string, Finding[]> {
    if (this.tooLarge(file, applied.text, shapeUnchanged)) return new Map([[file, []]]);
    if (this.outsideEveryCrate(file)) return this.recordOnly(file, applied.text);
    this.addStandalone(file);
    const previous = this.cache.peek(file);
    if (previous && applied.edits && previous.parsed.parsedText === previous.text && this.cache.hasTree(file)) {
      const edit = applied.edits.length === 1 ? applied.edits[0] : null;
      const replacement = edit && {
        start: edit.startIndex,
        oldEnd: edit.oldEndIndex,
        inserted: applied.text.slice(edit.startIndex, edit.newEndIndex),
      };
      const probe = replacement && this.cratesHolding(file).length ? probeEdit(previous.parsed, replacement) : null;
      for (const e of applied.edits) previous.parsed.tree.edit(e);
      const edits = applied.edits.map((e) => ({ start: e.startIndex, oldEnd: e.oldEndIndex, newEnd: e.newEndIndex }));
      if (probe && replacement) {
        const parsed = this.cache.reparseOnly(file, applied.text, previous.parsed, edits);
        if (confirmEdit(probe, parsed)) return this.moveFindings(file, replacement);
        this.cache.refresh(file);
        return this.recheckContaining(file, applied.text, replacement);
      }
      this.cache.set(file, applied.text, previous.parsed, edits);
      return this.recheckContaining(file, applied.text, replacement ?? undefined);
    }
    return this.reparse(file, applied.text);
  }

  /**
   * An inert edit (syntax/inert-edit.ts): nothing any rule reads changed, so every finding stays what it
   * was, at a place moved by the edit. The file's items are read again only when something needs them.
   */
  private moveFindings(file: string, edit: TextReplacement): Map<string, Finding[]> {
    this.editsHandled.inert++;
    this.stale.add(file);
    const out = new Map<string, Finding[]>();
    // Every file's findings are looked at (another file's may point here), but a workspace's lists are
    // mostly empty: nothing is allocated for a list the edit leaves as it was.
    // (`forEach`, not `for…of`: no entry is allocated per file at every keystroke.)
    let movedTo: Map<Finding, Finding> | null = null;
    const move = (finding: Finding): Finding => {
      const m = movedFinding(finding, file, edit);
      if (m !== finding) (movedTo ??= new Map()).set(finding, m);
      return m;
    };
    this.findings.forEach((list, f) => {
      const moved = movedList(list, move);
      if (moved) this.findings.set(f, moved);
      if (moved || f === file) out.set(f, moved ?? list);
    });
    this.moveProduced(file, edit, movedTo);
    return out;
  }

  /** The crates' records of what their files made, moved by an inert edit as their findings were. */
  private moveProduced(file: string, edit: TextReplacement, movedTo: Map<Finding, Finding> | null): void {
    const move = (f: Finding): Finding => movedTo?.get(f) ?? movedFinding(f, file, edit);
    for (const c of this.crates) {
      const record = this.produced.get(c);
      if (!record) continue;
      for (const [producer, list] of record) {
        const moved = movedList(list, move);
        if (moved) record.set(producer, moved);
      }
    }
    if (movedTo) for (const [from, to] of movedTo) if (this.carried.has(from)) this.carried.add(to);
  }

  /**
   * A file of the workspace that no crate reaches, nor may reach (a module behind a `#[cfg]` that does
   * not hold, a stale file): rustc never compiles it, so it has no findings and is not parsed.
   */
  private outsideEveryCrate(file: string): boolean {
    // A loaded file answers at once; only one no crate holds yet is looked for among what is pending.
    if (!this.files.has(file) || this.crates.some((c) => c.crate.files.has(file))) return false;
    return !this.crates.some((c) => mayContain(c.crate, file));
  }

  /** Keeps a file's new text for the index; if it now matters (a new boundary word…), re-checks. */
  private recordOnly(file: string, text: string): Map<string, Finding[]> {
    const before = { needed: new Set(this.relevance.needed()), types: this.relevance.typesOf(file) };
    this.index(file, text);
    if (this.matters(file, before)) return this.recheckContaining(file, text);
    return new Map([[file, []]]);
  }

  /** The crates that have loaded a file. */
  private cratesHolding(file: string): LoadedCrate[] {
    return this.crates.filter((c) => c.crate.files.has(file));
  }

  /** Reads the items of inertly edited files again (and their relevance scans), without re-checking. */
  private refreshStale(): string[] {
    const files = [...this.stale];
    this.stale.clear();
    for (const file of files) {
      this.cache.refresh(file);
      this.rescan(file);
    }
    return files;
  }

  /**
   * Brings inertly edited files up to date, so that what is handed out (items for hovers, fix targets,
   * the ABI views) has the positions of the text as it is. Their findings do not change.
   */
  private settle(): void {
    for (const file of this.refreshStale()) this.recheckContaining(file);
  }

  /** The text of a document as the analysis sees it. */
  textOf(file: string): string | undefined {
    return this.open.get(file) ?? this.cache.peek(file)?.text;
  }

  /** A document closed: the disk is the truth again. */
  close(file: string): Map<string, Finding[]> {
    const text = this.open.get(file);
    this.open.delete(file);
    this.indexed.delete(file);
    // Closed as saved: what was checked is what the disk holds, so its findings stand.
    const asOnDisk =
      text !== undefined &&
      !this.failed.has(file) &&
      !this.standalone.has(file) &&
      !this.stale.has(file) &&
      this.cache.peek(file)?.text === text &&
      this.disk.read(file) === text;
    this.failed.delete(file);
    if (asOnDisk) {
      this.cache.dropTree(file);
      return new Map([[file, this.findings.get(file) ?? []]]);
    }
    this.cache.delete(file);
    if (this.standalone.has(file)) return this.dropStandalone(file);
    this.rescan(file);
    return this.recheckContaining(file);
  }

  /**
   * Files changed, created or deleted on disk. Open documents keep their editor text. A new or removed
   * `.rs` file or manifest can change which crates exist, so those rediscover the workspace.
   */
  filesChangedOnDisk(changes: { file: string; kind: 'created' | 'changed' | 'deleted' }[]): Map<string, Finding[]> {
    const structural = changes.some((c) => c.kind !== 'changed' || !c.file.endsWith('.rs') || !this.files.has(c.file));
    for (const c of changes) {
      if (this.open.has(c.file)) continue;
      this.cache.delete(c.file);
      this.disk.skipped.delete(c.file);
      this.rescan(c.file);
    }
    if (structural) return this.indexAll();
    const out = new Map<string, Finding[]>();
    for (const c of changes) for (const [f, list] of this.recheckContaining(c.file)) out.set(f, list);
    return out;
  }

  /** New settings: everything is checked again. */
  setSettings(settings: Settings): Map<string, Finding[]> {
    this.settings = settings;
    this.disk.maxFileSize = settings.maxFileSize;
    this.disk.skipped.clear();
    for (const f of [...this.files]) if (!this.open.has(f)) this.cache.delete(f);
    return this.indexAll();
  }

  setRoots(roots: string[]): Map<string, Finding[]> {
    this.roots = roots;
    return this.indexAll();
  }

  /**
   * Every preferred fix, as `ffi-guard fix` applies them, over the documents as the editor has them;
   * `file` limits it to the findings of one file (its fixes may still edit others: a type's definition).
   * Nothing is applied here: the result says what each changed file would become.
   */
  async fixAll(file?: string): Promise<FixRun> {
    this.runDeferred();
    this.settle();
    const settings = withoutRefusedFeatures(this.settings, this.refusedFeatures);
    const run = await runFixes(this.roots, this.roots[0] ?? process.cwd(), settings, {
      overlay: new Map(this.open),
      only: file === undefined ? undefined : (f) => f.origin.file === file,
      // As `ffi-guard fix`: a module reached through a link or a `#[path]` out of the workspace is not written.
      writableRoot: this.roots,
    });
    // A session asks many times: free the last round's trees too (its findings and texts stay readable).
    run.remaining.cache.dispose();
    return run;
  }

  findingsFor(file: string): Finding[] {
    return this.findings.get(file) ?? [];
  }

  /**
   * Every loaded crate and every finding of every file, as they stand after the last edit: the input of
   * workspace-wide views (the ABI report, the C header, the baseline).
   */
  workspace(): { crates: LoadedCrate[]; findings: Finding[]; target: string | null } {
    this.runDeferred();
    this.settle();
    return { crates: [...this.crates], findings: [...this.findings.values()].flat(), target: this.settings.target };
  }

  /** The crates that contain a file (a module file can belong to a library and a binary). */
  cratesOf(file: string): LoadedCrate[] {
    this.settle();
    return this.cratesHolding(file);
  }

  /**
   * How a quick fix that changes an exported symbol's C signature rewrites the declarations importing it in
   * the workspace's other crates (core/importer-updates.ts), as `ffi-guard fix` does: only files inside the
   * workspace folders, the open documents as the editor has them.
   */
  importerUpdater(): ImporterUpdater {
    const disk = new DiskTexts(this.roots);
    // The crates as they are: the findings, which `workspace()` brings up to date first, are not read.
    this.settle();
    return importerUpdater(
      [...this.crates],
      (f) => this.textOf(f),
      (f) => (this.open.has(f) ? null : disk.problem(f, this.textOf(f))),
    );
  }

  /**
   * Files' texts as fixes read them: the document, the analysed text, else (a module not loaded yet, where
   * a fix looks for what else names an item) the file on disk inside the workspace folders.
   */
  fixTexts(): (file: string) => string | undefined {
    // Read afresh per request: the disk may have changed since the last one.
    const disk = new DiskTexts(this.roots);
    return (file) => this.textOf(file) ?? disk.peek(file);
  }

  /** A file's findings with what their fixes need, as the text is now (for code actions). */
  actionableFindings(file: string): Finding[] {
    if (this.findingsFor(file).some((f) => this.carried.has(f))) this.runDeferred();
    this.settle();
    return this.findingsFor(file);
  }

  private reparse(file: string, text: string): Map<string, Finding[]> {
    this.cache.set(file, text, undefined);
    return this.recheckContaining(file, text);
  }

  /**
   * Gives the relevance index a file's text, unless it has that very text already: an open document's
   * last indexed text is remembered (the string the document holds anyway), so that settling an edit and
   * re-checking it scan the document once. `edit`, the keystroke that made the text from the one last
   * indexed: the scan is kept when it cannot change it (`scanAfterEdit`).
   */
  private index(file: string, text: string, edit?: TextReplacement): void {
    const previous = this.indexed.get(file);
    if (previous === text) return;
    const before = edit && previous !== undefined ? this.relevance.scanOf(file) : undefined;
    const kept = before && scanAfterEdit(before, previous!, text, edit!);
    this.relevance.update(file, text, kept ?? undefined);
    if (this.open.has(file)) this.indexed.set(file, text);
    else this.indexed.delete(file);
  }

  /** The text each open document was last indexed with (see `index`). */
  private readonly indexed = new Map<string, string>();

  /** A file's text as the index should see it now (the open document, else the disk). */
  private rescan(file: string): void {
    if (!this.files.has(file)) return;
    const text = this.cache.text(file);
    if (text === null) {
      this.relevance.remove(file);
      this.indexed.delete(file);
    } else this.index(file, text);
  }

  /**
   * Whether an edit to a file no crate has loaded can change any crate: it makes some file needed
   * that was not (it wrote a boundary word, a macro a needed file invokes…), or it changes which types
   * the file may define (a new type of a boundary type's name changes how rustc prints it).
   */
  private matters(file: string, before: { needed: Set<string>; types: string[] }): boolean {
    const needed = this.relevance.needed();
    if (needed.size !== before.needed.size || [...needed].some((f) => !before.needed.has(f))) return true;
    const types = this.relevance.typesOf(file);
    return types.length !== before.types.length || types.some((t, i) => t !== before.types[i]);
  }

  /**
   * Re-checks the crates holding a file (and those whose types it defines). `edit`: the one replacement an
   * editor's keystroke made to the file, when it was one: if it changed functions alone, only the file's
   * own items are walked again (`recheckFileAlone`).
   */
  private recheckContaining(file: string, text?: string, edit?: TextReplacement): Map<string, Finding[]> {
    // An edit of a file whose items an inert edit left stale: the caller has read them again, and this
    // re-check scans its text. Settling it first would read and re-check it twice.
    if (text !== undefined) this.stale.delete(file);
    // Settling re-checks crates with the edited file's new items: what they produced is then this text's, and
    // moving it by the edit would move it twice.
    if (this.stale.size) edit = undefined;
    this.settle();
    this.editsHandled.rechecked++;
    clearLayoutCache();
    // A crate whose types a dependency's file defines is checked again with it.
    const loaded = this.crates.filter(
      (c) => c.crate.files.has(file) || c.crate.dependencyCrates.some((d) => d.files.has(file)),
    );
    if (text !== undefined && this.files.has(file)) {
      // Asked only of a file no crate has loaded.
      const before = loaded.length
        ? null
        : { needed: new Set(this.relevance.needed()), types: this.relevance.typesOf(file) };
      this.index(file, text, edit);
      if (before && !this.matters(file, before)) return new Map([[file, this.findings.get(file) ?? []]]);
    }
    const affected = loaded.length ? loaded : this.crates.filter((c) => mayContain(c.crate, file));
    const reloaded: LoadedCrate[] = [];
    for (const c of affected) {
      const crate = loadCrate(
        {
          name: c.crate.name,
          rootFile: c.crate.rootFile,
          edition: c.crate.edition,
          cfg: c.crate.cfg,
          relevance: this.relevance,
          dependencies: c.crate.dependencies,
        },
        this.cache,
      );
      if (crate) this.loadOpenDocuments(crate);
      const i = this.crates.indexOf(c);
      if (!crate) {
        this.crates.splice(i, 1);
        continue;
      }
      const next = { crate, description: c.description };
      this.crates[i] = next;
      reloaded.push(next);
    }
    this.cache.expansions?.loaded();
    const touched = new Set<string>([
      file,
      ...affected.flatMap((c) => [...c.crate.files]),
      ...reloaded.flatMap((c) => [...c.crate.files]),
    ]);
    if (edit && affected.length === 1 && reloaded.length === 1 && affected[0].crate.files.has(file)) {
      const alone = this.recheckFileAlone(affected[0], reloaded[0], file, edit, touched);
      if (alone === 'reload') return this.recheckContaining(file);
      if (alone) return alone;
    }
    const previous = this.findingsNow(touched);
    this.store(reloaded, touched);
    // Only what changed is said again (and the edited file, whose version the editor waits for).
    return this.changedSince(previous, file);
  }

  /** Check crates and file their findings under each file (only files in `only`, when given). */
  private store(crates: LoadedCrate[], only?: Set<string>): void {
    // Findings in files shared with crates not being rechecked must not be lost: recheck those too.
    const shared = only
      ? this.crates.filter((c) => !crates.includes(c) && [...c.crate.files].some((f) => only.has(f)))
      : [];
    const all = [...crates, ...shared];
    if (only) for (const f of only) this.findings.set(f, []);
    for (const { crate } of all) for (const f of crate.files) if (!this.findings.has(f)) this.findings.set(f, []);
    for (const f of this.checkRecorded(all, only)) {
      const list = this.findings.get(f.origin.file) ?? [];
      list.push(f);
      this.findings.set(f.origin.file, list);
    }
  }

  /**
   * `checkCrates` (for the files in `only`, when given), keeping what each crate's files made for
   * `recheckFileAlone`: not for a crate that failed or whose findings were cut at the limit.
   */
  private checkRecorded(crates: LoadedCrate[], only?: Set<string>): Finding[] {
    const made = new Map<LoadedCrate, ProducedFindings>();
    const cut = new Set<Crate>();
    const found = checkCrates(
      crates,
      this.settings,
      (file) => !only || only.has(file),
      (crate, error) => this.reportSkipped(internalError(crate, error)),
      undefined,
      (crate, total) => {
        cut.add(crate);
        this.reportSkipped(overLimit(crate, total));
      },
      (loaded, checked) => {
        const wanted = only ? checked.made.filter((f) => only.has(f.origin.file)) : checked.made;
        made.set(loaded, producedFindings(wanted, checked.producerOf));
      },
    );
    for (const loaded of crates) {
      this.deferred.delete(loaded);
      this.produced.set(loaded, cut.has(loaded.crate) ? null : (made.get(loaded) ?? null));
    }
    return found;
  }

  /** The findings each file has now, to tell later which changed (`changedSince`). */
  private findingsNow(files: Iterable<string>): Map<string, Finding[] | undefined> {
    return new Map([...files].map((f) => [f, this.findings.get(f)]));
  }

  /** The files whose findings are not those `before` holds (and `always`, whatever they are). */
  private changedSince(before: Map<string, Finding[] | undefined>, always?: string): Map<string, Finding[]> {
    const out = new Map<string, Finding[]>();
    for (const [f, then] of before) {
      const now = this.findings.get(f) ?? [];
      if (f === always || !sameFindings(then, now)) out.set(f, now);
    }
    return out;
  }

  /** Whether another loaded crate holds one of the crate's files (their findings there are merged). */
  private sharesFiles(loaded: LoadedCrate): boolean {
    const files = loaded.crate.files;
    return this.crates.some((c) => c !== loaded && [...c.crate.files].some((f) => files.has(f)));
  }

  /**
   * What each loaded crate's files produced at its last check (`store`, `recheckFileAlone`); null where that
   * cannot be told (`recordProducers`).
   */
  private readonly produced = new WeakMap<LoadedCrate, ProducedFindings | null>();
  /** Crates re-checked for one file's edit (`recheckFileAlone`), to be re-checked whole once typing stops. */
  private readonly deferred = new Set<LoadedCrate>();
  /**
   * Findings an edited file's re-check kept from the crate's last load: their fix targets still name that
   * load's items, so a code action on one waits for the whole re-check.
   */
  private carried = new WeakSet<Finding>();
  /** Findings that changed in re-checks run on the host's own account, not yet handed out (`recheckDeferred`). */
  private readonly unpublished = new Map<string, Finding[]>();

  /**
   * The keystroke's re-check when it changed functions alone in one crate's file (`changedFunctionsAlone`):
   * the crate is loaded again, and only the file's items are walked; what the other files' items produced
   * stands, moved by the edit, until the crate is re-checked whole (`recheckDeferred`). Null when the edit
   * does not qualify, and the caller re-checks the crate whole; `reload` when the walk failed or found more
   * than a crate's limit, and the crate must be loaded again to be re-checked whole.
   */
  private recheckFileAlone(
    before: LoadedCrate,
    now: LoadedCrate,
    file: string,
    edit: TextReplacement,
    touched: Set<string>,
  ): Map<string, Finding[]> | 'reload' | null {
    const produced = this.produced.get(before);
    const items = this.cache.peek(file)?.items;
    const reread = items && rereadOf(items);
    // An included file's items are walked in the module of the file that includes it.
    const alone = produced && reread && !now.crate.included.has(file) && changedFunctionsAlone(reread);
    if (!alone || this.sharesFiles(now)) return null;
    // Type names print as the whole check printed them: which are ambiguous depends on every path resolved
    // (a name only the edited functions resolved through a glob stays so until the whole re-check).
    // Once the walk has run, this load's memos hold what it resolved: a whole re-check loads the crate again.
    for (const name of before.crate.globUsedNames) now.crate.globUsedNames.add(name);
    let fresh: Finding[];
    try {
      fresh = checkFileOf(now, this.settings, file).filter((f) => touched.has(f.origin.file));
    } catch {
      return 'reload';
    }
    const record = withFileRechecked(produced, file, edit, fresh);
    const byFile = findingsByFile(record, touched, walkOrderOf(now.crate));
    let total = 0;
    for (const list of byFile.values()) total += list.length;
    if (total > MAX_FINDINGS_PER_CRATE) return 'reload';
    this.editsHandled.alone++;
    const made = new Set(fresh);
    for (const list of byFile.values()) for (const f of list) if (!made.has(f)) this.carried.add(f);
    this.produced.set(now, record);
    this.deferred.delete(before);
    this.deferred.add(now);
    const previous = this.findingsNow(byFile.keys());
    for (const [f, list] of byFile) this.findings.set(f, list);
    return this.changedSince(previous, file);
  }

  /**
   * Re-checks whole the crates an edit re-checked a file of alone (`recheckFileAlone`), and hands out every
   * file whose findings changed since they were last handed out: the server calls it once the typing
   * stops, and before it reads findings of files other than the one typed into.
   */
  recheckDeferred(): Map<string, Finding[]> {
    this.runDeferred();
    return this.takeUnpublished();
  }

  /**
   * The files whose findings changed in a re-check the host ran on its own account (`workspace()`, `fixAll`
   * and a code action on a finding kept from before an edit finish the deferred re-checks first), each once.
   */
  takeUnpublished(): Map<string, Finding[]> {
    const out = new Map(this.unpublished);
    this.unpublished.clear();
    return out;
  }

  private runDeferred(): void {
    const crates = [...this.deferred].filter((c) => this.crates.includes(c));
    this.deferred.clear();
    if (!crates.length) return;
    const previous = this.findingsNow(crates.flatMap((c) => [...c.crate.files]));
    // Inertly edited files first: their items are read again, and their crates re-checked with them.
    this.settle();
    const left = crates.filter((c) => this.crates.includes(c));
    if (left.length) {
      clearLayoutCache();
      this.store(left, new Set(left.flatMap((c) => [...c.crate.files])));
    }
    this.carried = new WeakSet();
    for (const [f, list] of this.changedSince(previous)) this.unpublished.set(f, list);
  }
}

/**
 * Whether one edit leaves a text that was within the line length and nesting limits within them, told
 * without reading the whole text again (`textOverLimits` is a pass over it, about 5 ms in a 300 kB document
 * on every keystroke): it neither adds nor removes a bracket, and no line can be over the limit (the text is
 * shorter than it).
 */
function withinShapeStill(old: string, applied: AppliedChanges): boolean {
  const edit = applied.edits?.length === 1 ? applied.edits[0] : null;
  if (!edit || applied.text.length > MAX_LINE_LENGTH) return false;
  const removed = old.slice(edit.startIndex, edit.oldEndIndex);
  const inserted = applied.text.slice(edit.startIndex, edit.newEndIndex);
  return !BRACKETS.test(removed) && !BRACKETS.test(inserted);
}

const BRACKETS = /[()[\]{}]/;

/** How long the indexing scans files before it gives the event loop back. */
const SCAN_SLICE_MS = 20;

/** The default of `maxOpenDocumentSize`: 2 MB of text (a 5 MB document took seconds per keystroke). */
export const DEFAULT_MAX_OPEN_DOCUMENT_SIZE = 2 * 1024 * 1024;

/**
 * An editor's changes with every position inside the document it edits: a line or column that is
 * negative, not a number or past the end is clamped (to the start, the end of its line, the end of the
 * text), and each mended position is named in `problems`. LSP asks a column past its line's end to
 * mean the line's end: that one is taken as is, without a problem.
 */
export function validChanges(text: string, changes: TextChange[]): { changes: TextChange[]; problems: string[] } {
  const problems: string[] = [];
  const out: TextChange[] = [];
  for (const [i, change] of changes.entries()) {
    const range = change.range as TextChange['range'] | null | undefined;
    const inserted = typeof change.text === 'string' ? change.text : '';
    if (typeof change.text !== 'string') problems.push(`change ${i + 1} has no text: taken as an empty text`);
    if (!range) {
      out.push({ text: inserted });
      text = inserted;
      continue;
    }
    const clamp = (where: string, p: { line: number; character: number } | undefined): LineCol => {
      let line = p?.line;
      let character = p?.character;
      if (!isNatural(line) || !isNatural(character)) {
        problems.push(
          `change ${i + 1}: ${where} position ${JSON.stringify(p ?? null)} is not a position in the document: ` +
            'a negative or fractional number is taken as 0',
        );
        line = isNatural(line) ? line : 0;
        character = isNatural(character) ? character : 0;
      }
      const length = lineLength(text, line);
      if (length === null) {
        const end = new LineIndex(text).position(text.length);
        problems.push(
          `change ${i + 1}: ${where} line ${line} is past the document's last line (${end.line}): taken as its end`,
        );
        return end;
      }
      return { line, character: Math.min(character, length) };
    };
    const start = clamp('start', range.start);
    const end = clamp('end', range.end);
    const ordered = end.line < start.line || (end.line === start.line && end.character < start.character) ? start : end;
    if (ordered !== end) problems.push(`change ${i + 1}: its range ends before it starts: taken as empty`);
    const next: TextChange = { range: { start, end: ordered }, text: inserted };
    out.push(next);
    if (i < changes.length - 1) text = applyChanges(text, [next]).text;
  }
  return { changes: out, problems };
}

type LineCol = { line: number; character: number };

function isNatural(n: unknown): n is number {
  return typeof n === 'number' && Number.isInteger(n) && n >= 0;
}

/** The length of a line (its line break not counted), or null past the last line; without indexing every line. */
function lineLength(text: string, line: number): number | null {
  let start = 0;
  for (let l = 0; l < line; l++) {
    const end = text.indexOf('\n', start);
    if (end < 0) return null;
    start = end + 1;
  }
  const end = text.indexOf('\n', start);
  return (end < 0 ? text.length : end) - start;
}

/** Whether a file's findings say the same as before, in the same order (to tell whether to publish them). */
function sameFindings(before: readonly Finding[] | undefined, now: readonly Finding[]): boolean {
  if (!before) return now.length === 0;
  return before.length === now.length && before.every((f, i) => sameFinding(f, now[i]));
}

/**
 * Whether two findings say the same: everything a diagnostic is made of (where, what, the related places, the
 * fixes offered), not the fix target, which holds the item. Compared field by field: a keystroke in a
 * signature re-checks the crate, thousands of findings in gtk's, and each turned to JSON was most of what
 * telling which files to publish again cost.
 */
function sameFinding(a: Finding, b: Finding): boolean {
  return (
    a === b ||
    (a.rule === b.rule &&
      a.severity === b.severity &&
      a.certainty === b.certainty &&
      a.message === b.message &&
      a.rustcLint === b.rustcLint &&
      a.symbol === b.symbol &&
      a.typeName === b.typeName &&
      samePlainData(a.origin, b.origin) &&
      samePlainData(a.chain, b.chain) &&
      samePlainData(a.fixes, b.fixes) &&
      samePlainData(a.related, b.related))
  );
}

/**
 * Deep equality of JSON-like data (objects, arrays, strings, numbers, booleans, null, undefined). Node's
 * `util.isDeepStrictEqual` says the same of findings but took three times as long on 3,000 of them, at
 * every keystroke in a signature of gtk's crate; keys are walked in place, not listed, as thousands of
 * origins are compared each time.
 */
function samePlainData(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!samePlainData(a[i], b[i])) return false;
    return true;
  }
  const ra = a as Record<string, unknown>;
  const rb = b as Record<string, unknown>;
  let keys = 0;
  for (const k in ra) {
    if (!Object.prototype.hasOwnProperty.call(rb, k) || !samePlainData(ra[k], rb[k])) return false;
    keys++;
  }
  for (const k in rb) if (Object.prototype.hasOwnProperty.call(rb, k)) keys--;
  return keys === 0;
}

/** Loads the modules of those files the crate may hold and has not loaded. */
function loadDocuments(crate: Crate, files: string[]): void {
  const wanted = files.filter((f) => !crate.files.has(f) && mayContain(crate, f));
  if (wanted.length) loadFiles(crate, wanted);
}
