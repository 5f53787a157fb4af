import * as assert from 'assert';
import { execFile, spawn } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { promisify } from 'util';
import * as zlib from 'zlib';
import { createMessageConnection, StreamMessageReader, StreamMessageWriter } from 'vscode-jsonrpc/node';
import { REPO, runCli } from './harness/cli';
import { tempDir } from './harness/tmp';
import type { CheckJson } from '../server/src/cli';

/**
 * The npm package is the command line: `npm pack`, then `npm install -g` of the tarball into an empty
 * prefix, offline (the bundle has no runtime dependency, so no registry is asked), and `ffi-guard` runs
 * from a folder outside the repository with nothing of the repository at hand.
 */

const run = promisify(execFile);

/** The names in a .tgz made by npm pack (a gzipped ustar archive). */
function tarNames(tgz: Buffer): string[] {
  const tar = zlib.gunzipSync(tgz);
  const names: string[] = [];
  for (let at = 0; at + 512 <= tar.length;) {
    const header = tar.subarray(at, at + 512);
    if (header.every((b) => b === 0)) break;
    const field = (from: number, length: number): string =>
      header.toString('utf8', from, from + length).replace(/\0.*$/s, '');
    const prefix = field(345, 155);
    names.push(prefix ? `${prefix}/${field(0, 100)}` : field(0, 100));
    const size = parseInt(field(124, 12).trim() || '0', 8);
    at += 512 + Math.ceil(size / 512) * 512;
  }
  return names;
}

describe('pack: npm pack, npm install -g of the tarball, ffi-guard from anywhere', function () {
  this.timeout(300_000);
  let names: string[];
  let manifest: { dependencies?: Record<string, string>; bin: Record<string, string>; version: string };
  let ffiGuard: string;
  let outside: string;

  before(async () => {
    const packed = tempDir('ffi-guard-pack-');
    // As a maintainer would: npm pack runs `prepare` (tsc) and `prepack` (the bundle).
    const { stdout } = await run('npm', ['pack', '--pack-destination', packed, '--json'], {
      cwd: REPO,
      maxBuffer: 64 * 1024 * 1024,
    });
    const [{ filename }] = JSON.parse(stdout.slice(stdout.indexOf('['))) as { filename: string }[];
    const tgz = path.join(packed, filename);
    names = tarNames(fs.readFileSync(tgz));
    const prefix = tempDir('ffi-guard-prefix-');
    await run('npm', ['install', '--global', '--prefix', prefix, '--offline', '--no-audit', '--no-fund', tgz], {
      cwd: packed,
      env: { ...process.env, npm_config_cache: tempDir('ffi-guard-npm-cache-') },
    });
    ffiGuard = path.join(prefix, process.platform === 'win32' ? 'ffi-guard.cmd' : path.join('bin', 'ffi-guard'));
    manifest = JSON.parse(
      fs.readFileSync(
        path.join(prefix, process.platform === 'win32' ? '' : 'lib', 'node_modules', 'rust-ffi-guard', 'package.json'),
        'utf8',
      ),
    ) as typeof manifest;
    // The repository's example, copied to a folder that is not below the repository.
    outside = tempDir('ffi-guard-outside-');
    fs.cpSync(path.join(REPO, 'examples', 'ffi-demo'), path.join(outside, 'ffi-demo'), { recursive: true });
  });

  it('holds the bundled command line, its .wasm files and the docs; no sources, tests or client', () => {
    const files = names.map((n) => n.replace(/^package\//, '')).sort();
    const grammars = fs
      .readdirSync(path.join(REPO, 'grammars'))
      .filter((f) => f.endsWith('.wasm'))
      .map((f) => `dist/${f}`);
    for (const required of [
      'bin/ffi-guard.js',
      'dist/cli.js',
      'dist/server.js',
      'dist/web-tree-sitter.cjs',
      'dist/web-tree-sitter.wasm',
      'dist/THIRD_PARTY_NOTICES.txt',
      'package.json',
      'README.md',
      'LICENSE',
      'CHANGELOG.md',
      ...grammars,
    ])
      assert.ok(files.includes(required), `${required} is in the package: ${files.join(', ')}`);
    const stray = files.filter(
      (f) =>
        /\.(ts|map|vsix|tgz)$/.test(f) ||
        /^(out|server|client|test|protocol|scripts|examples|node_modules|grammars)\//.test(f) ||
        f === 'dist/extension.js',
    );
    assert.deepStrictEqual(stray, []);
    assert.ok(
      files.every((f) => /^(bin|dist|docs)\//.test(f) || !f.includes('/')),
      `only bin/, dist/, docs/ and top-level files: ${files.join(', ')}`,
    );
  });

  it('has no runtime dependency: installs offline, without a registry', () => {
    assert.deepStrictEqual(manifest.dependencies ?? {}, {});
    assert.deepStrictEqual(manifest.bin, { 'ffi-guard': 'bin/ffi-guard.js' });
    assert.ok(fs.existsSync(ffiGuard), `${ffiGuard} is on the prefix's PATH`);
  });

  it('prints its version from any folder', async () => {
    const { stdout } = await run(ffiGuard, ['--version'], { cwd: outside });
    assert.strictEqual(stdout, `ffi-guard ${manifest.version}\n`);
  });

  it("checks the repository's example from outside the repository, as the compiled CLI does", async () => {
    const installed = await run(ffiGuard, ['check', '--format', 'json', 'ffi-demo'], { cwd: outside }).catch(
      (e: { code: number; stdout: string; stderr: string }) => e,
    );
    const expected = await runCli(['check', '--format', 'json', 'ffi-demo'], outside);
    assert.strictEqual(installed.stderr, '');
    const json = JSON.parse(installed.stdout) as CheckJson;
    assert.ok(json.diagnostics.length > 0 && json.filesScanned > 0, installed.stdout);
    assert.deepStrictEqual(json, JSON.parse(expected.stdout));
  });

  it('answers --help for a command, and serves LSP with `ffi-guard lsp --stdio`', async () => {
    const help = await run(ffiGuard, ['lsp', '--help'], { cwd: outside });
    assert.match(help.stdout, /^usage: ffi-guard lsp \[options\]/);
    const server = spawn(ffiGuard, ['lsp', '--stdio'], { cwd: outside, stdio: ['pipe', 'pipe', 'pipe'] });
    const exited = new Promise<number | null>((resolve) => server.on('exit', resolve));
    const connection = createMessageConnection(
      new StreamMessageReader(server.stdout),
      new StreamMessageWriter(server.stdin),
    );
    connection.onRequest(() => null);
    connection.onNotification(() => {});
    connection.listen();
    try {
      const folder = `file://${path.join(outside, 'ffi-demo')}`;
      const init = await connection.sendRequest<{ capabilities: { codeActionProvider?: unknown } }>('initialize', {
        processId: process.pid,
        rootUri: folder,
        workspaceFolders: [{ uri: folder, name: 'ffi-demo' }],
        capabilities: {},
      });
      assert.ok(init.capabilities.codeActionProvider, JSON.stringify(init));
      await connection.sendRequest('shutdown');
      await connection.sendNotification('exit');
      assert.strictEqual(await exited, 0);
    } finally {
      connection.dispose();
      server.kill();
    }
  });
});
