import * as assert from 'assert';
import { ChildProcess, execFileSync, spawn } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { tempDir } from './harness/tmp';
import { fileURLToPath, pathToFileURL } from 'url';
import {
  createMessageConnection,
  MessageConnection,
  StreamMessageReader,
  StreamMessageWriter,
} from 'vscode-jsonrpc/node';
import type { Diagnostic, Hover, PublishDiagnosticsParams } from 'vscode-languageserver-protocol';
import { main } from '../server/src/cli';
import { defaultSettings } from '../server/src/core/config';
import { runFixes } from '../server/src/core/fix-all';
import { LineIndex } from '../server/src/core/syntax/positions';
import type { FixAllResult } from '../protocol/surface-requests';

/**
 * The language server process, driven over stdio by a real JSON-RPC client, as an editor drives it.
 */

const REPO = path.resolve(__dirname, '..', '..');
const BIN = path.join(REPO, 'bin', 'ffi-guard.js');

class TestClient {
  readonly connection: MessageConnection;
  readonly process: ChildProcess;
  readonly progress: unknown[] = [];
  settings: Record<string, unknown> = {};
  private readonly latest = new Map<string, PublishDiagnosticsParams>();
  private waiters: {
    uri: string;
    pred: (p: PublishDiagnosticsParams) => boolean;
    resolve: (p: PublishDiagnosticsParams) => void;
  }[] = [];
  stderr = '';

  constructor() {
    this.process = spawn(process.execPath, [BIN, 'lsp', '--stdio'], { cwd: REPO, stdio: ['pipe', 'pipe', 'pipe'] });
    this.process.stderr!.on('data', (d: Buffer) => (this.stderr += d.toString()));
    this.connection = createMessageConnection(
      new StreamMessageReader(this.process.stdout!),
      new StreamMessageWriter(this.process.stdin!),
    );
    this.connection.onRequest('workspace/configuration', () => [this.settings]);
    this.connection.onRequest('window/workDoneProgress/create', () => null);
    this.connection.onRequest('client/registerCapability', () => null);
    this.connection.onNotification('$/progress', (p: unknown) => {
      this.progress.push(p);
    });
    this.connection.onNotification('window/logMessage', () => undefined);
    this.connection.onNotification('window/showMessage', () => undefined);
    this.connection.onNotification('textDocument/publishDiagnostics', (p: PublishDiagnosticsParams) => {
      this.latest.set(p.uri, p);
      this.waiters = this.waiters.filter((w) => {
        if (w.uri !== p.uri || !w.pred(p)) return true;
        w.resolve(p);
        return false;
      });
    });
    this.connection.listen();
  }

  async initialize(root: string): Promise<void> {
    await this.connection.sendRequest('initialize', {
      processId: process.pid,
      rootUri: pathToFileURL(root).toString(),
      workspaceFolders: [{ uri: pathToFileURL(root).toString(), name: 'ws' }],
      capabilities: {
        workspace: { configuration: true, didChangeConfiguration: { dynamicRegistration: true } },
        window: { workDoneProgress: true },
      },
    });
    await this.connection.sendNotification('initialized', {});
  }

  diagnostics(file: string): Diagnostic[] | undefined {
    return this.latest.get(pathToFileURL(file).toString())?.diagnostics;
  }

