import * as assert from 'assert';
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { defaultSettings } from '../server/src/core/config';
import { AnalysisHost } from '../server/src/core/host';
import { loadParser } from '../server/src/core/syntax/parse';
import { runCli, tempTree } from './harness/cli';

/**
 * Types of the other crates of a workspace: a plugin's export that takes its API crate's struct is
 * checked as rustc checks it (rustc sees the dependency's type), not left unresolved. The libraries a
 * crate can name are those cargo hands it (`--extern`): its path and workspace dependencies, and its
 * own package's library for its binaries and tests. A registry dependency is not in the workspace.
 */

const manifest = (name: string, extra = ''): string =>
  `[package]\nname = "${name}"\nversion = "0.1.0"\nedition = "2021"\n${extra}`;

const EXPORT_INFO = '#[no_mangle]\npub extern "C" fn info(i: api::Info) -> u32 {\n    i.version\n}\n';

function workspace(files: Record<string, string>): string {
  return tempTree({
    'Cargo.toml': '[workspace]\nmembers = ["api", "plugin"]\nresolver = "2"\n',
    'api/Cargo.toml': manifest('api'),
    'api/src/lib.rs': 'pub struct Info {\n    pub version: u32,\n    pub flags: u64,\n}\n',
    ...files,
  });
}

interface Reported {
  file: string;
  line: number;
  column: number;
  rule: string;
  related?: { file: string; line: number; message: string }[];
}

/** Where our findings are, as `rustcWarnings` says where rustc's are. */
const places = (found: Reported[]): string[] => found.map((d) => `${d.file}:${d.line}:${d.column}`);

/** `ffi-guard check TARGET` run in `dir` (the whole folder by default): its findings, nothing on stderr. */
async function check(dir: string, target = '.'): Promise<Reported[]> {
  const run = await runCli(['check', target, '--format', 'json'], dir);
  assert.strictEqual(run.stderr, '');
  return (JSON.parse(run.stdout) as { diagnostics: Reported[] }).diagnostics;
}

/** rustc's `improper_ctypes_definitions` warnings of a workspace (`cargo check`, offline), as file:line:column. */
function rustcWarnings(dir: string): string[] {
  const out = execFileSync('cargo', ['check', '--offline', '--workspace', '--message-format', 'json', '-q'], {
    cwd: dir,
    encoding: 'utf8',
    env: { ...process.env, CARGO_TARGET_DIR: path.join(dir, 'target') },
  });
  return out
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as { reason: string; message?: { code?: { code: string }; spans: Span[] } })
    .filter((m) => m.reason === 'compiler-message' && m.message?.code?.code === 'improper_ctypes_definitions')
    .map((m) => {
      const span = m.message!.spans.find((s) => s.is_primary)!;
      return `${span.file_name}:${span.line_start}:${span.column_start}`;
    });
}

interface Span {
  file_name: string;
  line_start: number;
  column_start: number;
  is_primary: boolean;
}

