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
    it(`compiles with cc -std=c99 -Wall -Werror, and as C++: ${crate}`, async () => {
      const file = await headerOf(crate, tmp, path.basename(crate).replace(/\W/g, '_'));
      tool('cc', ['-std=c99', '-Wall', '-Wextra', '-Werror', '-fsyntax-only', '-x', 'c', file]);
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
});