  /** The next (or current) diagnostics of a file that satisfy `pred`. */
  waitFor(
    file: string,
    pred: (p: PublishDiagnosticsParams) => boolean = () => true,
    ms = 20_000,
  ): Promise<PublishDiagnosticsParams> {
    const uri = pathToFileURL(file).toString();
    const current = this.latest.get(uri);
    if (current && pred(current)) return Promise.resolve(current);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () =>
          reject(
            new Error(
              `no matching diagnostics for ${file} within ${ms} ms; last: ${JSON.stringify(this.latest.get(uri)?.diagnostics.map((d) => d.code))}\n${this.stderr}`,
            ),
          ),
        ms,
      );
      this.waiters.push({
        uri,
        pred,
        resolve: (p) => {
          clearTimeout(timer);
          resolve(p);
        },
      });
    });
  }

  /**
   * Resolves once the first indexing is over and what it published has arrived: the server answers a hover
   * only then, and a response comes after every notification sent before it.
   */
  async indexed(file: string): Promise<void> {
    await this.connection.sendRequest('textDocument/hover', {
      textDocument: { uri: pathToFileURL(file).toString() },
      position: { line: 0, character: 0 },
    });
  }

  /** Diagnostics published after now that satisfy `pred`. */
  next(file: string, pred: (p: PublishDiagnosticsParams) => boolean = () => true): Promise<PublishDiagnosticsParams> {
    this.latest.delete(pathToFileURL(file).toString());
    return this.waitFor(file, pred);
  }

  open(file: string, version = 1): void {
    void this.connection.sendNotification('textDocument/didOpen', {
      textDocument: {
        uri: pathToFileURL(file).toString(),
        languageId: 'rust',
        version,
        text: fs.readFileSync(file, 'utf8'),
      },
    });
  }

  change(file: string, version: number, changes: unknown[]): void {
    void this.connection.sendNotification('textDocument/didChange', {
      textDocument: { uri: pathToFileURL(file).toString(), version },
      contentChanges: changes,
    });
  }
}

const codes = (p: PublishDiagnosticsParams): string[] => p.diagnostics.map((d) => String(d.code)).sort();

