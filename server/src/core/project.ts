import { createHash } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { CfgEnv, makeCfgEnv } from './syntax/cfg';
import { AttributedFindings, checkCrate, checkCrateAttributed } from './analysis/check';
import { clearLayoutCache } from './analysis/ffi';
import { CrateDescription, cratesOfManifest, discover, Discovery } from './workspace/discover';
import { compareFindings, Finding } from './analysis/findings';
import type { Item } from './syntax/model';
import { loadParser } from './syntax/parse';
import type { Settings } from './config';
import {
  Crate,
  DependencyLoader,
  FileSource,
  loadCrate,
  moduleFileCandidates,
  moduleFileStem,
  overlaySource,
  SourceCache,
  unloadedAreas,
} from './workspace/crates';
import { RelevanceIndex, RelevanceOptions } from './workspace/relevance';
import { buildOutputMayExist, calledMacroName } from './workspace/macros';
import { foldersHolding, startingWith } from './workspace/sorted-paths';
import { FileScan, scanFile } from './syntax/scan';
import { ManifestReader, manifestReader, resolveWorkspaceFeatures } from './workspace/features';
import type { LoadedCrate } from './workspace/loaded-crate';
import { readRegularFile, textOverLimits } from './workspace/read-file';

export type { LoadedCrate };

/**
 * The whole run behind `ffi-guard check` (and the report): discover crates under some paths, read
 * and parse their files once, check every crate, and keep the findings for the requested files.
 */

export interface Skipped {
  file: string;
  reason: string;
  /**
   * `path`: a PATH or a `Cargo.toml` discovery could not use; `unread`: a file that could not be read or
   * parsed; `internal`: a crate the checker failed on (its root names it); `limit`: a crate whose findings
   * beyond the findings-per-crate limit were left out (its root names it).
   */
  kind: 'path' | 'unread' | 'internal' | 'limit';
}

export interface ProjectResult {
  findings: Finding[];
  /** Requested files that were read and checked. */
  filesScanned: string[];
  skipped: Skipped[];
  crates: LoadedCrate[];
  cache: SourceCache;
  /** The files whose findings are reported: those found under the paths, and what they `include!`. */
  requested: ReadonlySet<string>;
  /** The crate whose check reported each finding (of a file two targets share, the first that found it). */
  reportedBy: Map<Finding, LoadedCrate>;
}

/** Reads files from disk, refusing what we should not parse, and remembers why. */
export class DiskSource implements FileSource {
  readonly skipped = new Map<string, string>();

  constructor(public maxFileSize: number) {}

  read(file: string): string | null {
    const got = readRegularFile(file, this.maxFileSize);
    if (got.kind === 'missing') return null; // a missing module file: reported by the crate, not here
    if (got.kind === 'refused') {
      this.skipped.set(file, got.reason);
      return null;
    }
    const bytes = got.bytes;
    if (bytes.subarray(0, 8192).includes(0)) {
      this.skipped.set(file, 'binary file (contains NUL bytes)');
      return null;
    }
    let text: string;
    try {
      text = new TextDecoder('utf-8', { fatal: true }).decode(bytes).replace(/^\uFEFF/, '');
    } catch {
      this.skipped.set(file, 'not valid UTF-8 (rustc requires UTF-8 source)');
      return null;
    }
    const over = textOverLimits(text, bytes);
    if (over) {
      this.skipped.set(file, over);
      return null;
    }
    return text;
  }

  exists(file: string): boolean {
    return fs.existsSync(file);
  }

  list(dir: string): string[] {
    try {
      return fs.readdirSync(dir);
    } catch {
      return [];
    }
  }

  modifiedAt(file: string): number | null {
    try {
      return fs.statSync(file).mtimeMs;
    } catch {
      return null;
    }
  }
}

export interface LoadOptions {
  /**
   * Parse every module up front instead of only those the relevance index needs: the reference the
   * lazy loading is compared with (test/relevance.test.ts, `npm run bench -- --check-lazy`).
   */
  loadEveryModule?: boolean;
  /** The relevance index of the discovered files, when the caller keeps one (the editor updates it per edit). */
  relevance?: RelevanceIndex;
  /**
   * Load and check only the crates this picks (`check --shard` checks its share), given every crate
   * of the run in load order. Files outside every Cargo package are crates of their own unless a Cargo
   * crate reaches them, so when there are such files every Cargo crate is loaded before the choice.
   */
  share?: (crates: CrateDescription[], run: RunFiles) => CrateDescription[];
  /**
   * Told what cargo would refuse in the requested features (an unknown name, a `dep:` form…), worded as
   * cargo words it, before any crate is loaded; the run goes on with what cargo would accept. Without it,
   * such a request throws a `FeatureError` (the command line's exit 2, as cargo refuses to build).
   */
  onFeatureErrors?: (errors: string[], refused: string[]) => void;
  /** Told after each crate is loaded, with how many so far (the command line's progress line). */
  progress?: (cratesLoaded: number) => void;
  /**
   * Once the caller is done with a crate (when it asks for the next one), forget the files read so far
   * (`SourceCache.release`) but those of crates loaded ahead: one crate's files are in memory at a time.
   */
  release?: boolean;
}

