import * as assert from 'assert';
import { ChildProcessWithoutNullStreams, spawn } from 'child_process';
import * as path from 'path';
import * as fs from 'fs';
import { pathToFileURL } from 'url';
import { createMessageConnection, Message, StreamMessageReader, StreamMessageWriter } from 'vscode-jsonrpc/node';
import { REPO } from './harness/cli';
import { tempDir } from './harness/tmp';
import { ChangeQueue, peekingReader, VersionsRead } from '../server/src/lsp/coalesce';
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
  this.timeout(60_000);

  it('analyses every change at once while no newer one has been read', () => {
    const analysed: string[][] = [];
    const queue = new ChangeQueue<string>((_file, changes) => analysed.push(changes));
    for (const [i, c] of ['a', 'b', 'c'].entries()) queue.push('f.rs', i + 2, [c]);
    assert.deepStrictEqual(analysed, [['a'], ['b'], ['c']]);
  });

  it('keeps the changes of a superseded version for the newest one, analysed once with all of them', () => {
    const analysed: string[][] = [];
    let newestRead = 10;
    const queue = new ChangeQueue<string>(
      (_file, changes) => analysed.push(changes),
      (_file, version) => newestRead > version,
    );
    // Versions 2..10 were read while version 1 was analysed: 2..9 are superseded when handled.
    for (let v = 2; v <= 10; v++) queue.push('big.rs', v, [String(v)]);
    assert.deepStrictEqual(analysed, [['2', '3', '4', '5', '6', '7', '8', '9', '10']]);
    // Something that reads the document (a hover) takes the waiting changes first.
    newestRead = 12;
    queue.push('big.rs', 11, ['11']);
    assert.ok(queue.waiting('big.rs'));
    queue.flush('big.rs');
    assert.deepStrictEqual(analysed[1], ['11']);
    // A document opened again or closed forgets its waiting changes.
    queue.push('big.rs', 11, ['x']);
    queue.drop('big.rs');
    queue.flushAll();
    assert.strictEqual(analysed.length, 2);
  });

  it('notes the newest didChange version of each document as messages are read', () => {
    const versions = new VersionsRead();
    const seen: unknown[] = [];
    let deliver: (m: object) => void = () => {};
    const inner = {
      onError: () => ({ dispose: () => {} }),
      onClose: () => ({ dispose: () => {} }),
      onPartialMessage: () => ({ dispose: () => {} }),
      listen: (cb: (m: Message) => void) => ((deliver = (m) => cb(m as Message)), { dispose: () => {} }),
      dispose: () => {},
    };
    peekingReader(inner, versions).listen((m) => seen.push(m));
    const change = (uri: string, version: number): object => ({
      jsonrpc: '2.0',
      method: 'textDocument/didChange',
      params: { textDocument: { uri, version }, contentChanges: [] },
    });
    deliver(change('file:///a.rs', 3));
    deliver(change('file:///a.rs', 5));
    deliver(change('file:///b.rs', 1));
    deliver({ jsonrpc: '2.0', id: 1, method: 'shutdown' });
    assert.strictEqual(seen.length, 4, 'every message is passed on');
    assert.ok(versions.newerThan('file:///a.rs', 3));
    assert.ok(!versions.newerThan('file:///a.rs', 5));
    assert.ok(!versions.newerThan('file:///b.rs', 1));
    // Opened again: its versions start over.
    deliver({
      jsonrpc: '2.0',
      method: 'textDocument/didOpen',
      params: { textDocument: { uri: 'file:///a.rs', version: 1 } },
    });
    assert.ok(!versions.newerThan('file:///a.rs', 1));
  });

  it('over stdio, analyses and publishes only the newest of changes that arrive together', async () => {
    const root = tempDir('ffi-guard-coalesce-');
    const file = path.join(root, 'lib.rs');
    const text = 'pub extern "C" fn g(s: &str) {}\n';
    fs.writeFileSync(file, text);
    const uri = pathToFileURL(file).toString();
    const { server, out } = startStdioServer();
    try {
      server.stdin.write(
        frame({ ...INITIALIZE, params: { ...INITIALIZE.params, rootUri: pathToFileURL(root).toString() } }),
      );
      server.stdin.write(frame({ jsonrpc: '2.0', method: 'initialized', params: {} }));
      server.stdin.write(
        frame({
          jsonrpc: '2.0',
          method: 'textDocument/didOpen',
          params: { textDocument: { uri, languageId: 'rust', version: 1, text } },
        }),
      );
      const versionsOf = (): number[] =>
        [...out().matchAll(/"method":"textDocument\/publishDiagnostics","params":\{"uri":"([^"]+)","version":(\d+)/g)]
          .filter((m) => m[1] === uri)
          .map((m) => Number(m[2]));
      const deadline = Date.now() + 20_000;
      while (!versionsOf().includes(1) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      assert.ok(versionsOf().includes(1), 'the opened version is published');
      // Ten keystrokes in one write (a client that typed on while the server was busy).
      let burst = '';
      for (let v = 2; v <= 11; v++)
        burst += frame({
          jsonrpc: '2.0',
          method: 'textDocument/didChange',
          params: {
            textDocument: { uri, version: v },
            contentChanges: [
              { range: { start: { line: 1, character: 0 }, end: { line: 1, character: 0 } }, text: '/' },
            ],
          },
        });
      server.stdin.write(burst);
      while (!versionsOf().includes(11) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      const published = versionsOf().filter((v) => v > 1);
      assert.deepStrictEqual(published, [11], 'only the newest version was analysed and published');
    } finally {
      server.kill();
    }
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
