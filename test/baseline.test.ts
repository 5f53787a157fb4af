import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { tempDir } from './harness/tmp';
import { REPO, runCli as run } from './harness/cli';
import {
  AbiSnapshot,
  AbiSymbol,
  diffSurfaces,
  formatBaseline,
  formatSnapshot,
  parseBaseline,
  parseSnapshot,
  SnapshotError,
} from '../server/src/core/abi/baseline';
import { readAgainst } from '../server/src/core/abi/against';
import { INVISIBLE } from '../protocol/text';

/** The ABI baseline (`ffi-guard snapshot`) and its diff (`ffi-guard diff`): one fixture pair per breaking case. */

const DIFF = path.join('test', 'fixtures-abi', 'diff');

function tempFile(name: string, text?: string): string {
  const file = path.join(tempDir('ffi-guard-abi-'), name);
  if (text !== undefined) fs.writeFileSync(file, text);
  return file;
}

/** Snapshot `old/`, diff `new/` against it. */
async function diffCase(name: string): Promise<{ code: number; stdout: string; stderr: string }> {
  const baseline = tempFile('old.ffi-abi');
  const snap = await run(['snapshot', path.join(DIFF, name, 'old'), '--out', baseline]);
  assert.strictEqual(snap.code, 0, snap.stderr);
  return run(['diff', path.join(DIFF, name, 'new'), '--baseline', baseline]);
}

/** Each breaking case the issue lists, with the line `ffi-guard diff` must print for it. */
const BREAKING: [string, RegExp][] = [
  ['symbol-removed', /^breaking: fn buf_name: removed/m],
  ['symbol-renamed', /^breaking: fn buf_name: renamed to `buf_label`/m],
  ['param-type', /^breaking: fn buf_len: parameter 1 changed from `\*const Buf` to `\*mut Buf`/m],
  ['return-type', /^breaking: fn buf_len: return type changed from `u32` to `u64`/m],
  ['abi', /^breaking: fn buf_status: ABI changed from "C" to "system"/m],
  ['field-added', /^breaking: field Buf\.flags: added/m],
  ['field-removed', /^breaking: field Buf\.cap: removed/m],
  ['field-reordered', /^breaking: field Buf\.len: moved from position 1 to 2/m],
  ['field-retyped', /^breaking: field Buf\.cap: type changed from `u32` to `i32`/m],
  ['discriminant', /^breaking: variant Status\.Failed: discriminant changed from 1 to 2/m],
  ['enum-repr', /^breaking: type Status: repr changed from `C` to `u8`/m],
  ['size', /^breaking: type Outer: size changed from 12 to 16 bytes/m],
  ['alignment', /^breaking: type Outer: alignment changed from 4 to 8/m],
];

/**
 * Changes a C caller cannot see (issue 14, item 5): the lines `diff` must print, and no breaking one.
 * `*mut T` ≡ `&mut T` ≡ `Option<&mut T>` ≡ `Option<NonNull<T>>`, `*const T` ≡ `&T`; a renamed
 * parameter is no change at all; a struct renamed with its layout kept is cosmetic.
 */
const COSMETIC: [string, string[]][] = [
  [
    'same-c-type',
    [
      'cosmetic: fn buf_len: parameter 1: `*mut Buf` is now spelled `&mut Buf`: a C caller sees the same type',
      'cosmetic: fn buf_clear: parameter 1: `*mut Buf` is now spelled `Option<NonNull<Buf>>`: a C caller sees the same type',
      'cosmetic: fn buf_cap: parameter 1: `*const Buf` is now spelled `&Buf`: a C caller sees the same type',
      'cosmetic: fn buf_name: parameter 1: `*const Buf` is now spelled `Option<&Buf>`: a C caller sees the same type',
      'cosmetic: fn buf_name: parameter 2: `*mut i8` is now spelled `Option<&mut i8>`: a C caller sees the same type',
      '5 changes: 0 breaking, 0 compatible, 5 cosmetic',
    ],
  ],
  [
    'struct-renamed',
    [
      'compatible: type Range: added to the C surface',
      'cosmetic: fn span_len: parameter 1: `*const Span` is now spelled `*const Range`: a C caller sees the same type',
      'cosmetic: type Span: no longer reached from the C surface',
    ],
  ],
];

