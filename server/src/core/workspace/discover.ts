import * as fs from 'fs';
import * as path from 'path';
import ignore, { Ignore } from 'ignore';
import picomatch from 'picomatch';
import { MAX_SMALL_FILE_SIZE, readRegularText } from './read-file';
import { parseToml } from './toml';

/**
 * Finding what to check: the `.rs` files under the given paths (honouring `.gitignore`, skipping
 * `target/`), the crates their `Cargo.toml` files describe, and for files no crate covers, the roots
 * rustc would be given (`rustc FILE`).
 */

export interface CrateDescription {
  name: string;
  rootFile: string;
  edition: string;
  /** The `Cargo.toml` that declared it, or null for a standalone file. */
  manifest: string | null;
  /** `lib`, `bin`, `example`, `test`, `bench`, `build-script` or `file`. */
  target: string;
  /** `crate-type` of the library target (`cdylib`, `staticlib`, `rlib`…). */
  crateTypes: string[];
  /**
   * For a library target: the name other crates' code uses for it (`[lib] name`, else the package's name,
   * `-` as `_`), as cargo passes it to them with `--extern`.
   */
  libName?: string;
  /** The features without which cargo does not build the target (`required-features`). */
  requiredFeatures?: string[];
}

export interface Discovery {
  /** Every `.rs` file found under the paths. */
  files: string[];
  /** Crates declared by `Cargo.toml` files found under (or above) the paths. */
  crates: CrateDescription[];
  /** Problems with manifests: reported, not fatal. */
  skipped: { file: string; reason: string }[];
  /**
   * False when no folder named `target` lies in the folders walked or beside a folder above the paths: no
   * crate of the run has been built there, so no `include!` of `OUT_DIR` can find its file. Absent: unknown.
   */
  buildFolders?: boolean;
}

const ALWAYS_SKIPPED = new Set(['target', '.git', 'node_modules']);

/** At most this many `.rs` files are taken from the paths of one run; the rest are reported as skipped. */
export const MAX_FILES_PER_SCAN = 100_000;

/** Walk the paths. `exclude` globs are matched against paths relative to `base`. */
export function discover(paths: string[], base: string, exclude: string[]): Discovery {
  const isExcluded = exclude.length ? picomatch(exclude, { dot: true }) : null;
  const files = new Set<string>();
  const manifests = new Set<string>();
  const skipped: Discovery['skipped'] = [];
  let buildFolders = false;
  for (const p of paths) {
    const abs = path.resolve(base, p);
    let stat: fs.Stats;
    try {
      stat = fs.statSync(abs);
    } catch {
      skipped.push({ file: abs, reason: 'no such file or directory' });
      continue;
    }
    buildFolders ||= targetAbove(stat.isFile() ? path.dirname(abs) : abs);
    if (stat.isFile()) {
      if (abs.endsWith('.rs')) files.add(abs);
      else if (path.basename(abs) === 'Cargo.toml') manifests.add(abs);
      const above = findManifestAbove(path.dirname(abs));
      if (above) manifests.add(above);
    } else if (stat.isDirectory()) {
      const visit = (f: string): boolean => {
        if (isExcluded?.(path.relative(base, f).split(path.sep).join('/'))) return true;
        if (f.endsWith('.rs')) {
          if (files.size >= MAX_FILES_PER_SCAN) {
            skipped.push({
              file: f,
              reason: `more than ${MAX_FILES_PER_SCAN} .rs files (the files-per-scan limit): this file and every later one in path order were not checked`,
            });
            return false;
          }
          files.add(f);
        } else if (path.basename(f) === 'Cargo.toml') manifests.add(f);
        return true;
      };
      const unreadable = (dir: string, e: Error): void => {
        skipped.push({ file: dir, reason: `directory could not be listed: ${e.message}` });
      };
      const sawTarget = (): void => {
        buildFolders = true;
      };
      walk(abs, [], { visit, unreadable, sawTarget });
      const above = findManifestAbove(abs);
      if (above) manifests.add(above);
    }
  }
  const crates: CrateDescription[] = [];
  for (const m of [...manifests].sort()) {
    try {
      for (const c of cratesOfManifest(m)) crates.push(c);
    } catch (e) {
      skipped.push({
        file: m,
        reason: `Cargo.toml could not be read: ${(e as Error).message.split('\n')[0]}; its files are checked as standalone crates`,
      });
    }
  }
  return { files: [...files].sort(), crates, skipped, buildFolders };
}