/** What a run found, for the choice of its crates. */
export interface RunFiles {
  /** Every `.rs` file found under the paths, sorted. */
  files: readonly string[];
  cache: SourceCache;
  /** Which files matter to the boundary, from their text; absent when every module is loaded up front. */
  relevance: RelevanceIndex | undefined;
}

/**
 * Build every crate a discovery describes: the Cargo targets, then one crate per standalone root among
 * the files no target covers.
 */
export function loadCrates(
  found: Discovery,
  cache: SourceCache,
  settings: Settings,
  options: LoadOptions = {},
): LoadedCrate[] {
  return [...crateLoads(found, cache, settings, options)];
}

/**
 * `loadCrates` one crate at a time, for a caller that does other work in between (the editor serves its
 * messages while it indexes). `pick` chooses which of the remaining Cargo targets comes next (the first by
 * default); the standalone roots come last, since they are what no target covers.
 */
export function* crateLoads(
  found: Discovery,
  cache: SourceCache,
  settings: Settings,
  options: LoadOptions = {},
  pick: (remaining: readonly CrateDescription[]) => number = () => 0,
): Generator<LoadedCrate, void, void> {
  const relevance = options.loadEveryModule
    ? undefined
    : (options.relevance ??
      relevanceOf(found.files, cache, packageDirsOf(found), options.release, relevanceOptionsOf(found)));
  const loadDescribed = crateLoader(found, cache, settings, relevance, options.onFeatureErrors ?? throwFeatureErrors);
  const covered = new Set<string>();
  let loads = 0;
  // rustc rejects such a cycle ("circular modules"); each of its files is checked once, in one crate.
  const reportCycle = (root: string, others: string[]): void => {
    if (found.skipped.some((s) => s.file === root)) return;
    const names = others.map((o) => path.relative(path.dirname(root), o).split(path.sep).join('/'));
    found.skipped.push({
      file: root,
      reason: `\`mod\` declarations form a cycle (with ${names.join(', ') || 'itself'}) that rustc rejects: checked once, as a crate rooted at this file`,
    });
  };
  // The files read as one of a dependency's are kept: a library that several crates of the run depend on
  // (glib-sys, for every GTK `-sys` crate of a monorepo) is parsed once, not once per dependent.
  const readAsDependency = new Set<string>();
  const release = (ahead: Iterable<LoadedCrate | null>, done?: LoadedCrate): void => {
    if (!options.release) return;
    const held = new Set<string>();
    for (const other of ahead) for (const f of other?.crate.files ?? []) held.add(f);
    for (const dependency of done?.crate.dependencyCrates ?? [])
      for (const f of dependency.files) readAsDependency.add(f);
    cache.release((f) => held.has(f) || readAsDependency.has(f));
  };
  const load = (description: CrateDescription): LoadedCrate | null => {
    const loaded = loadDescribed(description);
    options.progress?.(++loads);
    if (!loaded) return null;
    for (const f of crateCoverage(loaded.crate, found.files)) covered.add(f);
    return loaded;
  };
  if (options.share) {
    // Files inside a Cargo package that no target reaches (stale modules, pre-generated bindings kept
    // for reference) are never compiled by rustc: not standalone crates either.
    const inPackage = underAnyFolder(packageFolders(found));
    const outside = found.files.filter((f) => !inPackage(f));
    const loaded = new Map<CrateDescription, LoadedCrate | null>();
    if (outside.length) for (const description of found.crates) loaded.set(description, load(description));
    const loose = outside.filter((f) => !covered.has(f));
    const standalone = standaloneRoots(loose, cache, reportCycle).map(standaloneCrate);
    const all = [...found.crates, ...standalone];
    const chosen = new Set(options.share(all, { files: found.files, cache, relevance }));
    release(loaded.values());
    for (const description of all) {
      if (!chosen.has(description)) continue;
      const crate = loaded.has(description) ? loaded.get(description) : load(description);
      loaded.delete(description);
      if (!crate) continue;
      yield crate;
      release(loaded.values(), crate);
    }
    return;
  }
  const remaining = [...found.crates];
  while (remaining.length) {
    const [description] = remaining.splice(Math.max(0, Math.min(pick(remaining), remaining.length - 1)), 1);
    const loaded = load(description);
    if (!loaded) continue;
    yield loaded;
    release([]);
  }
  // Files inside a Cargo package that no target reaches (stale modules, pre-generated bindings kept
  // for reference) are never compiled by rustc: not standalone crates either.
  const inPackage = underAnyFolder(packageFolders(found));
  const loose = found.files.filter((f) => !covered.has(f) && !inPackage(f));
  for (const root of standaloneRoots(loose, cache, reportCycle)) {
    const loaded = load(standaloneCrate(root));
    if (!loaded) continue;
    yield loaded;
    release([]);
  }
}

