import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { runCli as run, tempTree } from './harness/cli';

/**
 * The FFI crates' own export attributes (docs/ffi-crates.md): the functions they export reach the
 * report, the header and the baseline as exports, and are checked by the crate's own rule. The crates
 * are not installed here, so these crates are read, never built.
 */

const MANIFEST = '[package]\nname = "plug"\nversion = "0.1.0"\nedition = "2021"\n\n[lib]\ncrate-type = ["cdylib"]\n';

const LIB = `use ::safer_ffi::prelude::*;
mod api;

#[derive_ReprC]
#[repr(C)]
pub struct Point {
    x: f64,
    y: f64,
}

/// Adds.
#[ffi_export]
fn add(x: i32, y: i32) -> i32 {
    x + y
}

#[ffi_export(rename = "plug_mid")]
fn mid(a: Point, b: &Point) -> Point {
    a
}

#[stabby::export]
pub extern "C" fn stable_fn(v: u8) {}

#[abi_stable::export_root_module]
pub fn get_library() -> Mod_Ref {
    todo!()
}

#[no_mangle]
#[abi_stable::sabi_extern_fn]
pub fn sabi(x: u32) -> u32 {
    x
}

#[abi_stable::sabi_extern_fn]
pub fn not_exported(x: u32) -> u32 {
    x
}

#[stabby::stabby]
pub enum Shape {
    Circle(f64),
    Square(f64),
}

#[stabby::export]
pub extern "C" fn area(s: Shape) -> f64 {
    0.0
}
`;

// A module file that exports only through `#[ffi_export]`: no `extern`, no `no_mangle` in it.
const API = `use safer_ffi::prelude::*;

#[ffi_export]
pub fn name_len(s: char_p::Ref<'_>) -> usize {
    0
}

#[ffi_export]
pub fn bad_name(s: &str) {}
`;

interface Symbol {
  name: string;
  rustName: string;
  kind: string;
  abi: string;
  cPrototype: string | null;
  cPrototypeWhyNot: string | null;
  findings: string[];
}

async function reportOf(dir: string): Promise<Symbol[]> {
  const r = await run(['report', '.', '--format', 'json'], dir);
  assert.strictEqual(r.code, 0, r.stderr);
  return (JSON.parse(r.stdout) as { symbols: Symbol[] }).symbols;
}

