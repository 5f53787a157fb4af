import * as fs from 'fs';
import * as path from 'path';
import { parseToml } from '../../server/src/core/workspace/toml';
import { ensureDebianCrates, findDebianCrate, rustFilesUnder } from './debian-crates';

/**
 * The benchmark's real workspaces, assembled offline from Debian's crate sources under `.bench/` once
 * and reused: two application-like ones, where most files hold no boundary (of different crates, so that
 * a gain tuned to one shows on the other), one of bindings, and an FFI-dense one. Each is a
 * virtual Cargo workspace whose members are copies of the crates, so `ffi-guard check DIR` discovers them
 * as it would a user's monorepo. `npm run bench` measures both; the language-server benchmark reuses them
 * through `benchWorkspaces()`.
 *
 * Usage: node out/test/bench/workspaces.js   (assembles if needed, prints the paths and sizes)
 */

const REPO = path.resolve(__dirname, '..', '..', '..');
const WORKSPACES_DIR = path.join(REPO, '.bench', 'workspaces');

/** Large library and application crates with few C boundaries: the workspace most users have. */
const APPLICATION_LIKE = [
  'cargo',
  'tokio',
  'syn',
  'gimli',
  'regex-syntax',
  'clap',
  'chrono',
  'hyper',
  'regex',
  'serde_json',
  'serde',
];

/**
 * A second application-like workspace, of other crates than the first (none of them in it): the targets
 * are judged on workspaces we have not tuned for, and this one shows whether a gain holds beyond the first.
 */
const APPLICATION_LIKE_2 = [
  'x11rb',
  'encoding_rs',
  'rav1e',
  'lalrpop',
  'object',
  'pest',
  'image',
  'rustls',
  'petgraph',
  'rayon',
];

/**
 * A third, assembled after the first two were tuned, of crates in neither: it found that the producing macros
 * were decided across packages (tracing's `|dispatch|` named ring's `dispatch!`), which made every file that
 * logs a warning parse up front (0.94× at 9ff7291). Its crates hold more boundaries than the others' do
 * (ring, wasm-bindgen, bindgen, brotli's C API, sysinfo's C interface).
 */
const APPLICATION_LIKE_3 = [
  'async-std',
  'bstr',
  'tiff',
  'idna',
  'csv',
  'protobuf',
  'toml_edit',
  'syntect',
  'tracing-subscriber',
  'tiny-skia',
  'cursive_core',
  'ttf-parser',
  'sysinfo',
  'bindgen',
  'jpeg-decoder',
  'ahash',
  'brotli-decompressor',
  'ring',
  'xi-unicode',
  'wasm-bindgen',
  'hashbrown',
  'aho-corasick',
  'memchr',
  'nom',
  'url',
  'tracing',
  'mio',
  'indexmap',
  'rand',
  'num-bigint',
  'itertools',
  'bytes',
  'rustyline',
  'tera',
  'pulldown-cmark',
  'zip',
  'flate2',
  'ureq',
];

/**
 * A fourth, of crates in none of the others, assembled with the third: application crates with a few
 * boundaries of their own (compiler_builtins' intrinsics, curl, dbus, nettle, ntapi, procfs, portable-atomic).
 * Its `#[path]`s under `cfg_attr` and in inline modules loaded crates for nothing (0.62× at 9ff7291).
 */
const APPLICATION_LIKE_4 = [
  'goblin',
  'unicode-normalization',
  'portable-atomic',
  'rkyv',
  'combine',
  'tui',
  'unicode-segmentation',
  'crossbeam-channel',
  'im-rc',
  'http',
  'cpp_demangle',
  'time',
  'tokio-util',
  'fs_extra',
  'tinyvec',
  'procfs',
  'cxx-build',
  'crossterm',
  'bumpalo',
  'regex-automata',
  'serde_derive',
  'png',
  'cxxbridge-macro',
  'minimal-lexical',
  'cpal',
  'futures',
  'slotmap',
  'toml',
  'dbus',
  'curl',
  'smithay-client-toolkit',
  'compiler_builtins',
  'libm',
  'ntapi',
  'nettle',
];

