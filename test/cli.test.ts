import * as assert from 'assert';
import { execFile, execFileSync, spawn } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { CliRun, REPO, runCli as run, tempTree } from './harness/cli';
import type { CheckJson } from '../server/src/cli';

/** The `ffi-guard` command line contract (../shared/CLI.md): JSON shape, exit codes, what is read. */

const BIN = path.join(REPO, 'bin', 'ffi-guard.js');

type Run = CliRun;

describe('cli: ffi-guard check', function () {
  this.timeout(60_000);

  it('prints the contract JSON for the example crate', async () => {
    const r = await run(['check', 'examples/ffi-demo', '--format', 'json']);
    assert.strictEqual(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout) as CheckJson;
    assert.strictEqual(out.version, 1);
    assert.strictEqual(out.tool.name, 'ffi-guard');
    assert.match(out.tool.version, /^\d+\.\d+\.\d+/);
    assert.strictEqual(out.filesScanned, 4);
    assert.deepStrictEqual(out.skipped, []);
    const str = out.diagnostics.find((d) => d.rule === 'str-type');
    assert.ok(str, 'the &str parameter of kv_get is reported');
    assert.deepStrictEqual(
      {
        file: str.file,
        line: str.line,
        column: str.column,
        endLine: str.endLine,
        endColumn: str.endColumn,
        rustcLint: str.rustcLint,
        symbol: str.symbol,
        severity: str.severity,
      },
      {
        file: 'examples/ffi-demo/src/lib.rs',
        line: 60,
        column: 46,
        endLine: 60,
        endColumn: 50,
        rustcLint: 'improper_ctypes_definitions',
        symbol: 'kv_get',
        severity: 'warning',
      },
    );
    for (const d of out.diagnostics) {
      assert.ok(!d.file.includes('\\') && !path.isAbsolute(d.file), `relative path with / separators: ${d.file}`);
      assert.ok(d.message.length > 40, 'messages explain the finding');
      assert.ok(Array.isArray(d.fixes));
    }
    const rules = out.diagnostics.map((d) => d.rule).sort();
    assert.deepStrictEqual(rules, [
      'option-no-niche',
      'rust-abi-export',
      'rust-fn-pointer',
      'slice-type',
      'std-type',
      'std-type',
      'str-type',
      'unspecified-layout',
    ]);
    const abi = out.diagnostics.find((d) => d.rule === 'rust-abi-export')!;
    assert.strictEqual(abi.rustcLint, 'clippy::no_mangle_with_rust_abi');
  });

  it('exits 1 on warnings with --deny warnings, 0 without', async () => {
    assert.strictEqual((await run(['check', 'examples/ffi-demo'])).code, 0);
    assert.strictEqual((await run(['check', 'examples/ffi-demo', '--deny', 'warnings'])).code, 1);
  });

  it('prints text as file:line:column: severity[rule]: message, with a summary', async () => {
    const r = await run(['check', 'examples/ffi-demo']);
    assert.match(
      r.stdout,
      /^examples\/ffi-demo\/src\/lib\.rs:60:46: warning\[str-type\]: `extern` fn `kv_get` uses type `str`/m,
    );
    assert.match(r.stdout, /8 warnings in 4 files\n$/);
  });

  it('exits 2 on usage errors', async () => {
    assert.strictEqual((await run([])).code, 2);
    assert.strictEqual((await run(['frobnicate'])).code, 2);
    assert.strictEqual((await run(['check', '--format', 'xml'])).code, 2);
    assert.strictEqual((await run(['check', '--deny', 'everything'])).code, 2);
    const missing = await run(['check', 'no/such/dir']);
    assert.strictEqual(missing.code, 2);
    assert.match(missing.stderr, /nothing could be read/);
  });

  it('lists only fixes that edit in the JSON, fixes[0] the one fix applies (catch_unwind for a panic)', async () => {
    const dir = tempTree({
      'lib.rs': [
        '#[no_mangle]',
        'pub extern "C" fn nth(values: *const u32, len: usize, i: usize) -> u32 {',
        '    let values = unsafe { std::slice::from_raw_parts(values, len) };',
        '    values[i]',
        '}',
        '',
      ].join('\n'),
    });
    const out = JSON.parse((await run(['check', '.', '--format', 'json'], dir)).stdout) as CheckJson;
    const panic = out.diagnostics.find((d) => d.rule === 'panic-across-ffi')!;
    assert.match(panic.fixes[0], /catch_unwind.*return `0`/);
    assert.ok(!panic.fixes.some((t) => /^No fix|by hand/i.test(t)), panic.fixes.join(' | '));
    assert.ok(
      panic.fixes.some((t) => /C-unwind/.test(t)),
      'the alternative is still listed, after',
    );
    const r = await run(['fix', '.'], dir);
    assert.strictEqual(r.code, 0, r.stderr);
    assert.match(fs.readFileSync(path.join(dir, 'lib.rs'), 'utf8'), /catch_unwind[\s\S]*\.unwrap_or\(0\)/);
  });

  it('fix says, per symbol, that its C signature changed, with the old and the new prototype', async () => {
    const dir = tempTree({
      'lib.rs': [
        '#[no_mangle]',
        'pub extern "C" fn textfx_option(name: &str) -> Option<u32> {',
        '    name.parse().ok()',
        '}',
        '',
        '#[no_mangle]',
        'pub extern "C" fn textfx_count(input: *const u8, len: usize) -> usize {',
        '    len',
        '}',
        '',
        '#[no_mangle]',
        'pub fn textfx_tick(n: u32) -> u32 {',
        '    n',
        '}',
        '',
      ].join('\n'),
    });
    const r = await run(['fix', '.'], dir);
    assert.strictEqual(r.code, 0, r.stderr);
    const lines = r.stdout.split('\n').filter((l) => l.includes('C signature changed'));
    assert.deepStrictEqual(lines, [
      'textfx_option: C signature changed: (no C prototype: `&str` has no C equivalent) → bool textfx_option(const char *name, uint32_t *out);',
      'textfx_tick: C signature changed: (Rust ABI) uint32_t textfx_tick(uint32_t n); → uint32_t textfx_tick(uint32_t n);',
    ]);
    assert.match(r.stdout, /shim `textfx_option_ffi`.*\(changes the C signature of `textfx_option`\)/);
    // Nothing left to fix: nothing changes, nothing is said.
    assert.ok(!(await run(['fix', '.'], dir)).stdout.includes('C signature changed'));
  });

  it('lists binary, oversized and non-UTF-8 files as skipped and checks the rest', async () => {
    const dir = tempTree({
      'good.rs': 'pub extern "C" fn f(s: &str) {}\n',
      'binary.rs': Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0, 0, 1, 2]),
      'latin1.rs': Buffer.from([0x2f, 0x2f, 0x20, 0xe9, 0x0a]),
      'big.rs': `// ${'x'.repeat(5000)}\npub extern "C" fn g(c: char) {}\n`,
      'ffi-guard.toml': 'maxFileSize = 4096\n',
    });
    const r = await run(['check', '.', '--format', 'json'], dir);
    const out = JSON.parse(r.stdout) as CheckJson;
    assert.strictEqual(r.code, 0);
    assert.strictEqual(out.filesScanned, 1);
    assert.deepStrictEqual(
      out.diagnostics.map((d) => `${d.file}:${d.rule}`),
      ['good.rs:str-type'],
    );
    const reasons = Object.fromEntries(out.skipped.map((s) => [s.file, s.reason]));
    assert.match(reasons['binary.rs'], /binary/);
    assert.match(reasons['latin1.rs'], /UTF-8/);
    assert.match(reasons['big.rs'], /size limit \(4 KB\)/);
  });

  it('exits 2 when every file was skipped', async () => {
    const dir = tempTree({ 'binary.rs': Buffer.from([0, 1, 2, 3]) });
    const r = await run(['check', '.'], dir);
    assert.strictEqual(r.code, 2);
    assert.match(r.stdout, /binary\.rs: skipped: binary file/);
  });

  it('honours .gitignore and skips target/', async () => {
    const dir = tempTree({
      '.gitignore': 'generated/\n',
      'src/lib.rs': 'pub extern "C" fn ok(x: u32) {}\n',
      'generated/bad.rs': 'pub extern "C" fn bad(s: &str) {}\n',
      'target/debug/build/out.rs': 'pub extern "C" fn bad(s: &str) {}\n',
    });
    const out = JSON.parse((await run(['check', '.', '--format', 'json'], dir)).stdout) as CheckJson;
    assert.strictEqual(out.filesScanned, 1);
    assert.deepStrictEqual(out.diagnostics, []);
  });

  it('treats unrelated files as separate crates: a type never resolves to a namesake in another file', async () => {
    const dir = tempTree({
      'a.rs': '#[repr(C)] pub struct Point { x: f64 }\npub extern "C" fn a(p: Point) {}\n',
      'b.rs': 'pub struct Point { x: f64 }\npub extern "C" fn b(p: Point) {}\n',
      'c.rs': 'mod d;\npub extern "C" fn c(p: d::Inner) {}\n',
      'd.rs': 'pub struct Inner(u8);\n',
    });
    const out = JSON.parse((await run(['check', '.', '--format', 'json'], dir)).stdout) as CheckJson;
    assert.deepStrictEqual(out.diagnostics.map((d) => `${d.file}:${d.line} ${d.symbol} ${d.rule}`).sort(), [
      'b.rs:2 b unspecified-layout',
      'c.rs:2 c unspecified-layout',
    ]);
    assert.strictEqual(out.filesScanned, 4);
  });

  it('reads crates from Cargo.toml: edition, lib path, workspace members', async () => {
    const dir = tempTree({
      'Cargo.toml': '[workspace]\nmembers = ["ffi"]\n',
      'ffi/Cargo.toml': '[package]\nname = "ffi"\nversion = "0.1.0"\nedition = "2024"\n\n[lib]\npath = "src/api.rs"\n',
      'ffi/src/api.rs':
        'mod types;\n#[unsafe(no_mangle)]\npub extern "C" fn f(t: types::T) {}\n#[no_mangle]\npub extern "C" fn g() {}\n',
      'ffi/src/types.rs': 'pub struct T;\n',
      'ffi/src/stale.rs': 'pub extern "C" fn never_compiled(s: &str) {}\n',
    });
    const out = JSON.parse((await run(['check', '.', '--format', 'json'], dir)).stdout) as CheckJson;
    const found = out.diagnostics.map((d) => `${d.file}:${d.line} ${d.rule}`).sort();
    assert.deepStrictEqual(found, ['ffi/src/api.rs:3 unspecified-layout', 'ffi/src/api.rs:4 edition-2024-unsafe']);
  });

  it('reads files brought in with include!, as rustc does, and does not check them as crates of their own', async () => {
    const dir = tempTree({
      'lib.rs': 'include!("gen/bindings.rs");\n',
      'gen/bindings.rs': 'pub struct Plain(u8);\nextern "C" { pub fn f(p: *const Plain); }\n',
    });
    const out = JSON.parse((await run(['check', '.', '--format', 'json'], dir)).stdout) as CheckJson;
    assert.deepStrictEqual(
      out.diagnostics.map((d) => `${d.file}:${d.line} ${d.rule}`),
      ['gen/bindings.rs:2 unspecified-layout'],
    );
  });

  it('reports a broken Cargo.toml and still checks the files', async () => {
    const dir = tempTree({ 'Cargo.toml': '[package\nname = "x"\n', 'src/lib.rs': 'pub extern "C" fn f(c: char) {}\n' });
    const out = JSON.parse((await run(['check', '.', '--format', 'json'], dir)).stdout) as CheckJson;
    assert.ok(out.skipped.some((s) => s.file === 'Cargo.toml' && /could not be read/.test(s.reason)));
    assert.deepStrictEqual(
      out.diagnostics.map((d) => d.rule),
      ['char-type'],
    );
  });

  it('applies configuration: rule severities and off, from ffi-guard.toml, Cargo metadata and --config', async () => {
    const dir = tempTree({
      'Cargo.toml':
        '[package]\nname = "x"\nversion = "0.1.0"\nedition = "2021"\n\n[package.metadata.ffi-guard]\nrules = { char-type = "off" }\n',
      'src/lib.rs': 'pub extern "C" fn f(c: char, s: &str) {}\n#[no_mangle]\npub fn g() {}\n',
      'ffi-guard.toml': '[rules]\nstr-type = "error"\n',
      'strict.toml': '[rules]\nrust-abi-export = "info"\n',
    });
    const base = JSON.parse((await run(['check', '.', '--format', 'json'], dir)).stdout) as CheckJson;
    assert.deepStrictEqual(
      base.diagnostics.map((d) => `${d.rule}:${d.severity}`),
      ['str-type:error', 'rust-abi-export:warning'],
    );
    const strict = await run(['check', '.', '--format', 'json', '--config', 'strict.toml'], dir);
    assert.strictEqual(strict.code, 1, 'an error-severity finding fails the run');
    assert.deepStrictEqual(
      (JSON.parse(strict.stdout) as CheckJson).diagnostics.map((d) => `${d.rule}:${d.severity}`),
      ['str-type:error', 'rust-abi-export:info'],
    );
  });

  it('rejects a malformed configuration naming the file, line and key', async () => {
    const dir = tempTree({ 'lib.rs': '', 'ffi-guard.toml': 'exclude = ["a"]\n[rules]\nno-such-rule = "error"\n' });
    const r = await run(['check', '.'], dir);
    assert.strictEqual(r.code, 2);
    assert.match(r.stderr, /ffi-guard\.toml:3: `rules\.no-such-rule`: unknown rule id/);
    const syntax = tempTree({ 'lib.rs': '', 'ffi-guard.toml': 'rules = {\n' });
    const s = await run(['check', '.'], syntax);
    assert.strictEqual(s.code, 2);
    assert.match(s.stderr, /ffi-guard\.toml:\d+: /);
  });

  it('evaluates cfg for the host and the configured features', async () => {
    const dir = tempTree({
      'lib.rs':
        '#[cfg(windows)]\npub extern "C" fn w(s: &str) {}\n#[cfg(unix)]\npub extern "C" fn u(s: &str) {}\n#[cfg(feature = "x")]\npub extern "C" fn x(s: &str) {}\n',
      'x.toml': 'features = ["x"]\n',
    });
    const plain = JSON.parse((await run(['check', '.', '--format', 'json'], dir)).stdout) as CheckJson;
    assert.deepStrictEqual(
      plain.diagnostics.map((d) => d.symbol),
      ['u'],
    );
    const withX = JSON.parse(
      (await run(['check', '.', '--format', 'json', '--config', 'x.toml'], dir)).stdout,
    ) as CheckJson;
    assert.deepStrictEqual(
      withX.diagnostics.map((d) => d.symbol),
      ['u', 'x'],
    );
  });

  it('counts columns in Unicode scalar values, as rustc does', async () => {
    const dir = tempTree({ 'lib.rs': '/* 😀é */ pub extern "C" fn f(s: &str) {}\n' });
    const out = JSON.parse((await run(['check', '.', '--format', 'json'], dir)).stdout) as CheckJson;
    // "/* 😀é */ " is 10 scalar values; `&str` starts at column 33.
    assert.strictEqual(out.diagnostics[0].column, 33);
    assert.strictEqual(out.diagnostics[0].endColumn, 37);
  });

  it('fix --dry-run prints a unified diff across files and changes nothing', async () => {
    const before = fs.readFileSync(path.join(REPO, 'examples', 'ffi-demo', 'src', 'types.rs'), 'utf8');
    const r = await run(['fix', 'examples/ffi-demo', '--dry-run']);
    assert.strictEqual(r.code, 0, r.stderr);
    assert.match(
      r.stdout,
      /\+\+\+ b\/examples\/ffi-demo\/src\/types\.rs[\s\S]*\+#\[repr\(C\)\]\n #\[derive\(Debug, Clone, Copy\)\]\n pub struct Entry/,
    );
    assert.match(
      r.stdout,
      /\+pub unsafe extern "C" fn kv_get_ffi\(store: &Store, key: \*const std::ffi::c_char, out: \*mut i64\) -> i32 \{/,
    );
    assert.match(r.stdout, /7 fixes would be applied in 2 files; 1 finding left\n$/);
    assert.strictEqual(fs.readFileSync(path.join(REPO, 'examples', 'ffi-demo', 'src', 'types.rs'), 'utf8'), before);
    assert.strictEqual((await run(['fix', '--rule', 'no-such-rule'])).code, 2);
  });

  it('runs as the `ffi-guard` bin', async () => {
    const r = await new Promise<Run>((resolve) => {
      execFile(
        process.execPath,
        [BIN, 'check', 'examples/ffi-demo', '--format', 'json'],
        { cwd: REPO },
        (err, stdout, stderr) => resolve({ code: err ? (err.code as number) : 0, stdout, stderr }),
      );
    });
    assert.strictEqual(r.code, 0, r.stderr);
    assert.strictEqual((JSON.parse(r.stdout) as CheckJson).diagnostics.length, 8);
  });
});