/**
 * Loads a crate a discovery describes, with its cfgs and features, lazily when `relevance` is given;
 * `onFeatureErrors` is told of the requested features cargo would refuse (see `crateCfgs`).
 */
function crateLoader(
  found: Discovery,
  cache: SourceCache,
  settings: Settings,
  relevance: RelevanceIndex | undefined,
  onFeatureErrors?: (errors: string[], refused: string[]) => void,
): (description: CrateDescription) => LoadedCrate | null {
  // Each manifest is read once, for the features and for the dependencies.
  const read = manifestReader(targetCfgOf(settings));
  const cfgOf = crateCfgs(found, settings, onFeatureErrors, read);
  const librariesOf = runLibraries(found, read);
  // `chain`: the crates this one is loaded for, as a dependency of a dependency…: a cycle (through
  // dev-dependencies) or a chain past the limit loads nothing more.
  const load = (description: CrateDescription, chain: readonly CrateDescription[]): LoadedCrate | null => {
    const asDependency = chain.length > 1;
    const { cfg, features } = cfgOf(description);
    // cargo does not build a target whose required features are off (`cargo check --all-targets` neither).
    // A dependency's feature (`dep/feature`) is not followed: such a target is built as if it were on.
    if (description.requiredFeatures?.some((f) => !f.includes('/') && !features.includes(f))) return null;
    const libraries = librariesOf(description);
    // A path dependency outside the paths of the run: its files were never indexed, so all of it is read.
    const outside = !found.crates.includes(description);
    const dependencies: DependencyLoader | null = libraries.size
      ? (name) => {
          const library = libraries.get(name);
          if (!library || chain.includes(library) || chain.length > MAX_DEPENDENCY_CHAIN) return null;
          return load(library, [...chain, library])?.crate ?? null;
        }
      : null;
    const crate = loadCrate(
      {
        name: description.name,
        rootFile: description.rootFile,
        edition: description.edition,
        cfg,
        relevance: outside ? undefined : relevance,
        dependencies,
        asDependency,
      },
      cache,
    );
    return crate ? { crate, description, features } : null;
  };
  return (description) => load(description, [description]);
}

/** How deep a chain of dependencies is followed to resolve a type (a type of a dependency of a dependency…). */
const MAX_DEPENDENCY_CHAIN = 16;

/**
 * The libraries of the run each crate can name, by the name its code uses: the libraries of its
 * package's dependencies that are crates of the run (path dependencies, workspace members), as cargo
 * hands them to rustc (`--extern`): normal ones to every target but the build script, dev-dependencies
 * to tests, examples and benches too, build-dependencies to the build script alone; and its own
 * package's library to its binaries, tests, examples and benches. A path dependency outside the paths
 * of the run is read from its manifest. A dependency from a registry has no source here: its types
 * stay unresolved.
 */