/**
 * Crates that are bindings, or use them (boundary items in most files: `extern "C"` trampolines, macros
 * that declare wrappers): between the two kinds, and the editor's slowest case.
 */
const BINDINGS = [
  'gtk',
  'gio',
  'glib',
  'winit',
  'pyo3',
  'openssl',
  'git2',
  'rusqlite',
  'reqwest',
  'h2',
  'futures-util',
  'quick-xml',
];

/** Bindings to C: libc and the crates built on it, and `-sys` crates of all sizes. */
const FFI_DENSE = [
  'libc',
  'linux-raw-sys',
  'nix',
  'rustix',
  'x11',
  'x11-dl',
  'pyo3-ffi',
  'khronos-egl',
  'gtk-sys',
  'gtk4-sys',
  'gdk-sys',
  'gdk4-sys',
  'gsk4-sys',
  'gio-sys',
  'glib-sys',
  'gobject-sys',
  'gdk-pixbuf-sys',
  'pango-sys',
  'pangocairo-sys',
  'cairo-sys-rs',
  'atk-sys',
  'graphene-sys',
  'harfbuzz-sys',
  'freetype-sys',
  'gstreamer-sys',
  'gstreamer-base-sys',
  'gstreamer-audio-sys',
  'gstreamer-video-sys',
  'capstone-sys',
  'libsqlite3-sys',
  'openssl-sys',
  'libnghttp2-sys',
  'alsa-sys',
  'libpulse-sys',
  'xkbcommon-sys',
  'clang-sys',
  'libsodium-sys',
  'libgit2-sys',
  'curl-sys',
  'gpgme-sys',
  'pcre2-sys',
  'netlink-sys',
  'jemalloc-sys',
  'pq-sys',
  'libssh2-sys',
  'zmq-sys',
  'wayland-sys',
  'inotify-sys',
  'libsensors-sys',
  'pam-sys',
  'pcsc-sys',
  'libudev-sys',
  'libdbus-sys',
  'libgpg-error-sys',
  'libz-sys',
  'lzma-sys',
  'zstd-sys',
  'bzip2-sys',
];

/** One assembled workspace. */
export interface BenchWorkspace {
  /** `application-like`, `application-like-2`, `application-like-3`, `application-like-4`, `bindings`, `ffi-dense`, `ffi-monorepo`, or a folder's name. */
  name: string;
  /** The workspace root: a virtual `Cargo.toml` and `crates/<name>-<version>/`. */
  dir: string;
  /** The member crates, `<name>-<version>`. */
  crates: string[];
  /** Every `.rs` file of the workspace, absolute, sorted. */
  files: string[];
  /** Their total size in bytes. */
  bytes: number;
}

/**
 * Measured only when named (`--workspaces untuned`, `--workspace untuned`): the largest crates of Debian's
 * registry that none of the workspaces above holds, bindings left aside, as a held-out workspace could be
 * made. Most of its files hold no boundary, as in an application workspace; but gtk4, its largest crate (5.5
 * of 18 MB), is a wrapper of GTK with an `extern "C"` trampoline in most of its files, and it weighs on `check`
 * and on the editor as the bindings workspace does. Picked once, at 4737230, not tuned for since.
 */
const UNTUNED = [
  'gtk4',
  'gdk4',
  'gdk',
  'xcb',
  'xkbcommon',
  'cairo-rs',
  'atk',
  'capstone',
  'glutin',
  'rayon-core',
  'base64',
  'pango',
  'darling_core',
  'backtrace',
  'num-traits',
  'gpgme',
  'cursive',
  'indicatif',
  'pyo3-macros-backend',
  'rustc-serialize',
  'ignore',
  'sharded-slab',
  'grep-searcher',
  'fancy-regex',
  'tracing-core',
  'httparse',
  'miniz_oxide',
  'xml-rs',
  'tar',
  'calloop',
  'cc',
  'plist',
  'uuid',
  'bitstream-io',
  'selinux',
  'serde_yaml',
  'typenum',
  'socket2',
  'futures-lite',
  'anyhow',
  'structopt',
  'crossbeam-epoch',
  'byteorder',
  'cfg-expr',
  'io-lifetimes',
  'codespan-reporting',
  'parking_lot',
  'graphene-rs',
  'proc-macro2',
  'crossbeam-utils',
  'lock_api',
  'textwrap',
  'notify',
  'rmp-serde',
  'spin',
  'webpki',
  'zmq',
  'log',
  'yaml-rust',
];

