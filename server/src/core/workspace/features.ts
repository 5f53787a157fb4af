import * as fs from 'fs';
import * as path from 'path';
import { CfgEnv, evalCfg } from '../syntax/cfg';
import { isPlainTokenTree, plainTokens } from '../syntax/plain-tokens';
import { parseToml } from './toml';

/**
 * Cargo's features, turned on as cargo turns them on for `cargo build --workspace` (and, for the
 * targets that may use dev-dependencies — tests, examples, benches — `cargo test --workspace`): each member's
 * `default` unless switched off, then transitively through `[features]` lists — another feature, `dep:x`
 * (an optional dependency), `x/f` (the dependency `x`, turned on if optional, and its feature `f`),
 * `x?/f` (`f` only if `x` is on for another reason) — the implicit feature of each optional dependency
 * (unless a `dep:` entry hides it), the `features` and `default-features` of dependencies, and unified
 * across the workspace: a package's features are the union of what every package that reaches it asks.
 * Only packages on disk (members, path dependencies) matter: the others are not checked.
 *
 * Which dependencies take part is the feature resolver's choice (`resolver` in `[workspace]`, else the
 * root package's edition: 2021 and later mean "2"; a virtual workspace without it means "1"). Resolver
 * "2" (and "3") unifies only what the build links: normal dependencies whose `[target.'cfg(…)']` holds
 * for the target, and for tests and examples the members' dev-dependencies too; build-dependencies are
 * built apart, for the host, and never add features to the target's build. Resolver "1" unifies
 * everything: normal, build and the members' dev-dependencies, for every platform. Checked against the
 * `feature=` flags of `cargo check -v` and `cargo test --no-run -v` (test/features.test.ts).
 */

/** Cargo's feature resolver: "1", or "2" (which "3" is too, as far as features go). */
export type FeatureResolver = 1 | 2;

/** How to resolve: the resolver, and whether for the targets that may use dev-dependencies. */
export interface ResolveOptions {
  resolver: FeatureResolver;
  /** Tests, examples, benches: built with the members' dev-dependencies (`cargo test`). */
  forTests?: boolean;
}

/** What the user asked for: cargo's `--features`, `--no-default-features`, `--all-features`. */
export interface FeatureRequest {
  /** Feature names (`f`, applied to each member that has it) or `package/feature`, `dependency/feature`. */
  features: string[];
  noDefaultFeatures: boolean;
  allFeatures: boolean;
}

/** One dependency entry of a package, as far as features go. */
export interface DependencySpec {
  /** The name the package uses for it (the key in `[dependencies]`). */
  key: string;
  optional: boolean;
  defaultFeatures: boolean;
  features: string[];
  /** The dependency's `Cargo.toml` when it is on disk (`path = …`, or a workspace dependency with a path). */
  manifest: string | null;
  /** The package's name (`package = …`, else the key), to find it among the workspace members. */
  packageName: string;
  /** Its table: `[dependencies]`, `[dev-dependencies]` or `[build-dependencies]`. */
  kind: 'normal' | 'dev' | 'build';
  /** Whether it applies to the target: true unless a `[target.'…']` table's platform does not hold. */
  onTarget: boolean;
}

/** A package's manifest, as far as features go. */
export interface FeaturePackage {
  name: string;
  /** `package.version`, for messages worded as cargo words them (cargo's default: 0.0.0). */
  version?: string;
  manifest: string;
  features: Record<string, string[]>;
  dependencies: DependencySpec[];
}

export interface ResolvedFeatures {
  /** Per manifest: the enabled features, sorted (`default` included when the package declares it). */
  byManifest: Map<string, string[]>;
  /** Requested features cargo would refuse (no member has them, a `dep:` or `a/b/c` form…), as written. */
  unknown: string[];
  /**
   * Why, worded as cargo words its refusal (`cargo check --features …`, cargo 1.95), one message per
   * error; the first line of each is cargo's `error:` line, the others its notes. Empty when cargo would
   * accept the request.
   */
  errors: string[];
  /** The feature resolver it followed. */
  resolver: FeatureResolver;
}

type Table = Record<string, unknown>;