function runLibraries(
  found: Discovery,
  read: ManifestReader,
): (description: CrateDescription) => Map<string, CrateDescription> {
  const libraries = new Map<string, CrateDescription | null>();
  for (const c of found.crates) if (c.target === 'lib' && c.manifest) libraries.set(path.resolve(c.manifest), c);
  if (!found.crates.some((c) => c.manifest)) return () => new Map();
  const libraryOf = (manifest: string): CrateDescription | null => {
    let library = libraries.get(manifest);
    if (library === undefined) {
      try {
        library = cratesOfManifest(manifest).find((c) => c.target === 'lib') ?? null;
      } catch {
        library = null; // a manifest that cannot be read: cargo would refuse to build, and says why
      }
      libraries.set(manifest, library);
    }
    return library;
  };
  return (description) => {
    const out = new Map<string, CrateDescription>();
    if (!description.manifest) return out;
    const script = description.target === 'build-script';
    const own = libraryOf(path.resolve(description.manifest));
    if (own && own !== description && !script) out.set(own.libName ?? own.name, own);
    for (const d of read(description.manifest)?.dependencies ?? []) {
      if (!d.manifest || !d.onTarget || (d.kind === 'build') !== script) continue;
      if (d.kind === 'dev' && !DEV_TARGETS.has(description.target)) continue;
      const library = libraryOf(path.resolve(d.manifest));
      if (!library) continue;
      // A renamed dependency (`key = { package = … }`) goes by its key; the others by the library's name.
      out.set(d.packageName !== d.key ? d.key.replace(/-/g, '_') : (library.libName ?? library.name), library);
    }
    return out;
  };
}

/**
 * The `#[cfg]` facts of each crate of a run: the target's, the settings' extra cfgs, and the Cargo
 * features cargo would turn on for its package (workspace/features.ts): as `cargo build` does for a
 * library, a binary or a build script, as `cargo test` does for a test, an example or a bench. A
 * standalone file gets the `features` setting as given, as `rustc --cfg 'feature="x"'` would. Equal
 * feature sets share one env.
 */
export function crateCfgs(
  found: Discovery,
  settings: Settings,
  onFeatureErrors: (errors: string[], refused: string[]) => void = () => {},
  read?: ManifestReader,
): (description: CrateDescription) => { cfg: CfgEnv; features: string[] } {
  const options = { target: settings.target ?? undefined, extra: settings.cfg };
  const manifests = [...new Set(found.crates.flatMap((c) => (c.manifest ? [c.manifest] : [])))];
  const request = {
    features: settings.features,
    noDefaultFeatures: settings.noDefaultFeatures,
    allFeatures: settings.allFeatures,
  };
  const targetCfg = targetCfgOf(settings);
  // One reading of the manifests for both resolutions (and the caller's, when it gives one).
  read ??= manifestReader(targetCfg);
  let resolved = new Map<string, string[]>();
  /** For tests, examples and benches (`cargo test`): resolver "2" adds the members' dev-dependencies. */
  let forTests: () => Map<string, string[]> = () => resolved;
  if (manifests.length) {
    const run = resolveWorkspaceFeatures(manifests, request, targetCfg, false, read);
    if (run.errors.length) onFeatureErrors(run.errors, run.unknown);
    resolved = run.byManifest;
    if (run.resolver === 2) {
      let tests: Map<string, string[]> | null = null;
      forTests = () => (tests ??= resolveWorkspaceFeatures(manifests, request, targetCfg, true, read).byManifest);
    }
  }
  const envs = new Map<string, CfgEnv>();
  return (description) => {
    const features = description.manifest
      ? ((DEV_TARGETS.has(description.target) ? forTests() : resolved).get(description.manifest) ?? [])
      : settings.features.filter((f) => !f.includes('/'));
    const key = features.join(',');
    let cfg = envs.get(key);
    if (!cfg) envs.set(key, (cfg = makeCfgEnv({ ...options, features })));
    return { cfg, features };
  };
}

/** The `#[cfg]` facts of the target and the settings, without features: what a manifest's `[target.'cfg(…)']` tables are read with. */
function targetCfgOf(settings: Settings): CfgEnv {
  return makeCfgEnv({ target: settings.target ?? undefined, extra: settings.cfg, features: [] });
}

/** The Cargo targets that may use dev-dependencies: built by `cargo test`, with its features. */
const DEV_TARGETS = new Set(['test', 'example', 'bench']);

/** Requested features cargo would refuse: the messages, one per error, as cargo words them. */
export class FeatureError extends Error {
  constructor(readonly errors: string[]) {
    super(errors.join('\n'));
  }
}

function throwFeatureErrors(errors: string[]): never {
  throw new FeatureError(errors);
}

/** The settings without the requested features cargo refused: what a run that went on used. */
export function withoutRefusedFeatures(settings: Settings, refused: readonly string[]): Settings {
  return refused.length ? { ...settings, features: settings.features.filter((f) => !refused.includes(f)) } : settings;
}

/** A file no Cargo target covers, as `rustc FILE` compiles it. */
function standaloneCrate(root: string): CrateDescription {
  return {
    name: path.basename(root, '.rs').replace(/-/g, '_'),
    rootFile: root,
    edition: '2021',
    manifest: null,
    target: 'file',
    crateTypes: [],
  };
}

