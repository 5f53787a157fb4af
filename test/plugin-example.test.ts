import * as assert from 'assert';
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { REPO, runCli } from './harness/cli';
import { tempDir } from './harness/tmp';
import type { CheckJson } from '../server/src/cli';

/**
 * The walk-through of docs/plugins.md, step by step, on a copy of examples/plugin and examples/plugin-host:
 * check finds the plugin's mistakes, fix fixes them and says which C signatures changed, the header and
 * the baseline describe the fixed plugin, and the host (which loads it with `libloading`, declaring each
 * symbol as the header says) builds with cargo offline and calls the fixed plugin through the C ABI.
 * libloading comes from Debian's `librust-libloading-dev` (a directory source, no network).
 */

const DEBIAN_REGISTRY = '/usr/share/cargo/registry';

function cargo(args: string[], cwd: string, target: string): string {
  return execFileSync(
    'cargo',
    [
      ...args,
      '--offline',
      '--quiet',
      '--config',
      'source.crates-io.replace-with="debian"',
      '--config',
      `source.debian.directory="${DEBIAN_REGISTRY}"`,
    ],
    {
      cwd,
      env: { ...process.env, CARGO_NET_OFFLINE: 'true', CARGO_TARGET_DIR: target },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  ).toString();
}

describe('plugin example: check → fix → header → baseline → the host calls the fixed plugin', function () {
  this.timeout(600_000);
  const work = tempDir('ffi-guard-plugin-');
  const plugin = path.join(work, 'plugin');
  const host = path.join(work, 'plugin-host');
  const target = path.join(work, 'target');

  before(() => {
    fs.cpSync(path.join(REPO, 'examples', 'plugin'), plugin, { recursive: true });
    fs.cpSync(path.join(REPO, 'examples', 'plugin-host'), host, { recursive: true });
  });

  it('1. check: the plugin exports &str and String, and a function that can panic', async () => {
    const r = await runCli(['check', 'plugin', '--format', 'json'], work);
    const out = JSON.parse(r.stdout) as CheckJson;
    assert.deepStrictEqual(
      out.diagnostics.map((d) => `${d.symbol}: ${d.rule}`),
      [
        'textfx_count: str-type',
        'textfx_upper: str-type',
        'textfx_upper: std-type',
        'textfx_byte_at: panic-across-ffi',
      ],
    );
  });

  it('2. fix: every finding fixed; each exported symbol whose C signature changed is named', async () => {
    const r = await runCli(['fix', 'plugin'], work);
    assert.strictEqual(r.code, 0, r.stderr);
    assert.deepStrictEqual(
      r.stdout.split('\n').filter((l) => l.includes('C signature changed')),
      [
        'textfx_count: C signature changed: (no C prototype: `&str` has no C equivalent) → int32_t textfx_count(const char *input, size_t *out);',
        'textfx_upper: C signature changed: (no C prototype: `&str` has no C equivalent) → char *textfx_upper(const char *input);',
      ],
    );
    assert.match(r.stdout, /0 findings left/);
    const fixed = fs.readFileSync(path.join(plugin, 'src', 'lib.rs'), 'utf8');
    assert.match(fixed, /pub unsafe extern "C" fn textfx_free_string\(/, 'the helper carries the crate name');
    assert.match(fixed, /catch_unwind[\s\S]*\.unwrap_or\(-1\)/);
  });

  it('3. header: the C prototypes the host declares', async () => {
    const r = await runCli(['header', 'plugin', '--out', 'textfx.h'], work);
    assert.strictEqual(r.code, 0, r.stderr);
    const header = fs.readFileSync(path.join(work, 'textfx.h'), 'utf8');
    for (const prototype of [
      'uint32_t textfx_version(void);',
      'int32_t textfx_count(const char *input, size_t *out);',
      'char *textfx_upper(const char *input);',
      'void textfx_free_string(char *s);',
      'int32_t textfx_byte_at(const uint8_t *bytes, size_t len, size_t n);',
    ])
      assert.ok(header.includes(prototype), `${prototype} in:\n${header}`);
  });

  it('4. baseline: snapshot, then diff finds no change', async () => {
    const snap = await runCli(['snapshot', 'plugin', '--out', 'textfx.ffi-abi'], work);
    assert.strictEqual(snap.code, 0, snap.stderr);
    assert.match(fs.readFileSync(path.join(work, 'textfx.ffi-abi'), 'utf8'), /textfx_count/);
    const diff = await runCli(['diff', 'plugin', '--baseline', 'textfx.ffi-abi'], work);
    assert.strictEqual(diff.code, 0, diff.stdout + diff.stderr);
  });

  it("5. check --against: the host's imports agree with the baseline; a drifted declaration is flagged", async () => {
    const agree = await runCli(['check', 'plugin-host', '--against', 'textfx.ffi-abi', '--format', 'json'], work);
    assert.strictEqual(agree.code, 0, agree.stdout + agree.stderr);
    assert.deepStrictEqual((JSON.parse(agree.stdout) as CheckJson).diagnostics, []);
    // The host's declaration of `textfx_byte_at` drifts: `n` becomes a u32 while the plugin still takes a usize.
    const drifted = path.join(work, 'drifted-host');
    fs.cpSync(host, drifted, { recursive: true });
    const main = path.join(drifted, 'src', 'main.rs');
    const text = fs.readFileSync(main, 'utf8');
    const changed = text.replace(
      'fn(bytes: *const u8, len: usize, n: usize) -> i32',
      'fn(bytes: *const u8, len: usize, n: u32) -> i32',
    );
    assert.notStrictEqual(changed, text, 'the host declares textfx_byte_at as the walk-through shows');
    fs.writeFileSync(main, changed);
    const r = await runCli(['check', 'drifted-host', '--against', 'textfx.ffi-abi', '--format', 'json'], work);
    const found = (JSON.parse(r.stdout) as CheckJson).diagnostics.filter((d) => d.rule === 'abi-mismatch');
    assert.strictEqual(found.length, 1, r.stdout);
    assert.strictEqual(found[0].file, 'drifted-host/src/main.rs');
    assert.match(found[0].message, /textfx_byte_at/);
  });

  it('6. the fixed plugin and the host build with cargo offline; the host calls the plugin', () => {
    assert.ok(
      fs.existsSync(path.join(DEBIAN_REGISTRY, 'libloading-0.7.4')),
      'libloading is not installed: apt-get install -y librust-libloading-dev',
    );
    cargo(['build'], plugin, target);
    cargo(['build'], host, target);
    const library = path.join(target, 'debug', 'libtextfx.so');
    const out = execFileSync(path.join(target, 'debug', 'textfx-host'), [library, 'hello plugin world'], {
      env: { ...process.env, RUST_BACKTRACE: '0' },
      stdio: ['ignore', 'pipe', 'pipe'],
    }).toString();
    assert.strictEqual(
      out,
      ['words: 3', 'upper: HELLO PLUGIN WORLD', 'first byte: 104', 'byte past the end: -1', ''].join('\n'),
    );
  });

  it('the host as committed is clean: ffi-guard finds nothing in it', async () => {
    const out = JSON.parse((await runCli(['check', 'plugin-host', '--format', 'json'], work)).stdout) as CheckJson;
    assert.deepStrictEqual(out.diagnostics, []);
  });
});