describe('cli: one argument parser, one usage error', function () {
  this.timeout(60_000);

  /** `node bin/ffi-guard.js ARGS`, with stdin closed. */
  const bin = (args: string[]): Promise<Run> =>
    new Promise<Run>((resolve) => {
      const child = execFile(process.execPath, [BIN, ...args], { cwd: REPO }, (err, stdout, stderr) =>
        resolve({ code: err ? (err.code as number) : 0, stdout, stderr }),
      );
      child.stdin?.end();
    });

  it('reports the mistakes of every command alike: the sentence, then the usage, exit status 2', async () => {
    const cases: [string[], RegExp][] = [
      [[], /no command given/],
      [['frobnicate'], /unknown command `frobnicate`/],
      [['check', '--format', 'xml'], /unknown format `xml` \(expected text, short, json, sarif or github\)/],
      [['check', '--deny', 'everything'], /unknown --deny level `everything` \(expected warnings\)/],
      [['report', '--format', 'pdf'], /unknown format `pdf` \(expected markdown, json or html\)/],
      [['fix', '--rule', 'no-such-rule'], /unknown rule id `no-such-rule`/],
      [['snapshot', '.'], /`ffi-guard snapshot` needs --out FILE/],
      [['diff', '.'], /`ffi-guard diff` needs --baseline FILE/],
      [['header', '--bogus'], /--bogus/],
    ];
    for (const [args, message] of cases) {
      const r = await run(args);
      assert.strictEqual(r.code, 2, args.join(' '));
      assert.match(r.stderr, /^error: .*\n\nusage:\n/, args.join(' '));
      assert.match(r.stderr, message, args.join(' '));
      assert.match(r.stderr, /ffi-guard lsp --stdio/);
    }
  });

  it('stops quietly when the reader of its output goes away (`ffi-guard check | head`)', async () => {
    const r = await new Promise<Run>((resolve) => {
      const child = spawn(process.execPath, [BIN, 'check', 'examples/ffi-demo'], { cwd: REPO });
      // Closed before the first line is written: every write meets a closed pipe.
      child.stdout.destroy();
      let stderr = '';
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      child.on('close', (code) => resolve({ code: code ?? -1, stdout: '', stderr }));
    });
    assert.strictEqual(r.stderr, '');
    assert.strictEqual(r.code, 0, 'the exit status of the check (warnings only)');
  });

  it('hands `lsp` to the language server, which reads its arguments with the same parser', async () => {
    const r = await bin(['lsp']);
    assert.strictEqual(r.code, 2);
    assert.match(r.stderr, /^error: `ffi-guard lsp` needs --stdio\n\nusage:\n/);
  });

  it('never loads the language server for the other commands', () => {
    const probe = [
      `const { main } = require(${JSON.stringify(path.join(REPO, 'out', 'server', 'src', 'cli.js'))});`,
      `main(['--version'], process.cwd(), () => {}).then(() => {`,
      `  const loaded = Object.keys(require.cache).filter((f) => /server[\\\\/]src[\\\\/](server|lsp)|vscode-languageserver/.test(f));`,
      `  process.stdout.write(JSON.stringify(loaded));`,
      `});`,
    ].join('\n');
    const loaded = execFileSync(process.execPath, ['-e', probe], { cwd: REPO, encoding: 'utf8' });
    assert.deepStrictEqual(JSON.parse(loaded), []);
  });
});
