import * as assert from 'assert';
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { runCli, tempTree } from './harness/cli';
import { tempDir } from './harness/tmp';
import type { CheckJson } from '../protocol/check';
import { readCHeader } from '../server/src/core/abi/c-header-reader';
import { cTypeText } from '../server/src/core/abi/c-signature';
import type { CSignature, CType } from '../server/src/core/abi/c-signature';

/**
 * `check --against FILE` (CLI.md, issue 12 item 2): a host's imports against a plugin's ABI baseline,
 * a library's exports against a C header, and the header reader itself.
 */

const PLUGIN = `use std::os::raw::c_char;

#[repr(C)]
pub struct PluginInfo {
    pub version: u32,
    pub name: *const c_char,
}

#[no_mangle]
pub extern "C" fn textfx_count(input: *const u8, len: usize) -> u32 {
    let _ = input;
    len as u32
}

#[no_mangle]
pub extern "C" fn textfx_info(info: *mut PluginInfo) {
    let _ = info;
}

#[no_mangle]
pub static TEXTFX_ABI: u32 = 1;
`;

const HOST = `use std::os::raw::c_char;

#[repr(C)]
pub struct PluginInfo {
    pub name: *const c_char,
    pub version: u32,
}

extern "C" {
    pub fn textfx_count(input: *const u8, len: u32) -> u32;
    pub fn textfx_info(info: Option<&mut PluginInfo>);
    pub static TEXTFX_ABI: u32;
}
`;

function abiMismatches(stdout: string): CheckJson['diagnostics'] {
  return (JSON.parse(stdout) as CheckJson).diagnostics.filter((d) => d.rule === 'abi-mismatch');
}

describe('check --against a baseline: a host against its plugin, in another repository', function () {
  this.timeout(120_000);
  let plugin: string;
  let host: string;
  let baseline: string;
  before(async () => {
    plugin = tempTree({ 'Cargo.toml': '[package]\nname = "textfx"\nversion = "0.1.0"\n', 'src/lib.rs': PLUGIN });
    host = tempTree({ 'Cargo.toml': '[package]\nname = "host"\nversion = "0.1.0"\n', 'src/lib.rs': HOST });
    baseline = path.join(host, 'textfx.ffi-abi');
    const snap = await runCli(['snapshot', '.', '--out', baseline], plugin);
    assert.strictEqual(snap.code, 0, snap.stderr);
  });

  it('flags each import the baseline exports otherwise, pointing at the baseline line', async () => {
    const r = await runCli(['check', '.', '--format', 'json', '--against', 'textfx.ffi-abi'], host);
    assert.strictEqual(r.code, 1, r.stderr);
    const found = abiMismatches(r.stdout);
    assert.deepStrictEqual(
      found.map((d) => [d.symbol, d.file, d.related?.[0].file]),
      [
        ['textfx_count', 'src/lib.rs', 'textfx.ffi-abi'],
        ['textfx_info', 'src/lib.rs', 'textfx.ffi-abi'],
      ],
    );
    const lines = fs.readFileSync(baseline, 'utf8').split('\n');
    assert.match(lines[found[0].related![0].line - 1], /^fn textfx_count\(\*const u8, usize\) -> u32/);
    assert.match(
      found[0].message,
      /parameter 2 is `u32` \(4 bytes\) here, `usize` \(8 bytes\) in the baseline textfx\.ffi-abi's export/,
    );
    assert.match(
      found[1].message,
      /field 1 \(`name` \/ `version`\) of `struct PluginInfo` is `\*const i8` here, `u32`/,
    );
  });

  it("checks a plugin's exports against the imports of its host's baseline", async () => {
    const hostBaseline = path.join(plugin, 'host.ffi-abi');
    assert.strictEqual((await runCli(['snapshot', '.', '--out', hostBaseline], host)).code, 0);
    const r = await runCli(['check', '.', '--format', 'json', '--against', 'host.ffi-abi'], plugin);
    assert.strictEqual(r.code, 1, r.stderr);
    assert.strictEqual(r.stderr, '', "a baseline's imports the plugin does not export are no news");
    const found = abiMismatches(r.stdout);
    assert.deepStrictEqual(
      found.map((d) => [d.symbol, d.related?.[0].file]),
      [
        ['textfx_count', 'host.ffi-abi'],
        ['textfx_info', 'host.ffi-abi'],
      ],
    );
    const lines = fs.readFileSync(hostBaseline, 'utf8').split('\n');
    assert.match(lines[found[0].related![0].line - 1], /^import fn textfx_count\(\*const u8, u32\) -> u32/);
    assert.match(
      found[0].message,
      /exported here with another C signature than the baseline host\.ffi-abi imports at host\.ffi-abi:\d+: parameter 2 is `usize` \(8 bytes\) here, `u32` \(4 bytes\)/,
    );
  });

  it('finds nothing once the host declares what the plugin exports', async () => {
    const fixed = tempTree({
      'Cargo.toml': '[package]\nname = "host"\nversion = "0.1.0"\n',
      'src/lib.rs': HOST.replace('len: u32', 'len: usize').replace(
        'pub name: *const c_char,\n    pub version: u32,',
        'pub version: u32,\n    pub name: *const c_char,',
      ),
    });
    const r = await runCli(['check', '.', '--format', 'json', '--against', baseline], fixed);
    assert.deepStrictEqual(abiMismatches(r.stdout), []);
  });

  it('refuses a baseline or header it cannot read, and --against on a shard, naming why', async () => {
    const bad = tempTree({ 'x.ffi-abi': 'ffi-abi 1\nbogus line\n', 'lib.txt': 'hello' });
    const garbled = await runCli(['check', '.', '--against', path.join(bad, 'x.ffi-abi')], host);
    assert.strictEqual(garbled.code, 2);
    assert.match(garbled.stderr, /x\.ffi-abi: line 2: not a line of an ABI baseline/);
    const neither = await runCli(['check', '.', '--against', path.join(bad, 'lib.txt')], host);
    assert.strictEqual(neither.code, 2);
    assert.match(neither.stderr, /is neither an ABI baseline .* nor a C header/);
    const missing = await runCli(['check', '.', '--against', 'nope.ffi-abi'], host);
    assert.strictEqual(missing.code, 2);
    assert.match(missing.stderr, /cannot read nope\.ffi-abi \(--against\): ENOENT/);
    const sharded = await runCli(['check', '.', '--shard', '1/2', '--against', baseline], host);
    assert.strictEqual(sharded.code, 2);
    assert.match(sharded.stderr, /`--against` checks the whole run/);
  });
});