describe('FFI crates: their export attributes', function () {
  this.timeout(120000);
  let dir: string;
  before(() => {
    dir = tempTree({ 'Cargo.toml': MANIFEST, 'src/lib.rs': LIB, 'src/api.rs': API });
  });

  it("lists each crate's exports in the report, under the symbol the crate exports", async () => {
    const symbols = await reportOf(dir);
    const byName = new Map(symbols.map((s) => [s.name, s]));
    assert.deepStrictEqual(
      [...byName.keys()].sort(),
      [
        '_1as_0lib_1header_0root_bmodule_bloader',
        'add',
        'area',
        'bad_name',
        'name_len',
        'plug_mid',
        'sabi',
        'stable_fn',
      ].sort(),
    );
    assert.deepStrictEqual(
      ['add', 'plug_mid', 'stable_fn', 'sabi', 'name_len'].map((n) => [n, byName.get(n)?.kind, byName.get(n)?.abi]),
      [
        ['add', 'function', 'C'],
        ['plug_mid', 'function', 'C'],
        ['stable_fn', 'function', 'C'],
        ['sabi', 'function', 'C'],
        ['name_len', 'function', 'C'],
      ],
    );
    assert.strictEqual(byName.get('plug_mid')?.rustName, 'mid');
    assert.strictEqual(byName.get('name_len')?.cPrototype, 'size_t name_len(const char *s);');
    assert.deepStrictEqual(byName.get('bad_name')?.findings, ['safer-ffi-not-repr-c']);
    const root = byName.get('_1as_0lib_1header_0root_bmodule_bloader')!;
    assert.deepStrictEqual([root.kind, root.rustName, root.cPrototype], ['static', 'get_library', null]);
    assert.match(root.cPrototypeWhyNot ?? '', /abi_stable::library::LibHeader/);
    assert.match(byName.get('area')?.cPrototypeWhyNot ?? '', /`Shape` is a stabby enum: .*which C cannot express/);
  });

  it('writes them into the C header and the ABI baseline', async () => {
    const header = await run(['header', dir]);
    assert.strictEqual(header.code, 0, header.stderr);
    assert.match(header.stdout, /\nint32_t add\(int32_t x, int32_t y\);\n/);
    assert.match(header.stdout, /\nstruct Point plug_mid\(struct Point a, const struct Point \*b\);\n/);
    assert.match(header.stdout, /\nvoid stable_fn\(uint8_t v\);\n/);
    assert.doesNotMatch(header.stdout, /not_exported/);
    // The root module's static is abi_stable's own type: said, not declared.
    assert.match(header.stdout, /\n\/\* _1as_0lib_1header_0root_bmodule_bloader: not expressible in C: .*\*\/\n/);
    assert.match(header.stdout, /\n\/\* area: not expressible in C: `Shape` is a stabby enum/);
    const out = path.join(dir, 'plug.ffi-abi');
    const snap = await run(['snapshot', dir, '--out', out]);
    assert.strictEqual(snap.code, 0, snap.stderr);
    const baseline = fs.readFileSync(out, 'utf8');
    for (const name of ['add', 'plug_mid', 'stable_fn', 'sabi', 'name_len'])
      assert.match(baseline, new RegExp(`\\b${name}\\b`), name);
    assert.doesNotMatch(baseline, /\bnot_exported\b/);
  });

  it('checks a module file whose only exports are #[ffi_export] functions', async () => {
    const r = await run(['check', '.', '--format', 'json'], dir);
    const found = (JSON.parse(r.stdout) as { diagnostics: { file: string; rule: string; line: number }[] }).diagnostics;
    assert.deepStrictEqual(
      found.map((d) => [d.file, d.line, d.rule]),
      [['src/api.rs', 9, 'safer-ffi-not-repr-c']],
    );
  });

  it("takes a bare #[ffi_export] for safer_ffi's only where safer_ffi brings it in", async () => {
    const other = tempTree({
      'Cargo.toml': MANIFEST,
      'src/lib.rs': `mod renamed;\n\n#[ffi_export]\nfn unknown(s: &str) {}\n`,
      'src/renamed.rs': `use safer_ffi::ffi_export as export_c;\n\n#[export_c]\nfn ours(s: &str) {}\n`,
    });
    const r = await run(['check', '.', '--format', 'json'], other);
    const found = (JSON.parse(r.stdout) as { diagnostics: { file: string; rule: string }[] }).diagnostics;
    assert.deepStrictEqual(
      found.map((d) => [d.file, d.rule]),
      [['src/renamed.rs', 'safer-ffi-not-repr-c']],
    );
    assert.deepStrictEqual(
      (await reportOf(other)).map((s) => s.name),
      ['ours'],
    );
  });

  it('offers #[derive_ReprC] where a #[repr(C)] fix would not compile, and no repr or shim fix', async () => {
    const fixable = tempTree({
      'Cargo.toml': MANIFEST,
      'src/lib.rs': `use ::safer_ffi::prelude::*;

/// A point.
#[repr(C)]
pub struct Point {
    x: f64,
}

pub struct Rusty {
    x: u32,
}

#[derive_ReprC]
pub enum Mode {
    A,
    B,
}

pub struct Named {
    name: String,
}

#[ffi_export]
fn f(a: Point, b: &Rusty, m: Mode, n: &Named, s: &str) {}
`,
    });
    const r = await run(['check', '.', '--format', 'json'], fixable);
    const found = (
      JSON.parse(r.stdout) as { diagnostics: { rule: string; message: string; fixes: string[] }[] }
    ).diagnostics.filter((d) => d.rule === 'safer-ffi-not-repr-c');
    assert.deepStrictEqual(
      found.map((d) => d.fixes.filter((t) => !t.startsWith('Silence'))),
      [
        ["Add `#[derive_ReprC]` to `Point` (safer_ffi's `ReprC`)"],
        ["Add `#[derive_ReprC]` and `#[repr(C)]` to `Rusty` (safer_ffi's `ReprC`)"],
        ["Add `#[repr(u8)]` to `Mode` (safer_ffi's `ReprC`)"],
        [], // a `String` field: the derive would not hold
        [],
      ],
    );
    assert.ok(
      found.every((d) => d.fixes.every((t) => !/shim|extern "C"|Add `#\[repr\(C\)\]` to `Point`/.test(t))),
      JSON.stringify(found),
    );
    const fix = await run(['fix', fixable]);
    assert.strictEqual(fix.code, 0, fix.stderr);
    const text = fs.readFileSync(path.join(fixable, 'src/lib.rs'), 'utf8');
    assert.match(text, /\/\/\/ A point\.\n#\[derive_ReprC\]\n#\[repr\(C\)\]\npub struct Point/);
    assert.match(text, /\n#\[derive_ReprC\]\n#\[repr\(C\)\]\npub struct Rusty/);
    assert.match(text, /\n#\[derive_ReprC\]\n#\[repr\(u8\)\]\npub enum Mode/);
    assert.match(text, /\npub struct Named/);
    const after = await run(['check', '.', '--format', 'json'], fixable);
    const left = (JSON.parse(after.stdout) as { diagnostics: { rule: string; message: string }[] }).diagnostics.filter(
      (d) => d.rule === 'safer-ffi-not-repr-c',
    );
    assert.deepStrictEqual(
      left.map((d) => d.message.split(',')[0]),
      ["`Named` does not implement safer_ffi's `ReprC`", "`&str` does not implement safer_ffi's `ReprC`"],
    );
  });

  it('offers no shim for a #[sabi_extern_fn] function, which the crate keeps as written', async () => {
    const source = `use abi_stable::sabi_extern_fn;

#[sabi_extern_fn]
pub fn greet(name: &str) -> u32 {
    name.len() as u32
}
`;
    const sabi = tempTree({ 'Cargo.toml': MANIFEST, 'src/lib.rs': source });
    const r = await run(['check', '.', '--format', 'json'], sabi);
    const found = (JSON.parse(r.stdout) as { diagnostics: { rule: string; fixes: string[] }[] }).diagnostics;
    assert.deepStrictEqual(
      found.map((d) => [d.rule, d.fixes]),
      [['str-type', ['Allow `improper_ctypes_definitions` here, with a reason']]],
    );
    const fix = await run(['fix', '.'], sabi);
    assert.strictEqual(fix.code, 0, fix.stderr);
    assert.strictEqual(fs.readFileSync(path.join(sabi, 'src/lib.rs'), 'utf8'), source);
  });

  it('offers no extern "C-unwind" for a #[sabi_extern_fn] function: the crate writes extern "C" over it', async () => {
    const sabi = tempTree({
      'Cargo.toml': MANIFEST,
      'src/lib.rs': `use abi_stable::sabi_extern_fn;

#[sabi_extern_fn]
pub extern "C" fn first(xs: &[u8; 4], i: usize) -> u8 {
    xs[i]
}
`,
    });
    const r = await run(['check', '.', '--format', 'json'], sabi);
    const found = (JSON.parse(r.stdout) as { diagnostics: { rule: string; fixes: string[] }[] }).diagnostics;
    const panic = found.find((d) => d.rule === 'panic-across-ffi');
    assert.ok(panic, JSON.stringify(found));
    assert.ok(
      panic.fixes.some((t) => t.includes('catch_unwind')),
      JSON.stringify(panic.fixes),
    );
    assert.ok(!panic.fixes.some((t) => t.includes('C-unwind')), JSON.stringify(panic.fixes));
  });
});
