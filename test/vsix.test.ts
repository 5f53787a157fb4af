import * as assert from 'assert';
import { execFile, spawn } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { fileURLToPath, pathToFileURL } from 'url';
import { promisify } from 'util';
import * as zlib from 'zlib';
import { createMessageConnection, StreamMessageReader, StreamMessageWriter } from 'vscode-jsonrpc/node';
import type { PublishDiagnosticsParams } from 'vscode-languageserver-protocol';

/**
 * The .vsix: a plain `vsce package` (its `vscode:prepublish` script writes the bundle), offline, from a
 * checkout without dist/. It must hold what runs and nothing else, and what it holds must run on its own:
 * the server is started from the unpacked package, away from the repository's node_modules, and must find
 * its .wasm files. The size docs/editors.md states is the size measured here.
 */

const REPO = path.resolve(__dirname, '..', '..');
const VSCE = path.join(REPO, 'node_modules', '@vscode', 'vsce', 'vsce');
const run = promisify(execFile);

/** The grammars the server may load, each copied into dist/ by the bundle. */
const GRAMMARS = fs
  .readdirSync(path.join(REPO, 'grammars'))
  .filter((f) => f.endsWith('.wasm'))
  .map((f) => `extension/dist/${f}`);

/** The files of the package, as VS Code unpacks them (`extension/…`) plus vsce's two manifest files. */
const EXPECTED = [
  '[Content_Types].xml',
  'extension.vsixmanifest',
  'extension/LICENSE.txt',
  'extension/changelog.md',
  'extension/dist/THIRD_PARTY_NOTICES.txt',
  'extension/dist/extension.js',
  'extension/dist/server.js',
  'extension/dist/web-tree-sitter.cjs',
  'extension/dist/web-tree-sitter.wasm',
  ...GRAMMARS,
  'extension/docs/rules.md',
  'extension/images/icon.png',
  'extension/package.json',
  'extension/readme.md',
  'extension/syntaxes/ffi-abi.tmLanguage.json',
].sort();

/** A size the package has no reason to outgrow; passing it means something that does not run got in. */
const MAX_VSIX_BYTES = 1024 * 1024;

interface ZipEntry {
  name: string;
  data: Buffer;
}

/** The entries of a zip archive (stored or deflated, as vsce writes them). */
function readZip(zip: Buffer): ZipEntry[] {
  const end = zip.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  assert.ok(end >= 0, 'the .vsix is a zip archive');
  const count = zip.readUInt16LE(end + 10);
  let at = zip.readUInt32LE(end + 16);
  const entries: ZipEntry[] = [];
  for (let i = 0; i < count; i++) {
    assert.strictEqual(zip.readUInt32LE(at), 0x02014b50, 'central directory entry');
    const method = zip.readUInt16LE(at + 10);
    const compressedSize = zip.readUInt32LE(at + 20);
    const nameLength = zip.readUInt16LE(at + 28);
    const local = zip.readUInt32LE(at + 42);
    const name = zip.toString('utf8', at + 46, at + 46 + nameLength);
    at += 46 + nameLength + zip.readUInt16LE(at + 30) + zip.readUInt16LE(at + 32);
    const start = local + 30 + zip.readUInt16LE(local + 26) + zip.readUInt16LE(local + 28);
    const raw = zip.subarray(start, start + compressedSize);
    assert.ok(method === 0 || method === 8, `${name}: stored or deflated`);
    entries.push({ name, data: method === 8 ? zlib.inflateRawSync(raw) : Buffer.from(raw) });
  }
  return entries;
}