/** What the run's discovery tells the relevance index: whether any crate can have been built. */
function relevanceOptionsOf(found: Discovery): RelevanceOptions {
  return { buildOutput: buildOutputMayExist(found.buildFolders) };
}

/**
 * The relevance index of the discovered files (see workspace/relevance.ts). `forget`: let go of each
 * text once it is scanned (the cache reads it again if it is parsed later), so that the run never holds
 * every text at once.
 */
export function relevanceOf(
  files: string[],
  cache: SourceCache,
  packageDirs: readonly string[] = [],
  forget = false,
  options: RelevanceOptions = {},
): RelevanceIndex {
  const relevance = new RelevanceIndex(packageDirs, (file) => cache.text(file), options);
  // A scan depends on the text alone: files copied between packages (vendored, generated twice) are scanned
  // once. Only a text of a length seen before can be a copy: only then are texts compared (by hash when
  // they are let go, the earlier one read again for it).
  const scans = new Map<number, { file: string; scan: FileScan; key?: string }[]>();
  const keyOf = (text: string): string => (forget ? createHash('sha256').update(text).digest('base64') : text);
  const forgetText = (file: string): void => {
    if (forget && !cache.peek(file)) cache.delete(file);
  };
  for (const file of files) {
    const text = cache.text(file);
    if (text === null) continue;
    const sameLength = scans.get(text.length);
    let scan: FileScan | undefined;
    if (!sameLength) {
      scan = scanFile(text);
      scans.set(text.length, [{ file, scan }]);
    } else {
      const key = keyOf(text);
      for (const earlier of sameLength) {
        if (earlier.key === undefined) {
          const earlierText = cache.text(earlier.file);
          earlier.key = earlierText === null ? '' : keyOf(earlierText);
          forgetText(earlier.file);
        }
        if (earlier.key === key) {
          scan = earlier.scan;
          break;
        }
      }
      if (!scan) {
        scan = scanFile(text);
        sameLength.push({ file, scan, key });
      }
    }
    relevance.update(file, text, scan);
    forgetText(file);
  }
  return relevance;
}

/** The folder of each crate's package (or of its root file), once each, ending in a separator. */
function packageFolders(found: Discovery): string[] {
  return [...new Set(found.crates.map((c) => path.dirname(c.manifest ?? c.rootFile) + path.sep))];
}

/**
 * Whether a file lies below one of the folders (each ending in a separator): its own folders looked up, not
 * every folder compared with it (a monorepo has thousands of packages and tens of thousands of files).
 */
function underAnyFolder(folders: readonly string[]): (file: string) => boolean {
  const set = new Set(folders);
  return (file) => {
    for (const d of foldersHolding(file)) if (set.has(d.endsWith(path.sep) ? d : d + path.sep)) return true;
    return false;
  };
}

/** The folders of a discovery's Cargo packages. */
export function packageDirsOf(found: Discovery): string[] {
  return found.crates.filter((c) => c.manifest).map((c) => path.dirname(c.manifest!));
}

/**
 * The files a crate covers: those loaded, and those of modules left unloaded (the files a pending
 * `mod x;` names, and the files below its folder; a deferred root's folder).
 */
export function crateCoverage(crate: Crate, files: readonly string[]): string[] {
  const { files: named, dirs } = unloadedAreas(crate);
  const out = new Set(crate.files);
  const sorted = sortedFiles(files);
  for (const f of named) if (sorted.set.has(f)) out.add(f);
  // The files below a folder are one run of the sorted list: found by binary search, not by a pass
  // over every file of the run for every crate.
  for (const dir of dirs) for (const f of startingWith(sorted.list, dir + path.sep)) out.add(f);
  return [...out];
}

/** The files of a run, sorted and as a set (kept per list: every crate of a run asks about the same one). */
function sortedFiles(files: readonly string[]): SortedFiles {
  let sorted = SORTED.get(files);
  if (!sorted || sorted.length !== files.length) {
    const inOrder = files.every((f, i) => i === 0 || files[i - 1] <= f);
    sorted = { list: inOrder ? files : [...files].sort(), set: new Set(files), length: files.length };
    SORTED.set(files, sorted);
  }
  return sorted;
}

const SORTED = new WeakMap<readonly string[], SortedFiles>();

interface SortedFiles {
  list: readonly string[];
  set: ReadonlySet<string>;
  /** The list's length when it was read (a list that has grown since is read again). */
  length: number;
}

/** At most this many findings are reported per crate; the rest are counted and reported as left out. */
export const MAX_FINDINGS_PER_CRATE = 50_000;

