import * as assert from 'assert';
import { spawn } from 'child_process';
import * as path from 'path';
import * as fs from 'fs';
import { pathToFileURL } from 'url';
import { createMessageConnection, StreamMessageReader, StreamMessageWriter } from 'vscode-jsonrpc/node';
import { REPO } from './harness/cli';
import { tempDir } from './harness/tmp';

/** A malformed LSP message is reported and skipped: the server keeps answering the next ones. */
describe('lsp: malformed messages', function () {
  this.timeout(30_000);

  it('answers the requests around a message that is not JSON-RPC', async () => {
    const server = spawn(process.execPath, [path.join(REPO, 'bin', 'ffi-guard.js'), 'lsp', '--stdio'], {
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let out = '';
    server.stdout.on('data', (d: Buffer) => (out += d.toString()));
    const send = (o: object): void => {
      const body = JSON.stringify(o);
      server.stdin.write(`Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
    };
    server.stdin.write('Content-Length: 5\r\n\r\n{bad}');
    send({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { processId: null, rootUri: null, capabilities: {} } });
    server.stdin.write('Content-Length: 12\r\n\r\n{"jsonrpc":1');
    send({ jsonrpc: '2.0', id: 2, method: 'shutdown' });
    const answered = await new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => resolve(false), 20_000);
      server.stdout.on('data', () => {
        if (/"id":\s*1[,}]/.test(out) && /"id":\s*2[,}]/.test(out)) {
          clearTimeout(timer);
          resolve(true);
        }
      });
    });
    assert.ok(answered, `both requests answered; got: ${out.slice(0, 300)}`);
    assert.strictEqual(server.exitCode, null, 'the server is still running');
    server.kill();
  });

  it('does not parse an open document over the size limit, says so, and keeps serving', async () => {
    const root = tempDir('ffi-guard-big-');
    fs.writeFileSync(path.join(root, 'small.rs'), 'pub extern "C" fn f(c: char) {}\n');
    fs.mkdirSync(path.join(root, 'broken'));
    fs.writeFileSync(path.join(root, 'broken', 'Cargo.toml'), '[package\nname = "x"\n');
    const server = spawn(process.execPath, [path.join(REPO, 'bin', 'ffi-guard.js'), 'lsp', '--stdio'], {
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    const connection = createMessageConnection(
      new StreamMessageReader(server.stdout),
      new StreamMessageWriter(server.stdin),
    );
    const published = new Map<string, { message: string; code?: unknown }[]>();
    connection.onNotification(
      'textDocument/publishDiagnostics',
      (p: { uri: string; diagnostics: { message: string; code?: unknown }[] }) => {
        published.set(p.uri, p.diagnostics);
      },
    );
    connection.listen();
    await connection.sendRequest('initialize', {
      processId: null,
      rootUri: pathToFileURL(root).toString(),
      capabilities: {},
    });
    await connection.sendNotification('initialized', {});
    const big = pathToFileURL(path.join(root, 'big.rs')).toString();
    const text = `pub extern "C" fn g(s: &str) {}\n// ${'x'.repeat(11 * 1024 * 1024)}\n`;
    await connection.sendNotification('textDocument/didOpen', {
      textDocument: { uri: big, languageId: 'rust', version: 1, text },
    });
    const deadline = Date.now() + 20_000;
    while (!published.has(big) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    const diags = published.get(big) ?? [];
    assert.deepStrictEqual(
      diags.map((d) => d.code ?? null),
      [null],
      'no finding, one note',
    );
    assert.match(diags[0].message, /did not check this file: larger than the size limit/);
    const small = await connection.sendRequest<{ contents: { value: string } } | null>('textDocument/hover', {
      textDocument: { uri: pathToFileURL(path.join(root, 'small.rs')).toString() },
      position: { line: 0, character: 20 },
    });
    assert.ok(small && /fn f/.test(small.contents.value), 'other files are still served');
    const manifest = published.get(pathToFileURL(path.join(root, 'broken', 'Cargo.toml')).toString()) ?? [];
    assert.match(
      manifest[0]?.message ?? '',
      /did not check this file: Cargo\.toml could not be read/,
      'a broken Cargo.toml is reported on itself',
    );
    connection.dispose();
    server.kill();
  });
});