/** The features a package's manifest table declares, and its dependencies (target-specific ones where `cfg` holds). */
export function featurePackage(
  manifest: string,
  table: Table,
  cfg: CfgEnv | null,
  workspaceDeps: Table = {},
): FeaturePackage | null {
  const pkg = table.package as Table | undefined;
  if (!pkg || typeof pkg !== 'object') return null;
  const dir = path.dirname(manifest);
  const features: Record<string, string[]> = {};
  const declared = table.features;
  if (declared && typeof declared === 'object')
    for (const [name, list] of Object.entries(declared as Table))
      features[name] = Array.isArray(list) ? list.filter((x): x is string => typeof x === 'string') : [];
  const dependencies: DependencySpec[] = [];
  // `[patch]` is read from the root manifest: the workspace's, or the package's own outside any workspace.
  const patches: Patches =
    typeof workspaceDeps.__root === 'string'
      ? { table: (workspaceDeps.__patch as Table | undefined) ?? {}, root: workspaceDeps.__root }
      : { table: isTable(table.patch) ? table.patch : {}, root: dir };
  const addTables = (from: Table, onTarget: boolean): void => {
    const kinds = [
      ['normal', from.dependencies],
      ['dev', from['dev-dependencies'] ?? from.dev_dependencies],
      ['build', from['build-dependencies'] ?? from.build_dependencies],
    ] as const;
    for (const [kind, deps] of kinds) {
      if (!deps || typeof deps !== 'object') continue;
      for (const [key, raw] of Object.entries(deps as Table))
        dependencies.push({ ...dependencySpec(key, raw, dir, workspaceDeps, patches), kind, onTarget });
    }
  };
  addTables(table, true);
  const targets = table.target;
  if (targets && typeof targets === 'object')
    for (const [platform, t] of Object.entries(targets as Table))
      if (t && typeof t === 'object') addTables(t as Table, platformHolds(platform, cfg));
  return {
    name: typeof pkg.name === 'string' ? pkg.name : path.basename(dir),
    version: typeof pkg.version === 'string' ? pkg.version : undefined,
    manifest,
    features,
    dependencies,
  };
}

/** The `[patch]` tables of the root manifest, and the folder their paths are relative to. */
interface Patches {
  table: Table;
  root: string;
}