/** The skipped entry of a crate the checker failed on: one crate it cannot handle costs no other's findings. */
export function internalError(crate: Crate, error: Error): Skipped {
  return {
    file: crate.rootFile,
    reason: `internal error while checking this crate (please report it): ${error.message}`,
    kind: 'internal',
  };
}

/** What the check of a crate takes from the settings. */
function checkOptionsOf(settings: Settings): Parameters<typeof checkCrate>[1] {
  return {
    rules: settings.rules,
    safeTypes: settings.safeTypes,
    checkPrivateExternFns: settings.checkPrivateExternFns,
  };
}

/** The skipped entry of a crate whose findings went past MAX_FINDINGS_PER_CRATE. */
export function overLimit(crate: Crate, total: number): Skipped {
  return {
    file: crate.rootFile,
    reason: `${total - MAX_FINDINGS_PER_CRATE} of this crate's ${total} findings were not reported: more than the findings-per-crate limit (${MAX_FINDINGS_PER_CRATE})`,
    kind: 'limit',
  };
}

/**
 * The findings one file's items make in a loaded crate (`checkCrateAttributed`: the file's modules alone are
 * walked), with the severity settings applied, in the walk's order, a rule reported once per crate included
 * at each place (`made`).
 */
export function checkFileOf(loaded: LoadedCrate, settings: Settings, file: string): Finding[] {
  return checkCrateAttributed(loaded.crate, checkOptionsOf(settings), (f) => f === file).made;
}

/**
 * The findings of several crates for the files in `wanted`. A module file shared by two targets (lib
 * and bin) yields its findings once per target: keep the first target's. Within one crate, repeats are
 * real (one per macro expansion, as rustc reports). Of a crate with more than MAX_FINDINGS_PER_CRATE
 * findings in `wanted`, the first (by position) are kept and `onLimit` hears how many there were.
 * `onChecked` hears each crate's findings as the check made them (`checkCrateAttributed`).
 */
export function checkCrates(
  crates: LoadedCrate[],
  settings: Settings,
  wanted: (file: string) => boolean,
  onError: (crate: Crate, error: Error) => void = (_crate, error) => {
    throw error;
  },
  reportedBy?: Map<Finding, LoadedCrate>,
  onLimit: (crate: Crate, total: number) => void = () => {},
  onChecked?: (loaded: LoadedCrate, checked: AttributedFindings) => void,
): Finding[] {
  const perCrate: { loaded: LoadedCrate; found: Finding[] }[] = [];
  // How many crates found something in each file: only findings in a file two crates share can repeat.
  const cratesPerFile = new Map<string, number>();
  for (const loaded of crates) {
    const { crate } = loaded;
    let found: Finding[];
    try {
      const checked = checkCrateAttributed(crate, checkOptionsOf(settings));
      found = checked.findings;
      onChecked?.(loaded, checked);
    } catch (e) {
      // One crate the checker cannot handle must not cost the findings of the others.
      onError(crate, e as Error);
      continue;
    }
    found = found.filter((f) => wanted(f.origin.file));
    if (found.length > MAX_FINDINGS_PER_CRATE) {
      // Sorted by position: what is kept is the start of the crate, the same on every run.
      onLimit(crate, found.length);
      found = found.slice(0, MAX_FINDINGS_PER_CRATE);
    }
    perCrate.push({ loaded, found });
    for (const file of new Set(found.map((f) => f.origin.file)))
      cratesPerFile.set(file, (cratesPerFile.get(file) ?? 0) + 1);
  }
  const findings: Finding[] = [];
  const firstCrate = new Map<string, string>();
  for (const { loaded, found } of perCrate) {
    for (const f of found) {
      if (cratesPerFile.get(f.origin.file) !== 1) {
        const key = `${f.rule}|${f.origin.file}|${f.origin.span.start}|${f.origin.span.end}|${f.message}`;
        const owner = firstCrate.get(key) ?? loaded.crate.rootFile;
        firstCrate.set(key, owner);
        if (owner !== loaded.crate.rootFile) continue;
      }
      findings.push(f);
      reportedBy?.set(f, loaded);
    }
  }
  return findings.sort(compareFindings);
}

/**
 * Check everything under `paths` (files or directories), relative to `cwd`. `overlay` holds texts that
 * replace files on disk (`ffi-guard fix --dry-run` checks its edits without writing them).
 */