describe('lsp: the server over stdio', function () {
  this.timeout(60_000);
  let root: string;
  let client: TestClient;
  const lib = (): string => path.join(root, 'src', 'lib.rs');
  const types = (): string => path.join(root, 'src', 'types.rs');
  const sys = (): string => path.join(root, 'src', 'sys.rs');

  before(async () => {
    root = tempDir('ffi-guard-lsp-');
    fs.cpSync(path.join(REPO, 'examples', 'ffi-demo'), root, { recursive: true });
    client = new TestClient();
    await client.initialize(root);
  });

  after(() => {
    client.process.kill();
  });

  it('indexes the workspace with progress and publishes diagnostics for files never opened', async () => {
    const libDiags = await client.waitFor(lib(), (p) => p.diagnostics.length > 0);
    assert.deepStrictEqual(codes(libDiags), [
      'option-no-niche',
      'rust-abi-export',
      'rust-fn-pointer',
      'slice-type',
      'std-type',
      'str-type',
      'unspecified-layout',
    ]);
    const sysDiags = await client.waitFor(sys(), (p) => p.diagnostics.length > 0);
    assert.deepStrictEqual(codes(sysDiags), ['std-type']);
    const kinds = client.progress.map((p) => (p as { value: { kind: string } }).value.kind);
    assert.strictEqual(kinds[0], 'begin');
    assert.ok(kinds.includes('report'), 'reports files done / total');
    assert.strictEqual(kinds[kinds.length - 1], 'end');
    const str = libDiags.diagnostics.find((d) => d.code === 'str-type')!;
    assert.deepStrictEqual(str.range, { start: { line: 59, character: 45 }, end: { line: 59, character: 49 } });
    assert.strictEqual(str.source, 'ffi-guard');
    assert.match(String(str.codeDescription?.href), /docs\/rules\.md#str-type$/);
    const layout = libDiags.diagnostics.find((d) => d.code === 'unspecified-layout')!;
    assert.ok(
      layout.relatedInformation?.some((r) => r.location.uri.endsWith('/src/types.rs')),
      'points at the definition of Entry',
    );
    // Files without findings are sent nothing: an empty list would clear what the editor never showed.
    await client.indexed(lib());
    assert.strictEqual(client.diagnostics(types()), undefined);
    assert.strictEqual(client.diagnostics(path.join(root, 'src', 'store.rs')), undefined);
  });

  it('shows the same findings as `ffi-guard check` on the same crate', async () => {
    let stdout = '';
    await main(['check', root, '--format', 'json'], root, (t) => (stdout += t));
    const cli = (
      JSON.parse(stdout) as {
        diagnostics: { file: string; line: number; column: number; rule: string; message: string }[];
      }
    ).diagnostics
      .map((d) => `${path.resolve(root, d.file)}:${d.line}:${d.column} ${d.rule} ${d.message}`)
      .sort();
    const lsp: string[] = [];
    await client.indexed(lib());
    // A file without findings is never sent an empty list (nothing to clear): it shows none.
    for (const file of [lib(), sys(), types(), path.join(root, 'src', 'store.rs')]) {
      const diags = client.diagnostics(file) ?? [];
      for (const d of diags)
        lsp.push(
          `${file}:${d.range.start.line + 1}:${d.range.start.character + 1} ${d.code} ${typeof d.message === 'string' ? d.message : d.message.value}`,
        );
    }
    assert.deepStrictEqual(lsp.sort(), cli);
  });

  it('re-checks another file when a type gains #[repr(C)] (cross-file, incremental sync)', async () => {
    client.open(types());
    await client.waitFor(types());
    const text = fs.readFileSync(types(), 'utf8');
    const line = text.split('\n').findIndex((l) => l.startsWith('pub struct Entry'));
    const libUpdate = client.next(lib(), (p) => !codes(p).includes('unspecified-layout'));
    client.change(types(), 2, [
      { range: { start: { line, character: 0 }, end: { line, character: 0 } }, text: '#[repr(C)]\n' },
    ]);
    const after = await libUpdate;
    assert.deepStrictEqual(codes(after), [
      'option-no-niche',
      'rust-abi-export',
      'rust-fn-pointer',
      'slice-type',
      'std-type',
      'str-type',
    ]);
  });

  it('publishes the edited document after every change, with its version', async () => {
    client.open(lib());
    await client.waitFor(lib());
    const text = fs.readFileSync(lib(), 'utf8');
    const lines = text.split('\n').length;
    const added = client.next(lib(), (p) => p.version === 2);
    client.change(lib(), 2, [
      {
        range: { start: { line: lines - 1, character: 0 }, end: { line: lines - 1, character: 0 } },
        text: '\n#[no_mangle]\npub extern "C" fn added(c: char) {}\n',
      },
    ]);
    const withNew = await added;
    assert.ok(codes(withNew).includes('char-type'));
    const noop = client.next(lib(), (p) => p.version === 3);
    client.change(lib(), 3, [
      { range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, text: '' },
    ]);
    assert.deepStrictEqual(codes(await noop), codes(withNew), 'an edit that changes nothing is still answered');
    // Half-typed code: the finding above the hole stays.
    const broken = client.next(lib(), (p) => p.version === 4);
    client.change(lib(), 4, [
      {
        range: { start: { line: lines + 2, character: 0 }, end: { line: lines + 2, character: 0 } },
        text: 'pub extern "C" fn half(x: &str',
      },
    ]);
    assert.ok(codes(await broken).includes('char-type'));
  });

  it('answers hovers with the C prototype and the verdict', async () => {
    const text = fs.readFileSync(lib(), 'utf8').split('\n');
    const line = text.findIndex((l) => l.includes('fn kv_get('));
    const character = text[line].indexOf('kv_get');
    const hover = await client.connection.sendRequest<Hover>('textDocument/hover', {
      textDocument: { uri: pathToFileURL(lib()).toString() },
      position: { line, character },
    });
    const value = (hover.contents as { value: string }).value;
    assert.match(value, /```c\nint64_t kv_get\(const struct Store \*store, \/\* &str: no C type \*\/ key\);\n```/);
    assert.match(value, /not FFI-safe/);
    assert.match(value, /parameter `key`: `str`/);
    const put = text.findIndex((l) => l.includes('fn kv_put('));
    const ok = await client.connection.sendRequest<Hover>('textDocument/hover', {
      textDocument: { uri: pathToFileURL(lib()).toString() },
      position: { line: put, character: text[put].indexOf('kv_put') },
    });
    assert.match(
      (ok.contents as { value: string }).value,
      /enum ErrorCode kv_put\(struct Store \*store, const char \*key, int64_t value\);/,
    );
    assert.match((ok.contents as { value: string }).value, /Every type in this signature is FFI-safe/);
  });

  it('offers quick fixes: the preferred one edits the files, an explanation runs the client command', async () => {
    const uri = pathToFileURL(lib()).toString();
    const diags = (await client.waitFor(lib())).diagnostics;
    const str = diags.find((d) => d.code === 'str-type')!;
    const actions = await client.connection.sendRequest<
      {
        title: string;
        kind: string;
        isPreferred?: boolean;
        edit?: { changes: Record<string, { newText: string }[]> };
      }[]
    >('textDocument/codeAction', {
      textDocument: { uri },
      range: str.range,
      context: { diagnostics: [str] },
    });
    const preferred = actions.find((a) => a.isPreferred)!;
    assert.strictEqual(preferred.kind, 'quickfix');
    assert.match(preferred.title, /shim `kv_get_ffi`/);
    // The shim takes over the exported symbol: the title warns that C callers must change.
    assert.match(preferred.title, /\(changes the C signature of `kv_get`\)$/);
    assert.ok(
      preferred.edit!.changes[uri].some((e) =>
        e.newText.includes('pub unsafe extern "C" fn kv_get_ffi(store: &Store, key: *const std::ffi::c_char'),
      ),
    );
    assert.ok(actions.some((a) => /Allow `improper_ctypes_definitions`/.test(a.title)));
  });

  it('applies settings changes without a restart', async () => {
    client.settings = { rules: { 'str-type': 'off', 'rust-abi-export': 'error' } };
    const update = client.next(lib(), (p) => !codes(p).includes('str-type'));
    void client.connection.sendNotification('workspace/didChangeConfiguration', { settings: null });
    const after = await update;
    assert.strictEqual(after.diagnostics.find((d) => d.code === 'rust-abi-export')?.severity, 1);
    client.settings = {};
  });

  it('keeps the index true when a file is deleted on disk', async () => {
    const sysFile = sys();
    await client.waitFor(sysFile, (p) => p.diagnostics.length > 0);
    fs.rmSync(sysFile);
    const cleared = client.next(sysFile, (p) => p.diagnostics.length === 0);
    void client.connection.sendNotification('workspace/didChangeWatchedFiles', {
      changes: [{ uri: pathToFileURL(sysFile).toString(), type: 3 }],
    });
    await cleared;
  });

  it('survives bad requests and keeps serving', async () => {
    await assert.rejects(client.connection.sendRequest('ffiGuard/noSuchMethod', {}));
    const nothing = await client.connection.sendRequest('textDocument/hover', {
      textDocument: { uri: 'file:///no/such/file.rs' },
      position: { line: 0, character: 0 },
    });
    assert.strictEqual(nothing, null);
    const again = await client.connection.sendRequest('textDocument/hover', {
      textDocument: { uri: pathToFileURL(lib()).toString() },
      position: { line: 0, character: 0 },
    });
    assert.ok(again === null || typeof again === 'object');
  });

  it('shuts down and exits on request', async () => {
    await client.connection.sendRequest('shutdown');
    const exited = new Promise<number | null>((resolve) => client.process.once('exit', (code) => resolve(code)));
    void client.connection.sendNotification('exit');
    assert.strictEqual(await exited, 0);
  });
});

describe('lsp: fix all', function () {
  this.timeout(120_000);
  let root: string;
  let client: TestClient;
  const lib = (): string => path.join(root, 'src', 'lib.rs');
  // An unsaved function in the editor: fix-all works on the documents as the editor has them.
  const unsaved = '\n#[no_mangle]\npub extern "C" fn kv_key_len(key: &str) -> usize {\n    key.len()\n}\n';

  before(async () => {
    root = tempDir('ffi-guard-lsp-fixall-');
    fs.cpSync(path.join(REPO, 'examples', 'ffi-demo'), root, { recursive: true });
    client = new TestClient();
    await client.initialize(root);
    await client.waitFor(lib(), (p) => p.diagnostics.length > 0);
    void client.connection.sendNotification('textDocument/didOpen', {
      textDocument: {
        uri: pathToFileURL(lib()).toString(),
        languageId: 'rust',
        version: 1,
        text: fs.readFileSync(lib(), 'utf8') + unsaved,
      },
    });
  });

  after(() => {
    client.process.kill();
  });

  /** The files after an LSP edit, over the documents as the editor had them. */
  function applied(edit: FixAllResult['edit']): Map<string, string> {
    const out = new Map<string, string>();
    for (const [uri, edits] of Object.entries(edit.changes)) {
      const file = fileURLToPath(uri);
      let text = fs.readFileSync(file, 'utf8') + (file === lib() ? unsaved : '');
      const index = new LineIndex(text);
      const spans = edits.map((e) => ({
        start: index.offset(e.range.start),
        end: index.offset(e.range.end),
        newText: e.newText,
      }));
      for (const s of spans.sort((a, b) => b.start - a.start))
        text = text.slice(0, s.start) + s.newText + text.slice(s.end);
      out.set(file, text);
    }
    return out;
  }

  it('offers the fixes of one file as a source.fixAll action, only when asked for source actions', async () => {
    const uri = pathToFileURL(lib()).toString();
    const range = { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };
    const plain = await client.connection.sendRequest<
      {
        kind: string;
      }[]
    >('textDocument/codeAction', {
      textDocument: { uri },
      range,
      context: { diagnostics: [] },
    });
    assert.ok(!plain.some((a) => a.kind.startsWith('source')), 'no fix-all in the light bulb');
    const other = await client.connection.sendRequest<unknown[]>('textDocument/codeAction', {
      textDocument: { uri },
      range,
      context: { diagnostics: [], only: ['source.organizeImports'] },
    });
    assert.deepStrictEqual(other, [], 'nothing for kinds we do not offer');
    // On save (an automatic trigger), only when named: a generic `source.fixAll` is meant for linters' fixes.
    const onSave = (only: string[]): Promise<unknown[]> =>
      client.connection.sendRequest<unknown[]>('textDocument/codeAction', {
        textDocument: { uri },
        range,
        context: { diagnostics: [], only, triggerKind: 2 },
      });
    assert.deepStrictEqual(await onSave(['source.fixAll']), []);
    assert.strictEqual((await onSave(['source.fixAll.ffiGuard'])).length, 1);
    const actions = await client.connection.sendRequest<{ title: string; kind: string; edit: FixAllResult['edit'] }[]>(
      'textDocument/codeAction',
      {
        textDocument: { uri },
        range,
        context: { diagnostics: [], only: ['source.fixAll'] },
      },
    );
    assert.strictEqual(actions.length, 1);
    assert.strictEqual(actions[0].kind, 'source.fixAll.ffiGuard');
    assert.match(actions[0].title, /^Fix all FFI findings in this file \(\d+ fix(es)?\)$/);
    const after = applied(actions[0].edit).get(lib())!;
    assert.match(
      after,
      /pub unsafe extern "C" fn kv_key_len_ffi\(key: \*const std::ffi::c_char/,
      'the unsaved function is fixed too',
    );
  });

  it('answers ffiGuard/fixAll with what ffi-guard fix writes, and the result compiles', async () => {
    const result = await client.connection.sendRequest<FixAllResult>('ffiGuard/fixAll', {});
    assert.ok(result.fixes > 0 && result.files > 0);
    const copy = tempDir('ffi-guard-lsp-fixall-cli-');
    fs.cpSync(root, copy, { recursive: true });
    fs.appendFileSync(path.join(copy, 'src', 'lib.rs'), unsaved);
    const cli = await runFixes([copy], copy, defaultSettings());
    assert.strictEqual(result.fixes, cli.applied.length);
    const fromLsp = applied(result.edit);
    for (const [file, text] of cli.changed)
      assert.strictEqual(fromLsp.get(path.join(root, path.relative(copy, file))), text, path.relative(copy, file));
    for (const [file, text] of fromLsp) fs.writeFileSync(file, text);
    execFileSync(
      'rustc',
      [
        '--edition',
        '2021',
        '--crate-type=lib',
        '--emit=metadata',
        '-D',
        'improper_ctypes_definitions',
        '-o',
        path.join(root, 'out.rmeta'),
        lib(),
      ],
      {
        stdio: 'pipe',
      },
    );
  });
});

/** A diagnostic's message as text (LSP 3.18 allows Markdown content there; we always send a string). */
function messageText(d: Diagnostic): string {
  return typeof d.message === 'string' ? d.message : d.message.value;
}

describe('lsp: abi-mismatch across crates, with related information', function () {
  this.timeout(60_000);
  let root: string;
  let client: TestClient;
  const host = (): string => path.join(root, 'host', 'src', 'lib.rs');
  const plugin = (): string => path.join(root, 'plugin', 'src', 'lib.rs');
  const mismatch = (p: PublishDiagnosticsParams): Diagnostic | undefined =>
    p.diagnostics.find((d) => d.code === 'abi-mismatch');

  before(async () => {
    root = tempDir('ffi-guard-lsp-abi-');
    const write = (file: string, text: string): void => {
      fs.mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
      fs.writeFileSync(path.join(root, file), text);
    };
    write('Cargo.toml', '[workspace]\nmembers = ["host", "plugin"]\n');
    write('plugin/Cargo.toml', '[package]\nname = "plugin"\nversion = "0.1.0"\nedition = "2021"\n');
    write(
      'plugin/src/lib.rs',
      '#[no_mangle]\npub extern "C" fn count(p: *const u8, len: usize) -> u32 {\n    len as u32\n}\n',
    );
    write('host/Cargo.toml', '[package]\nname = "host"\nversion = "0.1.0"\nedition = "2021"\n');
    write('host/src/lib.rs', 'extern "C" {\n    pub fn count(p: *const u8, len: u32) -> u32;\n}\n');
    // A header that drifted: it still declares a third parameter.
    write(
      'plugin.h',
      '#include <stdint.h>\n#include <stddef.h>\nuint32_t count(const uint8_t *p, uint64_t len, int flags);\n',
    );
    client = new TestClient();
    client.settings = { against: ['plugin.h'] };
    await client.initialize(root);
  });

  after(() => {
    client.process.kill();
  });

  it('shows the mismatch on both sides, each pointing at the other, and the header of ffiGuard.against', async () => {
    const atHost = mismatch(await client.waitFor(host(), (p) => !!mismatch(p)))!;
    assert.match(
      messageText(atHost),
      /parameter 2 is `u32` \(4 bytes\) here, `usize` \(8 bytes\) in `plugin`'s export/,
    );
    assert.strictEqual(atHost.range.start.line, 1);
    assert.deepStrictEqual(
      atHost.relatedInformation?.map((r) => [fileURLToPath(r.location.uri), r.location.range.start.line]),
      [[plugin(), 1]],
    );
    const atPlugin = await client.waitFor(
      plugin(),
      (p) => p.diagnostics.filter((d) => d.code === 'abi-mismatch').length === 2,
    );
    assert.deepStrictEqual(
      atPlugin.diagnostics
        .filter((d) => d.code === 'abi-mismatch')
        .map((d) => [
          fileURLToPath(d.relatedInformation![0].location.uri),
          d.relatedInformation![0].location.range.start.line,
        ]),
      [
        [host(), 1],
        [path.join(root, 'plugin.h'), 2],
      ],
      'the host, and the header of ffiGuard.against',
    );
  });

  it('clears both sides once the host is fixed in the editor, and keeps what the header says', async () => {
    client.open(host());
    const text = fs.readFileSync(host(), 'utf8');
    const index = new LineIndex(text);
    const at = text.indexOf('len: u32') + 'len: '.length;
    client.change(host(), 2, [{ range: { start: index.position(at), end: index.position(at + 3) }, text: 'usize' }]);
    await client.waitFor(host(), (p) => p.version === 2 && !mismatch(p));
    const left = await client.waitFor(
      plugin(),
      (p) => p.diagnostics.filter((d) => d.code === 'abi-mismatch').length === 1,
    );
    assert.match(
      messageText(mismatch(left)!),
      /the header plugin\.h declares at plugin\.h:3: the number of parameters is 2/,
    );
  });
});
