import * as assert from 'assert';
import { runCli, tempTree } from './harness/cli';
import { sarifValidator } from './harness/sarif-schema';
import type { CheckDiagnostic, CheckJson } from '../protocol/check';
import { compareSignatures, sameCType } from '../server/src/core/abi/c-signature';
import type { CSignature, CType } from '../server/src/core/abi/c-signature';

/**
 * `abi-mismatch` (RULES.md, "Second wave"): an import and the export of the same link symbol in
 * another crate, compared as a C caller sees them. Each case is one symbol exported by a plugin crate
 * and imported by a host crate; `expect` is what the host's finding must say, or null where the two
 * look different in Rust but a C caller sees one signature.
 */
interface Case {
  name: string;
  /** The plugin's definition, after `#[no_mangle] pub extern "C" fn NAME`. */
  export: string;
  /** The host's declaration, inside `extern "C" { … }`, after `fn NAME` (or a whole item, with `item`). */
  import: string;
  expect: RegExp | null;
  /** A whole item for the host's `extern` block instead of `fn NAME…`. */
  item?: string;
  /** A whole item for the plugin instead of `#[no_mangle] pub extern "C" fn NAME…`. */
  exportItem?: string;
  /** The ABI of the host's `extern` block. */
  abi?: string;
}

const COMMON = `use std::os::raw::{c_char, c_int, c_void};
use std::ptr::NonNull;

#[repr(C)]
pub struct Pair { pub a: u32, pub b: u64 }
#[repr(C)]
pub struct Swapped { pub b: u64, pub a: u32 }
#[repr(C)]
pub struct Renamed { pub x: u32, pub y: u64 }
#[repr(C)]
pub struct Inner { pub v: u16 }
#[repr(C)]
pub struct Outer { pub inner: Inner, pub n: u32 }
#[repr(C)]
pub struct Holder { pub items: [u8; 4] }
pub struct Handle { _p: u8 }
`;

/** The same names with other layouts, in the host. */
const HOST_TYPES = `#[repr(C)]
pub struct OtherInner { pub v: u32 }
#[repr(C)]
pub struct OtherOuter { pub inner: OtherInner, pub n: u32 }
#[repr(C)]
pub struct OtherHolder { pub items: [u8; 8] }
#[repr(C)]
pub struct Opaque { _p: [u8; 0] }
`;