export async function checkPaths(
  paths: string[],
  cwd: string,
  settings: Settings,
  overlay?: Map<string, string>,
  options: LoadOptions = {},
): Promise<ProjectResult> {
  const parser = await loadParser();
  const source = new DiskSource(settings.maxFileSize);
  const cache = new SourceCache(parser, overlay ? overlaySource(overlay, source) : source, () => false);
  const found = discover(paths.length ? paths : ['.'], cwd, settings.exclude);
  const requested = new Set(found.files);
  const crates = loadCrates(found, cache, settings, options);
  // What a requested file `include!`s is requested too (bindgen output in OUT_DIR lives under target/).
  for (const { crate } of crates) for (const [file, by] of crate.included) if (requested.has(by)) requested.add(file);
  const covered = new Set(crates.flatMap((c) => crateCoverage(c.crate, found.files)));
  const internal: Skipped[] = [];
  const reportedBy = new Map<Finding, LoadedCrate>();
  const findings = checkCrates(
    crates,
    settings,
    (f) => requested.has(f),
    (crate, error) => internal.push(internalError(crate, error)),
    reportedBy,
    (crate, total) => internal.push(overLimit(crate, total)),
  );
  return { findings, ...runEnd(found, source, cache, covered, internal), crates, cache, reportedBy, requested };
}

/**
 * What a run reports besides findings, however it checked its crates: every file it could not read (requested
 * or not: `#[path = "/dev/zero"]`, `include!`, `[lib] path`, a FIFO as a module file; their items are missing
 * from the analysis), the paths it skipped, the crates the checker failed on, and the files it read and checked.
 */
function runEnd(
  found: Discovery,
  source: DiskSource,
  cache: SourceCache,
  covered: ReadonlySet<string>,
  internal: Skipped[],
): { filesScanned: string[]; skipped: Skipped[] } {
  const unread = [...source.skipped, ...cache.failures].map(([file, reason]): Skipped => ({
    file,
    reason,
    kind: 'unread',
  }));
  const skipped: Skipped[] = [...found.skipped.map((s): Skipped => ({ ...s, kind: 'path' })), ...unread, ...internal];
  const filesScanned = found.files.filter((f) => covered.has(f) && !source.skipped.has(f) && !cache.failures.has(f));
  return { filesScanned, skipped };
}

/** How `checkEachCrate` loads crates, and which it loads a second time. */
export interface EachCrateOptions extends LoadOptions {
  /**
   * Once every crate is checked: the crates to load (and check) again, each handed to `visit` alone, for
   * what the caller learnt it needs of them only from later crates.
   */
  again?: { crates: () => readonly CrateDescription[]; visit: (loaded: LoadedCrate) => void };
  /** Told after each parse (see `RunOptions.parsed` in core/shard.ts). */
  parsed?: () => void;
}

/** What a run that checks each crate as it loads (`checkEachCrate`) leaves besides its crates' findings. */
export interface RunOutline {
  /** Requested files that were read and checked. */
  filesScanned: string[];
  skipped: Skipped[];
  cache: SourceCache;
  /** The files whose findings are reported: those found under the paths, and what they `include!`. */
  requested: ReadonlySet<string>;
}

/**
 * `checkPaths` one crate at a time, for a caller that keeps only what it prints of each crate: every
 * crate is loaded, checked and handed to `visit` with its findings (null when the checker failed on it,
 * which `skipped` tells), then let go, so that one crate at a time is alive. The findings are unsorted
 * and in every file the crate reports in: which files are requested is known at the end
 * (`RunOutline.requested`); `checkCrates` says which repeats two crates report keep.
 */
