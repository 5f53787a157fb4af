import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { makeCfgEnv } from '../server/src/core/syntax/cfg';
import {
  FeatureRequest,
  featurePackage,
  ResolveOptions,
  resolveFeatures,
  resolverOf,
  resolveWorkspaceFeatures,
} from '../server/src/core/workspace/features';
import { parseToml } from '../server/src/core/workspace/toml';
import { spawnSync } from 'child_process';
import { REPO, runCli, tempTree } from './harness/cli';
import { tempDir } from './harness/tmp';
import type { ReportData } from '../protocol/report';
import { AnalysisHost } from '../server/src/core/host';
import { defaultSettings } from '../server/src/core/config';
import { loadParser } from '../server/src/core/syntax/parse';
import { checkPaths } from '../server/src/core/project';

const FIXTURE = path.join(REPO, 'test', 'fixtures-features');

/** Packages given as `{ dir: Cargo.toml text }`, resolved in memory with `members` as the workspace. */
function resolve(
  manifests: Record<string, string>,
  members: string[],
  request: Partial<FeatureRequest> = {},
  target?: string,
): { of: (dir: string) => string[] | undefined; unknown: string[]; errors: string[] } {
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
        : featurePackage(manifest, parseToml(text), cfg, {
            ...((parseToml(manifests['.'] ?? '') as { workspace?: { dependencies?: object } }).workspace
              ?.dependencies ?? {}),
            __root: '/ws',
          });
    },
  );
  return { of: (dir) => result.byManifest.get(at(dir)), unknown: result.unknown, errors: result.errors };
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
    assert.deepStrictEqual(r.errors, [
      'none of the selected packages contains this feature: nope\nselected packages: a, b',
    ]);
  });

  it("an unknown requested feature is refused in cargo's words, one package or several", () => {
    const a = `[package]\nname = "a"\n[features]\nx = []\n`;
    const b = `[package]\nname = "b"\n[features]\ny = []\n`;
    const one = resolve({ a }, ['a'], { features: ['x', 'bogus'] });
    assert.deepStrictEqual(one.errors, ["the package 'a' does not contain this feature: bogus"]);
    assert.deepStrictEqual(one.unknown, ['bogus']);
    // What cargo accepts is still turned on.
    assert.deepStrictEqual(one.of('a'), ['x']);
    const two = resolve({ a, b }, ['a', 'b'], { features: ['bogus', 'y', 'a/nope'] });
    assert.deepStrictEqual(two.errors, [
      'none of the selected packages contains these features: bogus, a/nope\nselected packages: a, b',
    ]);
    assert.deepStrictEqual(two.of('b'), ['y']);
    assert.deepStrictEqual(resolve({ a, b }, ['a', 'b'], { features: ['x', 'y', 'a/x'] }).errors, []);
  });

  it('`dep:` and `a/b/c` requests are refused as cargo refuses them', () => {
    const a = `[package]\nname = "a"\n[dependencies]\nb = { path = "../b", optional = true }\n`;
    const b = `[package]\nname = "b"\n[features]\nfb = []\n`;
    const r = resolve({ a, b }, ['a'], { features: ['dep:b', 'a/b/fb'] });
    assert.deepStrictEqual(r.errors, [
      'feature `dep:b` is not allowed to use explicit `dep:` syntax',
      'multiple slashes in feature `a/b/fb` is not allowed',
    ]);
    assert.strictEqual(r.of('b'), undefined);
  });

  it("`dependency/feature` is checked against the dependency's features when it is on disk", () => {
    const a = `[package]\nname = "a"\n[dependencies]\nb = { path = "../b", optional = true }\nreg = "1"\n`;
    const b = `[package]\nname = "b"\n[features]\nfb = []\nfc = []\n`;
    const good = resolve({ a, b }, ['a'], { features: ['b/fb', 'b?/fc'] });
    assert.deepStrictEqual([good.errors, good.of('a'), good.of('b')], [[], ['b'], ['fb', 'fc']]);
    const bad = resolve({ a, b }, ['a'], { features: ['b/bogus'] });
    assert.deepStrictEqual(bad.errors, [
      'package `a` depends on `b` with feature `bogus` but `b` does not have that feature.\n available features: fb, fc',
    ]);
    assert.deepStrictEqual(bad.unknown, ['b/bogus']);
    // A dependency from a registry is not on disk: its features cannot be known, and cargo is trusted with it.
    assert.deepStrictEqual(resolve({ a, b }, ['a'], { features: ['reg/anything'] }).errors, []);
  });

  it('an optional dependency hidden by a `dep:` entry is not a feature', () => {
    const a =
      `[package]\nname = "a"\nversion = "0.1.0"\n[features]\nfa = ["dep:b"]\n` +
      `[dependencies]\nb = { path = "../b", optional = true }\n`;
    const r = resolve({ a, b: `[package]\nname = "b"\n` }, ['a'], { features: ['b'] });
    assert.deepStrictEqual(r.errors, [
      'package `a v0.1.0 (/ws/a)` does not have feature `b`\n' +
        'help: an optional dependency with that name exists, but the `features` table includes it with the "dep:" syntax so it does not have an implicit feature with that name\n' +
        'Dependency `b` would be enabled by these features:\n\t- `fa`',
    ]);
    assert.strictEqual(r.of('b'), undefined);
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

  describe('dev- and build-dependencies, by feature resolver', () => {
    const app =
      `[package]\nname = "app"\n[features]\ntesting = []\n` +
      `[dependencies]\nhelper = { path = "../helper", features = ["normal"] }\n` +
      `[dev-dependencies]\napp = { path = ".", features = ["testing"] }\nhelper = { path = "../helper", features = ["dev"] }\n` +
      `[build-dependencies]\nhelper = { path = "../helper", features = ["build"] }\n` +
      `[target.'cfg(windows)'.dependencies]\nhelper = { path = "../helper", features = ["win"] }\n`;
    const helper =
      `[package]\nname = "helper"\n[features]\nnormal = []\ndev = []\nbuild = []\nwin = []\n` +
      `[dev-dependencies]\nlonely = { path = "../lonely", features = ["x"] }\n`;
    const lonely = `[package]\nname = "lonely"\n[features]\nx = []\n`;
    const run = (options: ResolveOptions, members = ['app']): ((dir: string) => string[] | undefined) => {
      const at = (dir: string): string => path.join('/ws', dir, 'Cargo.toml');
      const texts: Record<string, string> = { app, helper, lonely };
      const cfg = makeCfgEnv({ features: [] });
      const r = resolveFeatures(
        members.map(at),
        { features: [], noDefaultFeatures: false, allFeatures: false },
        (m) => {
          const text = texts[path.basename(path.dirname(m))];
          return text === undefined ? null : featurePackage(m, parseToml(text), cfg);
        },
        options,
      );
      return (dir) => r.byManifest.get(at(dir));
    };

    it('resolver "2": the build takes normal dependencies for this target only', () => {
      const of = run({ resolver: 2 });
      assert.deepStrictEqual([of('app'), of('helper')], [[], ['normal']]);
    });

    it('resolver "2": tests and examples add the members\' dev-dependencies (a package may dev-depend on itself)', () => {
      const of = run({ resolver: 2, forTests: true });
      assert.deepStrictEqual([of('app'), of('helper')], [['testing'], ['dev', 'normal']]);
      // The dev-dependencies of a package that is not a member are never built.
      assert.strictEqual(of('lonely'), undefined);
      assert.deepStrictEqual(run({ resolver: 2, forTests: true }, ['app', 'helper'])('lonely'), ['x']);
    });

    it('resolver "1": normal, build and dev-dependencies unified, for every platform', () => {
      const of = run({ resolver: 1 });
      assert.deepStrictEqual(
        [of('app'), of('helper'), of('lonely')],
        [['testing'], ['build', 'dev', 'normal', 'win'], undefined],
      );
    });

    it('the resolver comes from the workspace, else the root package\'s edition; a silent virtual workspace means "1"', () => {
      const r = (text: string): number => resolverOf(parseToml(text));
      assert.strictEqual(r('[workspace]\nmembers = ["a"]\n'), 1);
      assert.strictEqual(r('[workspace]\nmembers = ["a"]\nresolver = "2"\n'), 2);
      assert.strictEqual(r('[workspace]\nmembers = ["a"]\nresolver = "3"\n'), 2);
      assert.strictEqual(r('[package]\nname = "a"\nedition = "2021"\n'), 2);
      assert.strictEqual(r('[package]\nname = "a"\nedition = "2024"\n'), 2);
      assert.strictEqual(r('[package]\nname = "a"\nedition = "2018"\n'), 1);
      assert.strictEqual(r('[package]\nname = "a"\n'), 1);
      assert.strictEqual(r('[package]\nname = "a"\nedition = "2018"\nresolver = "2"\n'), 2);
      assert.strictEqual(r('[package]\nname = "a"\nedition = "2021"\n[workspace]\nresolver = "1"\n'), 1);
      assert.strictEqual(
        r('[package]\nname = "a"\nedition.workspace = true\n[workspace]\npackage = { edition = "2021" }\n'),
        2,
      );
    });
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

describe('cargo features in the report, header and baseline (test/fixtures-features)', function () {
  this.timeout(120000);

  const exported = async (...flags: string[]): Promise<{ symbols: string[]; report: ReportData }> => {
    const run = await runCli(['report', '--format', 'json', ...flags], FIXTURE);
    assert.strictEqual(run.code, 0, run.stderr);
    const report = JSON.parse(run.stdout) as ReportData;
    return { symbols: report.symbols.map((s) => s.name).sort(), report };
  };

  it('a symbol behind a default feature is in the report; not with --no-default-features', async () => {
    const byDefault = await exported();
    // `helper` is a member too: its own default, and what `provider` asks of it, unified (as cargo does).
    assert.deepStrictEqual(byDefault.symbols, ['helper_fast', 'helper_std', 'provider_aws_lc_rs_crypto_provider']);
    const features = Object.fromEntries(byDefault.report.crates.map((c) => [c.name, c.features]));
    assert.deepStrictEqual(features, {
      helper: ['default', 'fast', 'slow', 'std'],
      provider: ['aws-lc-rs', 'default', 'std'],
    });
    assert.deepStrictEqual((await exported('--no-default-features')).symbols, ['provider_no_std_marker']);
  });

  it('--features adds to the defaults, --all-features turns every feature on', async () => {
    assert.deepStrictEqual((await exported('--features', 'ring')).symbols, [
      'helper_fast',
      'helper_std',
      'provider_aws_lc_rs_crypto_provider',
      'provider_ring_crypto_provider',
    ]);
    assert.deepStrictEqual((await exported('--no-default-features', '--features=provider/ring')).symbols, [
      'provider_no_std_marker',
      'provider_ring_crypto_provider',
    ]);
    // A comma-separated list, as cargo takes it; a bare name applies to every member that has it.
    assert.deepStrictEqual((await exported('--no-default-features', '--features', 'ring,std')).symbols, [
      'helper_std',
      'provider_ring_crypto_provider',
    ]);
    assert.deepStrictEqual((await exported('--all-features')).symbols, [
      'helper_fast',
      'helper_std',
      'provider_aws_lc_rs_crypto_provider',
      'provider_ring_crypto_provider',
    ]);
  });

  it('the settings say the same as the flags (noDefaultFeatures, allFeatures, features)', async () => {
    const dir = tempDir();
    fs.cpSync(FIXTURE, dir, { recursive: true });
    const symbols = async (): Promise<string[]> => {
      const run = await runCli(['report', '--format', 'json'], dir);
      return (JSON.parse(run.stdout) as ReportData).symbols.map((s) => s.name).sort();
    };
    fs.writeFileSync(path.join(dir, 'ffi-guard.toml'), 'noDefaultFeatures = true\nfeatures = ["ring"]\n');
    assert.deepStrictEqual(await symbols(), ['provider_no_std_marker', 'provider_ring_crypto_provider']);
    fs.writeFileSync(path.join(dir, 'ffi-guard.toml'), 'allFeatures = true\n');
    assert.strictEqual((await symbols()).length, 4);
    fs.writeFileSync(path.join(dir, 'ffi-guard.toml'), 'allFeatures = "yes"\n');
    const bad = await runCli(['report', '--format', 'json'], dir);
    assert.strictEqual(bad.code, 2);
    assert.match(bad.stderr, /ffi-guard\.toml:1: `allFeatures`: expected true or false/);
  });

  it('Markdown, HTML and the header say which features they assumed; the baseline holds the default symbols', async () => {
    const line =
      'Cargo features assumed (as cargo turns them on): helper: default, fast, slow, std; provider: aws-lc-rs, default, std.';
    const md = await runCli(['report'], FIXTURE);
    assert.ok(md.stdout.includes(line), md.stdout);
    const html = await runCli(['report', '--format', 'html'], FIXTURE);
    assert.ok(html.stdout.includes(`<p>${line}</p>`));
    const header = await runCli(['header', 'provider'], FIXTURE);
    assert.strictEqual(header.code, 0, header.stderr);
    assert.ok(
      header.stdout.includes(
        `/* Cargo features assumed (as cargo turns them on): provider: aws-lc-rs, default, std. */`,
      ),
    );
    assert.match(header.stdout, /provider_aws_lc_rs_crypto_provider\(void\);/);
    const none = await runCli(['header', 'provider', '--no-default-features'], FIXTURE);
    assert.ok(!none.stdout.includes('provider_aws_lc_rs_crypto_provider'));
    const out = path.join(tempDir(), 'abi.json');
    assert.strictEqual((await runCli(['snapshot', '--out', out], FIXTURE)).code, 0);
    assert.ok(fs.readFileSync(out, 'utf8').includes('provider_aws_lc_rs_crypto_provider'));
  });

  it("refuses an unknown feature as cargo does: exit 2 and cargo's message, from the flag or the setting", async () => {
    const flag = await runCli(['check', '--features', 'ring,bogus'], FIXTURE);
    assert.strictEqual(flag.code, 2, flag.stderr);
    assert.strictEqual(
      flag.stderr,
      'error: none of the selected packages contains this feature: bogus\nselected packages: provider, helper\n',
    );
    assert.strictEqual(flag.stdout, '');
    const dependency = await runCli(['report', 'provider', '--features', 'helper/bogus'], FIXTURE);
    assert.strictEqual(dependency.code, 2);
    assert.match(
      dependency.stderr,
      /^error: package `provider` depends on `helper` with feature `bogus` but `helper` does not have that feature\.\n available features: fast, slow, std\n$/,
    );
    const dir = tempDir();
    fs.cpSync(FIXTURE, dir, { recursive: true });
    fs.writeFileSync(path.join(dir, 'ffi-guard.toml'), 'features = ["nope"]\n');
    const setting = await runCli(['snapshot', '--out', path.join(dir, 'abi.json')], dir);
    assert.strictEqual(setting.code, 2);
    assert.match(setting.stderr, /contains this feature: nope\n[^]*the `features` setting/);
    assert.ok(!fs.existsSync(path.join(dir, 'abi.json')));
  });

  it('the editor is told of an unknown feature and checks with the others', async () => {
    const host = new AnalysisHost(await loadParser(), { ...defaultSettings(), features: ['ring', 'bogus'] }, [FIXTURE]);
    const told: string[] = [];
    host.onFeatureErrors = (errors) => told.push(...errors);
    host.indexAll();
    assert.deepStrictEqual(told, [
      'none of the selected packages contains this feature: bogus\nselected packages: provider, helper',
    ]);
    const lib = path.join(FIXTURE, 'provider', 'src', 'lib.rs');
    assert.ok(host.cratesOf(lib).length > 0);
    assert.ok(host.cratesOf(lib)[0].features?.includes('ring'), 'the known feature is on');
    // "Fix All" runs with the same features, not into cargo's refusal.
    const run = await host.fixAll();
    assert.ok(run.remaining.filesScanned.length > 0);
  });

  it('refuses requests in the words cargo uses (cargo check --offline on the same workspace)', function () {
    this.timeout(120000);
    const dir = tempDir();
    const write = (file: string, text: string): void => {
      fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
      fs.writeFileSync(path.join(dir, file), text);
    };
    write('Cargo.toml', '[workspace]\nmembers = ["a", "b"]\nresolver = "2"\n');
    write(
      'a/Cargo.toml',
      '[package]\nname = "a"\nversion = "0.1.0"\nedition = "2021"\n[features]\nfa = ["dep:c"]\n' +
        '[dependencies]\nb = { path = "../b", optional = true }\nc = { path = "../c", optional = true }\n',
    );
    write('b/Cargo.toml', '[package]\nname = "b"\nversion = "0.1.0"\nedition = "2021"\n[features]\nfb = []\n');
    write('c/Cargo.toml', '[package]\nname = "c"\nversion = "0.1.0"\nedition = "2021"\n');
    for (const m of ['a', 'b', 'c']) write(`${m}/src/lib.rs`, '');
    // `c`, a path dependency inside the workspace, is a member too (cargo lists it among the selected packages).
    const members = ['a', 'b', 'c'].map((m) => path.join(dir, m, 'Cargo.toml'));
    const cases = ['bogus', 'bogus,fa,bogus2', 'a/bogus', 'b/bogus', 'c', 'dep:b', 'a/b/fb', 'fa,fb,a/b,b/fb,b?/fb'];
    for (const request of cases) {
      const run = spawnSync('cargo', ['check', '--workspace', '--offline', '--features', request], {
        cwd: dir,
        env: { ...process.env, CARGO_TARGET_DIR: path.join(dir, 'target') },
        encoding: 'utf8',
      });
      if (run.error && 'code' in run.error && run.error.code === 'ENOENT') return this.skip();
      const ours = resolveWorkspaceFeatures(
        members,
        { features: request.split(','), noDefaultFeatures: false, allFeatures: false },
        makeCfgEnv({ features: [] }),
      );
      assert.strictEqual(ours.errors.length > 0, run.status !== 0, `${request}: ${run.stderr}`);
      // Every line we say is a line cargo says (cargo stops at its first error: we say that one first).
      const cargoLines = new Set(run.stderr.split('\n').map((l) => l.replace(/^error: /, '').trim()));
      if (ours.errors.length)
        for (const line of ours.errors[0].split('\n'))
          assert.ok(cargoLines.has(line.trim()), `${request}: ${JSON.stringify(line)} not in\n${run.stderr}`);
    }
  });

  it('dev- and build-dependencies count as cargo counts them, for resolver "2", "1" and a silent virtual workspace', async function () {
    this.timeout(300000);
    const dir = tempDir();
    const write = (file: string, text: string): void => {
      fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
      fs.writeFileSync(path.join(dir, file), text);
    };
    write(
      'app/Cargo.toml',
      '[package]\nname = "app"\nversion = "0.1.0"\nedition = "2021"\n[features]\ndefault = []\ntesting = []\n' +
        '[dependencies]\nhelper = { path = "../helper", features = ["normal"] }\n' +
        '[dev-dependencies]\napp = { path = ".", features = ["testing"] }\nhelper = { path = "../helper", features = ["dev"] }\n' +
        '[build-dependencies]\nhelper = { path = "../helper", features = ["build"] }\n' +
        '[target.\'cfg(windows)\'.dependencies]\nhelper = { path = "../helper", features = ["win"] }\n',
    );
    write(
      'helper/Cargo.toml',
      '[package]\nname = "helper"\nversion = "0.1.0"\nedition = "2021"\n[features]\nnormal = []\ndev = []\nbuild = []\nwin = []\n',
    );
    write('app/src/lib.rs', '');
    write('app/build.rs', 'fn main() {}\n');
    write('app/tests/it.rs', '');
    write('helper/src/lib.rs', '');
    const members = ['app', 'helper'].map((m) => path.join(dir, m, 'Cargo.toml'));
    /** The features of each crate cargo builds for the target (not the host's build-dependencies), by `name kind`. */
    const cargo = (...args: string[]): Record<string, string[]> | null => {
      const run = spawnSync(
        'cargo',
        [...args, '--workspace', '--offline', '-v', '--target', 'x86_64-unknown-linux-gnu'],
        {
          cwd: dir,
          env: { ...process.env, CARGO_TARGET_DIR: path.join(dir, 'target') },
          encoding: 'utf8',
        },
      );
      if (run.error) return null;
      assert.strictEqual(run.status, 0, run.stderr);
      const out: Record<string, string[]> = {};
      for (const line of run.stderr.split('\n')) {
        const name = /--crate-name (\w+)/.exec(line)?.[1];
        if (!name || !line.includes('Running') || !line.includes('--target x86_64')) continue;
        const kind = line.includes(' --test ') ? 'test' : 'lib';
        out[`${name} ${kind}`] = [...line.matchAll(/feature=\\?"([^"\\]+)\\?"/g)].map((m) => m[1]).sort();
      }
      return out;
    };
    const ours = (forTests: boolean): Map<string, string[]> =>
      resolveWorkspaceFeatures(
        members,
        { features: [], noDefaultFeatures: false, allFeatures: false },
        makeCfgEnv({ features: [] }),
        forTests,
      ).byManifest;
    const [app, helper] = members;
    for (const [root, resolver] of [
      ['[workspace]\nmembers = ["app", "helper"]\nresolver = "2"\n', 2],
      ['[workspace]\nmembers = ["app", "helper"]\nresolver = "1"\n', 1],
      ['[workspace]\nmembers = ["app", "helper"]\n', 1],
    ] as const) {
      write('Cargo.toml', root);
      fs.rmSync(path.join(dir, 'target'), { recursive: true, force: true });
      const build = cargo('check');
      if (!build) return this.skip();
      const tests = cargo('test', '--no-run')!;
      const built = ours(false);
      assert.deepStrictEqual(
        { app: built.get(app), helper: built.get(helper) },
        { app: build['app lib'], helper: build['helper lib'] },
        root,
      );
      // What `cargo test` builds (`it`, app's integration test) is what tests and examples are checked with.
      const tested = ours(true);
      assert.deepStrictEqual(
        { it: tested.get(app), helper: tested.get(helper) },
        { it: tests['it test'], helper: tests['helper lib'] },
        root,
      );
      assert.strictEqual(
        resolveWorkspaceFeatures(
          members,
          { features: [], noDefaultFeatures: false, allFeatures: false },
          makeCfgEnv({ features: [] }),
        ).resolver,
        resolver,
      );
    }
    // The checked crates: app's library as `cargo build` has it, its integration test as `cargo test` has it.
    write('Cargo.toml', '[workspace]\nmembers = ["app", "helper"]\nresolver = "2"\n');
    const result = await checkPaths([dir], dir, defaultSettings());
    const features = Object.fromEntries(
      result.crates.map((c) => [`${c.description.name} ${c.description.target}`, c.features]),
    );
    assert.deepStrictEqual(features['app lib'], ['default'], JSON.stringify(features));
    assert.deepStrictEqual(features['app test'], ['default', 'testing'], JSON.stringify(features));
  });

  it('builds a target whose `required-features` are off no more than `cargo check --all-targets` does', async function () {
    const dir = tempTree({
      'Cargo.toml':
        '[package]\nname = "tool"\nversion = "0.1.0"\nedition = "2021"\n\n[features]\ncli = []\n\n' +
        '[[bin]]\nname = "gen"\nrequired-features = ["cli"]\n\n' +
        '[[example]]\nname = "demo"\npath = "examples/demo/main.rs"\nrequired-features = ["cli"]\n',
      'src/lib.rs': '#[no_mangle]\npub extern "C" fn in_lib(n: u32) -> u32 {\n    n\n}\n',
      'src/bin/gen.rs': '#[no_mangle]\npub extern "C" fn in_gen(s: &str) -> usize {\n    s.len()\n}\n\nfn main() {}\n',
      'examples/demo/main.rs':
        '#[no_mangle]\npub extern "C" fn in_demo(c: char) -> u32 {\n    c as u32\n}\n\nfn main() {}\n',
    });
    const ours = async (features: string[]): Promise<{ targets: string[]; reported: string[] }> => {
      const result = await checkPaths([dir], dir, { ...defaultSettings(), features });
      return {
        targets: result.crates.map((c) => c.description.target).sort(),
        reported: [...new Set(result.findings.map((f) => path.relative(dir, f.origin.file)))].sort(),
      };
    };
    assert.deepStrictEqual(await ours([]), { targets: ['lib'], reported: [] });
    assert.deepStrictEqual(await ours(['cli']), {
      targets: ['bin', 'example', 'lib'],
      reported: ['examples/demo/main.rs', 'src/bin/gen.rs'],
    });
    // What cargo compiles, by crate name: the library (and its tests) alone, then the binary and the example.
    const cargo = (...flags: string[]): string[] | null => {
      const run = spawnSync('cargo', ['check', '--all-targets', '--offline', '-v', ...flags], {
        cwd: dir,
        env: { ...process.env, CARGO_TARGET_DIR: path.join(dir, 'target') },
        encoding: 'utf8',
      });
      if (run.error) return null;
      assert.strictEqual(run.status, 0, run.stderr);
      return [...new Set([...run.stderr.matchAll(/Running `.*?--crate-name (\w+)/g)].map((m) => m[1]))].sort();
    };
    const byDefault = cargo();
    if (!byDefault) return this.skip();
    assert.deepStrictEqual(byDefault, ['tool']);
    assert.deepStrictEqual(cargo('--features', 'cli'), ['demo', 'gen', 'tool']);
  });

  it('agrees with the features cargo passes to rustc for the fixture workspace', function () {
    const dir = tempDir();
    fs.cpSync(FIXTURE, path.join(dir, 'ws'), { recursive: true });
    const run = spawnSync('cargo', ['check', '--workspace', '--offline', '-v'], {
      cwd: path.join(dir, 'ws'),
      env: { ...process.env, CARGO_TARGET_DIR: path.join(dir, 'target') },
      encoding: 'utf8',
    });
    if (run.error && 'code' in run.error && run.error.code === 'ENOENT') return this.skip();
    assert.strictEqual(run.status, 0, run.stderr);
    // `Running `rustc --crate-name helper … --cfg 'feature="fast"' …``: the features of each crate.
    const cargo: Record<string, string[]> = {};
    for (const line of run.stderr.split('\n')) {
      const name = /--crate-name (\w+)/.exec(line)?.[1];
      if (!name || !line.includes('Running')) continue;
      cargo[name] = [...line.matchAll(/feature=\\?"([^"\\]+)\\?"/g)].map((m) => m[1]).sort();
    }
    const ours = resolveWorkspaceFeatures(
      ['provider', 'helper'].map((m) => path.join(dir, 'ws', m, 'Cargo.toml')),
      { features: [], noDefaultFeatures: false, allFeatures: false },
      makeCfgEnv({ features: [] }),
    );
    assert.deepStrictEqual(
      {
        helper: ours.byManifest.get(path.join(dir, 'ws', 'helper', 'Cargo.toml')),
        provider: ours.byManifest.get(path.join(dir, 'ws', 'provider', 'Cargo.toml')),
      },
      cargo,
    );
  });
});