/** Whether a folder named `target` lies beside `dir` or one of the folders above it. */
function targetAbove(dir: string): boolean {
  for (let d = dir; ; d = path.dirname(d)) {
    if (isFolder(path.join(d, 'target'))) return true;
    if (path.dirname(d) === d) return false;
  }
}

function isFolder(file: string): boolean {
  try {
    return fs.statSync(file).isDirectory();
  } catch {
    return false;
  }
}

function findManifestAbove(dir: string): string | null {
  for (let d = dir; ; d = path.dirname(d)) {
    const m = path.join(d, 'Cargo.toml');
    if (fs.existsSync(m)) return m;
    if (path.dirname(d) === d || fs.existsSync(path.join(d, '.git'))) return null;
  }
}

interface IgnoreLayer {
  dir: string;
  ig: Ignore;
}

/** The rules of the `.gitignore` in `dir`; null when it has none (an unreadable one ignores nothing). */
function gitignoreLayer(dir: string): IgnoreLayer | null {
  let rules: string;
  try {
    rules = readRegularText(path.join(dir, '.gitignore'), MAX_SMALL_FILE_SIZE);
  } catch {
    return null;
  }
  return { dir, ig: ignore().add(rules) };
}

/** What a walk tells as it goes. */
interface WalkSink {
  /** A file; false stops the walk. */
  visit: (file: string) => boolean;
  /** A directory that cannot be read. */
  unreadable: (dir: string, e: Error) => void;
  /** A folder named `target` (not walked). */
  sawTarget: () => void;
}

/**
 * Visit the files below `dir`; stops when `visit` returns false, and returns false then. Symbolic links are
 * followed as rustc follows them (a module file or folder may be a link); a link to a directory being walked
 * (an ancestor: a loop) is not walked again.
 */
function walk(
  dir: string,
  outer: IgnoreLayer[],
  sink: WalkSink,
  ancestors: readonly string[] = [realPathOf(dir)],
): boolean {
  let entries: fs.Dirent[];
  try {
    entries = fs.readdirSync(dir, { withFileTypes: true });
  } catch (e) {
    sink.unreadable(dir, e as Error);
    return true;
  }
  entries.sort((a, b) => (a.name < b.name ? -1 : 1));
  // Read from the listing: asking the file system whether each folder holds one cost a call per folder.
  const own = entries.some((e) => e.name === '.gitignore') ? gitignoreLayer(dir) : null;
  const layers = own ? [...outer, own] : outer;
  // Each layer's path to this folder, once per folder rather than once per entry.
  const prefixes = layers.map((l) => {
    const relative = path.relative(l.dir, dir).split(path.sep).join('/');
    return relative ? `${relative}/` : '';
  });
  for (const e of entries) {
    const full = path.join(dir, e.name);
    const target = e.isSymbolicLink() ? linkTarget(full) : e;
    if (!target) continue; // a dangling link
    const isDir = target.isDirectory();
    if (isDir && e.name === 'target') sink.sawTarget();
    if (isDir && ALWAYS_SKIPPED.has(e.name)) continue;
    const name = e.name + (isDir ? '/' : '');
    if (layers.some((l, i) => l.ig.ignores(prefixes[i] + name))) continue;
    if (isDir) {
      const real = e.isSymbolicLink() ? realPathOf(full) : path.join(ancestors[ancestors.length - 1], e.name);
      if (ancestors.includes(real)) continue;
      if (!walk(full, layers, sink, [...ancestors, real])) return false;
    } else if (target.isFile() && !sink.visit(full)) return false;
  }
  return true;
}

/** What a symbolic link points to, null when nothing (a dangling link, a loop). */
function linkTarget(file: string): fs.Stats | null {
  try {
    return fs.statSync(file);
  } catch {
    return null;
  }
}

function realPathOf(dir: string): string {
  try {
    return fs.realpathSync(dir);
  } catch {
    return path.resolve(dir);
  }
}

type Table = Record<string, unknown>;

/** The crates (targets) a `Cargo.toml` declares, with Cargo's auto-discovery of targets. */
/** A manifest's string value, or the fallback where the key is missing or not a string. */
function stringOr(value: unknown, fallback: string): string {
  return typeof value === 'string' ? value : fallback;
}