/**
 * Measured only when named (`--workspaces untuned-2`): the next crates of Debian's registry by size that no
 * workspace above holds, `-sys` crates and the bindings of GTK, X11, Windows, Python… left aside, up to 16 MB
 * (none over 2.5 MB): 184 packages, most of them small, as a monorepo of services and their libraries could
 * be. A few wrap C or C++ (cxx, freetype, harfbuzz_rs, onig, tree-sitter, core-foundation); most hold no
 * boundary. Picked once, at this workspace's first commit, by that rule; not tuned for since.
 */
const UNTUNED_2 = [
  'sval',
  'tiny-skia-path',
  'encode_unicode',
  'sized-chunks',
  'pest_meta',
  'schannel',
  'fern',
  'async-task',
  'ucd-trie',
  'clap_derive',
  'bincode',
  'pin-project-lite',
  'cxx',
  'rmp',
  'cookie',
  'bytemuck',
  'unicode-bidi',
  'value-bag',
  'dialoguer',
  'erased-serde',
  'slog',
  'env_logger',
  'redox_syscall',
  'valuable',
  'tree-sitter',
  'parking_lot_core',
  'cookie_store',
  'rkyv_derive',
  'signal-hook',
  'tracing-attributes',
  'hashlink',
  'onig',
  'freetype',
  'ppv-lite86',
  'futures-channel',
  'dashmap',
  'harfbuzz_rs',
  'gl_generator',
  'async-io',
  'eyre',
  'term',
  'once_cell',
  'ryu',
  'unicode-ident',
  'grep-regex',
  'ipnet',
  'csv-core',
  'conv',
  'core-foundation',
  'num-rational',
  'weezl',
  'tempfile',
  'crossfont',
  'smallvec',
  'net2',
  'crossbeam-deque',
  'libloading',
  'semver',
  'native-tls',
  'av-metrics',
  'walkdir',
  'fuchsia-zircon',
  'unicase',
  'num-complex',
  'console',
  'gif',
  'miow',
  'wasm-bindgen-backend',
  'memmap2',
  'zstd',
  'system-deps',
  'arrayvec',
  'num-integer',
  'globset',
  'error-chain',
  'quote',
  'aes-soft',
  'scroll',
  'derive_builder',
  'mime_guess',
  'prost-derive',
  'camino',
  'os_info',
  'synstructure',
  'async-lock',
  'bit-vec',
  'base64ct',
  'addr2line',
  'target-lexicon',
  'password-hash',
  'async-net',
  'fallible-iterator',
  'rustc-demangle',
  'parse-zoneinfo',
  'crc32fast',
  'prost',
  'winreg',
  'arbitrary',
  'radix_trie',
  'generic-array',
  'tiny-keccak',
  'pcsc',
  'rand_xoshiro',
  'ena',
  'structopt-derive',
  'quickcheck',
  'zstd-safe',
  'linked-hash-map',
  'cassowary',
  'xz2',
  'tracing-log',
  'freetype-rs',
  'termion',
  'concurrent-queue',
  'getrandom',
  'users',
  'termcolor',
  'termios',
  'getopts',
  'cargo-util',
  'kstring',
  'os_str_bytes',
  'sctk-adwaita',
  'pcre2',
  'unic-segment',
  'enumset',
  'ansi_term',
  'tokio-rustls',
  'slab',
  'failure',
  'locale_config',
  'cargo_metadata',
  'derive_builder_core',
  'owning_ref',
  'time-macros',
  'inotify',
  'bitflags',
  'grep-matcher',
  'digest',
  'libmount',
  'polling',
  'glob',
  'colored',
  'lab',
  'wasm-bindgen-macro-support',
  'unicode-xid',
  'async-fs',
  'unicode-width',
  'gettext-rs',
  'macro-attr',
  'darling',
  'jobserver',
  'async-channel',
  'lru',
  'smol',
  'thiserror-impl',
  'crossbeam-queue',
  'rand_core',
  'filetime',
  'bzip2',
  'version-compare',
  'v_frame',
  'async-process',
  'fixedbitset',
  'siphasher',
  'blocking',
  'cexpr',
  'bitmaps',
  'enum-map',
  'futures-executor',
  'vcpkg',
  'encoding_rs_io',
  'vte',
  'quick-error',
  'memmap',
  'vec_map',
  'pico-args',
  'sha2',
  'seahash',
  'unic-ucd-segment',
  'thiserror',
  'unicode-linebreak',
  'paste',
  'serde_urlencoded',
];

