import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { makeCfgEnv } from '../server/src/core/syntax/cfg';
import {
  FeatureRequest,
  featurePackage,
  resolveFeatures,
  resolveWorkspaceFeatures,
} from '../server/src/core/workspace/features';
import { parseToml } from '../server/src/core/workspace/toml';

/** Packages given as `{ dir: Cargo.toml text }`, resolved in memory with `members` as the workspace. */
function resolve(
  manifests: Record<string, string>,
  members: string[],
  request: Partial<FeatureRequest> = {},
  target?: string,
): { of: (dir: string) => string[] | undefined; unknown: string[] } {
  const at = (dir: string): string => path.join('/ws', dir, 'Cargo.toml');
  const cfg = makeCfgEnv({ features: [], target });
  const result = resolveFeatures(
    members.map(at),
    { features: [], noDefaultFeatures: false, allFeatures: false, ...request },
    (manifest) => {
      const dir = path.relative('/ws', path.dirname(manifest));
      const text = manifests[dir];
      return text === undefined
        ? null
        : featurePackage(manifest, parseToml(text) as Record<string, unknown>, cfg, {
            ...((parseToml(manifests['.'] ?? '') as { workspace?: { dependencies?: object } }).workspace
              ?.dependencies ?? {}),
            __root: '/ws',
          });
    },
  );
  return { of: (dir) => result.byManifest.get(at(dir)), unknown: result.unknown };
}