function isTable(v: unknown): v is Table {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * The manifest a `[patch]` of the root manifest puts in place of a dependency from a registry or a git
 * repository, when it gives a path: `[patch.crates-io] api = { path = "api" }` makes cargo build the
 * workspace's `api` wherever `api = "0.1"` is asked for. Cargo uses a patch only where its version meets
 * the requirement (and warns that it was not used otherwise): versions are not compared here.
 */
function patchedManifest(spec: Table, packageName: string, patches: Patches): string | null {
  const source =
    typeof spec.git === 'string' ? spec.git : typeof spec.registry === 'string' ? spec.registry : 'crates-io';
  const forSource = patches.table[source];
  const patch = isTable(forSource) ? forSource[packageName] : undefined;
  return isTable(patch) && typeof patch.path === 'string' ? path.resolve(patches.root, patch.path, 'Cargo.toml') : null;
}

function dependencySpec(
  key: string,
  raw: unknown,
  dir: string,
  workspaceDeps: Table,
  patches: Patches,
): Omit<DependencySpec, 'kind' | 'onTarget'> {
  let spec: Table = typeof raw === 'object' && raw !== null ? (raw as Table) : {};
  let base = dir;
  if (spec.workspace === true) {
    // `x = { workspace = true, features = […], optional = … }`: the workspace's entry, with the member's additions.
    const ws = workspaceDeps[key];
    const inherited: Table = typeof ws === 'object' && ws !== null ? (ws as Table) : {};
    base = typeof workspaceDeps.__root === 'string' ? workspaceDeps.__root : dir;
    spec = {
      ...inherited,
      optional: spec.optional,
      features: [...strings(inherited.features), ...strings(spec.features)],
    };
  }
  const packageName = typeof spec.package === 'string' ? spec.package : key;
  const depPath =
    typeof spec.path === 'string'
      ? path.resolve(base, spec.path, 'Cargo.toml')
      : patchedManifest(spec, packageName, patches);
  return {
    key,
    optional: spec.optional === true,
    defaultFeatures: spec['default-features'] !== false && spec.default_features !== false,
    features: strings(spec.features),
    manifest: depPath,
    packageName,
  };
}

function strings(v: unknown): string[] {
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
}

/** Whether a `[target.'…'.dependencies]` key applies: `cfg(…)` evaluated for the target; a bare triple never matches here. */
function platformHolds(platform: string, cfg: CfgEnv | null): boolean {
  if (!cfg) return true;
  const m = /^cfg\s*(\(.*\))\s*$/s.exec(platform);
  if (!m || !isPlainTokenTree(m[1])) return false;
  const tokens = plainTokens(m[1], 0, (start, end) => ({ file: '', span: { start, end } }));
  return evalCfg(tokens, cfg);
}

/** The implicit features of a package: one per optional dependency that no `dep:` entry names. */
function implicitFeatures(pkg: FeaturePackage): Set<string> {
  const hidden = new Set<string>();
  for (const list of Object.values(pkg.features))
    for (const e of list) if (e.startsWith('dep:')) hidden.add(e.slice(4));
  const out = new Set<string>();
  for (const d of pkg.dependencies) if (d.optional && !hidden.has(d.key) && !(d.key in pkg.features)) out.add(d.key);
  return out;
}

/**
 * Resolve the features of `members` (manifest paths) and of every package they reach on disk. `load`
 * gives a package by its manifest (null when it cannot be read).
 */
export function resolveFeatures(
  members: string[],
  request: FeatureRequest,
  load: (manifest: string) => FeaturePackage | null,
  options: ResolveOptions = { resolver: 2 },
): ResolvedFeatures {
  const packages = new Map<string, FeaturePackage | null>();
  const get = (manifest: string): FeaturePackage | null => {
    if (!packages.has(manifest)) packages.set(manifest, load(manifest));
    return packages.get(manifest) ?? null;
  };
  const memberPackages = members.map(get).filter((p): p is FeaturePackage => p !== null);
  const isMember = new Set(memberPackages);
  /** Whether a dependency's features reach the build (see the resolvers above). Dev-dependencies: of members only. */
  const inBuild = (p: FeaturePackage, d: DependencySpec): boolean => {
    if (d.kind === 'dev' && !isMember.has(p)) return false;
    if (options.resolver === 1) return true;
    return d.onTarget && (d.kind === 'normal' || (d.kind === 'dev' && options.forTests === true));
  };
  const byName = new Map(memberPackages.map((p) => [p.name, p]));
  const enabled = new Map<FeaturePackage, Set<string>>();
  const activeDeps = new Map<FeaturePackage, Set<string>>();
  /** `x?/f` entries waiting for `x` to be turned on. */
  const weak = new Map<FeaturePackage, Map<string, string[]>>();
  const implicit = new Map<FeaturePackage, Set<string>>();
  const implicitOf = (p: FeaturePackage): Set<string> => {
    let s = implicit.get(p);
    if (!s) implicit.set(p, (s = implicitFeatures(p)));
    return s;
  };

  const target = (d: DependencySpec): FeaturePackage | null =>
    d.manifest ? get(d.manifest) : (byName.get(d.packageName) ?? null);

  const activatePackage = (p: FeaturePackage): void => {
    if (enabled.has(p)) return;
    enabled.set(p, new Set());
    activeDeps.set(p, new Set());
    for (const d of p.dependencies) if (!d.optional && inBuild(p, d)) activateDep(p, d.key);
  };

  const enable = (p: FeaturePackage, feature: string): void => {
    activatePackage(p);
    const on = enabled.get(p)!;
    if (on.has(feature)) return;
    if (feature in p.features) {
      on.add(feature);
      for (const entry of p.features[feature]) entryOf(p, entry);
    } else if (implicitOf(p).has(feature)) {
      on.add(feature);
      activateDep(p, feature);
    }
  };

  const entryOf = (p: FeaturePackage, entry: string): void => {
    if (entry.startsWith('dep:')) return activateDep(p, entry.slice(4));
    const slash = entry.indexOf('/');
    if (slash < 0) return enable(p, entry);
    const isWeak = entry[slash - 1] === '?';
    const key = entry.slice(0, isWeak ? slash - 1 : slash);
    const feature = entry.slice(slash + 1);
    if (!isWeak) {
      // `x/f` turns `x` on, and with it its implicit feature where there is one.
      if (implicitOf(p).has(key)) enable(p, key);
      activateDep(p, key);
    }
    if (activeDeps.get(p)?.has(key)) depFeature(p, key, feature);
    else {
      let pending = weak.get(p);
      if (!pending) weak.set(p, (pending = new Map<string, string[]>()));
      pending.set(key, [...(pending.get(key) ?? []), feature]);
    }
  };

  const depFeature = (p: FeaturePackage, key: string, feature: string): void => {
    for (const d of p.dependencies) {
      if (d.key !== key || !inBuild(p, d)) continue;
      const t = target(d);
      if (t) enable(t, feature);
    }
  };

  const activateDep = (p: FeaturePackage, key: string): void => {
    activatePackage(p);
    const active = activeDeps.get(p)!;
    if (active.has(key)) return;
    const specs = p.dependencies.filter((d) => d.key === key && inBuild(p, d));
    if (!specs.length) return;
    active.add(key);
    for (const d of specs) {
      const t = target(d);
      if (!t) continue;
      activatePackage(t);
      if (d.defaultFeatures) enable(t, 'default');
      for (const f of d.features) entryOf(t, f);
    }
    const pending = weak.get(p)?.get(key) ?? [];
    weak.get(p)?.delete(key);
    for (const f of pending) depFeature(p, key, f);
  };

  const errors: string[] = [];
  const unknown = new Set<string>();
  const refuse = (raw: string, message: string): void => {
    unknown.add(raw);
    errors.push(message);
  };
  /** Requested names no selected package has, for cargo's one "does not contain" error. */
  const notFound: string[] = [];
  const requested: { raw: string; f: string }[] = [];
  for (const raw of request.features) {
    const f = raw.trim();
    if (!f) continue;
    // Refused by cargo before it looks at any package.
    if (f.startsWith('dep:')) refuse(raw, `feature \`${f}\` is not allowed to use explicit \`dep:\` syntax`);
    else if (f.indexOf('/') !== f.lastIndexOf('/')) refuse(raw, `multiple slashes in feature \`${f}\` is not allowed`);
    else requested.push({ raw, f });
  }
  for (const p of memberPackages) {
    activatePackage(p);
    if (request.allFeatures) {
      for (const f of [...Object.keys(p.features), ...implicitOf(p)]) enable(p, f);
    } else if (!request.noDefaultFeatures) enable(p, 'default');
  }
  for (const { raw, f } of requested) {
    let found = false;
    for (const p of memberPackages) {
      // As cargo matches a request to each selected package (`collect_matching_features`): `x/f` is a
      // dependency's feature where the package has a dependency `x`, else the package's own feature where
      // `x` is its name; a bare name is the package's feature or optional dependency.
      const slash = f.indexOf('/');
      const key = slash < 0 ? '' : f.slice(0, slash).replace(/\?$/, '');
      if (slash >= 0 && p.dependencies.some((d) => d.key === key)) {
        found = true;
        const missing = missingDepFeature(p, key, f.slice(slash + 1));
        if (missing) refuse(raw, missing);
        else entryOf(p, f);
        continue;
      }
      const feature = slash < 0 ? f : key === p.name ? f.slice(slash + 1) : null;
      if (feature === null || !(feature in p.features || p.dependencies.some((d) => d.optional && d.key === feature)))
        continue;
      found = true;
      if (feature in p.features || implicitOf(p).has(feature)) enable(p, feature);
      else refuse(raw, hiddenImplicit(p, feature));
    }
    if (!found) notFound.push(raw);
  }
  if (notFound.length && memberPackages.length) {
    for (const raw of notFound) unknown.add(raw);
    const list = `${notFound.length === 1 ? 'this feature' : 'these features'}: ${notFound.map((f) => f.trim()).join(', ')}`;
    errors.unshift(
      memberPackages.length === 1
        ? `the package '${memberPackages[0].name}' does not contain ${list}`
        : `none of the selected packages contains ${list}\nselected packages: ${memberPackages.map((p) => p.name).join(', ')}`,
    );
  }
  const byManifest = new Map<string, string[]>();
  for (const [p, on] of enabled) byManifest.set(p.manifest, [...on].sort());
  return { byManifest, unknown: request.features.filter((f) => unknown.has(f)), errors, resolver: options.resolver };

  /** Cargo's resolver error for `x/f` when `x` is on disk and has no feature `f`; null when it has it (or is not on disk). */
  function missingDepFeature(p: FeaturePackage, key: string, feature: string): string | null {
    for (const d of p.dependencies) {
      if (d.key !== key) continue;
      const t = target(d);
      if (!t || feature in t.features || implicitOf(t).has(feature)) continue;
      const available = [...Object.keys(t.features), ...implicitOf(t)].filter((n) => n !== 'default').sort();
      return (
        `package \`${p.name}\` depends on \`${t.name}\` with feature \`${feature}\` but \`${t.name}\` does not have that feature.` +
        `\n available features: ${available.join(', ')}`
      );
    }
    return null;
  }
}

/** Cargo's error for an optional dependency asked for as a feature when a `dep:` entry hides its implicit feature. */
function hiddenImplicit(p: FeaturePackage, dependency: string): string {
  const by = Object.entries(p.features)
    .filter(([, list]) => list.includes(`dep:${dependency}`))
    .map(([name]) => name);
  return (
    `package \`${p.name} v${p.version ?? '0.0.0'} (${path.dirname(p.manifest)})\` does not have feature \`${dependency}\`` +
    `\nhelp: an optional dependency with that name exists, but the \`features\` table includes it with the "dep:" syntax so it does not have an implicit feature with that name` +
    (by.length
      ? `\nDependency \`${dependency}\` would be enabled by these features:${by.map((n) => `\n\t- \`${n}\``).join('')}`
      : '')
  );
}

/**
 * Resolve from disk: every member's `Cargo.toml`, path dependencies followed. `cfg` decides which
 * target-specific dependencies count. A manifest that cannot be read turns nothing on.
 */
export function resolveWorkspaceFeatures(
  members: string[],
  request: FeatureRequest,
  cfg: CfgEnv,
  forTests = false,
  read: ManifestReader = manifestReader(cfg),
): ResolvedFeatures {
  const workspaceDependencies = read.workspaceOf;
  // Cargo names the selected packages in the order of the workspace's `members` (then the others).
  const rank = (manifest: string): number => {
    const ws = workspaceDependencies(manifest);
    if (typeof ws.__root !== 'string') return Infinity;
    const dir = path.relative(ws.__root, path.dirname(manifest)).split(path.sep).join('/');
    const at = strings(ws.__members).findIndex((glob) => memberGlob(glob).test(dir));
    return at < 0 ? Infinity : at;
  };
  const ranks = new Map(members.map((m) => [m, rank(m)]));
  const ordered = [...members].sort((a, b) => ranks.get(a)! - ranks.get(b)! || 0);
  // The resolver of the first member's workspace (of a package outside any, its own edition's).
  let resolver: FeatureResolver = 2;
  if (ordered.length) {
    const ws = workspaceDependencies(ordered[0]);
    if (ws.__resolver === 1 || ws.__resolver === 2) resolver = ws.__resolver;
    else
      try {
        resolver = resolverOf(parseToml(fs.readFileSync(ordered[0], 'utf8')));
      } catch {
        resolver = 2;
      }
  }
  return resolveFeatures(ordered, request, read, { resolver, forTests });
}

/**
 * The `[workspace.dependencies]` of the workspace a manifest belongs to (the nearest `Cargo.toml` above
 * it with a `[workspace]`), with `__root`, `__members` and `__resolver`; {} outside any. Each root is read once.
 */
function workspaceTables(tableOf: (manifest: string) => Table): (manifest: string) => Table {
  // A manifest that is no workspace's root is remembered too: each package's own was parsed again at every
  // question about it (557 times for the 184 packages of the bench's untuned-2 workspace).
  const roots = new Map<string, Table | null>();
  const rootAt = (manifest: string): Table | null => {
    let deps = roots.get(manifest);
    if (deps === undefined)
      roots.set(manifest, (deps = fs.existsSync(manifest) ? workspaceRoot(manifest, tableOf) : null));
    return deps;
  };
  return (manifest) => {
    for (let d = path.dirname(manifest); ; d = path.dirname(d)) {
      const deps = rootAt(path.join(d, 'Cargo.toml'));
      if (deps) return deps;
      if (path.dirname(d) === d) return {};
    }
  };
}

/** What `workspaceTables` answers for a manifest with a `[workspace]`; null for one without, or unreadable. */
function workspaceRoot(manifest: string, tableOf: (manifest: string) => Table): Table | null {
  try {
    const root = tableOf(manifest);
    const ws = root.workspace as Table | undefined;
    if (!ws || typeof ws !== 'object') return null;
    return {
      ...((ws.dependencies as Table | undefined) ?? {}),
      __root: path.dirname(manifest),
      __members: strings(ws.members),
      __resolver: resolverOf(root),
      __patch: isTable(root.patch) ? root.patch : {},
    };
  } catch {
    return null;
  }
}

/** Each manifest as far as features and dependencies go (see `manifestReader`), and its workspace's tables. */
export type ManifestReader = ((manifest: string) => FeaturePackage | null) & {
  /** The `[workspace.dependencies]` of the manifest's workspace (see `workspaceTables`). */
  workspaceOf: (manifest: string) => Table;
};

/**
 * Each manifest as far as features and dependencies go (`workspace = true` entries filled in from the
 * workspace's table; target-specific ones marked by whether `cfg` holds), read and parsed once; null for a
 * manifest that cannot be read (its problem is reported where the crates are discovered).
 */
export function manifestReader(cfg: CfgEnv | null): ManifestReader {
  // A package's manifest is read for its workspace (is it a root?) and for its features: parsed once.
  const tables = new Map<string, Table | Error>();
  const tableOf = (manifest: string): Table => {
    let table = tables.get(manifest);
    if (table === undefined) {
      try {
        table = parseToml(fs.readFileSync(manifest, 'utf8'));
      } catch (e) {
        table = e as Error;
      }
      tables.set(manifest, table);
    }
    if (table instanceof Error) throw table;
    return table;
  };
  const workspaceOf = workspaceTables(tableOf);
  const known = new Map<string, FeaturePackage | null>();
  const read = (manifest: string): FeaturePackage | null => {
    let pkg = known.get(manifest);
    if (pkg === undefined) {
      try {
        pkg = featurePackage(manifest, tableOf(manifest), cfg, workspaceOf(manifest));
      } catch {
        pkg = null;
      }
      known.set(manifest, pkg);
    }
    return pkg;
  };
  return Object.assign(read, { workspaceOf });
}

/**
 * The feature resolver a root manifest chooses: `workspace.resolver`, else its package's `resolver`,
 * else its package's edition (2021 and later: "2"); a virtual workspace that says nothing: "1", as cargo.
 */
export function resolverOf(root: Table): FeatureResolver {
  const ws = root.workspace as Table | undefined;
  const pkg = root.package as Table | undefined;
  const said =
    (ws && typeof ws === 'object' ? ws.resolver : undefined) ??
    (pkg && typeof pkg === 'object' ? pkg.resolver : undefined);
  if (said !== undefined) return said === '1' ? 1 : 2;
  if (!pkg || typeof pkg !== 'object') return 1;
  let edition = pkg.edition;
  // `edition.workspace = true`: the workspace's `[workspace.package] edition`.
  if (edition && typeof edition === 'object' && ws && typeof ws === 'object')
    edition = ((ws.package as Table | undefined) ?? {}).edition;
  return typeof edition === 'string' && Number(edition) >= 2021 ? 2 : 1;
}

/**
 * A `workspace.members` entry (a path, perhaps with `*`/`?` globs) as a pattern over member folders; each
 * made once (every member of a workspace is ranked against every entry).
 */
function memberGlob(glob: string): RegExp {
  let pattern = MEMBER_GLOBS.get(glob);
  if (!pattern) {
    const norm = glob.replace(/\\/g, '/').replace(/^\.\//, '').replace(/\/+$/, '');
    const body = norm
      .split('')
      .map((c) => (c === '*' ? '[^/]*' : c === '?' ? '[^/]' : c.replace(/[.+^${}()|[\]\\]/g, '\\$&')))
      .join('');
    MEMBER_GLOBS.set(glob, (pattern = new RegExp(`^${body}$`)));
  }
  return pattern;
}

const MEMBER_GLOBS = new Map<string, RegExp>();