const CASES: Case[] = [
  // Look-alikes a C caller cannot tell apart.
  { name: 'ptr_mut_ref', export: '(h: *mut Handle)', import: '(h: &mut Handle)', expect: null },
  { name: 'ptr_option_ref', export: '(h: *mut Handle)', import: '(h: Option<&mut Handle>)', expect: null },
  { name: 'ptr_nonnull', export: '(h: *mut Handle)', import: '(h: Option<NonNull<Handle>>)', expect: null },
  { name: 'ptr_const_mut', export: '(p: *const Pair)', import: '(p: *mut Pair)', expect: null },
  { name: 'ptr_const_ref', export: '(p: *const Pair)', import: '(p: &Pair)', expect: null },
  { name: 'c_aliases', export: '(s: *const c_char, n: c_int)', import: '(s: *const i8, n: i32)', expect: null },
  { name: 'usize_u64', export: '(n: usize)', import: '(n: u64)', expect: null },
  { name: 'bytes_chars', export: '(s: *const c_char)', import: '(s: *const u8)', expect: null },
  { name: 'param_renamed', export: '(count: u32) -> u32', import: '(n: u32) -> u32', expect: null },
  { name: 'struct_renamed', export: '(p: Pair)', import: '(p: Renamed)', expect: null },
  { name: 'void_ptr', export: '(p: *mut c_void)', import: '(p: *mut Opaque)', expect: null },
  { name: 'unit_return', export: '(n: u8) -> ()', import: '(n: u8)', expect: null },
  {
    name: 'callback_option',
    export: '(cb: extern "C" fn(i32))',
    import: '(cb: Option<extern "C" fn(i32)>)',
    expect: null,
  },
  { name: 'system_abi', export: '(n: u8)', import: '(n: u8)', abi: 'system', expect: null },
  {
    name: 'linked_by_name',
    export: '(n: u32)',
    import: '',
    item: '#[link_name = "linked_by_name"]\n    fn local_name(n: u32);',
    expect: null,
  },
  // What a C caller sees differently.
  {
    name: 'count',
    export: '(a: i32, b: i32)',
    import: '(a: i32)',
    expect: /the number of parameters is 1 \(`i32`\) here, 2 \(`i32`, `i32`\)/,
  },
  {
    name: 'variadic',
    export: '(a: i32)',
    import: '(a: i32, ...)',
    expect: /the parameter list is variadic \(`\.\.\.`\) here, not variadic/,
  },
  {
    name: 'convention',
    export: '(a: i32)',
    import: '(a: i32)',
    abi: 'win64',
    expect: /the calling convention is `extern "win64"` here, `extern "C"`/,
  },
  {
    name: 'width',
    export: '(p: *const u8, len: usize)',
    import: '(p: *const u8, len: u32)',
    expect: /parameter 2 is `u32` \(4 bytes\) here, `usize` \(8 bytes\) in `plugin`'s export/,
  },
  {
    name: 'signedness',
    export: '(n: u32)',
    import: '(n: i32)',
    expect: /parameter 1 is `i32` \(4 bytes\) here, `u32` \(4 bytes\)/,
  },
  {
    name: 'float_int',
    export: '(n: u32)',
    import: '(n: f32)',
    expect: /parameter 1 is `f32` \(4 bytes\) here, `u32` \(4 bytes\)/,
  },
  {
    name: 'bool_u8',
    export: '(b: bool)',
    import: '(b: u8)',
    expect: /parameter 1 is `u8` \(1 byte\) here, `bool` \(1 byte\)/,
  },
  {
    name: 'void_value',
    export: '(n: u8) -> u32',
    import: '(n: u8)',
    expect: /the return type is nothing \(`void`\) here, `u32` \(4 bytes\)/,
  },
  {
    name: 'pointee',
    export: '(p: *const u32)',
    import: '(p: *const u8)',
    expect: /parameter 1 is `\*const u8` here, `\*const u32`/,
  },
  {
    name: 'by_value_order',
    export: '(p: Pair)',
    import: '(p: Swapped)',
    expect: /parameter 1 → field 1 \(`b` \/ `a`\) of `struct Swapped` is `u64` \(8 bytes\) here, `u32` \(4 bytes\)/,
  },
  {
    name: 'behind_pointer',
    export: '(p: *mut Pair)',
    import: '(p: *mut Swapped)',
    expect: /parameter 1 → field 1 \(`b` \/ `a`\) of `struct Swapped`/,
  },
  {
    name: 'nested',
    export: '(o: *const Outer)',
    import: '(o: *const OtherOuter)',
    expect:
      /field 1 \(`inner`\) of `struct OtherOuter` → field 1 \(`v`\) of `struct OtherInner` is `u32` \(4 bytes\) here, `u16` \(2 bytes\)/,
  },
  {
    name: 'array_len',
    export: '(h: *mut Holder)',
    import: '(h: *mut OtherHolder)',
    expect: /field 1 \(`items`\) of `struct OtherHolder` is `\[u8; 8\]` \(8 bytes\) here, `\[u8; 4\]` \(4 bytes\)/,
  },
  {
    name: 'callback',
    export: '(cb: extern "C" fn(i32))',
    import: '(cb: extern "C" fn(i64))',
    expect: /parameter 1 \(a function pointer\): parameter 1 is `i64` \(8 bytes\) here, `i32` \(4 bytes\)/,
  },
  {
    name: 'counter',
    export: '',
    import: '',
    exportItem: '#[no_mangle]\npub static counter: u32 = 0;',
    item: 'static counter: u64;',
    expect: /the type is `u64` \(8 bytes\) here, `u32` \(4 bytes\)/,
  },
];