function tempDir(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

describe('vsix: npm run bundle, vsce package', function () {
  this.timeout(120_000);
  let vsix: string;
  let entries: ZipEntry[];
  let unpacked: string;

  before(async () => {
    // As on a fresh clone: no bundle yet. vsce runs `vscode:prepublish`, which writes it.
    fs.rmSync(path.join(REPO, 'dist'), { recursive: true, force: true });
    vsix = path.join(tempDir('ffi-guard-vsix-'), 'rust-ffi-guard.vsix');
    await run(process.execPath, [VSCE, 'package', '--allow-missing-repository', '--out', vsix], { cwd: REPO });
    entries = readZip(fs.readFileSync(vsix));
    unpacked = tempDir('ffi-guard-unpacked-');
    for (const e of entries) {
      const file = path.join(unpacked, ...e.name.split('/'));
      fs.mkdirSync(path.dirname(file), { recursive: true });
      fs.writeFileSync(file, e.data);
    }
  });

  it('holds only the runtime files', () => {
    const names = entries.map((e) => e.name);
    for (const name of names) {
      assert.ok(!/\.(ts|map)$/.test(name), `no sources or source maps: ${name}`);
      assert.ok(
        !/(^|\/)(node_modules|test|server|client|examples|out|grammars|scripts|\.bench)\//.test(name),
        `no development folders: ${name}`,
      );
    }
    assert.deepStrictEqual(names.sort(), EXPECTED);
    assert.ok(GRAMMARS.includes('extension/dist/tree-sitter-rust.wasm'));
  });

  it('bundles no code of the server or the core into the client', async () => {
    // The bundle script fails on a forbidden source; asked here again for its list, in a folder of our own.
    const { bundle, ENTRIES } = (await import(pathToFileURL(path.join(REPO, 'scripts', 'bundle.js')).href)) as {
      bundle: (options: { outDir: string; entries: unknown[] }) => Promise<{ name: string; sources: string[] }[]>;
      ENTRIES: { outfile: string }[];
    };
    const client = ENTRIES.filter((e) => e.outfile === 'extension.js');
    const files = await bundle({ outDir: tempDir('ffi-guard-client-bundle-'), entries: client });
    const sources = files.find((f) => f.name === 'extension.js')!.sources;
    assert.ok(sources.includes('client/src/extension.ts') && sources.includes('protocol/html.ts'), sources.join(', '));
    assert.deepStrictEqual(
      sources.filter((s) => !s.startsWith('client/src/') && !s.startsWith('protocol/')),
      [],
      'the client bundles only client/src and protocol/',
    );
    // And the shipped script: a message only the core's checker writes is not in it.
    const shipped = fs.readFileSync(path.join(unpacked, 'extension', 'dist', 'extension.js'), 'utf8');
    assert.ok(!shipped.includes('improper_ctypes_definitions'), 'no rule table of the core in the client');
  });

  it(`is smaller than ${MAX_VSIX_BYTES / 1024} kB`, () => {
    const bytes = fs.statSync(vsix).size;
    assert.ok(bytes < MAX_VSIX_BYTES, `${vsix} is ${bytes} bytes`);
  });

  it('is as large as docs/editors.md says, within 10%', () => {
    const kB = fs.statSync(vsix).size / 1024;
    const docs = fs.readFileSync(path.join(REPO, 'docs', 'editors.md'), 'utf8');
    const stated = /rust-ffi-guard\.vsix \(about (\d+) kB\)/.exec(docs);
    assert.ok(stated, 'docs/editors.md states the size: `rust-ffi-guard.vsix (about N kB)`');
    const said = Number(stated[1]);
    assert.ok(
      Math.abs(said - kB) <= kB * 0.1,
      `docs/editors.md says about ${said} kB; the package measures ${Math.round(kB)} kB: update the docs`,
    );
  });

  it('carries the Marketplace metadata: an icon PNG of 128×128 pixels, a banner, categories, keywords', () => {
    const manifest = JSON.parse(fs.readFileSync(path.join(unpacked, 'extension', 'package.json'), 'utf8')) as {
      icon: string;
      galleryBanner: { color: string; theme: string };
      categories: string[];
      keywords: string[];
    };
    const icon = fs.readFileSync(path.join(unpacked, 'extension', manifest.icon));
    assert.strictEqual(icon.toString('latin1', 1, 4), 'PNG');
    assert.deepStrictEqual([icon.readUInt32BE(16), icon.readUInt32BE(20)], [128, 128]);
    assert.match(manifest.galleryBanner.color, /^#[0-9a-f]{6}$/i);
    assert.ok(['dark', 'light'].includes(manifest.galleryBanner.theme));
    assert.ok(manifest.categories.includes('Linters'));
    assert.ok(manifest.keywords.length >= 5 && manifest.keywords.length <= 30, 'vsce accepts at most 30');
    const xml = entries.find((e) => e.name === 'extension.vsixmanifest')!.data.toString('utf8');
    assert.match(xml, /Microsoft\.VisualStudio\.Services\.Content\.Changelog/);
  });

  it('ships the manifest, with the bundled client as its entry point', () => {
    const manifest = JSON.parse(fs.readFileSync(path.join(unpacked, 'extension', 'package.json'), 'utf8')) as {
      main: string;
    };
    assert.ok(fs.existsSync(path.join(unpacked, 'extension', manifest.main)), `${manifest.main} is in the package`);
    const client = fs.readFileSync(path.join(unpacked, 'extension', 'dist', 'extension.js'), 'utf8');
    assert.ok(client.includes('require("vscode")'), 'vscode is left to VS Code');
    assert.ok(!client.includes('sourceMappingURL'), 'no source map reference');
  });

  describe('the bundled server, started from the unpacked package', () => {
    let workspace: string;
    let diagnostics: PublishDiagnosticsParams;
    let exitCode: number | null;

    before(async () => {
      workspace = tempDir('ffi-guard-vsix-ws-');
      fs.mkdirSync(path.join(workspace, 'src'));
      fs.writeFileSync(
        path.join(workspace, 'Cargo.toml'),
        '[package]\nname = "demo"\nversion = "0.1.0"\nedition = "2021"\n',
      );
      fs.writeFileSync(
        path.join(workspace, 'src', 'lib.rs'),
        '#[no_mangle]\npub extern "C" fn len(s: &str) -> usize {\n    s.len()\n}\n',
      );
      const server = spawn(process.execPath, [path.join(unpacked, 'extension', 'dist', 'server.js'), '--stdio'], {
        cwd: os.tmpdir(),
        stdio: ['pipe', 'pipe', 'pipe'],
      });
      let stderr = '';
      server.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      const exited = new Promise<number | null>((resolve) => server.on('exit', resolve));
      const connection = createMessageConnection(
        new StreamMessageReader(server.stdout),
        new StreamMessageWriter(server.stdin),
      );
      const log: string[] = [];
      connection.onNotification('window/logMessage', (p: { message: string }) => {
        log.push(p.message);
      });
      connection.onRequest(() => null);
      const libUri = pathToFileURL(path.join(workspace, 'src', 'lib.rs')).toString();
      const published = new Promise<PublishDiagnosticsParams>((resolve) => {
        connection.onNotification('textDocument/publishDiagnostics', (p: PublishDiagnosticsParams) => {
          if (p.uri === libUri && p.diagnostics.length) resolve(p);
        });
      });
      connection.listen();
      try {
        const folder = pathToFileURL(workspace).toString();
        await connection.sendRequest('initialize', {
          processId: process.pid,
          rootUri: folder,
          workspaceFolders: [{ uri: folder, name: 'demo' }],
          capabilities: {},
        });
        await connection.sendNotification('initialized', {});
        let timer: NodeJS.Timeout | undefined;
        const timeout = new Promise<never>((_, reject) => {
          timer = setTimeout(
            () =>
              reject(new Error(`no diagnostics for ${libUri} within 30 s; server log:\n${log.join('\n')}\n${stderr}`)),
            30_000,
          );
        });
        diagnostics = await Promise.race([published, timeout]).finally(() => clearTimeout(timer));
        await connection.sendRequest('shutdown');
        await connection.sendNotification('exit');
        exitCode = await exited;
      } finally {
        connection.dispose();
        server.kill();
      }
    });

    it('indexes the workspace and reports a finding in a file never opened', () => {
      const str = diagnostics.diagnostics.find((d) => d.code === 'str-type');
      assert.ok(str, JSON.stringify(diagnostics.diagnostics));
      assert.strictEqual(str.source, 'ffi-guard');
      assert.deepStrictEqual(str.range, { start: { line: 1, character: 25 }, end: { line: 1, character: 29 } });
    });

    it('links each finding to the rule documentation shipped in the package', () => {
      for (const d of diagnostics.diagnostics) {
        assert.ok(d.codeDescription, `${String(d.code)} has a codeDescription`);
        const href = d.codeDescription.href;
        assert.ok(href.endsWith(`#${String(d.code)}`), href);
        if (href.startsWith('file:'))
          assert.ok(fs.existsSync(fileURLToPath(href.replace(/#.*$/, ''))), `${href} exists in the unpacked package`);
      }
    });

    it('exits cleanly on shutdown and exit', () => {
      assert.strictEqual(exitCode, 0);
    });
  });
});
