import * as assert from 'assert';
import { ChildProcessWithoutNullStreams, spawn } from 'child_process';
import * as path from 'path';
import * as fs from 'fs';
import { pathToFileURL } from 'url';
import { createMessageConnection, StreamMessageReader, StreamMessageWriter } from 'vscode-jsonrpc/node';
import { REPO } from './harness/cli';
import { tempDir } from './harness/tmp';
import { ChangeQueue, debounceFor, SLOW_ANALYSIS_MS } from '../server/src/lsp/coalesce';
import { FramingWatch } from '../server/src/lsp/framing';

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

/** Starts `ffi-guard lsp --stdio` and gathers what it writes. */
function startStdioServer(): { server: ChildProcessWithoutNullStreams; out: () => string; err: () => string } {
  const server = spawn(process.execPath, [path.join(REPO, 'bin', 'ffi-guard.js'), 'lsp', '--stdio']);
  let out = '';
  let err = '';
  server.stdout.on('data', (d: Buffer) => (out += d.toString()));
  server.stderr.on('data', (d: Buffer) => (err += d.toString()));
  return { server, out: () => out, err: () => err };
}

const frame = (o: object, lengthDelta = 0): string => {
  const body = JSON.stringify(o);
  return `Content-Length: ${Buffer.byteLength(body) + lengthDelta}\r\n\r\n${body}`;
};

const INITIALIZE = {
  jsonrpc: '2.0',
  id: 1,
  method: 'initialize',
  params: { processId: null, rootUri: null, capabilities: {} },
};

/** The exit status of a process, or null if it is still running after `ms`. */
function exitWithin(server: ChildProcessWithoutNullStreams, ms: number): Promise<number | null> {
  if (server.exitCode !== null) return Promise.resolve(server.exitCode);
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(null), ms);
    server.on('exit', (code) => {
      clearTimeout(timer);
      resolve(code);
    });
  });
}