/**
 * Measured only when named (`--workspaces untuned-3`): untuned-2's rule applied again, to the whole of Debian's
 * registry (every `librust-*-dev` source package installed, 1,513): the crates by size that no workspace above
 * holds, `-sys` crates and the bindings of GTK, X11, Windows, Python… left aside, none over 2.5 MB, up to 16 MB.
 * 21 packages: parsers and protocol crates (lexical-core, ruma-common, trust-dns-proto, quinn-proto), test and
 * benchmark tools (proptest, criterion), derive macros, and a few with C boundaries of their own (cbindgen's
 * tests, isahc over curl, perfrecord-mach-ipc-rendezvous over Mach, pathfinder_simd's intrinsics). Picked
 * once, at this workspace's first commit; not tuned for since.
 */
const UNTUNED_3 = [
  'zerocopy-derive',
  'lexical-core',
  'ruma-common',
  'trust-dns-proto',
  'concread',
  'proptest',
  'quinn-proto',
  'uom',
  'plotters',
  'criterion',
  'parsec-interface',
  'educe',
  'language-tags',
  'cbindgen',
  'rust_decimal',
  'encoding-index-tradchinese',
  'encoding-index-japanese',
  'perfrecord-mach-ipc-rendezvous',
  'pathfinder_simd',
  'isahc',
  'tower',
];

/** The crates of each benchmark workspace, by the workspace's name. */
export const WORKSPACE_CRATES: Readonly<Record<string, readonly string[]>> = {
  'application-like': APPLICATION_LIKE,
  'application-like-2': APPLICATION_LIKE_2,
  'application-like-3': APPLICATION_LIKE_3,
  'application-like-4': APPLICATION_LIKE_4,
  bindings: BINDINGS,
  'ffi-dense': FFI_DENSE,
  'ffi-monorepo': FFI_DENSE,
};

/**
 * Workspaces whose members reach each other as a monorepo's do: each member's registry dependency on
 * another member is the member (`[patch.crates-io]` in the root manifest), so a `-sys` crate's types are
 * those of the `-sys` crates it depends on, not types from outside. `ffi-monorepo` is `ffi-dense` wired so.
 */
const WIRED = new Set(['ffi-monorepo']);

/** Workspaces assembled only when named, not by default. */
const NAMED_ONLY: Readonly<Record<string, readonly string[]>> = {
  untuned: UNTUNED,
  'untuned-2': UNTUNED_2,
  'untuned-3': UNTUNED_3,
};

/** Every workspace a name can ask for. */
const ALL_CRATES: Readonly<Record<string, readonly string[]>> = { ...WORKSPACE_CRATES, ...NAMED_ONLY };

/** The crates of a benchmark workspace by its name, those measured only when named included. */
export function crateNamesOf(workspace: string): readonly string[] {
  const crates = ALL_CRATES[workspace];
  if (!crates) throw new Error(`unknown bench workspace \`${workspace}\` (${Object.keys(ALL_CRATES).join(', ')})`);
  return crates;
}

/** The virtual manifest that makes the copied crates one workspace; `patched`: members by package name, wired. */
function workspaceManifest(members: string[], patched: [name: string, member: string][] = []): string {
  const list = `[workspace]\nresolver = "2"\nmembers = [\n${members.map((m) => `  "crates/${m}",\n`).join('')}]\n`;
  if (!patched.length) return list;
  return `${list}\n[patch.crates-io]\n${patched.map(([name, m]) => `${JSON.stringify(name)} = { path = "crates/${m}" }\n`).join('')}`;
}