describe('check --against a C header: a library against the header it ships', function () {
  this.timeout(120_000);

  it('reads the header `ffi-guard header` writes and finds it in agreement', async () => {
    const dir = tempDir('ffi-guard-against-');
    const header = path.join(dir, 'kv.h');
    const fixture = path.join('test', 'fixtures-abi', 'kvstore');
    assert.strictEqual((await runCli(['header', fixture, '--out', header])).code, 0);
    const r = await runCli(['check', fixture, '--format', 'json', '--against', header]);
    assert.strictEqual(r.stderr, '', 'everything in the generated header is read');
    assert.deepStrictEqual(abiMismatches(r.stdout), []);
    const read = await readCHeader(fs.readFileSync(header, 'utf8'));
    assert.ok(read.symbols.length >= 15, `${read.symbols.length} declarations read`);
    for (const s of read.symbols)
      assert.doesNotMatch(JSON.stringify(s.signature), /"k":"unknown"/, `${s.name}: ${s.text}`);
  });

  it('checks a file no Cargo.toml covers against a header too', async () => {
    const dir = tempTree({
      'lib.rs': '#[no_mangle]\npub extern "C" fn loose_len(n: usize) -> usize {\n    n\n}\n',
      'loose.h': '#include <stdint.h>\nuint32_t loose_len(uint32_t n);\n',
    });
    const r = await runCli(['check', 'lib.rs', '--format', 'json', '--against', 'loose.h'], dir);
    assert.deepStrictEqual(
      abiMismatches(r.stdout).map((d) => [d.file, d.symbol, d.related?.[0].file]),
      [['lib.rs', 'loose_len', 'loose.h']],
    );
  });

  it('flags a header that drifted from the Rust code, at the export, pointing at the prototype', async () => {
    const lib = tempTree({
      'Cargo.toml': '[package]\nname = "textfx"\nversion = "0.1.0"\n',
      'src/lib.rs': PLUGIN,
      'include/textfx.h': [
        '#ifndef TEXTFX_H',
        '#define TEXTFX_H',
        '#include <stdint.h>',
        '#ifdef __cplusplus',
        'extern "C" {',
        '#endif',
        '#define TEXTFX_EXPORT',
        'typedef struct PluginInfo { const char *name; uint32_t version; } PluginInfo;',
        'uint32_t textfx_count(const uint8_t *input, uint32_t len);',
        'void textfx_info(PluginInfo *info);',
        'extern const uint64_t TEXTFX_ABI;',
        'void textfx_removed(void);',
        '#ifdef __cplusplus',
        '}',
        '#endif',
        '#endif',
        '',
      ].join('\n'),
    });
    const r = await runCli(['check', '.', '--format', 'json', '--against', 'include/textfx.h'], lib);
    assert.strictEqual(r.code, 1);
    assert.strictEqual(
      r.stderr,
      'note: include/textfx.h: line 7: the macro `TEXTFX_EXPORT` is not read (nor expanded where it is used)\n' +
        'note: include/textfx.h:12: `textfx_removed` is declared here, but no crate of the run exports it: C code calling it does not link\n',
    );
    const found = abiMismatches(r.stdout);
    assert.deepStrictEqual(
      found.map((d) => [d.symbol, d.related?.[0].file, d.related?.[0].line]),
      [
        ['textfx_count', 'include/textfx.h', 9],
        ['textfx_info', 'include/textfx.h', 10],
        ['TEXTFX_ABI', 'include/textfx.h', 11],
      ],
    );
    assert.match(
      found[0].message,
      /exported here with another C signature than the header include\/textfx\.h declares at include\/textfx\.h:9: parameter 2 is `usize` \(8 bytes\) here, `uint32_t` \(4 bytes\)/,
    );
    assert.match(found[2].message, /the type is `u32` \(4 bytes\) here, `uint64_t` \(8 bytes\)/);
  });
});