function workspace(cases: Case[]): string {
  const exports = cases.map(
    (c) => c.exportItem ?? `#[no_mangle]\npub extern "C" fn ${c.name}${c.export} {\n    todo_body()\n}`,
  );
  const byAbi = new Map<string, string[]>();
  for (const c of cases) {
    const abi = c.abi ?? 'C';
    byAbi.set(abi, [...(byAbi.get(abi) ?? []), c.item ?? `fn ${c.name}${c.import};`]);
  }
  const blocks = [...byAbi].map(([abi, items]) => `extern "${abi}" {\n${items.map((i) => `    ${i}`).join('\n')}\n}`);
  return tempTree(
    {
      'Cargo.toml': '[workspace]\nmembers = ["plugin", "host"]\n',
      'plugin/Cargo.toml': '[package]\nname = "plugin"\nversion = "0.1.0"\nedition = "2021"\n',
      'plugin/src/lib.rs': `#![allow(unused)]\n${COMMON}\nfn todo_body<T>() -> T { loop {} }\n\n${exports.join('\n\n')}\n`,
      'host/Cargo.toml': '[package]\nname = "host"\nversion = "0.1.0"\nedition = "2021"\n',
      'host/src/lib.rs': `#![allow(unused)]\n${COMMON}\n${HOST_TYPES}\n${blocks.join('\n\n')}\n`,
    },
    'ffi-guard-abimatch-',
  );
}

function mismatches(json: CheckJson, file: string): Map<string, CheckDiagnostic> {
  return new Map(
    json.diagnostics.filter((d) => d.rule === 'abi-mismatch' && d.file === file).map((d) => [d.symbol ?? '', d]),
  );
}

describe('abi-mismatch: an import against the export of the same symbol', function () {
  this.timeout(300_000);
  let json: CheckJson;
  let sarif: { runs: { results: { ruleId: string; message: { text: string }; relatedLocations?: unknown[] }[] }[] };
  let code: number;
  before(async () => {
    const dir = workspace(CASES);
    const r = await runCli(['check', '.', '--format', 'json'], dir);
    code = r.code;
    json = JSON.parse(r.stdout) as CheckJson;
    sarif = JSON.parse((await runCli(['check', '.', '--format', 'sarif'], dir)).stdout) as typeof sarif;
  });

  for (const c of CASES)
    it(
      c.expect
        ? `flags ${c.name}: ${c.expect.source.slice(0, 60)}`
        : `sees one C signature in ${c.name} (${c.import || c.item} against ${c.export || c.exportItem})`,
      () => {
        const host = mismatches(json, 'host/src/lib.rs');
        const symbol = c.item && /fn local_name/.test(c.item) ? 'local_name' : c.name;
        const found = host.get(symbol);
        if (!c.expect) return assert.strictEqual(found, undefined, found?.message);
        assert.ok(found, `no finding for ${c.name}: ${[...host.keys()].join(', ')}`);
        assert.match(found.message, c.expect);
        assert.strictEqual(found.severity, 'error');
      },
    );

  it('reports both sides, each pointing at the other with its prototype', () => {
    const host = mismatches(json, 'host/src/lib.rs').get('width')!;
    const plugin = mismatches(json, 'plugin/src/lib.rs').get('width')!;
    assert.ok(plugin, 'the export is reported too');
    assert.match(plugin.message, /parameter 2 is `usize` \(8 bytes\) here, `u32` \(4 bytes\) in `host`.s import/);
    assert.deepStrictEqual(
      { file: host.related![0].file, line: host.related![0].line },
      { file: plugin.file, line: plugin.line },
    );
    assert.deepStrictEqual(
      { file: plugin.related![0].file, line: plugin.related![0].line },
      { file: host.file, line: host.line },
    );
    assert.match(host.related![0].message, /exported here by `plugin`: `void width\(const uint8_t \*p, size_t len\);`/);
    assert.match(host.message, /declare it as the export is \(`void width\(const uint8_t \*p, size_t len\);`\)/);
    assert.strictEqual(code, 1, 'an error-severity finding fails the check');
  });

  it('carries the other side as a related location in SARIF', () => {
    const results = sarif.runs[0].results.filter((r) => r.ruleId === 'abi-mismatch');
    assert.strictEqual(results.length, json.diagnostics.filter((d) => d.rule === 'abi-mismatch').length);
    for (const r of results) assert.strictEqual(r.relatedLocations?.length, 1, r.message.text);
    const validate = sarifValidator();
    assert.ok(validate(sarif), JSON.stringify(validate.errors, null, 2));
  });

  it('marks both sides unsafe in the ABI report, with the rule among their findings', async () => {
    const dir = workspace(CASES.filter((c) => c.name === 'width' || c.name === 'usize_u64'));
    const report = JSON.parse((await runCli(['report', '.', '--format', 'json'], dir)).stdout) as {
      symbols: { name: string; direction: string; safe: boolean; findings: string[] }[];
    };
    assert.deepStrictEqual(
      report.symbols
        .filter((s) => s.name === 'width' || s.name === 'usize_u64')
        .map((s) => [s.name, s.direction, s.safe, s.findings.includes('abi-mismatch')])
        .sort(),
      [
        ['usize_u64', 'export', true, false],
        ['usize_u64', 'import', true, false],
        ['width', 'export', false, true],
        ['width', 'import', false, true],
      ],
    );
  });

  it('does not pair files no Cargo.toml covers: each is a program of its own', async () => {
    const dir = tempTree({
      'a.rs': '#[no_mangle]\npub extern "C" fn shared(n: u64) -> u64 {\n    n\n}\n',
      'b.rs': 'extern "C" {\n    pub fn shared(n: u32) -> u32;\n}\n',
    });
    const r = JSON.parse((await runCli(['check', '.', '--format', 'json'], dir)).stdout) as CheckJson;
    assert.strictEqual(r.filesScanned, 2);
    assert.deepStrictEqual(
      r.diagnostics.filter((d) => d.rule === 'abi-mismatch'),
      [],
    );
  });

  it('is switched off by the rules setting', async () => {
    const dir = workspace(CASES.filter((c) => c.name === 'width'));
    const on = JSON.parse((await runCli(['check', '.', '--format', 'json'], dir)).stdout) as CheckJson;
    assert.strictEqual(on.diagnostics.filter((d) => d.rule === 'abi-mismatch').length, 2);
    const off = tempTree({ 'ffi-guard.toml': '[rules]\n"abi-mismatch" = "off"\n' });
    const r = await runCli(['check', '.', '--format', 'json', '--config', `${off}/ffi-guard.toml`], dir);
    assert.strictEqual(
      (JSON.parse(r.stdout) as CheckJson).diagnostics.filter((d) => d.rule === 'abi-mismatch').length,
      0,
    );
  });
});