/** A copied member's package name, from its manifest. */
function packageName(memberDir: string): string {
  const manifest = parseToml(fs.readFileSync(path.join(memberDir, 'Cargo.toml'), 'utf8')) as {
    package?: { name?: unknown };
  };
  const name = manifest.package?.name;
  if (typeof name !== 'string') throw new Error(`${memberDir}/Cargo.toml names no package`);
  return name;
}

/**
 * Assemble one workspace unless `.bench/workspaces/<name>` already holds exactly these crate versions
 * (a stamp file records them), then describe it.
 */
function assemble(name: string, crates: readonly string[]): BenchWorkspace {
  const dir = path.join(WORKSPACES_DIR, name);
  const found = crates.map((c) => {
    const crate = findDebianCrate(c);
    if (!crate) throw new Error(`${c} is not in /usr/share/cargo/registry: install ${c}'s Debian package`);
    return crate;
  });
  const members = found.map((c) => `${c.name}-${c.version}`);
  const stamp = path.join(dir, '.assembled');
  const wired = WIRED.has(name);
  const wanted = JSON.stringify(wired ? { members, wired } : members);
  if (!fs.existsSync(stamp) || fs.readFileSync(stamp, 'utf8') !== wanted) {
    fs.rmSync(dir, { recursive: true, force: true });
    for (const c of found) fs.cpSync(c.dir, path.join(dir, 'crates', `${c.name}-${c.version}`), { recursive: true });
    const patched = wired ? members.map((m): [string, string] => [packageName(path.join(dir, 'crates', m)), m]) : [];
    fs.writeFileSync(path.join(dir, 'Cargo.toml'), workspaceManifest(members, patched));
    fs.writeFileSync(stamp, wanted);
  }
  const files = rustFilesUnder(dir);
  const bytes = files.reduce((n, f) => n + fs.statSync(f).size, 0);
  return { name, dir, crates: members, files, bytes };
}

/**
 * The benchmark workspaces, installing their Debian packages (once) and assembling them (once).
 * `names` limits which: `application-like`, `application-like-2`, `application-like-3`, `application-like-4`,
 * `bindings`, `ffi-dense`, `ffi-monorepo`, `untuned`, `untuned-2`, `untuned-3` (the last three only when named),
 * or the path of any folder (a workspace of one's own, measured as it is: the figures of a workspace
 * we have not tuned for).
 */
export function benchWorkspaces(names = Object.keys(WORKSPACE_CRATES)): BenchWorkspace[] {
  const folders = new Set(names.filter((n) => !ALL_CRATES[n] && isFolder(n)));
  for (const n of names)
    if (!ALL_CRATES[n] && !folders.has(n))
      throw new Error(`unknown bench workspace \`${n}\` (${Object.keys(ALL_CRATES).join(', ')}, or a folder's path)`);
  const unknown = ensureDebianCrates(names.filter((n) => !folders.has(n)).flatMap((n) => ALL_CRATES[n]));
  if (unknown.size) throw new Error(`Debian does not package: ${[...unknown].join(', ')}`);
  return names.map((n) => (folders.has(n) ? folderWorkspace(n) : assemble(n, ALL_CRATES[n])));
}

function isFolder(p: string): boolean {
  try {
    return fs.statSync(p).isDirectory();
  } catch {
    return false;
  }
}

/** A folder as it is, named for itself; its crates are the folders below it that hold a `Cargo.toml`. */
function folderWorkspace(folder: string): BenchWorkspace {
  const dir = path.resolve(folder);
  const files = rustFilesUnder(dir);
  const crates = [
    ...new Set(
      files.flatMap((f) => {
        for (let d = path.dirname(f); d.startsWith(dir); d = path.dirname(d))
          if (fs.existsSync(path.join(d, 'Cargo.toml'))) return [path.relative(dir, d) || '.'];
        return [];
      }),
    ),
  ];
  const bytes = files.reduce((n, f) => n + fs.statSync(f).size, 0);
  return { name: path.basename(dir), dir, crates, files, bytes };
}

if (require.main === module) {
  for (const w of benchWorkspaces())
    console.log(
      `${w.name}: ${w.dir} (${w.crates.length} crates, ${w.files.length} files, ${(w.bytes / 1024 / 1024).toFixed(1)} MB)`,
    );
}