describe("types of the workspace's other crates, as cargo hands them to rustc", function () {
  this.timeout(120_000);

  it("a path dependency's struct is checked where the export uses it, as rustc does", async () => {
    const dir = workspace({
      'plugin/Cargo.toml': manifest('plugin', '[dependencies]\napi = { path = "../api" }\n'),
      'plugin/src/lib.rs': EXPORT_INFO,
    });
    const found = await check(dir);
    assert.deepStrictEqual(
      found.map((d) => `${d.file}:${d.line} ${d.rule}`),
      ['plugin/src/lib.rs:2 unspecified-layout'],
    );
    assert.deepStrictEqual(
      found[0].related?.map((r) => `${r.file}:${r.line} ${r.message}`),
      ['api/src/lib.rs:1 `Info` is defined here'],
    );
    assert.deepStrictEqual(places(found), rustcWarnings(dir));
  });

  it('a path dependency outside the checked paths is read from its manifest', async () => {
    const dir = workspace({
      'plugin/Cargo.toml': manifest('plugin', '[dependencies]\napi = { path = "../api" }\n'),
      'plugin/src/lib.rs': EXPORT_INFO,
    });
    const found = await check(dir, 'plugin');
    assert.deepStrictEqual(
      found.map((d) => `${d.file}:${d.line} ${d.rule}`),
      ['plugin/src/lib.rs:2 unspecified-layout'],
    );
  });

  it('fix adds the repr in the dependency, and the workspace then builds without the warning', async () => {
    const dir = workspace({
      'plugin/Cargo.toml': manifest('plugin', '[dependencies]\napi = { path = "../api" }\n'),
      'plugin/src/lib.rs': EXPORT_INFO,
    });
    const run = await runCli(['fix', '.'], dir);
    assert.strictEqual(run.code, 0, run.stderr);
    assert.match(fs.readFileSync(path.join(dir, 'api', 'src', 'lib.rs'), 'utf8'), /^#\[repr\(C\)\]\npub struct Info/);
    assert.deepStrictEqual(await check(dir), []);
    assert.deepStrictEqual(rustcWarnings(dir), []);
  });

  it('`#[non_exhaustive]` binds across the crate boundary, as rustc says', async () => {
    const dir = workspace({
      'api/src/lib.rs':
        '#[non_exhaustive]\n#[repr(C)]\npub struct S {\n    pub a: u32,\n}\n' +
        '#[non_exhaustive]\n#[repr(u8)]\npub enum CLike {\n    A,\n    B,\n}\n' +
        '#[non_exhaustive]\n#[repr(u8)]\npub enum Data {\n    A(u8),\n    B,\n}\n' +
        '#[repr(u8)]\npub enum Variant {\n    B,\n    #[non_exhaustive]\n    A { x: u8 },\n}\n',
      'plugin/Cargo.toml': manifest('plugin', '[dependencies]\napi = { path = "../api" }\n'),
      'plugin/src/lib.rs':
        '#[no_mangle]\npub extern "C" fn s(_: api::S) {}\n#[no_mangle]\npub extern "C" fn c(_: *const api::CLike, _: api::CLike) {}\n' +
        '#[no_mangle]\npub extern "C" fn d(_: api::Data) {}\n#[no_mangle]\npub extern "C" fn v(_: api::Variant) {}\n' +
        '#[non_exhaustive]\n#[repr(C)]\npub struct Own {\n    pub a: u32,\n}\n#[no_mangle]\npub extern "C" fn own(_: Own) {}\n',
    });
    const found = (await check(dir)).filter((d) => d.rule === 'non-exhaustive');
    assert.deepStrictEqual(
      found.map((d) => `${d.line} ${/not FFI-safe: ([^.]*)/.exec((d as Reported & { message: string }).message)?.[1]}`),
      ['2 this struct is non-exhaustive', '6 this enum is non-exhaustive', '8 this enum has non-exhaustive variants'],
    );
    assert.deepStrictEqual(places(found), rustcWarnings(dir));
  });

  it('a renamed dependency goes by its key, a workspace dependency by its entry', async () => {
    const dir = tempTree({
      'Cargo.toml':
        '[workspace]\nmembers = ["api", "renamed", "inherited"]\nresolver = "2"\n' +
        '[workspace.dependencies]\napi = { path = "api" }\n',
      'api/Cargo.toml': manifest('api'),
      'api/src/lib.rs':
        'pub struct Info {\n    pub version: u32,\n}\n#[repr(C)]\npub struct Good {\n    pub v: u32,\n}\n',
      'renamed/Cargo.toml': manifest('renamed', '[dependencies]\nabi = { package = "api", path = "../api" }\n'),
      'renamed/src/lib.rs': '#[no_mangle]\npub extern "C" fn renamed(g: abi::Good, i: abi::Info) {}\n',
      'inherited/Cargo.toml': manifest('inherited', '[dependencies]\napi.workspace = true\n'),
      'inherited/src/lib.rs': '#[no_mangle]\npub extern "C" fn inherited(g: api::Good, i: api::Info) {}\n',
    });
    const found = await check(dir);
    assert.deepStrictEqual(
      found.map((d) => `${d.file}:${d.line} ${d.rule}`),
      ['inherited/src/lib.rs:2 unspecified-layout', 'renamed/src/lib.rs:2 unspecified-layout'],
    );
    assert.deepStrictEqual(places(found), rustcWarnings(dir).sort());
  });

  it("a library named apart from its package (`[lib] name`) goes by the library's name", async () => {
    const dir = tempTree({
      'Cargo.toml': '[workspace]\nmembers = ["api-rs", "plugin"]\nresolver = "2"\n',
      'api-rs/Cargo.toml': manifest('api-rs', '[lib]\nname = "api_sys"\n'),
      'api-rs/src/lib.rs': 'pub struct Info {\n    pub version: u32,\n}\n',
      'plugin/Cargo.toml': manifest('plugin', '[dependencies]\napi-rs = { path = "../api-rs" }\n'),
      'plugin/src/lib.rs': '#[no_mangle]\npub extern "C" fn info(i: api_sys::Info) {}\n',
    });
    const found = await check(dir);
    assert.deepStrictEqual(
      found.map((d) => `${d.file}:${d.line} ${d.rule}`),
      ['plugin/src/lib.rs:2 unspecified-layout'],
    );
    assert.deepStrictEqual(places(found), rustcWarnings(dir));
  });

  it('a type re-exported from a dependency of the dependency is followed', async () => {
    const dir = tempTree({
      'Cargo.toml': '[workspace]\nmembers = ["ids", "api", "plugin"]\nresolver = "2"\n',
      'ids/Cargo.toml': manifest('ids'),
      'ids/src/lib.rs': 'pub struct Id(pub u64, pub u8);\n',
      'api/Cargo.toml': manifest('api', '[dependencies]\nids = { path = "../ids" }\n'),
      'api/src/lib.rs': 'pub use ids::Id;\n',
      'plugin/Cargo.toml': manifest('plugin', '[dependencies]\napi = { path = "../api" }\n'),
      'plugin/src/lib.rs': '#[no_mangle]\npub extern "C" fn id(i: api::Id) {}\n',
    });
    const found = await check(dir);
    assert.deepStrictEqual(
      found.map((d) => `${d.file}:${d.line} ${d.rule}`),
      ['plugin/src/lib.rs:2 unspecified-layout'],
    );
    assert.deepStrictEqual(places(found), rustcWarnings(dir));
  });

  it("a binary sees its own package's library; a registry dependency stays outside the workspace", async () => {
    const dir = tempTree({
      'Cargo.toml': manifest('tool', '[dependencies]\nremote = "1"\n'),
      'src/lib.rs': 'pub struct Config {\n    pub level: u32,\n}\n',
      'src/main.rs':
        '#[no_mangle]\npub extern "C" fn configure(c: tool::Config) {}\n#[no_mangle]\npub extern "C" fn far(r: remote::Thing) {}\nfn main() {}\n',
    });
    const found = await check(dir);
    assert.deepStrictEqual(
      found.map((d) => `${d.file}:${d.line} ${d.rule}`),
      ['src/main.rs:2 unspecified-layout', 'src/main.rs:4 unresolved-type'],
    );
  });

  it('a registry dependency that `[patch]` points at a path is that path, as cargo builds it', async () => {
    const dir = tempTree({
      'Cargo.toml':
        '[workspace]\nmembers = ["api", "plugin"]\nresolver = "2"\n\n[patch.crates-io]\napi = { path = "api" }\n',
      'api/Cargo.toml': manifest('api'),
      'api/src/lib.rs': 'pub struct Info {\n    pub version: u32,\n    pub flags: u64,\n}\n',
      'plugin/Cargo.toml': manifest('plugin', '[dependencies]\napi = "0.1"\n'),
      'plugin/src/lib.rs': EXPORT_INFO,
    });
    const found = await check(dir);
    assert.deepStrictEqual(
      found.map((d) => `${d.file}:${d.line} ${d.rule}`),
      ['plugin/src/lib.rs:2 unspecified-layout'],
    );
    assert.deepStrictEqual(places(found), rustcWarnings(dir));
  });

  it("a package's own `[patch]`, outside any workspace, to a folder it does not check", async () => {
    const dir = tempTree({
      'Cargo.toml': manifest(
        'tool',
        '[dependencies]\napi = "0.1"\n\n[patch.crates-io]\napi = { path = "vendor/api" }\n',
      ),
      'src/lib.rs': EXPORT_INFO,
      'vendor/api/Cargo.toml': manifest('api'),
      'vendor/api/src/lib.rs': 'pub struct Info {\n    pub version: u32,\n    pub flags: u64,\n}\n',
    });
    const found = await check(dir, 'src');
    assert.deepStrictEqual(
      found.map((d) => `${d.file}:${d.line} ${d.rule}`),
      ['src/lib.rs:2 unspecified-layout'],
    );
    assert.deepStrictEqual(places(found), rustcWarnings(dir));
  });

  it('a dev-dependency cycle loads each crate once along the chain', async () => {
    const dir = tempTree({
      'Cargo.toml': '[workspace]\nmembers = ["a", "b"]\nresolver = "2"\n',
      'a/Cargo.toml': manifest('a', '[dev-dependencies]\nb = { path = "../b" }\n'),
      'a/src/lib.rs': 'pub type Alias = b::Loop;\n#[repr(C)]\npub struct Base {\n    pub v: u32,\n}\n',
      'a/tests/t.rs': '#[no_mangle]\npub extern "C" fn t(x: a::Alias) {}\n',
      'b/Cargo.toml': manifest('b', '[dependencies]\na = { path = "../a" }\n'),
      'b/src/lib.rs': 'pub type Loop = a::Alias;\n#[no_mangle]\npub extern "C" fn base(x: a::Base) {}\n',
    });
    const found = await check(dir);
    // `a::Alias` and `b::Loop` name each other (rustc: a cycle error); nothing hangs, nothing is invented.
    assert.deepStrictEqual(
      found.map((d) => `${d.file}:${d.line} ${d.rule}`),
      ['a/tests/t.rs:2 unresolved-type'],
    );
  });

  it('in the editor, an edit to the dependency checks its dependents again', async () => {
    const dir = workspace({
      'plugin/Cargo.toml': manifest('plugin', '[dependencies]\napi = { path = "../api" }\n'),
      'plugin/src/lib.rs': EXPORT_INFO,
    });
    const plugin = path.join(dir, 'plugin', 'src', 'lib.rs');
    const api = path.join(dir, 'api', 'src', 'lib.rs');
    const host = new AnalysisHost(await loadParser(), defaultSettings(), [dir]);
    host.indexAll();
    assert.deepStrictEqual(
      host.findingsFor(plugin).map((f) => f.rule),
      ['unspecified-layout'],
    );
    const changed = host.update(api, `#[repr(C)]\n${fs.readFileSync(api, 'utf8')}`);
    assert.deepStrictEqual(changed.get(plugin), [], "the plugin's finding is gone");
    assert.deepStrictEqual(host.findingsFor(plugin), []);
  });
});