export function cratesOfManifest(manifest: string): CrateDescription[] {
  const table = parseToml(readRegularText(manifest, MAX_SMALL_FILE_SIZE)) as Table;
  const pkg = table.package as Table | undefined;
  if (!pkg) return []; // a virtual workspace manifest: its members have their own
  const dir = path.dirname(manifest);
  const name = stringOr(pkg.name, path.basename(dir)).replace(/-/g, '_');
  const edition = editionOf(pkg, manifest);
  const out: CrateDescription[] = [];
  const required = requiredFeaturesByRoot(table, dir, stringOr(pkg.name, path.basename(dir)));
  const add = (rootFile: string, target: string, crateTypes: string[] = [], libName?: string): void => {
    if (!fs.existsSync(rootFile) || out.some((c) => c.rootFile === rootFile)) return;
    const requiredFeatures = required.get(rootFile);
    out.push({
      name,
      rootFile,
      edition,
      manifest,
      target,
      crateTypes,
      ...(libName ? { libName } : {}),
      ...(requiredFeatures ? { requiredFeatures } : {}),
    });
  };
  const lib = table.lib as Table | undefined;
  add(
    path.resolve(dir, stringOr(lib?.path, 'src/lib.rs')),
    'lib',
    Array.isArray(lib?.['crate-type']) ? (lib['crate-type'] as string[]) : [],
    stringOr(lib?.name, name).replace(/-/g, '_'),
  );
  for (const [key, target, dirName] of [
    ['bin', 'bin', 'src/bin'],
    ['example', 'example', 'examples'],
    ['test', 'test', 'tests'],
    ['bench', 'bench', 'benches'],
  ] as const) {
    for (const t of (table[key] as Table[] | undefined) ?? [])
      if (typeof t.path === 'string') add(path.resolve(dir, t.path), target);
    const auto = path.join(dir, dirName);
    if (fs.existsSync(auto)) {
      for (const e of fs.readdirSync(auto, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
        if (e.isFile() && e.name.endsWith('.rs')) add(path.join(auto, e.name), target);
        else if (e.isDirectory() && fs.existsSync(path.join(auto, e.name, 'main.rs')))
          add(path.join(auto, e.name, 'main.rs'), target);
      }
    }
  }
  add(path.join(dir, 'src', 'main.rs'), 'bin');
  if (pkg.build !== false)
    add(path.resolve(dir, typeof pkg.build === 'string' ? pkg.build : 'build.rs'), 'build-script');
  return out;
}

/** Where cargo looks for a named target written without a `path`, by its table and folder. */
const TARGET_FOLDERS = { bin: 'src/bin', example: 'examples', test: 'tests', bench: 'benches' } as const;

/**
 * The `required-features` of each `[[bin]]`, `[[example]]`, `[[test]]` and `[[bench]]` target, by the root
 * file cargo builds it from: its `path`, else `FOLDER/NAME.rs` or `FOLDER/NAME/main.rs` (a binary named as its
 * package may be `src/main.rs`).
 */
function requiredFeaturesByRoot(table: Table, dir: string, packageName: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const [key, folder] of Object.entries(TARGET_FOLDERS)) {
    const targets = table[key];
    if (!Array.isArray(targets)) continue;
    for (const t of targets as Table[]) {
      const features = t['required-features'];
      if (!Array.isArray(features) || !features.length || !features.every((f) => typeof f === 'string')) continue;
      const named = typeof t.name === 'string' ? t.name : null;
      const roots =
        typeof t.path === 'string'
          ? [t.path]
          : named
            ? [
                `${folder}/${named}.rs`,
                `${folder}/${named}/main.rs`,
                ...(key === 'bin' && named === packageName ? ['src/main.rs'] : []),
              ]
            : [];
      for (const root of roots) out.set(path.resolve(dir, root), features);
    }
  }
  return out;
}

function editionOf(pkg: Table, manifest: string): string {
  const e = pkg.edition;
  if (typeof e === 'string') return e;
  if (e && typeof e === 'object' && (e as Table).workspace === true) {
    for (let d = path.dirname(path.dirname(manifest)); path.dirname(d) !== d; d = path.dirname(d)) {
      const m = path.join(d, 'Cargo.toml');
      if (!fs.existsSync(m)) continue;
      try {
        const ws = (parseToml(readRegularText(m, MAX_SMALL_FILE_SIZE)) as Table).workspace as Table | undefined;
        const wsEdition = (ws?.package as Table | undefined)?.edition;
        if (typeof wsEdition === 'string') return wsEdition;
      } catch {
        break;
      }
    }
  }
  return '2015';
}
