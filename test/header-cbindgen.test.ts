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

const INSTALL =
  'bash scripts/setup-oracles.sh   (or: apt-get install -y cbindgen librust-sysinfo-dev librust-brotli-decompressor-dev librust-rav1e-dev)';

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

/** Where Debian installs crate sources (`librust-*-dev`). */
const REGISTRY = '/usr/share/cargo/registry';

/**
 * Real crates exporting a C API, with the feature that turns it on and what each comparison must at
 * least cover (docs/header.md records the figures and every disagreement).
 */
const REAL_CRATES: {
  crate: string;
  debianPackage: string;
  features: string[];
  min: Partial<Compared>;
  faults?: CbindgenFaults;
}[] = [
  {
    crate: 'sysinfo',
    debianPackage: 'librust-sysinfo-dev',
    features: ['c-interface'],
    min: { prototypes: 30 },
    faults: {
      posixTypesWithoutInclude: true,
      wrongPrototypes: Object.fromEntries(
        ['sysinfo_processes', 'sysinfo_process_tasks'].map((f) => [
          f,
          'it does not see through `type ProcessLoop = extern "C" fn(…)` in `Option<ProcessLoop>`, and passes an undefined `struct Option_ProcessLoop` by value where C gets a nullable function pointer',
        ]),
      ),
    },
  },
  {
    crate: 'brotli-decompressor',
    debianPackage: 'librust-brotli-decompressor-dev',
    features: [],
    min: { prototypes: 19, structs: 2, offsets: 4 },
    faults: {
      incompleteDefinitions: {
        BrotliDecoderState:
          'its field `decompressor` is a `BrotliState<…>`, which is not repr(C): cbindgen only forward-declares it',
      },
    },
  },
  {
    crate: 'rav1e',
    debianPackage: 'librust-rav1e-dev',
    features: ['capi'],
    min: { prototypes: 30, structs: 4, offsets: 10 },
    faults: {
      brokenLines: {
        'typedef RaChromaSampling RaChromaSampling;':
          "`ChromaSampling` is v_frame's (a dependency): cbindgen given the crate's source cannot see it and typedefs it to itself",
      },
    },
  },
];

/** The installed source of a registry crate (the newest version there), or an error naming the package. */
function registryCrate(crate: string): string {
  const found = fs.existsSync(REGISTRY)
    ? fs
        .readdirSync(REGISTRY)
        .filter((d) => d.startsWith(`${crate}-`) && /^\d/.test(d.slice(crate.length + 1)))
        .sort()
    : [];
  const r = REAL_CRATES.find((c) => c.crate === crate)!;
  if (!found.length)
    throw new Error(`${crate}'s source is not installed in ${REGISTRY}. Install it: ${INSTALL} (${r.debianPackage})`);
  return path.join(REGISTRY, found[found.length - 1]);
}

interface Compared {
  prototypes: number;
  structs: number;
  offsets: number;
}

/** Where cbindgen is known to be wrong on a crate: each is checked to still be so, and left out of the figures. */
interface CbindgenFaults {
  /** Functions whose cbindgen prototype is wrong, and why: they must differ from ours. */
  wrongPrototypes?: Record<string, string>;
  /** Structs cbindgen defines with a field of a type it only forward-declares (its header does not compile). */
  incompleteDefinitions?: Record<string, string>;
  /** cbindgen spells libc's POSIX types (`pid_t`) without `<sys/types.h>`: its header needs it included first. */
  posixTypesWithoutInclude?: boolean;
  /** Lines of cbindgen's header that are not C (a type it cannot see, typedef'd to itself), and why. */
  brokenLines?: Record<string, string>;
}