describe('c-signature: one answer to "do these two C signatures agree?"', () => {
  const int = (size: number, signed: boolean): CType => ({ k: 'int', size, signed });
  const fn = (params: CType[], ret: CType = { k: 'void' }, abi = 'C'): CSignature => ({
    kind: 'function',
    abi,
    params,
    ret,
    variadic: false,
  });
  it('treats C, system, cdecl and C-unwind as one convention on x86_64 Linux, win64 as another', () => {
    for (const abi of ['system', 'cdecl', 'C-unwind', 'sysv64'])
      assert.deepStrictEqual(compareSignatures(fn([], undefined, 'C'), fn([], undefined, abi)), [], abi);
    assert.strictEqual(compareSignatures(fn([], undefined, 'C'), fn([], undefined, 'win64')).length, 1);
  });
  it('never reports a type it cannot lay out', () => {
    assert.ok(sameCType({ k: 'unknown', text: '&str' }, int(4, true)));
  });
  it('compares a struct that points at itself without recursing forever', () => {
    const node: CType = {
      k: 'record',
      tag: 'struct',
      name: 'Node',
      size: 16,
      align: 8,
      fields: [
        { name: 'next', offset: 0, type: { k: 'ptr', to: { k: 'opaque', name: 'Node' } } },
        { name: 'v', offset: 8, type: int(8, false) },
      ],
    };
    assert.ok(sameCType(node, node));
  });
});