describe('c-header-reader: a C header as a C caller reads it', () => {
  const sig = (s: CSignature): string =>
    `${cTypeText(s.ret)} (${s.params.map(cTypeText).join(', ')}${s.variadic ? ', ...' : ''})`;
  const read = async (text: string) => readCHeader(text);

  it('reads prototypes, extern variables, typedefs and function pointers', async () => {
    const h = await read(
      [
        'typedef int (*cb_t)(const char *, ...);',
        'typedef unsigned long long u64;',
        'int printf(const char *fmt, ...);',
        'void with_cb(cb_t cb, void (*raw)(int));',
        'const char *name_of(u64 id);',
        'extern int counter;',
        'int (*get_handler(void))(int);',
        'void arrays(int a[4], unsigned char b[]);',
      ].join('\n'),
    );
    const by = new Map(h.symbols.map((s) => [s.name, s.signature]));
    assert.deepStrictEqual([...by.keys()], ['printf', 'with_cb', 'name_of', 'counter', 'get_handler', 'arrays']);
    assert.strictEqual(by.get('printf')!.variadic, true);
    assert.strictEqual(by.get('with_cb')!.params[0].k, 'fn');
    assert.strictEqual((by.get('with_cb')!.params[0] as CType & { k: 'fn' }).sig.variadic, true);
    assert.strictEqual(by.get('with_cb')!.params[1].k, 'fn');
    assert.deepStrictEqual(by.get('name_of')!.params, [{ k: 'int', size: 8, signed: false, text: 'u64' }]);
    assert.strictEqual(by.get('name_of')!.ret.k, 'ptr');
    assert.strictEqual(by.get('counter')!.kind, 'static');
    assert.strictEqual(by.get('get_handler')!.kind, 'function');
    assert.strictEqual(by.get('get_handler')!.ret.k, 'fn');
    assert.strictEqual(by.get('arrays')!.params[0].k, 'ptr', 'an array parameter is a pointer');
    assert.strictEqual(sig(by.get('arrays')!).startsWith('void'), true);
  });

  // Sizes and offsets as gcc gives them on x86_64 Linux (sizeof, _Alignof, offsetof).
  it('lays out structs, unions and enums, nested and self-referencing, as x86_64 Linux does', async () => {
    const h = await read(
      [
        'struct Node { struct Node *next; uint8_t tag; };',
        'typedef union { int32_t i; double d; } Num;',
        'enum Mode { A, B = 3 };',
        'typedef struct { uint8_t a; Num n; enum Mode m; char name[5]; } Rec;',
        'void take(Rec r, struct Node *n);',
      ].join('\n'),
    );
    const take = h.symbols[0].signature;
    const rec = take.params[0] as CType & { k: 'record' };
    assert.deepStrictEqual(
      { size: rec.size, align: rec.align, offsets: rec.fields.map((f) => [f.name, f.offset]) },
      {
        size: 32,
        align: 8,
        offsets: [
          ['a', 0],
          ['n', 8],
          ['m', 16],
          ['name', 20],
        ],
      },
    );
    const node = (take.params[1] as CType & { k: 'ptr' }).to as CType & { k: 'record' };
    assert.deepStrictEqual([node.size, node.align, node.fields[1].offset], [16, 8, 8]);
  });

  it('lays out every struct of a generated header as the C compiler does (sizeof, _Alignof, offsetof)', async () => {
    const dir = tempDir('ffi-guard-layout-');
    const header = path.join(dir, 'kv.h');
    assert.strictEqual((await runCli(['header', 'test/fixtures-abi/kvstore', '--out', header])).code, 0);
    const read = await readCHeader(fs.readFileSync(header, 'utf8'));
    const records = new Map<string, CType & { k: 'record' }>();
    const walk = (t: CType): void => {
      if (t.k === 'record') {
        if (t.name && !records.has(`${t.tag} ${t.name}`)) records.set(`${t.tag} ${t.name}`, t);
        t.fields.forEach((f) => walk(f.type));
      } else if (t.k === 'ptr') walk(t.to);
      else if (t.k === 'array') walk(t.elem);
      else if (t.k === 'fn') [...t.sig.params, t.sig.ret].forEach(walk);
    };
    for (const s of read.symbols) [...s.signature.params, s.signature.ret].forEach(walk);
    assert.ok(records.size >= 5, `${records.size} structs and unions reached`);
    const ours: string[] = [];
    const lines: string[] = [];
    for (const [name, r] of records) {
      ours.push(`${name} ${r.size} ${r.align}${r.fields.map((f) => ` ${f.name}@${f.offset}`).join('')}`);
      const fields = r.fields.map((f) => `printf(" ${f.name}@%zu", offsetof(${name}, ${f.name}));`).join(' ');
      lines.push(`printf("${name} %zu %zu", sizeof(${name}), _Alignof(${name})); ${fields} printf("\\n");`);
    }
    const c = path.join(dir, 'layout.c');
    fs.writeFileSync(
      c,
      `#include <stdio.h>\n#include <stddef.h>\n#include "kv.h"\nint main(void) {\n${lines.join('\n')}\nreturn 0;\n}\n`,
    );
    execFileSync('cc', ['-std=c11', '-o', path.join(dir, 'layout'), c], { stdio: ['ignore', 'pipe', 'pipe'] });
    const gcc = execFileSync(path.join(dir, 'layout'), { encoding: 'utf8' }).trimEnd().split('\n');
    assert.deepStrictEqual(ours, gcc);
  });

  it('understands include guards, #pragma once, #include and #ifdef __cplusplus, and names every other directive', async () => {
    const h = await read(
      [
        '#pragma once',
        '#ifndef LIB_H',
        '#define LIB_H',
        '#include <stdint.h>',
        '#ifdef __cplusplus',
        'extern "C" {',
        '#endif',
        '#define LIMIT 4',
        '#define API(x) x \\',
        '    /* continued */',
        '#if defined(WIN32)',
        'int only_on_windows(void);',
        '#else',
        'int elsewhere(void);',
        '#endif',
        'int plain(void);',
        '#ifdef __cplusplus',
        '}',
        '#endif',
        '#endif /* LIB_H */',
      ].join('\n'),
    );
    assert.deepStrictEqual(
      h.symbols.map((s) => [s.name, s.line]),
      [
        ['only_on_windows', 12],
        ['plain', 16],
      ],
    );
    assert.deepStrictEqual(h.notes, [
      'line 8: the macro `LIMIT` is not read (nor expanded where it is used)',
      'line 9: the macro `API` is not read (nor expanded where it is used)',
      'line 11: `#if defined(WIN32)` is not evaluated: its first branch is read, any `#else` is not',
    ]);
  });

  it('names a declaration it cannot read instead of guessing', async () => {
    const h = await read('int ok(void);\nAPI_EXPORT int broken(int x) garbage;\n');
    assert.deepStrictEqual(
      h.symbols.map((s) => s.name),
      ['ok'],
    );
    assert.ok(
      h.notes.some((n) => /^line 2: /.test(n)),
      h.notes.join('\n'),
    );
  });
});