/** Both headers of one crate, compared; throws with both types on a disagreement. */
function compare(
  crateDir: string,
  source: string,
  tmp: string,
  name: string,
  faults: CbindgenFaults = {},
): Promise<Compared> {
  return (async () => {
    const ours = path.join(tmp, `${name}.ffi-guard.h`);
    const r = await runCli(['header', crateDir, '--out', ours]);
    assert.strictEqual(r.code, 0, r.stderr);
    const theirs = path.join(tmp, `${name}.cbindgen.h`);
    const cfg = path.join(tmp, `${name}.cbindgen.toml`);
    // The crate's own cbindgen.toml (names, prefix, which crates to parse), as our header follows it; the
    // style and includes are the comparison's.
    const own = path.join(crateDir, 'cbindgen.toml');
    const kept = fs.existsSync(own)
      ? fs
          .readFileSync(own, 'utf8')
          .split('\n')
          .filter((l) => !/^(style|language|cpp_compat|no_includes|sys_includes|header)\s*=/.test(l))
      : [];
    fs.writeFileSync(cfg, ['language = "C"', 'cpp_compat = true', 'style = "both"', ...kept, ''].join('\n'));
    run('cbindgen', ['--quiet', '--lang', 'c', '--config', cfg, '-o', theirs, source]);
    const ourText = fs.readFileSync(ours, 'utf8');
    let theirText = oneLinePerDeclaration(fs.readFileSync(theirs, 'utf8'));
    if (faults.posixTypesWithoutInclude) {
      assert.doesNotMatch(theirText, /<sys\/types\.h>/, `${name}: cbindgen now includes <sys/types.h>`);
      assert.match(ourText, /^#include <sys\/types\.h>$/m, `${name}: our header lacks <sys/types.h>`);
    }
    for (const line of Object.keys(faults.brokenLines ?? {})) {
      assert.ok(theirText.split('\n').includes(line), `${name}: cbindgen no longer writes \`${line}\``);
      theirText = theirText
        .split('\n')
        .filter((l) => l !== line)
        .join('\n');
    }
    for (const s of Object.keys(faults.incompleteDefinitions ?? {})) {
      // Declared, not defined: what our header does with it.
      const definition = new RegExp(`typedef struct ${s} \\{[^}]*\\} ${s};`);
      assert.match(theirText, definition, `${name}: cbindgen no longer defines \`${s}\``);
      theirText = theirText.replace(definition, `typedef struct ${s} ${s};`);
    }
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
    const wrong = faults.wrongPrototypes ?? {};
    for (const f of both)
      if (f in wrong)
        assert.notStrictEqual(mine.get(f), cb.get(f), `${name}: \`${f}\` now agrees; cbindgen was wrong: ${wrong[f]}`);
      else assert.strictEqual(mine.get(f), cb.get(f), `${name}: \`${f}\` differs (ours, cbindgen's)`);
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
        ...(faults.posixTypesWithoutInclude ? ['#include <sys/types.h>'] : []),
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
    return { prototypes: both.filter((f) => !(f in wrong)).length, structs: structs.length, offsets };
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
  const crates: {
    name: string;
    dir: () => string;
    source: (dir: string) => string;
    min: Partial<Compared>;
    faults?: CbindgenFaults;
  }[] = [
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
  // Real crates that export a C API, from Debian's packaged sources (scripts/setup-oracles.sh installs
  // them), copied so that an ffi-guard.toml can switch their C API's feature on.
  for (const r of REAL_CRATES)
    crates.push({
      name: `${r.crate} (Debian's ${r.debianPackage}, features ${JSON.stringify(r.features)})`,
      dir: () => {
        const from = registryCrate(r.crate);
        const to = tempDir(`ffi-guard-real-${r.crate}-`);
        fs.cpSync(from, to, { recursive: true });
        fs.writeFileSync(path.join(to, 'ffi-guard.toml'), `features = ${JSON.stringify(r.features)}\n`);
        return to;
      },
      source: (dir) => path.join(dir, 'src', 'lib.rs'),
      min: r.min,
      faults: r.faults,
    });
  for (const c of crates) {
    it(`prototypes and struct layouts agree with cbindgen's: ${c.name}`, async () => {
      const dir = c.dir();
      const got = await compare(dir, c.source(dir), tmp, path.basename(dir).replace(/\W/g, '_'), c.faults);
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
    const packages = /^PACKAGES=\(([^)]*)\)$/m.exec(script)?.[1].split(' ') ?? [];
    for (const p of ['cbindgen', ...REAL_CRATES.map((c) => c.debianPackage)]) {
      assert.ok(packages.includes(p), `setup-oracles.sh does not install ${p}`);
      assert.ok(INSTALL.includes(p), `the install hint does not name ${p}`);
    }
    assert.match(script, /apt-get install -y -qq "\$\{missing\[@\]\}"/);
    assert.match(fs.readFileSync(path.join(REPO, '.ci', 'run'), 'utf8'), /scripts\/setup-oracles\.sh/);
    // Quiet when already installed: running it here (cbindgen is installed) prints nothing.
    assert.strictEqual(
      execFileSync('bash', [path.join(REPO, 'scripts', 'setup-oracles.sh')], { encoding: 'utf8' }),
      '',
    );
  });
});