describe('abi baseline: ffi-guard snapshot / diff', function () {
  this.timeout(60_000);

  it('has a fixture pair for every case', () => {
    const dirs = fs.readdirSync(path.join(REPO, DIFF)).sort();
    assert.deepStrictEqual(dirs, [...BREAKING.map(([n]) => n), ...COSMETIC.map(([n]) => n), 'pure-addition'].sort());
  });

  for (const [name, expected] of BREAKING) {
    it(`reports ${name} as breaking and exits 1`, async () => {
      const r = await diffCase(name);
      assert.strictEqual(r.code, 1, r.stdout + r.stderr);
      assert.match(r.stdout, expected);
    });
  }

  for (const [name, lines] of COSMETIC) {
    it(`classes ${name} as cosmetic and exits 0`, async () => {
      const r = await diffCase(name);
      assert.strictEqual(r.code, 0, r.stdout + r.stderr);
      assert.doesNotMatch(r.stdout, /^breaking/m);
      for (const line of lines) assert.ok(r.stdout.includes(line + '\n'), `${line}\n--- in ---\n${r.stdout}`);
    });
  }

  it('classes a pointer parameter that lost its `const` as breaking: C callers passing one no longer compile', async () => {
    const r = await diffCase('param-type');
    assert.match(
      r.stdout,
      /parameter 1 changed from `\*const Buf` to `\*mut Buf`: the same ABI, but C code passing a `const` pointer/,
    );
  });

  it('reports a pure addition as compatible and exits 0', async () => {
    const r = await diffCase('pure-addition');
    assert.strictEqual(r.code, 0, r.stdout + r.stderr);
    assert.doesNotMatch(r.stdout, /^breaking/m);
    for (const line of [
      'compatible: fn buf_span: added',
      'compatible: type Span: added',
      'compatible: variant Status.Busy: added (= 2)',
      'cosmetic: type Buf: documentation changed',
    ])
      assert.ok(r.stdout.includes(line), `${line}\n--- in ---\n${r.stdout}`);
  });

  it('finds no change between a crate and its own baseline', async () => {
    const baseline = tempFile('kv.ffi-abi');
    assert.strictEqual((await run(['snapshot', 'test/fixtures-abi/kvstore', '--out', baseline])).code, 0);
    const r = await run(['diff', 'test/fixtures-abi/kvstore', '--baseline', baseline]);
    assert.deepStrictEqual([r.code, r.stdout], [0, 'no ABI changes\n']);
  });

  it('writes one fact a line, in a stable order, and reads it back', async () => {
    const baseline = tempFile('kv.ffi-abi');
    await run(['snapshot', 'test/fixtures-abi/kvstore', '--out', baseline]);
    const text = fs.readFileSync(baseline, 'utf8');
    const lines = text.trimEnd().split('\n');
    assert.strictEqual(lines[0], 'ffi-abi 1');
    for (const line of [
      'fn kv_put(*mut KvStore, *const i8, Value) -> KvStatus  abi=C doc=',
      'fn kv_visit(*const KvStore, extern "C" fn(*const i8, *const Value, *mut c_void) -> i32, *mut c_void) -> usize  abi=C',
      'static KV_ABI_VERSION: u32  abi=C',
      'import fn abs(i32) -> i32  abi=C',
      'type KvStats struct  repr=C size=32 align=8',
      'field KvStats.histogram: [u32; 4]  index=2 offset=12',
      'type ValueKind enum  repr=u8 size=1 align=1',
      'variant KvStatus.BadKey = 16',
      'variant KvStatus.Full = -1',
      'type geo::Point struct  repr=C size=8 align=4',
      'type KvStore struct  repr=Rust size=? align=?',
    ])
      assert.ok(
        lines.some((l) => l.startsWith(line)),
        `no line starting \`${line}\` in\n${text}`,
      );
    // Rust-ABI, unexported and plain Rust functions are not part of the C ABI.
    assert.doesNotMatch(text, /kv_rust_len|kv_internal_hash|kv_keys/);
    const snap = parseSnapshot(text);
    assert.strictEqual(formatSnapshot(snap), text, 'parse then format gives the same text');
    assert.deepStrictEqual(diffSurfaces(snap, snap), []);
    // A second snapshot is byte-identical: nothing depends on map order or time.
    const again = tempFile('kv2.ffi-abi');
    await run(['snapshot', 'test/fixtures-abi/kvstore', '--out', again]);
    assert.strictEqual(fs.readFileSync(again, 'utf8'), text);
  });

  it('exits 2 on a missing, malformed or newer baseline and on usage errors', async () => {
    const missing = await run(['diff', 'test/fixtures-abi/kvstore', '--baseline', 'no/such/file.ffi-abi']);
    assert.strictEqual(missing.code, 2);
    assert.match(missing.stderr, /cannot read the baseline no\/such\/file\.ffi-abi/);
    const garbage = await run(['diff', 'test/fixtures-abi/kvstore', '--baseline', tempFile('x.ffi-abi', 'hello\n')]);
    assert.strictEqual(garbage.code, 2);
    assert.match(garbage.stderr, /line 1: expected `ffi-abi 1`/);
    const newer = await run(['diff', 'test/fixtures-abi/kvstore', '--baseline', tempFile('x.ffi-abi', 'ffi-abi 7\n')]);
    assert.strictEqual(newer.code, 2);
    assert.match(newer.stderr, /format version 7 is not supported/);
    const badLine = await run([
      'diff',
      'test/fixtures-abi/kvstore',
      '--baseline',
      tempFile('x.ffi-abi', 'ffi-abi 1\nfield Nope.x: u8\n'),
    ]);
    assert.strictEqual(badLine.code, 2);
    assert.match(badLine.stderr, /line 2: no `type Nope` line/);
    assert.strictEqual((await run(['diff', 'test/fixtures-abi/kvstore'])).code, 2);
    assert.strictEqual((await run(['snapshot', 'test/fixtures-abi/kvstore'])).code, 2);
    assert.strictEqual((await run(['snapshot', '--out', tempFile('x'), '--bogus'])).code, 2);
  });

  it('parses what it documents and rejects what it does not', () => {
    const snap = parseSnapshot(
      [
        'ffi-abi 1',
        '# a comment',
        '',
        'fn f(extern "C" fn(i32, *const [u8; 2]) -> i32, Pair<u8, i16>) -> *mut u8  abi=C-unwind',
        'import fn printf(*const i8, ...) -> i32  abi=C',
        'static mut COUNTER: u64  abi=C',
        'type Pair<u8, i16> struct  repr=C size=4 align=2',
        'field Pair<u8, i16>.a: u8  index=0 offset=0',
        'field Pair<u8, i16>.b: i16  index=1 offset=2',
        'type E enum  repr=u8 size=1 align=1',
        'variant E.A = ?',
      ].join('\n'),
    );
    assert.deepStrictEqual(snap.symbols[0].params, ['extern "C" fn(i32, *const [u8; 2]) -> i32', 'Pair<u8, i16>']);
    assert.deepStrictEqual([snap.symbols[0].type, snap.symbols[0].abi], ['*mut u8', 'C-unwind']);
    assert.deepStrictEqual(snap.symbols[1].params, ['*const i8', '...']);
    assert.deepStrictEqual([snap.symbols[2].mutable, snap.symbols[2].type], [true, 'u64']);
    assert.deepStrictEqual(
      snap.types[0].fields.map((f) => [f.name, f.type, f.offset]),
      [
        ['a', 'u8', 0],
        ['b', 'i16', 2],
      ],
    );
    assert.strictEqual(snap.types[1].variants[0].value, '?');
    assert.throws(() => parseSnapshot('ffi-abi 1\nfn broken(u8\n'), SnapshotError);
    assert.throws(() => parseSnapshot('ffi-abi 1\nwhatever\n'), /line 2: not a line of an ABI baseline/);
  });
});

