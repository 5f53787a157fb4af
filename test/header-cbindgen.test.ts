import * as assert from 'assert';
import { execFileSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { REPO, runCli, tempTree } from './harness/cli';
import { tempDir } from './harness/tmp';

/**
 * The header against cbindgen's (Debian's cbindgen 0.24.3, installed by scripts/setup-oracles.sh): on
 * each crate, every function both headers declare has the same C type once typedefs are resolved, enums
 * are read as their integer type and `const` is set aside (a C++ probe prints each normalised type), and
 * every struct both define has the same size, alignment and field offsets (measured from our header,
 * then `_Static_assert`ed against cbindgen's). cbindgen 0.24 does not see edition 2024's
 * `#[unsafe(no_mangle)]`: only what both declare is compared, and each crate must share some.
 */

const INSTALL = 'bash scripts/setup-oracles.sh   (or: apt-get install -y cbindgen)';

function run(cmd: string, args: string[], cwd?: string): string {
  const r = spawnSync(cmd, args, { cwd, encoding: 'utf8' });
  if (r.error || r.status !== 0)
    throw new Error(`${cmd} ${args.join(' ')} failed:\n${r.stderr ?? ''}${r.stdout ?? ''}${r.error?.message ?? ''}`);
  return r.stdout;
}

/** The layout-compatible crate the comparison always includes: generics, `PhantomData`, self-reference, unions, RFC 2195 enums. */
const LAYOUTS = `use std::marker::PhantomData;
use std::ffi::{c_char, c_void};
#[repr(C)]
pub struct WithPhantom<'a> { pub x: u32, pub marker: PhantomData<&'a u8>, pub y: u16 }
#[repr(C)]
pub struct Pair<T> { pub a: T, pub b: T }
#[repr(C)]
pub struct Node { pub value: i32, pub next: *mut Node, pub other: *const Other }
#[repr(C)]
pub struct Other { pub n: *mut Node, pub k: u8 }
#[repr(C)]
pub union Bits { pub a: u32, pub b: f32, pub c: [u8; 8] }
#[repr(C, u8)]
pub enum Shape { Circle { r: f32 }, Rect(f32, f64), Empty }
#[repr(u16)]
pub enum Mode { Off = 0, On = 7 }
#[repr(C)]
pub struct Packed { pub tag: u8, pub value: u64, pub mode: Mode, pub cb: Option<extern "C" fn(*const c_char, usize) -> i32> }
pub struct Hidden { _s: String }
#[repr(C)]
pub struct Title<const N: usize> { pub len: u8, pub s: [i8; N] }
#[repr(C)]
pub struct Mixed<T, const N: usize> { pub v: [T; N], pub n: T }
#[repr(C)]
pub struct Duo<A, B> { pub a: A, pub b: B }
#[no_mangle] pub extern "C" fn wp(w: WithPhantom<'static>) -> u32 { w.x }
#[no_mangle] pub extern "C" fn pairs(a: Pair<u32>, b: *const Pair<f64>) -> Pair<u8> { let _ = b; Pair { a: a.a as u8, b: 0 } }
#[no_mangle] pub extern "C" fn node(n: *mut Node, o: Other) -> *const Node { let _ = o; n }
#[no_mangle] pub extern "C" fn bits(b: Bits, out: *mut Bits) -> f32 { let _ = out; unsafe { b.b } }
#[no_mangle] pub extern "C" fn shape(s: Shape, m: Mode) -> f64 { let _ = (s, m); 0.0 }
#[no_mangle] pub extern "C" fn packed(p: Packed, h: *mut Hidden, data: *const *mut c_void, n: isize) -> bool { let _ = (p, h, data, n); true }
#[no_mangle] pub extern "C" fn titles(a: Title<16>, b: *const Title<32>) -> u8 { let _ = b; a.len }
#[no_mangle] pub extern "C" fn mixed(m: Mixed<u32, 4>, t: Mixed<Title<2>, 3>) -> u32 { let _ = t; m.n }
#[no_mangle] pub extern "C" fn duo(d: Duo<u8, Duo<u16, f64>>, p: *mut Duo<*const u8, Mixed<i16, 2>>) -> u8 { let _ = p; d.a }
#[no_mangle] pub static mut COUNTER: u64 = 0;
`;

interface Compared {
  prototypes: number;
  structs: number;
  offsets: number;
}

/** Both headers of one crate, compared; throws with both types on a disagreement. */
function compare(crateDir: string, source: string, tmp: string, name: string): Promise<Compared> {
  return (async () => {
    const ours = path.join(tmp, `${name}.ffi-guard.h`);
    const r = await runCli(['header', crateDir, '--out', ours]);
    assert.strictEqual(r.code, 0, r.stderr);
    const theirs = path.join(tmp, `${name}.cbindgen.h`);
    const cfg = path.join(tmp, `${name}.cbindgen.toml`);
    fs.writeFileSync(cfg, 'language = "C"\ncpp_compat = true\nstyle = "both"\n');
    run('cbindgen', ['--quiet', '--lang', 'c', '--config', cfg, '-o', theirs, source]);
    const ourText = fs.readFileSync(ours, 'utf8');
    const theirText = oneLinePerDeclaration(fs.readFileSync(theirs, 'utf8'));
    const both = [...declared(ourText)].filter((f) => declared(theirText).has(f)).sort();
    // cbindgen declares what it cannot spell too (`const str *`): only what both declare is compared.
    fs.writeFileSync(
      theirs,
      theirText
        .split('\n')
        .filter((l) => {
          const f = prototypeName(l);
          return f === null || both.includes(f);
        })
        .join('\n'),
    );
    const signatures = (header: string): Map<string, string> => {
      const probe = path.join(tmp, `${name}-${path.basename(header)}.probe.cc`);
      fs.writeFileSync(probe, probeSource(header, both));
      const exe = probe.replace(/\.cc$/, '');
      run('c++', ['-std=c++11', '-w', '-o', exe, probe]);
      return new Map(
        run(exe, [])
          .trim()
          .split('\n')
          .filter(Boolean)
          .map((l) => l.split('\t') as [string, string]),
      );
    };
    const mine = signatures(ours);
    const cb = signatures(theirs);
    for (const f of both) assert.strictEqual(mine.get(f), cb.get(f), `${name}: \`${f}\` differs (ours, cbindgen's)`);
    // Layouts: measured from our header, asserted against cbindgen's.
    const structs = structsOf(ourText).filter((s) => new RegExp(`\\b(struct|union) ${s.name} \\{`).test(theirText));
    const measure = path.join(tmp, `${name}.measure.c`);
    fs.writeFileSync(measure, measureSource(ours, structs));
    run('cc', ['-std=c11', '-w', '-o', measure.replace(/\.c$/, ''), measure]);
    const facts = run(measure.replace(/\.c$/, ''), []).trim().split('\n').filter(Boolean);
    const asserts = path.join(tmp, `${name}.asserts.c`);
    let offsets = 0;
    fs.writeFileSync(
      asserts,
      [
        '#include <stddef.h>',
        `#include "${theirs}"`,
        ...facts.map((line) => {
          const [what, tag, field, value] = line.split('\t');
          if (what === 'offset') offsets++;
          const expr =
            what === 'size' ? `sizeof(${tag})` : what === 'align' ? `_Alignof(${tag})` : `offsetof(${tag}, ${field})`;
          return `_Static_assert(${expr} == ${value}, "${what} of ${tag} ${field}");`;
        }),
        '',
      ].join('\n'),
    );
    run('cc', ['-std=c11', '-Wall', '-Werror', '-fsyntax-only', asserts]);
    return { prototypes: both.length, structs: structs.length, offsets };
  })();
}

/** The function a line declares, or null. */
function prototypeName(line: string): string | null {
  return /^[^#/ *}][^;{}]*?\b([A-Za-z_]\w*)\((?:[^;{}]*)\);$/.exec(line)?.[1] ?? null;
}

function declared(text: string): Set<string> {
  return new Set(
    text
      .split('\n')
      .map(prototypeName)
      .filter((f): f is string => f !== null),
  );
}

/** cbindgen wraps long prototypes; joined, each declaration is one line. */
function oneLinePerDeclaration(text: string): string {
  let depth = 0;
  let out = '';
  for (const ch of text) {
    if (ch === '(') depth++;
    else if (ch === ')') depth--;
    if (ch === '\n' && depth > 0) {
      out += ' ';
      continue;
    }
    out += ch;
  }
  return out.replace(/\( +/g, '(').replace(/ {2,}/g, ' ');
}

/** A C++ program that prints, per function, its type with typedefs resolved, enums as integers and `const` dropped. */
function probeSource(header: string, functions: string[]): string {
  return [
    '#include <cxxabi.h>',
    '#include <cstdio>',
    '#include <cstdlib>',
    '#include <type_traits>',
    '#include <typeinfo>',
    `#include "${header}"`,
    'template <class T, bool E = std::is_enum<T>::value> struct Int { typedef T type; };',
    'template <class T> struct Int<T, true> { typedef typename std::underlying_type<T>::type type; };',
    'template <class T> struct N2;',
    'template <class T> struct N { typedef typename N2<typename std::remove_cv<T>::type>::type type; };',
    'template <class T> struct N2 { typedef typename Int<T>::type type; };',
    'template <class T> struct N2<T *> { typedef typename N<T>::type *type; };',
    'template <class T, size_t L> struct N2<T[L]> { typedef typename N<T>::type type[L]; };',
    'template <class R, class... A> struct N2<R(A...)> { typedef typename N<R>::type type(typename N<A>::type...); };',
    'template <class R, class... A> struct N2<R(A..., ...)> { typedef typename N<R>::type type(typename N<A>::type..., ...); };',
    'template <class T> void show(const char *name) {',
    '  int status = 0;',
    '  char *s = abi::__cxa_demangle(typeid(typename N<T>::type).name(), 0, 0, &status);',
    '  std::printf("%s\\t%s\\n", name, s);',
    '  std::free(s);',
    '}',
    'int main() {',
    ...functions.map((f) => `  show<decltype(${f})>("${f}");`),
    '  return 0;',
    '}',
    '',
  ].join('\n');
}

interface CStruct {
  name: string;
  tag: string;
  fields: string[];
  /** A tagged union: cbindgen names its members otherwise, so only size and alignment are compared. */
  tagged: boolean;
}

/** The structs and unions our header defines, with their top-level field names. */
function structsOf(text: string): CStruct[] {
  const out: CStruct[] = [];
  for (const m of text.matchAll(/^(struct|union) (\w+) \{\n([\s\S]*?)\n\}[^;\n]*;$/gm)) {
    const fields = m[3]
      .split('\n')
      .filter((l) => /^ {4}\S/.test(l) && !l.startsWith('    /') && !l.startsWith('    *') && l.endsWith(';'))
      .map((l) => /\(\*(\w+)\)/.exec(l)?.[1] ?? /(\w+)(\[\d+\])*;$/.exec(l)?.[1] ?? '')
      .filter(Boolean);
    out.push({ name: m[2], tag: `${m[1]} ${m[2]}`, fields, tagged: fields.includes('payload') });
  }
  return out;
}

/** A C program that prints the size, alignment and field offsets of `structs` as our header lays them out. */
function measureSource(header: string, structs: CStruct[]): string {
  return [
    '#include <stdio.h>',
    '#include <stddef.h>',
    `#include "${header}"`,
    'int main(void) {',
    ...structs.flatMap((s) => [
      `  printf("size\\t${s.tag}\\t\\t%zu\\n", sizeof(${s.tag}));`,
      `  printf("align\\t${s.tag}\\t\\t%zu\\n", (size_t)_Alignof(${s.tag}));`,
      ...(s.tagged
        ? []
        : s.fields.map((f) => `  printf("offset\\t${s.tag}\\t${f}\\t%zu\\n", offsetof(${s.tag}, ${f}));`)),
    ]),
    '  return 0;',
    '}',
    '',
  ].join('\n');
}

describe('header: agrees with cbindgen', function () {
  this.timeout(300_000);
  let tmp: string;
  before(function () {
    const r = spawnSync('cbindgen', ['--version'], { encoding: 'utf8' });
    if (r.error || r.status !== 0)
      throw new Error(`cbindgen is not installed; the differential test needs it. Install it: ${INSTALL}`);
    tmp = tempDir('ffi-guard-cbindgen-');
  });

  // Not compared: test/fixtures-abi/kvstore (cbindgen 0.24.3 cannot parse it: "expected `,`") and the
  // quick fixes' FfiResult<(), E> (cbindgen panics: "FfiResult has 2 params but is being instantiated
  // with 1 values"). Our header for both is compiled and run against rustc's build in header.test.ts.
  const crates: { name: string; dir: () => string; source: (dir: string) => string; min: Partial<Compared> }[] = [
    {
      name: 'layouts (generics, const generics, PhantomData, self-reference, union, RFC 2195 enum)',
      dir: () =>
        tempTree({
          'Cargo.toml': '[package]\nname = "layouts"\nversion = "0.1.0"\nedition = "2021"\n',
          'src/lib.rs': LAYOUTS,
        }),
      source: (dir) => path.join(dir, 'src', 'lib.rs'),
      min: { prototypes: 9, structs: 18, offsets: 38 },
    },
    {
      name: 'examples/ffi-demo',
      dir: () => path.join(REPO, 'examples', 'ffi-demo'),
      source: (dir) => path.join(dir, 'src', 'lib.rs'),
      min: { prototypes: 4, structs: 1, offsets: 2 },
    },
  ];
  for (const c of crates) {
    it(`prototypes and struct layouts agree with cbindgen's: ${c.name}`, async () => {
      const dir = c.dir();
      const got = await compare(dir, c.source(dir), tmp, path.basename(dir).replace(/\W/g, '_'));
      // The figures docs/header.md records.
      console.log(
        `      ${c.name}: ${got.prototypes} prototypes, ${got.structs} structs, ${got.offsets} field offsets`,
      );
      for (const [k, v] of Object.entries(c.min))
        assert.ok(got[k as keyof Compared] >= v, `${c.name}: compared ${JSON.stringify(got)}, expected ${k} >= ${v}`);
    });
  }

  it('fails with the install command when cbindgen is missing (the message this suite throws)', () => {
    assert.match(INSTALL, /setup-oracles\.sh/);
    const script = fs.readFileSync(path.join(REPO, 'scripts', 'setup-oracles.sh'), 'utf8');
    assert.match(script, /apt-get install -y[^\n]*cbindgen/);
    assert.match(fs.readFileSync(path.join(REPO, '.ci', 'run'), 'utf8'), /scripts\/setup-oracles\.sh/);
    // Quiet when already installed: running it here (cbindgen is installed) prints nothing.
    assert.strictEqual(
      execFileSync('bash', [path.join(REPO, 'scripts', 'setup-oracles.sh')], { encoding: 'utf8' }),
      '',
    );
  });
});