export async function checkEachCrate(
  paths: string[],
  cwd: string,
  settings: Settings,
  options: EachCrateOptions,
  visit: (loaded: LoadedCrate, findings: Finding[] | null) => void,
): Promise<RunOutline> {
  const parser = await loadParser();
  const source = new DiskSource(settings.maxFileSize);
  const cache = new SourceCache(parser, source, () => false, { parsed: options.parsed });
  const found = discover(paths.length ? paths : ['.'], cwd, settings.exclude);
  const requested = new Set(found.files);
  const included: [file: string, by: string][] = [];
  const covered = new Set<string>();
  const internal: Skipped[] = [];
  const relevance = options.loadEveryModule
    ? undefined
    : (options.relevance ?? relevanceOf(found.files, cache, packageDirsOf(found), true, relevanceOptionsOf(found)));
  // The files do not change during the run: what a body's macro calls may write is known from the index.
  if (relevance) cache.bodyMacros = (file) => relevance.bodyMacroTest(file);
  for (const loaded of crateLoads(found, cache, settings, { ...options, relevance, release: true })) {
    const { crate } = loaded;
    // As `checkPaths` sees the crate: before its check loads the modules it needs.
    for (const pair of crate.included) included.push(pair);
    for (const f of crateCoverage(crate, found.files)) covered.add(f);
    let findings: Finding[] | null = null;
    try {
      findings = checkCrate(crate, checkOptionsOf(settings));
    } catch (e) {
      internal.push(internalError(crate, e as Error));
    }
    if (findings && findings.length > MAX_FINDINGS_PER_CRATE) {
      // Sorted by position: what is kept is the start of the crate, the same on every run.
      const total = findings.length;
      findings = findings.sort(compareFindings).slice(0, MAX_FINDINGS_PER_CRATE);
      internal.push(overLimit(crate, total));
    }
    visit(loaded, findings);
    // The layouts worked out are keyed by the crate's modules (std types' aside): no later crate asks for them.
    clearLayoutCache();
  }
  const again = options.again?.crates() ?? [];
  if (options.again && again.length) {
    // Made only when a crate is loaded again: resolving the workspace's features is not free.
    const load = crateLoader(found, cache, settings, relevance);
    for (const description of again) {
      const loaded = load(description);
      if (loaded) {
        // Checked as the first time (what the check resolves shapes how types are shown), its findings
        // and failure already told.
        try {
          checkCrate(loaded.crate, checkOptionsOf(settings));
        } catch {
          // told by its first check
        }
        options.again.visit(loaded);
        clearLayoutCache();
      }
      cache.release();
    }
  }
  for (const [file, by] of included) if (requested.has(by)) requested.add(file);
  return { ...runEnd(found, source, cache, covered, internal), cache, requested };
}

/**
 * Files no `Cargo.toml` covers: each one that no other reaches through `mod` is a crate root, as
 * `rustc FILE` would treat it. Every `mod` counts here, whatever its `#[cfg]`. Files that reach each
 * other in a cycle (`#[path]` modules naming each other) and that no root reaches would otherwise have
 * no root at all: the first of each such cycle becomes a root, and `onCycle` hears of it.
 */
export function standaloneRoots(
  files: string[],
  cache: SourceCache,
  onCycle: (root: string, others: string[]) => void = () => {},
): string[] {
  const set = new Set(files);
  const edges = new Map<string, Set<string>>();
  const reached = new Set<string>();
  for (const file of files) {
    const src = cache.get(file);
    if (!src) continue;
    const stem = path.join(path.dirname(file), path.basename(file, '.rs'));
    const out = new Set<string>();
    markModFiles(src.items.items, [path.dirname(file), stem], out, set);
    out.delete(file);
    edges.set(file, out);
    for (const f of out) reached.add(f);
  }
  const roots = files.filter((f) => !reached.has(f) && edges.has(f));
  const covered = new Set<string>();
  const cover = (root: string): string[] => {
    const found: string[] = [];
    const stack = [root];
    while (stack.length) {
      const f = stack.pop()!;
      if (covered.has(f)) continue;
      covered.add(f);
      found.push(f);
      for (const next of edges.get(f) ?? []) stack.push(next);
    }
    return found;
  };
  for (const r of roots) cover(r);
  for (const f of files) {
    if (covered.has(f) || !edges.has(f)) continue;
    roots.push(f);
    onCycle(
      f,
      cover(f).filter((o) => o !== f),
    );
  }
  return roots;
}

function markModFiles(items: Item[], dirs: string[], reached: Set<string>, known: Set<string>): void {
  for (const item of items) {
    // `include!("x.rs")` also makes a file part of another crate.
    if (item.kind === 'macro-call' && calledMacroName(item) === 'include' && item.tokens[0]?.kind === 'string') {
      const target = path.resolve(path.dirname(item.origin.file), item.tokens[0].text.replace(/^"|"$/g, ''));
      if (known.has(target)) reached.add(target);
      continue;
    }
    if (item.kind !== 'mod') continue;
    const pathAttr = item.attrs.find((a) => a.name === 'path' && a.value !== null)?.value;
    const stem = moduleFileStem(item);
    if (item.items) {
      markModFiles(
        item.items,
        dirs.map((d) => path.join(d, pathAttr ?? stem)),
        reached,
        known,
      );
      continue;
    }
    for (const d of dirs) {
      const candidates = pathAttr
        ? [path.resolve(d, pathAttr), path.resolve(path.dirname(d), pathAttr)]
        : moduleFileCandidates(d, stem);
      for (const c of candidates) if (known.has(c)) reached.add(c);
    }
  }
}