describe('abi baseline: several targets in one file (format version 3)', () => {
  const section = (target: string, ret: string): AbiSnapshot => ({
    target,
    symbols: [
      {
        kind: 'fn',
        direction: 'export',
        name: 'get',
        params: ['*const Rec'],
        type: ret,
        mutable: false,
        abi: 'C',
        doc: null,
      },
    ],
    types: [
      {
        name: 'Rec',
        kind: 'struct',
        repr: 'C',
        size: 8,
        align: 4,
        fields: [{ name: 'b', index: 0, type: ret, offset: 0 }],
        variants: [],
        doc: null,
      },
    ],
  });
  const linux = section('x86_64-unknown-linux-gnu', 'i64');
  const windows = section('x86_64-pc-windows-msvc', 'i32');

  it("writes each target's facts after its `target` line and reads them back apart", () => {
    const text = formatBaseline([linux, windows]);
    assert.deepStrictEqual(text.split('\n').slice(0, 3), [
      'ffi-abi 3',
      text.split('\n')[1],
      'target x86_64-unknown-linux-gnu',
    ]);
    assert.deepStrictEqual(parseBaseline(text), { version: 3, sections: [linux, windows] });
    assert.deepStrictEqual(parseSnapshot(text, 'x86_64-pc-windows-msvc'), windows);
    assert.throws(
      () => parseSnapshot(text, 'aarch64-apple-darwin'),
      /records no ABI for aarch64-apple-darwin \(it records x86_64-unknown-linux-gnu, x86_64-pc-windows-msvc\)/,
    );
  });

  it('keeps the lowest version that reads a file: one target spelled as on x86_64 Linux stays version 1', () => {
    assert.strictEqual(formatSnapshot(linux).split('\n')[0], 'ffi-abi 1');
    // `c_long` is `i32` on Windows: readers before version 3 would take that spelling for x86_64 Linux's.
    assert.strictEqual(formatSnapshot(windows).split('\n')[0], 'ffi-abi 3');
    assert.deepStrictEqual(parseBaseline(formatSnapshot(linux)), { version: 1, sections: [linux] });
  });

  it('refuses a second target before version 3, and a target twice', () => {
    const two = formatBaseline([linux, windows]);
    assert.throws(
      () => parseBaseline(two.replace('ffi-abi 3', 'ffi-abi 2')),
      /a second `target` line, which format version 3 brought \(this file says 2\)/,
    );
    assert.throws(() => parseBaseline(formatBaseline([linux, linux])), /a second section for x86_64-unknown-linux-gnu/);
    // A field names a type of its own section.
    assert.throws(
      () =>
        parseBaseline(
          'ffi-abi 3\ntarget a\ntype T struct  repr=C size=1 align=1\ntarget b\nfield T.x: u8  index=0 offset=0\n',
        ),
      /line 5: no `type T` line before this one/,
    );
  });

  it('check --against a baseline of several targets reads its x86_64 Linux section', async () => {
    const text = formatBaseline([windows, linux]);
    const read = await readAgainst('lib.ffi-abi', text);
    assert.deepStrictEqual(
      read.abi.symbols.map((s) => [s.name, s.line, s.cPrototype]),
      [['get', text.split('\n').indexOf('fn get(*const Rec) -> i64  abi=C') + 1, 'fn get(*const Rec) -> i64']],
    );
  });
});

