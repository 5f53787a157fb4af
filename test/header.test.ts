import * as assert from 'assert';
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { tempDir } from './harness/tmp';
import { REPO, runCli as run } from './harness/cli';

/**
 * `ffi-guard header`: the header compiles as strict C99 (and as C++), and it is the right header: a
 * fixture crate built as a cdylib by rustc links against a C program written to it, which runs.
 */

const KVSTORE = path.join(REPO, 'test', 'fixtures-abi', 'kvstore');

/** Runs a tool; its output on failure says what the compiler said. */
function tool(cmd: string, args: string[], env?: NodeJS.ProcessEnv): string {
  try {
    return execFileSync(cmd, args, { encoding: 'utf8', env: env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (e) {
    const x = e as { stderr?: string; stdout?: string; message: string };
    throw new Error(`${cmd} ${args.join(' ')} failed:\n${x.stderr ?? ''}${x.stdout ?? ''}${x.message}`);
  }
}

async function headerOf(crate: string, dir: string, name: string): Promise<string> {
  const file = path.join(dir, `${name}.h`);
  const r = await run(['header', crate, '--out', file]);
  assert.strictEqual(r.code, 0, r.stderr);
  return file;
}

describe('header: ffi-guard header', function () {
  this.timeout(120_000);
  let tmp: string;
  before(() => {
    tmp = tempDir('ffi-guard-header-');
  });

  for (const crate of ['examples/ffi-demo', 'test/fixtures-abi/kvstore']) {
    it(`compiles with cc -std=c11 (and c99) -Wall -Werror, and as C++: ${crate}`, async () => {
      const file = await headerOf(crate, tmp, path.basename(crate).replace(/\W/g, '_'));
      tool('cc', ['-std=c99', '-Wall', '-Wextra', '-Werror', '-fsyntax-only', '-x', 'c', file]);
      tool('cc', ['-std=c11', '-Wall', '-Wextra', '-Werror', '-fsyntax-only', '-x', 'c', file]);
      tool('c++', ['-std=c++11', '-Wall', '-Werror', '-fsyntax-only', '-x', 'c++', file]);
    });
  }

  it('defines the tagged FfiOption / FfiResult types that the quick fixes generate; C calls their shims', async () => {
    const crate = path.join(tmp, 'tagged');
    fs.mkdirSync(path.join(crate, 'src'), { recursive: true });
    fs.writeFileSync(
      path.join(crate, 'Cargo.toml'),
      '[package]\nname = "tagged"\nversion = "0.1.0"\nedition = "2021"\n',
    );
    fs.copyFileSync(
      path.join(REPO, 'test', 'fixtures-fix', 'tagged-option-result', 'after.rs'),
      path.join(crate, 'src', 'lib.rs'),
    );
    const file = await headerOf(crate, tmp, 'tagged');
    const text = fs.readFileSync(file, 'utf8');
    for (const decl of [
      'struct FfiOption_f64 {',
      '    enum FfiOption_f64_Tag tag;',
      '    FfiOption_f64_Some = 1,',
      '        } Some;',
      '    } payload;',
    ])
      assert.ok(text.includes(decl), `missing \`${decl}\` in\n${text}`);
    // `FfiResult<(), u8>`: the `()` of `Ok` takes no space and has no C spelling.
    assert.doesNotMatch(text, /void _0/);
    tool('cc', ['-std=c99', '-Wall', '-Wextra', '-Werror', '-fsyntax-only', '-x', 'c', file]);
    tool('c++', ['-std=c++11', '-Wall', '-Werror', '-fsyntax-only', '-x', 'c++', file]);
    // And C reads them as rustc lays them out: each variant, returned and passed by value.
    const lib = path.join(tmp, 'libtagged.so');
    tool('rustc', [
      '--crate-type=cdylib',
      '--edition',
      '2021',
      '-A',
      'warnings',
      '--crate-name',
      'tagged',
      '-o',
      lib,
      path.join(crate, 'src', 'lib.rs'),
    ]);
    const exe = path.join(tmp, 'taggedmain');
    tool('cc', [
      '-std=c99',
      '-Wall',
      '-Werror',
      '-I',
      tmp,
      '-o',
      exe,
      path.join(REPO, 'test', 'fixtures-abi', 'tagged', 'main.c'),
      '-L',
      tmp,
      '-ltagged',
    ]);
    assert.strictEqual(
      tool(exe, [], { ...process.env, LD_LIBRARY_PATH: tmp }),
      ['find 1 1 42', 'checked_div 1 3 1 -1', 'validate 1 1 42', 'scale 10.00 4.00', ''].join('\n'),
    );
  });

  it('spells pointers to pointers, to arrays and to nullable pointers as C declarators do, and raw identifiers bare', async () => {
    const crate = path.join(tmp, 'pointers');
    fs.mkdirSync(path.join(crate, 'src'), { recursive: true });
    fs.writeFileSync(
      path.join(crate, 'Cargo.toml'),
      '[package]\nname = "pointers"\nversion = "0.1.0"\nedition = "2021"\n',
    );
    fs.writeFileSync(
      path.join(crate, 'src', 'lib.rs'),
      [
        'use std::ffi::{c_char, c_void};',
        '#[repr(C)]',
        'pub struct P {',
        '    x: u8,',
        '}',
        '#[no_mangle]',
        'pub extern "C" fn argv(words: *const *const c_char, out: *mut *mut c_char, p: *const Option<&u8>, b: *const Box<u8>) {}',
        '#[no_mangle]',
        'pub extern "C" fn nested(a: *const [u8; 4], s: *const *const P, v: *const *const c_void, cb: *const Option<extern "C" fn()>) {}',
        '// A raw identifier exports its bare name.',
        '#[no_mangle]',
        'pub extern "C" fn r#loop(n: u32) -> u32 {',
        '    n',
        '}',
      ].join('\n'),
    );
    const text = fs.readFileSync(await headerOf(crate, tmp, 'pointers'), 'utf8');
    for (const decl of [
      'void argv(const char *const *words, char **out, const uint8_t *const *p, uint8_t *const *b);',
      'void nested(const uint8_t (*a)[4], const struct P *const *s, const void *const *v, void (*const *cb)(void));',
      'uint32_t loop(uint32_t n);',
    ])
      assert.ok(text.includes(decl), `missing \`${decl}\` in\n${text}`);
    tool('cc', ['-std=c99', '-Wall', '-Wextra', '-Werror', '-fsyntax-only', '-x', 'c', path.join(tmp, 'pointers.h')]);
  });

  it('declares the C surface and nothing else', async () => {
    const text = fs.readFileSync(await headerOf('test/fixtures-abi/kvstore', tmp, 'kv_decls'), 'utf8');
    assert.match(text, /^#ifndef KV_DECLS_H\n#define KV_DECLS_H$/m);
    for (const decl of [
      'enum KvStatus kv_put(struct KvStore *store, const char *key, struct Value value);',
      'const char *kv_kind_name(ValueKind kind);',
      'size_t kv_visit(const struct KvStore *store, int (*visit)(const char *, const struct Value *, void *), void *user);',
      'bool kv_is_ok(enum KvStatus status);',
      'uint32_t kv_version(void);',
      'int32_t kv_grid_distance(struct geo_Point a, struct geo_Point int_);',
      'extern const uint32_t KV_ABI_VERSION;',
      'extern const uint8_t KV_NAME[8];',
      'typedef uint8_t ValueKind;',
      '    KvStatus_BadKey = 16,',
      '    KvStatus_Full = -1,',
      '    ValueKind_Flag = 4,',
      '    void (*on_reject)(const char *, void *);',
      '    uint32_t histogram[4];',
      '    int64_t int_;',
      'struct KvStore;',
      'enum Lookup_Tag {',
      '    enum Lookup_Tag tag;',
      '            uint16_t len;',
      '        } Span;',
      '    uint8_t tag;',
      '    Small_Byte = 7,',
      ' * Counts over the whole store. A `* /` in a doc comment must not end the C comment early.',
      '/* kv_dump: not expressible in C: `String` has no C equivalent. */',
    ])
      assert.ok(text.includes(decl), `missing \`${decl}\` in\n${text}`);
    // Imports, Rust-ABI exports, mangled `extern "C"` functions and plain Rust functions stay out.
    assert.doesNotMatch(text, /\babs\(|kv_rust_len|kv_internal_hash|kv_keys/);
    // A Rust-layout type is only ever opaque.
    assert.doesNotMatch(text, /struct KvStore \{/);
    // Definitions come before their users.
    assert.ok(text.indexOf('union ValueData {') < text.indexOf('struct Value {'));
  });

  it('links a C program against the cdylib rustc builds, and runs it', async () => {
    tool('rustc', [
      '--crate-type=cdylib',
      '--edition',
      '2021',
      '-A',
      'warnings',
      '--crate-name',
      'kvstore',
      '-o',
      path.join(tmp, 'libkvstore.so'),
      path.join(KVSTORE, 'lib.rs'),
    ]);
    await headerOf('test/fixtures-abi/kvstore', tmp, 'kvstore');
    const exe = path.join(tmp, 'kvmain');
    tool('cc', [
      '-std=c99',
      '-Wall',
      '-Werror',
      '-I',
      tmp,
      '-o',
      exe,
      path.join(KVSTORE, 'main.c'),
      '-L',
      tmp,
      '-lkvstore',
    ]);
    const output = tool(exe, [], { ...process.env, LD_LIBRARY_PATH: tmp });
    assert.strictEqual(
      output,
      [
        'abi 3 version 300 name kvstore max 64',
        'sizes value 16 data 8 stats 32 options 24 kind 1 status 4',
        'rejected overflow (full)',
        'put 0 0 0 -1 ok 1 0 full 1',
        'get 0 42 missing 1 bad 1',
        'stats entries 3 longest 7 histogram 1 1 1 0 reals 1',
        'answer = 42 (int)',
        'enabled = true (flag)',
        'visited 2',
        'distance 7 shifted 1.75 2.00 abs 7 rejected 1',
        'lookup 1 1 5 1 -9 3 size 24 small 1 1 200 size 2',
        '',
      ].join('\n'),
    );
    // The sizes C computed from the header are the ones the report computes for the host target.
    const report = JSON.parse((await run(['report', 'test/fixtures-abi/kvstore', '--format', 'json'])).stdout) as {
      types: { name: string; size: number }[];
    };
    const size = (n: string): number | undefined => report.types.find((t) => t.name === n)?.size;
    const c = /sizes value (\d+) data (\d+) stats (\d+) options (\d+) kind (\d+) status (\d+)/
      .exec(output)!
      .slice(1)
      .map(Number);
    assert.deepStrictEqual(c, ['Value', 'ValueData', 'KvStats', 'KvOptions', 'ValueKind', 'KvStatus'].map(size));
  });

  /** A crate of `files`, its header written and compiled as C11 (`-Wall -Werror`) and as C++; the header's text. */
  async function compiledHeader(
    name: string,
    files: Record<string, string>,
  ): Promise<{ text: string; stderr: string }> {
    const crate = path.join(tmp, name);
    for (const [f, content] of Object.entries({
      'Cargo.toml': `[package]\nname = "${name}"\nversion = "0.1.0"\nedition = "2021"\n`,
      ...files,
    })) {
      fs.mkdirSync(path.dirname(path.join(crate, f)), { recursive: true });
      fs.writeFileSync(path.join(crate, f), content);
    }
    const file = path.join(tmp, `${name}.h`);
    const r = await run(['header', crate, '--out', file]);
    assert.strictEqual(r.code, 0, r.stderr);
    tool('cc', ['-std=c11', '-Wall', '-Wextra', '-Werror', '-fsyntax-only', '-x', 'c', file]);
    tool('c++', ['-std=c++11', '-Wall', '-Werror', '-fsyntax-only', '-x', 'c++', file]);
    return { text: fs.readFileSync(file, 'utf8'), stderr: r.stderr };
  }

  it('lays out PhantomData and () fields as rustc does (not at all), and defines the struct', async () => {
    const { text } = await compiledHeader('phantom', {
      'src/lib.rs': [
        'use std::marker::PhantomData;',
        '#[repr(C)]',
        "pub struct Conn<'a> { pub id: u32, pub _life: PhantomData<&'a u8>, pub unit: (), pub flags: u16 }",
        '#[no_mangle] pub extern "C" fn open(c: Conn<\'static>) -> u32 { c.id }',
      ].join('\n'),
    });
    assert.match(text, /struct Conn \{\n {4}uint32_t id;\n {4}uint16_t flags;\n\};/);
    assert.match(text, /^uint32_t open\(struct Conn c\);$/m);
  });

  it('declares a non-repr(C) union as a union wherever it is named (forward declaration and pointers)', async () => {
    const { text } = await compiledHeader('opaqueunion', {
      'src/lib.rs': [
        'pub union Opaque { a: u32, b: f32 }',
        '#[repr(C)] pub union U { pub a: u32, pub b: f32 }',
        '#[no_mangle] pub extern "C" fn opq(o: *mut Opaque, u: U) -> f32 { let _ = o; unsafe { u.b } }',
      ].join('\n'),
    });
    assert.match(text, /^union Opaque;$/m);
    assert.match(text, /^float opq\(union Opaque \*o, union U u\);$/m);
  });

  it('monomorphises a generic repr(C) struct per use with stable names', async () => {
    const { text } = await compiledHeader('generic', {
      'src/lib.rs': [
        '#[repr(C)] pub struct Pair<T> { pub a: T, pub b: T }',
        '#[no_mangle] pub extern "C" fn pairs(a: Pair<u32>, b: *const Pair<f64>) -> Pair<u8> { let _ = b; Pair { a: 0, b: a.b as u8 } }',
      ].join('\n'),
    });
    for (const d of ['struct Pair_u32 {', 'struct Pair_f64 {', 'struct Pair_u8 {'])
      assert.ok(text.includes(d), `missing \`${d}\` in\n${text}`);
    assert.match(text, /^struct Pair_u8 pairs\(struct Pair_u32 a, const struct Pair_f64 \*b\);$/m);
  });

  it('monomorphises const-generic types per use, named as cbindgen names them, before their users', async () => {
    const { text } = await compiledHeader('constgeneric', {
      'src/lib.rs': [
        'pub const CAP: usize = 4;',
        '#[repr(C)] pub struct Title<const N: usize> { pub len: u8, pub s: [i8; N] }',
        '#[repr(C)] pub struct Mixed<T, const N: usize> { pub v: [T; N] }',
        '#[repr(C)] pub struct Outer<const M: usize> { pub t: Title<M>, pub m: Mixed<u16, M> }',
        '#[no_mangle] pub extern "C" fn titles(a: Title<16>, b: *const Title<32>) -> u8 { let _ = b; a.len }',
        '#[no_mangle] pub extern "C" fn mixed(m: Mixed<u32, CAP>, n: Mixed<Title<2>, { CAP + 1 }>) -> u32 {',
        '    let _ = n;',
        '    m.v[0]',
        '}',
        '#[no_mangle] pub extern "C" fn outer(o: Outer<8>) -> u8 { o.t.len }',
      ].join('\n'),
    });
    for (const d of [
      'struct Title_16 {\n    uint8_t len;\n    int8_t s[16];\n};',
      'struct Title_32 {\n    uint8_t len;\n    int8_t s[32];\n};',
      'struct Title_8 {\n    uint8_t len;\n    int8_t s[8];\n};',
      'struct Mixed_u32__4 {\n    uint32_t v[4];\n};',
      'struct Mixed_Title_2_____5 {\n    struct Title_2 v[5];\n};',
      'struct Outer_8 {\n    struct Title_8 t;\n    struct Mixed_u16__8 m;\n};',
    ])
      assert.ok(text.includes(d), `missing \`${d}\` in\n${text}`);
    assert.match(text, /^uint8_t titles\(struct Title_16 a, const struct Title_32 \*b\);$/m);
    assert.match(text, /^uint32_t mixed\(struct Mixed_u32__4 m, struct Mixed_Title_2_____5 n\);$/m);
    assert.ok(text.indexOf('struct Title_2 {') < text.indexOf('struct Mixed_Title_2_____5 {'), text);
    assert.ok(text.indexOf('struct Title_8 {') < text.indexOf('struct Outer_8 {'), text);
    assert.ok(text.indexOf('struct Mixed_u16__8 {') < text.indexOf('struct Outer_8 {'), text);
    assert.doesNotMatch(text, /const generic/);
  });

  it('orders self-referential and mutually referencing structs after forward declarations, enums before their users', async () => {
    const { text } = await compiledHeader('selfref', {
      'src/lib.rs': [
        '#[repr(C)] pub struct Node { pub value: i32, pub next: *mut Node, pub other: *const Other, pub mode: *const Mode }',
        '#[repr(C)] pub struct Other { pub n: *mut Node, pub k: u8 }',
        '#[repr(C)] pub struct Outer { pub inner: Other, pub node: Node }',
        '#[repr(u8)] pub enum Mode { A, B }',
        '#[no_mangle] pub extern "C" fn walk(n: *mut Node, o: Outer) -> i32 { let _ = (n, o); 0 }',
      ].join('\n'),
    });
    assert.ok(text.indexOf('typedef uint8_t Mode;') < text.indexOf('struct Node {'), text);
    assert.ok(text.indexOf('struct Other {') < text.indexOf('struct Outer {'), text);
    assert.ok(text.indexOf('struct Node {') < text.indexOf('struct Outer {'), text);
  });

  it('leaves out, with a comment naming it and why, a type C cannot define and every function taking it by value', async () => {
    const { text } = await compiledHeader('leftout', {
      'src/lib.rs': [
        '#[repr(C)] pub struct NotC { pub s: String, pub x: u32 }',
        '#[repr(C)] pub struct Holder { pub inner: NotC }',
        '#[no_mangle] pub extern "C" fn by_ref(h: *mut NotC) { let _ = h; }',
        '#[no_mangle] pub extern "C" fn by_value(h: NotC) { let _ = h; }',
        '#[no_mangle] pub extern "C" fn holder(h: Holder) { let _ = h; }',
      ].join('\n'),
    });
    assert.match(
      text,
      /^\/\* NotC: field `s` has type `String`, which has no C equivalent; C sees it only behind a pointer\. \*\/\nstruct NotC;$/m,
    );
    assert.match(
      text,
      /^\/\* Holder: field `inner` holds `NotC` by value, which C cannot define; C sees it only behind a pointer\. \*\/$/m,
    );
    assert.match(text, /^void by_ref\(struct NotC \*h\);$/m);
    for (const f of ['by_value', 'holder'])
      assert.match(text, new RegExp(`^/\\* ${f}: not expressible in C: it passes \`\\w+\` by value`, 'm'));
    assert.doesNotMatch(text, /struct NotC \{/);
  });

  it('includes <sys/types.h> for libc POSIX types (pid_t, ssize_t), which ISO C headers do not declare', async () => {
    const { text } = await compiledHeader('posix', {
      'src/lib.rs': [
        'use libc::{pid_t, ssize_t};',
        '#[no_mangle] pub extern "C" fn parent(p: pid_t) -> ssize_t { p as ssize_t }',
      ].join('\n'),
    });
    assert.match(text, /^#include <sys\/types\.h>$/m);
    assert.match(text, /^ssize_t parent\(pid_t p\);$/m);
    const { text: plain } = await compiledHeader('noposix', {
      'src/lib.rs': '#[no_mangle] pub extern "C" fn f(x: u32) -> u32 { x }',
    });
    assert.doesNotMatch(plain, /sys\/types/);
  });

  it("spells a pointer to the crate's own `enum c_void` as void *, as cbindgen does", async () => {
    const { text } = await compiledHeader('ownvoid', {
      'src/lib.rs': [
        '#[allow(non_camel_case_types)] #[repr(u8)] pub enum c_void { _Nothing = 0 }',
        '#[no_mangle] pub extern "C" fn alloc(data: *mut c_void, n: usize) -> *const c_void { let _ = n; data }',
      ].join('\n'),
    });
    assert.match(text, /^const void \*alloc\(void \*data, size_t n\);$/m);
  });

  it('declares only the types C sees: what is inside an opaque type is left out, and its names cannot clash', async () => {
    const { text } = await compiledHeader('opaqueinside', {
      'src/lib.rs': [
        'pub mod api { pub struct Config { pub speed: u8 } pub struct Inner { pub x: u32 } }',
        'pub mod capi {',
        '    pub struct Config { pub cfg: crate::api::Config, pub inner: crate::api::Inner }',
        '    #[no_mangle] pub extern "C" fn config_new() -> *mut Config { std::ptr::null_mut() }',
        '}',
      ].join('\n'),
    });
    assert.match(text, /^struct Config \*config_new\(void\);$/m);
    assert.match(text, /^struct Config;$/m);
    assert.doesNotMatch(text, /Inner|api_Config/);
  });

  it('writes pub consts of C types as #defines', async () => {
    const { text } = await compiledHeader('consts', {
      'src/lib.rs': [
        '/// The longest name.',
        'pub const MAX_LEN: u32 = 64;',
        'pub const MASK: u64 = 0xFFFF_FFFF_FFFF_FFFF;',
        'pub const NEG: i32 = -3;',
        'pub const RATIO: f32 = 1.5f32;',
        'pub const ON: bool = true;',
        'pub const NAME: &str = "x";',
        'const PRIVATE: u32 = 1;',
        'pub const COMPUTED: u32 = PRIVATE + 1;',
        '#[no_mangle] pub extern "C" fn f() -> u32 { MAX_LEN + PRIVATE + COMPUTED }',
      ].join('\n'),
    });
    for (const d of [
      '#define MAX_LEN 64',
      '#define MASK 18446744073709551615ULL',
      '#define NEG (-3)',
      '#define RATIO 1.5',
      '#define ON true',
    ])
      assert.ok(text.includes(d), `missing \`${d}\` in\n${text}`);
    assert.match(text, /\/\*\*\n \* The longest name\.\n \*\/\n#define MAX_LEN/);
    assert.doesNotMatch(text, /NAME|PRIVATE|COMPUTED/);
  });

  it("honours the crate's cbindgen.toml: export.prefix, rename, include, exclude, enum.rename_variants; C++ reported", async () => {
    const { text, stderr } = await compiledHeader('configured', {
      'cbindgen.toml': [
        'language = "C++"',
        '[export]',
        'prefix = "Cfg"',
        'include = ["Extra"]',
        'exclude = ["hidden_fn"]',
        '[export.rename]',
        'Point = "point_t"',
        '[enum]',
        'rename_variants = "ScreamingSnakeCase"',
      ].join('\n'),
      'src/lib.rs': [
        '#[repr(C)] pub struct Point { pub x: f64, pub y: f64 }',
        '#[repr(C)] pub struct Extra { pub n: u8 }',
        '#[repr(C)] pub enum Mode { FastPath, SlowPath }',
        '#[no_mangle] pub extern "C" fn move_by(p: Point, m: Mode) -> Point { let _ = m; p }',
        '#[no_mangle] pub extern "C" fn hidden_fn() {}',
      ].join('\n'),
    });
    assert.match(text, /^struct point_t \{$/m);
    assert.match(text, /^struct CfgExtra \{$/m);
    assert.match(text, /^ {4}CfgMode_FAST_PATH = 0,$/m);
    assert.match(text, /^struct point_t move_by\(struct point_t p, enum CfgMode m\);$/m);
    assert.match(text, /^\/\* hidden_fn: excluded by \S*cbindgen\.toml \(export\.exclude\)\. \*\/$/m);
    assert.match(stderr, /warning: \S*cbindgen\.toml: `language = "C\+\+"` is not supported: the header is C/);
  });

  it('an invalid cbindgen.toml is a clear error, not an internal one', async () => {
    const crate = path.join(tmp, 'badconfig');
    fs.mkdirSync(path.join(crate, 'src'), { recursive: true });
    fs.writeFileSync(path.join(crate, 'Cargo.toml'), '[package]\nname = "badconfig"\nversion = "0.1.0"\n');
    fs.writeFileSync(path.join(crate, 'src', 'lib.rs'), '#[no_mangle] pub extern "C" fn f() {}\n');
    fs.writeFileSync(path.join(crate, 'cbindgen.toml'), '[export]\nprefix = 3\n');
    const r = await run(['header', crate]);
    assert.strictEqual(r.code, 2);
    assert.match(r.stderr, /^error: .*cbindgen\.toml: `export\.prefix` must be a string\.\n$/);
  });

  it('attack: an export_name that is not a C identifier is left out with a sanitised comment', async () => {
    const { text } = await compiledHeader('evilname', {
      'src/lib.rs': [
        '#[export_name = "evil(void); int x"] pub extern "C" fn evil(x: u32) -> u32 { x }',
        '#[export_name = "close*/ int y; /*"] pub extern "C" fn closer() {}',
        '#[export_name = "class"] pub extern "C" fn cpp_keyword() {}',
        '#[no_mangle] pub extern "C" fn fine() {}',
      ].join('\n'),
    });
    assert.doesNotMatch(text, /^(?!\/\*).*\bint [xy]\b/m);
    assert.match(text, /^\/\* evil\(void\); int x: the export name is not a C identifier/m);
    assert.match(text, /^\/\* close\* \/ int y; \/ \*: the export name is not a C identifier/m);
    assert.match(text, /^\/\* class: the export name is not a C identifier/m);
    assert.match(text, /^void fine\(void\);$/m);
  });

  it('attack: a package name containing */ does not end the header comment', async () => {
    const crate = path.join(tmp, 'evilpkg');
    fs.mkdirSync(path.join(crate, 'src'), { recursive: true });
    fs.writeFileSync(path.join(crate, 'Cargo.toml'), '[package]\nname = "x*/ int injected; /*"\nversion = "0.1.0"\n');
    fs.writeFileSync(
      path.join(crate, 'src', 'lib.rs'),
      '/// doc */ int doc_injected; /*\n#[no_mangle] pub extern "C" fn f() {}\n',
    );
    const file = path.join(tmp, 'evilpkg.h');
    const r = await run(['header', crate, '--out', file]);
    assert.strictEqual(r.code, 0, r.stderr);
    tool('cc', ['-std=c11', '-Wall', '-Wextra', '-Werror', '-fsyntax-only', '-x', 'c', file]);
    const text = fs.readFileSync(file, 'utf8');
    assert.match(
      text,
      /^\/\* Generated by Rust FFI Guard from the exported surface of x\* \/ int injected; \/ \*\. Do not edit\. \*\/$/m,
    );
    assert.doesNotMatch(text, /int (doc_)?injected; \/\*/);
  });

  it('attack: a raw identifier type (r#Type) is declared as its bare name', async () => {
    const { text } = await compiledHeader('rawtype', {
      'src/lib.rs': [
        '#[repr(C)] pub struct r#Type { pub r#in: u8 }',
        '#[repr(C)] pub struct r#struct { pub x: u8 }',
        '#[no_mangle] pub extern "C" fn raw(t: r#Type, s: *const r#struct) -> u8 { let _ = s; t.r#in }',
      ].join('\n'),
    });
    assert.doesNotMatch(text, /r#/);
    assert.match(text, /^struct Type \{$/m);
    assert.match(text, /^uint8_t raw\(struct Type t, const struct struct_ \*s\);$/m);
  });

  it("a library's header and report leave out its tests, examples, benches and build.rs, and name the crate once", async () => {
    const crate = path.join(tmp, 'targets');
    const files: Record<string, string> = {
      'Cargo.toml': '[package]\nname = "targets"\nversion = "0.1.0"\nedition = "2021"\n',
      'src/lib.rs': '#[no_mangle] pub extern "C" fn lib_fn(x: u32) -> u32 { x }\n',
      'tests/t.rs': '#[no_mangle] pub extern "C" fn test_fn() {}\n',
      'examples/e.rs': '#[no_mangle] pub extern "C" fn example_fn() {}\nfn main() {}\n',
      'benches/b.rs': '#[no_mangle] pub extern "C" fn bench_fn() {}\nfn main() {}\n',
      'build.rs': '#[no_mangle] pub extern "C" fn build_fn() {}\nfn main() {}\n',
    };
    for (const [f, content] of Object.entries(files)) {
      fs.mkdirSync(path.dirname(path.join(crate, f)), { recursive: true });
      fs.writeFileSync(path.join(crate, f), content);
    }
    const header = await run(['header', crate]);
    assert.strictEqual(header.code, 0, header.stderr);
    assert.match(header.stdout, /exported surface of targets\. Do not edit/);
    const report = await run(['report', crate, '--format', 'json']);
    const json = JSON.parse(report.stdout) as { crates: { name: string }[]; symbols: { name: string }[] };
    assert.deepStrictEqual(
      json.symbols.map((s) => s.name),
      ['lib_fn'],
    );
    assert.strictEqual(json.crates.length, 1);
    // They stay checked: a finding in a test target is still reported by `check`.
    fs.writeFileSync(
      path.join(crate, 'tests', 't.rs'),
      '#[no_mangle] pub extern "C" fn test_fn(s: String) { let _ = s; }\n',
    );
    const check = await run(['check', crate, '--format', 'json']);
    assert.match(check.stdout, /tests\/t\.rs/);
  });

  it('a package that lives in a folder named examples/ is a library like any other', async () => {
    const r = await run(['header', path.join(REPO, 'examples', 'ffi-demo')]);
    assert.strictEqual(r.code, 0, r.stderr);
    assert.match(r.stdout, /exported surface of ffi_demo\. Do not edit/);
    const report = await run(['report', path.join(REPO, 'examples', 'ffi-demo'), '--format', 'json']);
    assert.ok((JSON.parse(report.stdout) as { symbols: unknown[] }).symbols.length > 0);
  });
});