describe('lsp: a wrong Content-Length (issue 16 item 10)', function () {
  this.timeout(30_000);

  const cases: [string, (next: string) => string, RegExp][] = [
    [
      'too short: the rest of the body is read as a header',
      (next) => frame({ jsonrpc: '2.0', method: 'textDocument/didSave', params: { x: 'Note: hi' } }, -12) + next,
      /cannot be read any more \((bytes where a message header should start are not one|a message header has no Content-Length|a message header line is not `Name: value`)/,
    ],
    [
      'too long: the next message is swallowed into the body',
      (next) => frame({ jsonrpc: '2.0', method: 'initialized', params: {} }, 40) + next,
      /cannot be read any more \(a message body holds the header of another message/,
    ],
    [
      'not a number',
      (next) => 'Content-Length: twelve\r\n\r\n{"jsonrpc":1}' + next,
      /cannot be read any more \(a Content-Length is not a whole number of bytes: "twelve"\)/,
    ],
  ];
  for (const [name, wrong, said] of cases) {
    it(`logs why and exits with status 1 so the client restarts it: ${name}`, async () => {
      const { server, out, err } = startStdioServer();
      server.stdin.write(frame(INITIALIZE));
      const deadline = Date.now() + 15_000;
      while (!/"id":\s*1[,}]/.test(out()) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      assert.match(out(), /"id":\s*1[,}]/, 'initialize answered before the wrong message');
      server.stdin.write(wrong(frame({ jsonrpc: '2.0', id: 2, method: 'shutdown' })));
      const code = await exitWithin(server, 15_000);
      if (code === null) server.kill();
      assert.strictEqual(code, 1, `exited; stderr: ${err()}`);
      assert.match(err(), said);
      assert.match(err(), /exiting with status 1 so that the client restarts the server/);
    });
  }

  it('lets well-framed messages through in any chunking, a header split across chunks included', () => {
    const reasons: string[] = [];
    const watch = new FramingWatch((r) => reasons.push(r));
    const stream =
      frame(INITIALIZE) +
      frame({ jsonrpc: '2.0', method: 'x', params: { s: 'Content-Length: 3 (quoted, escaped \r\n)' } }) +
      'Content-Type: application/vscode-jsonrpc; charset=utf-8\r\n' +
      frame({ jsonrpc: '2.0', id: 2, method: 'shutdown', params: { text: 'é€😀' } });
    const bytes = Buffer.from(stream);
    for (const size of [1, 2, 3, 7, 64, bytes.length]) {
      let passed = Buffer.alloc(0);
      watch.on('data', (d: Buffer) => (passed = Buffer.concat([passed, d])));
      for (let i = 0; i < bytes.length; i += size) watch.write(bytes.subarray(i, i + size));
      watch.removeAllListeners('data');
      assert.deepStrictEqual(reasons, [], `chunks of ${size}`);
    }
  });
});

describe('lsp: edits coalesced (issue 16 item 10)', function () {
  it('analyses a quick document at every change, at once', () => {
    const analysed: string[][] = [];
    const queue = new ChangeQueue<string>((_file, changes) => analysed.push(changes));
    for (const c of ['a', 'b', 'c']) queue.push('f.rs', [c]);
    assert.deepStrictEqual(analysed, [['a'], ['b'], ['c']]);
  });

  it('gives a slow document every change received meanwhile at once, never a superseded version', async () => {
    let clock = 0;
    const analysed: string[][] = [];
    const queue = new ChangeQueue<string>(
      (_file, changes) => {
        analysed.push(changes);
        clock += 6_500; // a document that takes 6.5 s to analyse
      },
      () => clock,
    );
    queue.push('big.rs', ['1']);
    assert.deepStrictEqual(analysed, [['1']], 'the first change is analysed at once');
    for (let i = 2; i <= 10; i++) queue.push('big.rs', [String(i)]);
    assert.strictEqual(analysed.length, 1, 'the next ones wait');
    assert.ok(queue.waiting('big.rs'));
    await new Promise((r) => setTimeout(r, debounceFor(6_500) + 100));
    assert.deepStrictEqual(analysed, [['1'], ['2', '3', '4', '5', '6', '7', '8', '9', '10']]);
    // Something that reads the document (a hover) takes the waiting changes first.
    queue.push('big.rs', ['11']);
    queue.flush('big.rs');
    assert.deepStrictEqual(analysed[2], ['11']);
    // A document opened again or closed forgets its waiting changes.
    queue.push('big.rs', ['12']);
    queue.drop('big.rs');
    await new Promise((r) => setTimeout(r, debounceFor(6_500) + 100));
    assert.strictEqual(analysed.length, 3);
  });

  it('waits only after a slow analysis, and never more than half a second', () => {
    assert.strictEqual(debounceFor(SLOW_ANALYSIS_MS - 1), 0);
    assert.ok(debounceFor(SLOW_ANALYSIS_MS) > 0);
    assert.strictEqual(debounceFor(60_000), 500);
  });
});

describe('lsp: documents the workspace does not hold, and huge ones (issue 16 item 10)', function () {
  this.timeout(60_000);

  /** A server over stdio with a JSON-RPC client, and the diagnostics it published per URI (with versions). */
  async function session(rootUri: string | null): Promise<{
    connection: ReturnType<typeof createMessageConnection>;
    published: Map<string, { version?: number; diagnostics: { message: string; code?: unknown }[] }[]>;
    stop: () => void;
  }> {
    const server = spawn(process.execPath, [path.join(REPO, 'bin', 'ffi-guard.js'), 'lsp', '--stdio']);
    const connection = createMessageConnection(
      new StreamMessageReader(server.stdout),
      new StreamMessageWriter(server.stdin),
    );
    const published = new Map<string, { version?: number; diagnostics: { message: string; code?: unknown }[] }[]>();
    connection.onNotification(
      'textDocument/publishDiagnostics',
      (p: { uri: string; version?: number; diagnostics: { message: string; code?: unknown }[] }) => {
        published.set(p.uri, [...(published.get(p.uri) ?? []), p]);
      },
    );
    connection.listen();
    await connection.sendRequest('initialize', { processId: null, rootUri, capabilities: {} });
    await connection.sendNotification('initialized', {});
    return {
      connection,
      published,
      stop: () => {
        connection.dispose();
        server.kill();
      },
    };
  }

  async function until(what: string, ok: () => boolean, ms = 20_000): Promise<void> {
    const deadline = Date.now() + ms;
    while (!ok() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    assert.ok(ok(), what);
  }

  it('checks a file when the client sends no workspace folder, keystroke by keystroke', async () => {
    const dir = tempDir('ffi-guard-nofolder-');
    const file = path.join(dir, 'main.rs');
    fs.writeFileSync(file, 'pub extern "C" fn f(s: &str) {}\n');
    const uri = pathToFileURL(file).toString();
    const { connection, published, stop } = await session(null);
    try {
      await connection.sendNotification('textDocument/didOpen', {
        textDocument: { uri, languageId: 'rust', version: 1, text: fs.readFileSync(file, 'utf8') },
      });
      await until('diagnostics for the opened file', () => !!published.get(uri)?.length);
      assert.deepStrictEqual(
        published.get(uri)![0].diagnostics.map((d) => d.code),
        ['str-type'],
      );
      await connection.sendNotification('textDocument/didChange', {
        textDocument: { uri, version: 2 },
        contentChanges: [{ range: { start: { line: 0, character: 23 }, end: { line: 0, character: 27 } }, text: 'u8' }],
      });
      await until('version 2 answered', () => published.get(uri)!.some((p) => p.version === 2));
      assert.deepStrictEqual(published.get(uri)!.find((p) => p.version === 2)!.diagnostics, []);
    } finally {
      stop();
    }
  });

  it('answers every keystroke in a 3 MB document at once, saying it is over the open-document limit', async () => {
    const root = tempDir('ffi-guard-huge-');
    const file = path.join(root, 'huge.rs');
    const text = `pub extern "C" fn g(s: &str) {}\n${'// filler line of a generated file\n'.repeat(90_000)}`;
    fs.writeFileSync(file, text);
    const uri = pathToFileURL(file).toString();
    const { connection, published, stop } = await session(pathToFileURL(root).toString());
    try {
      await connection.sendNotification('textDocument/didOpen', {
        textDocument: { uri, languageId: 'rust', version: 1, text },
      });
      const started = Date.now();
      for (let v = 2; v <= 11; v++)
        await connection.sendNotification('textDocument/didChange', {
          textDocument: { uri, version: v },
          contentChanges: [{ range: { start: { line: 1, character: 0 }, end: { line: 1, character: 0 } }, text: 'x' }],
        });
      await until('the last version answered', () => !!published.get(uri)?.some((p) => p.version === 11));
      assert.ok(Date.now() - started < 10_000, `10 keystrokes answered in ${Date.now() - started} ms`);
      const last = published.get(uri)!.find((p) => p.version === 11)!;
      assert.deepStrictEqual(
        last.diagnostics.map((d) => d.code ?? null),
        [null],
      );
      assert.match(last.diagnostics[0].message, /larger than the size limit for open documents \(2048 KB\)/);
    } finally {
      stop();
    }
  });
});
