import * as assert from 'assert';
import { ChildProcess, spawn } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { pathToFileURL } from 'url';
import {
  createMessageConnection,
  MessageConnection,
  ResponseError,
  StreamMessageReader,
  StreamMessageWriter,
} from 'vscode-jsonrpc/node';
import { REPO, runCli } from './harness/cli';
import { tempDir } from './harness/tmp';
import { changesMarkdown } from '../server/src/lsp/surface';
import {
  DiffResult,
  HeaderCratesResult,
  HeaderResult,
  SnapshotResult,
  SurfaceMethods,
  SurfaceResult,
  TextResult,
} from '../protocol/surface-requests';

/**
 * The workspace-wide requests behind the VS Code ABI report, header and baseline commands, sent to the
 * real server process over stdio. Their answers must be what the command line prints for the same crate.
 */

const BIN = path.join(REPO, 'bin', 'ffi-guard.js');

/** The CLI's output for `args`, run in `cwd`. */
async function cli(args: string[], cwd: string): Promise<string> {
  return (await runCli(args, cwd)).stdout;
}

describe('lsp: ABI surface requests', function () {
  this.timeout(60_000);
  let root: string;
  let server: ChildProcess;
  let connection: MessageConnection;
  let stderr = '';
  const lib = (): string => path.join(root, 'src', 'lib.rs');
  const request = <R>(method: string, params?: unknown): Promise<R> =>
    connection.sendRequest<R>(method, params ?? null);

  before(async () => {
    root = tempDir('ffi-guard-lsp-surface-');
    fs.cpSync(path.join(REPO, 'examples', 'ffi-demo'), root, { recursive: true });
    server = spawn(process.execPath, [BIN, 'lsp', '--stdio'], { cwd: REPO, stdio: ['pipe', 'pipe', 'pipe'] });
    server.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    connection = createMessageConnection(
      new StreamMessageReader(server.stdout!),
      new StreamMessageWriter(server.stdin!),
    );
    connection.onRequest('workspace/configuration', () => [{}]);
    connection.onRequest('client/registerCapability', () => null);
    connection.onNotification('window/logMessage', () => undefined);
    connection.onNotification('textDocument/publishDiagnostics', () => undefined);
    connection.listen();
    await connection.sendRequest('initialize', {
      processId: process.pid,
      rootUri: pathToFileURL(root).toString(),
      workspaceFolders: [{ uri: pathToFileURL(root).toString(), name: 'ws' }],
      capabilities: { workspace: { configuration: true } },
    });
    await connection.sendNotification('initialized', {});
  });

  after(() => {
    server.kill();
  });

  it('answers ffiGuard/surface with what `ffi-guard report --format json` prints', async () => {
    const answer = await request<SurfaceResult>(SurfaceMethods.surface);
    assert.strictEqual(answer.root, root);
    assert.deepStrictEqual(answer.report, JSON.parse(await cli(['report', root, '--format', 'json'], root)));
    const kvGet = answer.report.symbols.find((s) => s.name === 'kv_get')!;
    assert.strictEqual(kvGet.safe, false);
    assert.ok(kvGet.findings.includes('str-type'));
    assert.strictEqual(kvGet.file, 'src/lib.rs');
    assert.strictEqual(
      fs.readFileSync(path.join(root, kvGet.file), 'utf8').split('\n')[kvGet.line - 1].includes('fn kv_get('),
      true,
      'line is 1-based',
    );
    assert.strictEqual(answer.report.symbols.find((s) => s.name === 'kv_put')!.safe, true);
    assert.ok(answer.report.summary.exports > 0 && answer.report.summary.imports > 0);
  });

  it('scopes the report to a folder given as a URI, with paths relative to it', async () => {
    const src = path.join(root, 'src');
    const whole = await request<SurfaceResult>(SurfaceMethods.surface, { folder: pathToFileURL(root).toString() });
    assert.strictEqual(
      whole.report.symbols.length,
      (await request<SurfaceResult>(SurfaceMethods.surface)).report.symbols.length,
    );
    // No crate root lies in an empty folder: every crate, relative to that folder.
    const empty = tempDir('ffi-guard-empty-');
    const elsewhere = await request<SurfaceResult>(SurfaceMethods.surface, { folder: empty });
    assert.strictEqual(elsewhere.root, empty);
    assert.strictEqual(path.resolve(empty, elsewhere.report.symbols[0].file), path.join(src, 'lib.rs'));
  });

  it('exports Markdown, JSON, HTML and SARIF as the command line writes them', async () => {
    const text = async (format: string): Promise<string> =>
      (await request<TextResult>(SurfaceMethods.export, { format })).text;
    assert.strictEqual(await text('markdown'), await cli(['report', root, '--format', 'markdown'], root));
    assert.strictEqual(await text('json'), await cli(['report', root, '--format', 'json'], root));
    assert.strictEqual(await text('html'), await cli(['report', root, '--format', 'html'], root));
    type Result = { ruleId: string; locations: unknown[]; relatedLocations?: unknown[] };
    type Sarif = { version: string; runs: { results: Result[] }[] };
    const ours = JSON.parse(await text('sarif')) as Sarif;
    const theirs = JSON.parse(await cli(['check', root, '--format', 'sarif'], root)) as Sarif;
    assert.strictEqual(ours.version, '2.1.0');
    const key = (r: Result): string => JSON.stringify([r.ruleId, r.locations, r.relatedLocations]);
    assert.deepStrictEqual(ours.runs[0].results.map(key).sort(), theirs.runs[0].results.map(key).sort());
    assert.ok(
      ours.runs[0].results.some((r) => r.relatedLocations?.length),
      'related places (where a type is defined) are exported too',
    );
    await assert.rejects(
      request(SurfaceMethods.export, { format: 'pdf' }),
      (e: ResponseError<unknown>) => e.code === -32602 && /pdf/.test(e.message),
    );
  });

  it('answers ffiGuard/header with the header `ffi-guard header` writes, for the crate or a guard name', async () => {
    assert.deepStrictEqual(await request<HeaderCratesResult>(SurfaceMethods.headerCrates), { crates: ['ffi_demo'] });
    const header = await request<HeaderResult>(SurfaceMethods.header);
    assert.strictEqual(header.crate, 'ffi_demo');
    assert.strictEqual(header.directory, root);
    assert.strictEqual(header.text, await cli(['header', root], root));
    const named = await request<HeaderResult>(SurfaceMethods.header, { crate: 'ffi_demo', guard: 'kvstore' });
    assert.match(named.text, /#ifndef KVSTORE_H\n#define KVSTORE_H/);
    await assert.rejects(
      request(SurfaceMethods.header, { crate: 'no-such-crate' }),
      (e: ResponseError<unknown>) => e.code === -32602 && /no crate named `no-such-crate`/.test(e.message),
    );
  });

  it('answers ffiGuard/snapshot with the baseline `ffi-guard snapshot` writes', async () => {
    const snap = await request<SnapshotResult>(SurfaceMethods.snapshot, { folder: root });
    const file = path.join(tempDir('ffi-guard-snap-'), 'abi.ffi-abi');
    await cli(['snapshot', root, '--out', file], root);
    assert.strictEqual(snap.text, fs.readFileSync(file, 'utf8'));
    assert.ok(snap.symbols > 0 && snap.types > 0);
  });

  it('answers ffiGuard/diff: no change against its own snapshot, a breaking change after an unsaved edit', async () => {
    const baseline = path.join(root, 'abi.ffi-abi');
    fs.writeFileSync(baseline, (await request<SnapshotResult>(SurfaceMethods.snapshot, { folder: root })).text);
    const same = await request<DiffResult>(SurfaceMethods.diff, {
      baseline: pathToFileURL(baseline).toString(),
      folder: root,
    });
    assert.deepStrictEqual(same.changes, []);
    assert.strictEqual(same.breaking, 0);
    assert.strictEqual(same.text, 'no ABI changes\n');
    assert.match(same.markdown, /^# ABI changes against `abi\.ffi-abi`\n\nNo ABI changes/);

    // An edit in the editor, not saved: kv_put's value becomes an i32.
    const text = fs.readFileSync(lib(), 'utf8');
    const lines = text.split('\n');
    const line = lines.findIndex((l) => l.includes('fn kv_put('));
    const character = lines[line].indexOf('value: i64') + 'value: '.length;
    const uri = pathToFileURL(lib()).toString();
    void connection.sendNotification('textDocument/didOpen', {
      textDocument: { uri, languageId: 'rust', version: 1, text },
    });
    void connection.sendNotification('textDocument/didChange', {
      textDocument: { uri, version: 2 },
      contentChanges: [{ range: { start: { line, character }, end: { line, character: character + 3 } }, text: 'i32' }],
    });
    const changed = await request<DiffResult>(SurfaceMethods.diff, { baseline, folder: root });
    assert.strictEqual(changed.breaking, 1, changed.text);
    assert.deepStrictEqual(changed.changes, [
      { severity: 'breaking', subject: 'fn kv_put', message: 'parameter 3 changed from `i64` to `i32`' },
    ]);
    assert.match(
      changed.text,
      /^breaking: fn kv_put: parameter 3 changed from `i64` to `i32`\n1 change: 1 breaking, 0 compatible\n$/,
    );
    assert.match(
      changed.markdown,
      /\*\*1 breaking\*\*, 0 compatible\.\n\n## Breaking\n\n- `fn kv_put`: parameter 3 changed from `i64` to `i32`\n/,
    );
    // The command line reads the disk, where nothing changed yet.
    assert.strictEqual(await cli(['diff', root, '--baseline', baseline], root), 'no ABI changes\n');

    // The baseline's text can come from the client (an unsaved baseline document).
    const fromText = await request<DiffResult>(SurfaceMethods.diff, { baseline, text: 'ffi-abi 1\n', folder: root });
    assert.ok(
      fromText.changes.some((c) => c.severity === 'compatible' && c.subject === 'fn kv_put' && c.message === 'added'),
      fromText.text,
    );
    assert.ok(
      fromText.changes.every((c) => c.severity === 'compatible' || c.subject.startsWith('import ')),
      'against an empty baseline, only new imports break (the library now needs them at link time)',
    );
  });

  it('answers a baseline it cannot read or parse with an error that names the file, and keeps serving', async () => {
    const bad = path.join(root, 'bad.ffi-abi');
    fs.writeFileSync(bad, 'not a baseline\n');
    await assert.rejects(
      request(SurfaceMethods.diff, { baseline: bad }),
      (e: ResponseError<unknown>) => e.code === -32602 && e.message.includes(bad) && /line 1/.test(e.message),
    );
    await assert.rejects(
      request(SurfaceMethods.diff, { baseline: path.join(root, 'missing.ffi-abi') }),
      (e: ResponseError<unknown>) =>
        e.code === -32602 && /Cannot read the baseline .*missing\.ffi-abi: ENOENT/.test(e.message),
    );
    await assert.rejects(request(SurfaceMethods.diff, {}), (e: ResponseError<unknown>) => e.code === -32602);
    const still = await request<SurfaceResult>(SurfaceMethods.surface);
    assert.ok(still.report.symbols.length > 0, stderr);
    assert.strictEqual(server.exitCode, null, 'the server is still running');
  });
});

describe('lsp: ABI changes as Markdown', () => {
  it('keeps code spans, escapes the prose, and quotes subjects holding backticks', () => {
    const md = changesMarkdown(
      [
        { severity: 'compatible', subject: 'fn added', message: 'added' },
        { severity: 'breaking', subject: 'type A`B', message: 'was <script>alert(1)</script> & `Vec<u8>` now *bold*' },
      ],
      'base.ffi-abi',
    );
    assert.strictEqual(
      md,
      [
        '# ABI changes against `base.ffi-abi`',
        '',
        '**1 breaking**, 1 compatible.',
        '',
        '## Breaking',
        '',
        '- ``type A`B``: was &lt;script&gt;alert(1)&lt;/script&gt; &amp; `Vec<u8>` now \\*bold\\*',
        '',
        '## Compatible',
        '',
        '- `fn added`: added',
        '',
      ].join('\n'),
    );
  });
});