describe('cargo features (workspace/features.ts)', () => {
  it('turns `default` on unless switched off', () => {
    const pkg = `[package]\nname = "a"\n[features]\ndefault = ["x"]\nx = []\ny = []\n`;
    assert.deepStrictEqual(resolve({ a: pkg }, ['a']).of('a'), ['default', 'x']);
    assert.deepStrictEqual(resolve({ a: pkg }, ['a'], { noDefaultFeatures: true }).of('a'), []);
  });

  it('follows `[features]` lists transitively', () => {
    const pkg = `[package]\nname = "a"\n[features]\ndefault = ["x"]\nx = ["y"]\ny = ["z"]\nz = []\nw = []\n`;
    assert.deepStrictEqual(resolve({ a: pkg }, ['a']).of('a'), ['default', 'x', 'y', 'z']);
  });

  it('--features adds to the defaults; --all-features turns on every feature and optional dependency', () => {
    const pkg =
      `[package]\nname = "a"\n[features]\ndefault = []\nx = []\ny = ["dep:b"]\n` +
      `[dependencies]\nb = { path = "../b", optional = true }\nc = { path = "../c", optional = true }\n`;
    const b = `[package]\nname = "b"\n[features]\ndefault = ["bx"]\nbx = []\n`;
    const c = `[package]\nname = "c"\n`;
    assert.deepStrictEqual(resolve({ a: pkg, b, c }, ['a'], { features: ['x'] }).of('a'), ['default', 'x']);
    const all = resolve({ a: pkg, b, c }, ['a'], { allFeatures: true });
    // `c` has an implicit feature; `b` does not (a `dep:b` entry hides it).
    assert.deepStrictEqual(all.of('a'), ['c', 'default', 'x', 'y']);
    assert.deepStrictEqual(all.of('b'), ['bx', 'default']);
  });

  it('`dep:x` turns an optional dependency on with its default features, without an implicit feature', () => {
    const a =
      `[package]\nname = "a"\n[features]\ndefault = ["tls"]\ntls = ["dep:b"]\n` +
      `[dependencies]\nb = { path = "../b", optional = true }\n`;
    const b = `[package]\nname = "b"\n[features]\ndefault = ["fast"]\nfast = []\n`;
    const r = resolve({ a, b }, ['a']);
    assert.deepStrictEqual(r.of('a'), ['default', 'tls']);
    assert.deepStrictEqual(r.of('b'), ['default', 'fast']);
    assert.strictEqual(resolve({ a, b }, ['a'], { noDefaultFeatures: true }).of('b'), undefined);
  });

  it("an optional dependency's implicit feature turns it on", () => {
    const a =
      `[package]\nname = "a"\n[features]\ndefault = ["b"]\n` +
      `[dependencies]\nb = { path = "../b", optional = true }\n`;
    const b = `[package]\nname = "b"\n[features]\ndefault = ["fast"]\nfast = []\n`;
    const r = resolve({ a, b }, ['a']);
    assert.deepStrictEqual(r.of('a'), ['b', 'default']);
    assert.deepStrictEqual(r.of('b'), ['default', 'fast']);
  });

  it('`crate/feature` turns the dependency and its feature on', () => {
    const a =
      `[package]\nname = "a"\n[features]\ndefault = ["b/extra"]\n` +
      `[dependencies]\nb = { path = "../b", optional = true, default-features = false }\n`;
    const b = `[package]\nname = "b"\n[features]\ndefault = ["fast"]\nfast = []\nextra = []\n`;
    const r = resolve({ a, b }, ['a']);
    // The implicit feature `b` comes on with it; `default-features = false` keeps b's default off.
    assert.deepStrictEqual(r.of('a'), ['b', 'default']);
    assert.deepStrictEqual(r.of('b'), ['extra']);
  });

  it('`crate?/feature` adds the feature only when the dependency is on for another reason', () => {
    const a =
      `[package]\nname = "a"\n[features]\ndefault = ["std"]\nstd = ["b?/std"]\nwith-b = ["dep:b"]\n` +
      `[dependencies]\nb = { path = "../b", optional = true }\n`;
    const b = `[package]\nname = "b"\n[features]\nstd = []\n`;
    assert.strictEqual(resolve({ a, b }, ['a']).of('b'), undefined);
    // Turned on after the weak entry was seen: the feature still reaches it.
    assert.deepStrictEqual(resolve({ a, b }, ['a'], { features: ['with-b'] }).of('b'), ['std']);
  });

  it("a dependency's `features` list and `package = …` renames", () => {
    const a = `[package]\nname = "a"\n[dependencies]\nbee = { path = "../b", package = "b", features = ["x"] }\n`;
    const b = `[package]\nname = "b"\n[features]\nx = ["y"]\ny = []\n`;
    assert.deepStrictEqual(resolve({ a, b }, ['a']).of('b'), ['x', 'y']);
  });

  it('unifies features across workspace members', () => {
    const a = `[package]\nname = "a"\n[dependencies]\ncore = { path = "../core", features = ["alloc"] }\n`;
    const b = `[package]\nname = "b"\n[dependencies]\ncore = { path = "../core", default-features = false, features = ["simd"] }\n`;
    const core = `[package]\nname = "core"\n[features]\ndefault = ["std"]\nstd = []\nalloc = []\nsimd = []\n`;
    const r = resolve({ a, b, core }, ['a', 'b', 'core'], { noDefaultFeatures: true });
    // `a` asks for core's default; `b` for `simd`: one build of `core` has them all.
    assert.deepStrictEqual(r.of('core'), ['alloc', 'default', 'simd', 'std']);
  });

  it('a member reached by name (no path) and workspace-inherited dependencies', () => {
    const root = `[workspace]\nmembers = ["a", "b"]\n[workspace.dependencies]\nb = { path = "b", features = ["one"] }\n`;
    const a = `[package]\nname = "a"\n[dependencies]\nb = { workspace = true, features = ["two"] }\n`;
    const b = `[package]\nname = "b"\n[features]\none = []\ntwo = []\nthree = []\n`;
    assert.deepStrictEqual(resolve({ '.': root, a, b }, ['a', 'b']).of('b'), ['one', 'two']);
  });

  it('`package/feature` on the command line, and names no member has are reported', () => {
    const a = `[package]\nname = "a"\n[features]\nx = []\n`;
    const b = `[package]\nname = "b"\n[features]\nx = []\n`;
    const r = resolve({ a, b }, ['a', 'b'], { features: ['b/x', 'nope'] });
    assert.deepStrictEqual(r.of('a'), []);
    assert.deepStrictEqual(r.of('b'), ['x']);
    assert.deepStrictEqual(r.unknown, ['nope']);
  });

  it('target-specific dependencies count where their `cfg` holds for the target', () => {
    const a =
      `[package]\nname = "a"\n[target.'cfg(windows)'.dependencies]\nw = { path = "../w", features = ["on"] }\n` +
      `[target.'cfg(unix)'.dependencies]\nu = { path = "../u", features = ["on"] }\n`;
    const w = `[package]\nname = "w"\n[features]\non = []\n`;
    const u = `[package]\nname = "u"\n[features]\non = []\n`;
    const linux = resolve({ a, w, u }, ['a']);
    assert.deepStrictEqual([linux.of('u'), linux.of('w')], [['on'], undefined]);
    const windows = resolve({ a, w, u }, ['a'], {}, 'x86_64-pc-windows-msvc');
    assert.deepStrictEqual([windows.of('u'), windows.of('w')], [undefined, ['on']]);
  });

  it('reads manifests from disk, following path dependencies outside the members', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ffi-guard-features-'));
    try {
      fs.mkdirSync(path.join(dir, 'app'));
      fs.mkdirSync(path.join(dir, 'lib'));
      fs.writeFileSync(
        path.join(dir, 'app', 'Cargo.toml'),
        `[package]\nname = "app"\n[dependencies]\nlib = { path = "../lib", features = ["fast"] }\n`,
      );
      fs.writeFileSync(path.join(dir, 'lib', 'Cargo.toml'), `[package]\nname = "lib"\n[features]\nfast = []\n`);
      const r = resolveWorkspaceFeatures(
        [path.join(dir, 'app', 'Cargo.toml')],
        { features: [], noDefaultFeatures: false, allFeatures: false },
        makeCfgEnv({ features: [] }),
      );
      assert.deepStrictEqual(r.byManifest.get(path.join(dir, 'lib', 'Cargo.toml')), ['fast']);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