describe('abi-mismatch: symbols loaded at run time (libloading, dlsym)', function () {
  this.timeout(120_000);
  let json: CheckJson;
  const HOST = `#![allow(unused)]
use std::os::raw::{c_char, c_int};

/// Loaded by name: each call goes through the type written at the load.
pub type InfoFn = unsafe extern "C" fn(*mut u64);

pub unsafe fn load(lib: &libloading::Library, h: *mut std::ffi::c_void) {
    let count: libloading::Symbol<unsafe extern "C" fn(*const u8, u32) -> u32> = lib.get(b"dyn_count\\0").unwrap();
    let info = lib.get::<InfoFn>(b"dyn_info\\0").unwrap();
    let same: Symbol<'_, unsafe extern "C" fn(c_int) -> c_int> = lib.get(b"dyn_same\\0").unwrap();
    let raw = std::mem::transmute::<_, unsafe extern "C" fn(*const u8, usize) -> u32>(libc::dlsym(h, c"dyn_count".as_ptr()));
    let wide = std::mem::transmute::<_, Option<unsafe extern "C" fn(i64) -> i32>>(dlsym(h, b"dyn_same\\0".as_ptr().cast()));
    let upper: Symbol<unsafe extern "C" fn(&str) -> String> = lib.get(b"dyn_upper\\0").unwrap();
    let rust: Symbol<fn(u8) -> u8> = lib.get(b"dyn_same\\0").unwrap();
}
`;
  const PLUGIN = `use std::os::raw::c_char;

#[no_mangle]
pub extern "C" fn dyn_count(p: *const u8, len: usize) -> u32 { len as u32 }

#[no_mangle]
pub extern "C" fn dyn_info(out: *mut u32) {}

#[no_mangle]
pub extern "C" fn dyn_same(n: i32) -> i32 { n }

#[no_mangle]
pub extern "C" fn dyn_upper(s: *const c_char) -> *mut c_char { std::ptr::null_mut() }
`;
  before(async () => {
    const dir = tempTree({
      'Cargo.toml': '[workspace]\nmembers = ["plugin", "host"]\n',
      'plugin/Cargo.toml': '[package]\nname = "plugin"\nversion = "0.1.0"\nedition = "2021"\n',
      'plugin/src/lib.rs': PLUGIN,
      'host/Cargo.toml': '[package]\nname = "host"\nversion = "0.1.0"\nedition = "2021"\n',
      'host/src/lib.rs': HOST,
    });
    json = JSON.parse((await runCli(['check', '.', '--format', 'json'], dir)).stdout) as CheckJson;
  });

  it("reads Symbol<T>, get::<T>, Symbol<'_, T> and transmute::<_, T>(dlsym(…)), with T an alias or written out", () => {
    const host = json.diagnostics.filter((d) => d.rule === 'abi-mismatch' && d.file === 'host/src/lib.rs');
    const lines = HOST.split('\n');
    assert.deepStrictEqual(
      host.map((d) => [d.symbol, lines[d.line - 1].trim().slice(0, 24)]),
      [
        ['dyn_count', 'let count: libloading::S'],
        ['dyn_info', 'let info = lib.get::<Inf'],
        ['dyn_same', 'let wide = std::mem::tra'],
        ['dyn_upper', 'let upper: Symbol<unsafe'],
      ],
      'the agreeing `same` and `raw` loads and the Rust-ABI `fn` are not flagged',
    );
    assert.match(host[0].message, /parameter 2 is `u32` \(4 bytes\) here, `usize` \(8 bytes\)/);
    assert.match(host[1].message, /parameter 1 is `\*mut u64` here, `\*mut u32`/);
    assert.match(host[2].message, /parameter 1 is `i64` \(8 bytes\) here, `i32` \(4 bytes\)/);
    assert.match(host[3].message, /parameter 1 is `&str`, which has no C type, here, `\*const i8`/);
    assert.match(host[3].message, /the return type is `String`, which has no C type, here, `\*mut i8`/);
  });

  it('points each load at the export and the export back at the load', () => {
    const plugin = json.diagnostics.filter((d) => d.rule === 'abi-mismatch' && d.file === 'plugin/src/lib.rs');
    assert.deepStrictEqual(
      plugin.map((d) => [d.symbol, d.related?.[0].file]),
      [
        ['dyn_count', 'host/src/lib.rs'],
        ['dyn_info', 'host/src/lib.rs'],
        ['dyn_same', 'host/src/lib.rs'],
        ['dyn_upper', 'host/src/lib.rs'],
      ],
    );
  });
});