describe('abi baseline: names that are not plain identifiers', function () {
  this.timeout(60_000);
  const sym = (name: string, over: Partial<AbiSymbol> = {}): AbiSymbol => ({
    kind: 'fn',
    direction: 'export',
    name,
    params: ['u32'],
    type: null,
    mutable: false,
    abi: 'C',
    doc: null,
    ...over,
  });
  const NAMES = [
    'evil\nname',
    'split  two',
    'a(b)',
    'x: y',
    '"quoted"',
    'back\\slash',
    'esc\u001b[31m\u0001\u007f\u0085',
    'bidi\u202eevil',
    'tab\there',
    'ünï`code`',
    '',
  ];

  it('quotes an export_name holding a newline, spaces, parentheses or control characters, and reads it back', () => {
    const snap: AbiSnapshot = {
      symbols: [
        ...NAMES.map((n) => sym(n)),
        sym('static name', { kind: 'static', params: [], type: 'u32', mutable: true }),
        sym('weird abi', { abi: 'weird abi', direction: 'import' }),
      ],
      types: [],
    };
    const text = formatSnapshot(snap);
    assert.strictEqual(text.split('\n')[0], 'ffi-abi 2', 'quoting needs version 2');
    assert.strictEqual(text.trimEnd().split('\n').length, 2 + snap.symbols.length, 'one fact a line');
    assert.doesNotMatch(text.replace(/\n/g, ''), INVISIBLE);
    assert.ok(text.includes('fn "evil\\u000aname"(u32)  abi=C\n'), text);
    assert.ok(text.includes('import fn "weird abi"(u32)  abi="weird abi"\n'), text);
    assert.deepStrictEqual(parseSnapshot(text), snap);
    assert.deepStrictEqual(diffSurfaces(snap, parseSnapshot(text)), []);
  });

  it('reads non-ASCII type, field and variant names and quoted types', () => {
    const snap: AbiSnapshot = {
      symbols: [
        sym('f', {
          params: [
            'Pöint<u8>',
            'extern "C" fn(*const i8) -> i32',
            '[u8; "\u0001".len()]',
            "[u8; '(' as usize]",
            "[u8; '\"' as usize]",
          ],
          type: "[u8; ')' as usize]",
        }),
      ],
      types: [
        {
          name: 'Pöint<u8>',
          kind: 'struct',
          repr: 'C',
          size: 8,
          align: 4,
          fields: [
            { name: 'größe', index: 0, type: 'u8', offset: 0 },
            { name: 'odd.na: me', index: 1, type: 'u8', offset: 1 },
          ],
          variants: [],
          doc: null,
        },
        {
          name: 'Farbe',
          kind: 'enum',
          repr: 'u8',
          size: 1,
          align: 1,
          fields: [],
          variants: [{ name: 'Grün', value: '1', fields: 0 }],
          doc: null,
        },
      ],
    };
    const text = formatSnapshot(snap);
    assert.ok(text.includes('field Pöint<u8>.größe: u8  index=0 offset=0\n'), text);
    assert.ok(text.includes('variant Farbe.Grün = 1\n'), text);
    assert.ok(text.includes('fn f(Pöint<u8>, extern "C" fn(*const i8) -> i32, "[u8; \\"\\u0001\\".len()]", '), text);
    assert.ok(text.includes('field Pöint<u8>."odd.na: me": u8  index=1 offset=1\n'), text);
    assert.deepStrictEqual(parseSnapshot(text), snap);
  });

  it('writes version 1, as before, when no name needs quoting, and still reads version 1', () => {
    const snap: AbiSnapshot = { symbols: [sym('plain'), sym('f', { params: ['fn(u32)'], type: 'u8' })], types: [] };
    const text = formatSnapshot(snap);
    assert.strictEqual(text.split('\n')[0], 'ffi-abi 1');
    assert.deepStrictEqual(parseSnapshot(text), snap, 'a Rust fn pointer parameter too');
    // Version 1 has no quoting: a quote there is part of the name, as version 1 wrote it.
    assert.strictEqual(parseSnapshot('ffi-abi 1\nfn "x(u32)  abi=C\n').symbols[0].name, '"x');
  });

  it('names the line of a malformed quoted name', () => {
    assert.throws(() => parseSnapshot('ffi-abi 2\nfn "open(u32)  abi=C\n'), /line 2: an unterminated quoted name/);
    assert.throws(() => parseSnapshot('ffi-abi 2\nfn "\\x"(u32)  abi=C\n'), /line 2: a malformed quoted name/);
    assert.throws(() => parseSnapshot('ffi-abi 2\nfn f(u32)  abi="C\n'), /line 2: an unterminated quoted name/);
  });

  it('records #[link_name]: a changed link name is a breaking change', async () => {
    const crate = (link: string): string => {
      const dir = tempDir('ffi-guard-link-');
      fs.writeFileSync(
        path.join(dir, 'lib.rs'),
        `extern "C" {\n    #[link_name = "${link}"]\n    pub fn compress(x: u32) -> u32;\n}\n`,
      );
      return dir;
    };
    const baseline = tempFile('link.ffi-abi');
    assert.strictEqual((await run(['snapshot', crate('zlib_compress_v1'), '--out', baseline])).code, 0);
    assert.ok(fs.readFileSync(baseline, 'utf8').includes('import fn zlib_compress_v1(u32) -> u32  abi=C\n'));
    const r = await run(['diff', crate('zlib_compress_v2'), '--baseline', baseline]);
    assert.strictEqual(r.code, 1, r.stdout);
    assert.match(
      r.stdout,
      /^breaking: import fn zlib_compress_v1: now linked as `zlib_compress_v2`: the C side must provide that symbol/m,
    );
  });
});
