import { ChildProcess, spawn } from 'child_process';
import * as fs from 'fs';
import { performance } from 'perf_hooks';
import { pathToFileURL } from 'url';
import {
  createMessageConnection,
  MessageConnection,
  StreamMessageReader,
  StreamMessageWriter,
} from 'vscode-jsonrpc/node';
import type {
  ConfigurationParams,
  PublishDiagnosticsParams,
  TextDocumentContentChangeEvent,
  WorkDoneProgressBegin,
  WorkDoneProgressEnd,
  WorkDoneProgressReport,
  WorkspaceFolder,
} from 'vscode-languageserver-protocol';

/**
 * The language-server benchmark's client: one `ffi-guard lsp --stdio` process, spoken to over its stdio
 * with vscode-jsonrpc as an editor speaks to it, with every `publishDiagnostics` logged with the time it
 * arrived. Waiting never throws on a slow server: a wait that times out answers `null`, so the bench can
 * record the timeout and go on.
 */

/** One `textDocument/publishDiagnostics` as it arrived. */
export interface Arrival {
  uri: string;
  version: number | undefined;
  /** `performance.now()` when the client received it. */
  at: number;
  params: PublishDiagnosticsParams;
}

/** How the end of the server's indexing was recognised. */
export type IndexingSign = 'progress end' | 'first publishDiagnostics' | 'log message';

/** A server that ended on its own. */
export interface ServerExit {
  /** `code 1`, `signal SIGABRT`. */
  how: string;
  /** Milliseconds after the process was started. */
  afterMs: number;
  /** What it said last on stderr: V8's fatal error line if there is one, else the last lines. */
  why: string;
}

/** `p`, or nothing once `ms` have passed (the timer does not outlive the race). */
async function within<T>(p: Promise<T>, ms: number): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<undefined>((resolve) => (timer = setTimeout(() => resolve(undefined), ms)));
  try {
    return await Promise.race([p, late]);
  } finally {
    clearTimeout(timer);
  }
}

function whyItDied(stderr: string): string {
  const fatal = /^FATAL ERROR:.*$/m.exec(stderr);
  return fatal ? fatal[0] : stderr.trim().split('\n').slice(-10).join('\n');
}

interface Waiter {
  matches: (a: Arrival) => boolean;
  resolve: (a: Arrival | null) => void;
}

/** The end of the start-up indexing, as the client saw it. */
export interface IndexingDone {
  at: number;
  sign: IndexingSign;
}

export class BenchLspClient {
  readonly process: ChildProcess;
  readonly connection: MessageConnection;
  /** Every publishDiagnostics, in arrival order. Parameters are kept only for `keepParamsOf`. */
  readonly arrivals: Arrival[] = [];
  /** The documents whose diagnostics are kept in `arrivals` (the others' are dropped to save memory). */
  readonly keepParamsOf = new Set<string>();
  /** When `initialized` was sent. */
  initializedAt = 0;
  /** How and when the server ended, if it did before `stop`. */
  exit: ServerExit | null = null;
  private stderr = '';
  private exited = false;
  private stopping = false;
  private peakRss: number | null = null;
  private readonly memoryTimer: NodeJS.Timeout;
  /** Settles when the process has exited: every wait on the server races it. */
  private readonly ended: Promise<void>;
  private readonly startedAt = performance.now();
  private waiters: Waiter[] = [];
  private indexing: IndexingDone | null = null;
  private progressBegun = new Set<string>();
  private indexingWaiters: ((d: IndexingDone | null) => void)[] = [];
  private folders: WorkspaceFolder[] = [];

  /** Start `node SERVER lsp --stdio` in `cwd`. */
  constructor(serverBin: string, cwd: string) {
    this.process = spawn(process.execPath, [serverBin, 'lsp', '--stdio'], { cwd, stdio: ['pipe', 'pipe', 'pipe'] });
    this.process.stderr?.on('data', (d: Buffer) => (this.stderr = (this.stderr + d.toString()).slice(-4000)));
    this.ended = new Promise((resolve) =>
      this.process.on('exit', (code, signal) => {
        this.onExit(code, signal);
        resolve();
      }),
    );
    // Sampled while the server runs, so its peak is known even if it dies (out of memory, say).
    this.memoryTimer = setInterval(() => this.samplePeakRss(), 500);
    this.connection = createMessageConnection(
      new StreamMessageReader(this.process.stdout!),
      new StreamMessageWriter(this.process.stdin!),
    );
    // The editor's settings: none set, so the server runs on its defaults and the workspace's own files.
    this.connection.onRequest('workspace/configuration', (p: ConfigurationParams) => p.items.map(() => ({})));
    this.connection.onRequest('window/workDoneProgress/create', () => null);
    this.connection.onRequest('client/registerCapability', () => null);
    this.connection.onRequest('client/unregisterCapability', () => null);
    this.connection.onRequest('window/showMessageRequest', () => null);
    this.connection.onRequest('workspace/workspaceFolders', () => this.folders);
    this.connection.onNotification('$/progress', (p: { token: string | number; value: unknown }) =>
      this.onProgress(String(p.token), p.value as WorkDoneProgressBegin | WorkDoneProgressReport | WorkDoneProgressEnd),
    );
    this.connection.onNotification('window/logMessage', (p: { message: string }) => {
      // Older servers report the end of indexing only in their log.
      if (/\bindexed\b/i.test(p.message) && !this.progressBegun.size) this.indexingEnded('log message');
    });
    this.connection.onNotification('window/showMessage', () => undefined);
    this.connection.onNotification('textDocument/publishDiagnostics', (p: PublishDiagnosticsParams) =>
      this.onPublish(p),
    );
    this.connection.listen();
  }

  /** The server process is still running. */
  get alive(): boolean {
    return !this.exited;
  }

  get pid(): number {
    return this.process.pid ?? -1;
  }

  /** The last lines the server wrote to stderr, for an error message. */
  get stderrTail(): string {
    return this.stderr;
  }

  private onExit(code: number | null, signal: NodeJS.Signals | null): void {
    this.exited = true;
    clearInterval(this.memoryTimer);
    if (!this.stopping)
      this.exit = {
        how: signal ? `signal ${signal}` : `code ${code}`,
        afterMs: performance.now() - this.startedAt,
        why: whyItDied(this.stderr),
      };
    // Nothing more will come: every wait ends now, unanswered.
    for (const w of this.waiters) w.resolve(null);
    this.waiters = [];
    for (const w of this.indexingWaiters) w(null);
    this.indexingWaiters = [];
  }

  private onProgress(token: string, value: WorkDoneProgressBegin | WorkDoneProgressReport | WorkDoneProgressEnd): void {
    if (value.kind === 'begin') this.progressBegun.add(token);
    else if (value.kind === 'end' && this.progressBegun.has(token)) this.indexingEnded('progress end');
  }

  private onPublish(params: PublishDiagnosticsParams): void {
    const at = performance.now();
    const kept = this.keepParamsOf.has(params.uri);
    const arrival: Arrival = {
      uri: params.uri,
      version: params.version,
      at,
      params: kept ? params : { uri: params.uri, diagnostics: [] },
    };
    this.arrivals.push(arrival);
    // A server without progress support: its first diagnostics come once indexing is over.
    if (!this.progressBegun.size) this.indexingEnded('first publishDiagnostics');
    const full: Arrival = { ...arrival, params };
    this.waiters = this.waiters.filter((w) => {
      if (!w.matches(full)) return true;
      w.resolve(full);
      return false;
    });
  }

  private indexingEnded(sign: IndexingSign): void {
    if (this.indexing) return;
    this.indexing = { at: performance.now(), sign };
    for (const w of this.indexingWaiters) w(this.indexing);
    this.indexingWaiters = [];
  }

  /** `initialize` with `root` as the only workspace folder, then `initialized`. */
  async initialize(root: string): Promise<void> {
    const uri = pathToFileURL(root).toString();
    this.folders = [{ uri, name: 'bench' }];
    const answer = this.connection.sendRequest('initialize', {
      processId: process.pid,
      rootUri: uri,
      workspaceFolders: this.folders,
      capabilities: {
        workspace: {
          configuration: true,
          workspaceFolders: true,
          didChangeConfiguration: { dynamicRegistration: true },
        },
        window: { workDoneProgress: true },
        textDocument: {
          synchronization: { dynamicRegistration: false, didSave: false },
          publishDiagnostics: { versionSupport: true, relatedInformation: true },
        },
      },
    });
    // A server that dies first never answers, and its closed pipes would not keep this process waiting.
    await Promise.race([answer, this.ended]);
    this.initializedAt = performance.now();
    if (this.alive) await this.connection.sendNotification('initialized', {});
  }

  /** The end of the server's start-up indexing, or null if it has not come within `ms`. */
  indexingDone(ms: number): Promise<IndexingDone | null> {
    if (this.indexing) return Promise.resolve(this.indexing);
    if (this.exited) return Promise.resolve(null);
    return new Promise((resolve) => {
      const timer = setTimeout(() => resolve(null), ms);
      this.indexingWaiters.push((d) => {
        clearTimeout(timer);
        resolve(d);
      });
    });
  }

  /**
   * Resolves once no diagnostics have arrived for `quietMs` (or after `maxMs` at most): the publications
   * that end the indexing are in, and are not counted against the first change.
   */
  async quiet(quietMs: number, maxMs: number): Promise<void> {
    const start = performance.now();
    const until = start + maxMs;
    for (;;) {
      const last = Math.max(start, this.arrivals[this.arrivals.length - 1]?.at ?? 0);
      const now = performance.now();
      if (now - last >= quietMs || now >= until || this.exited) return;
      await new Promise((r) => setTimeout(r, Math.min(quietMs - (now - last), until - now) + 1));
    }
  }

  /** `didOpen` of `file` with `text` (which may differ from the file on disk). */
  async open(uri: string, text: string, version: number): Promise<void> {
    await this.connection.sendNotification('textDocument/didOpen', {
      textDocument: { uri, languageId: 'rust', version, text },
    });
  }

  /** An incremental `didChange`. */
  async change(uri: string, version: number, changes: TextDocumentContentChangeEvent[]): Promise<void> {
    await this.connection.sendNotification('textDocument/didChange', {
      textDocument: { uri, version },
      contentChanges: changes,
    });
  }

  /**
   * The first diagnostics of `uri` arriving from `since` (an index into `arrivals`) on that satisfy
   * `matches`, or null when none has within `ms` (or the server died).
   */
  waitFor(uri: string, since: number, matches: (a: Arrival) => boolean, ms: number): Promise<Arrival | null> {
    const already = this.arrivals.slice(since).find((a) => a.uri === uri && matches(a));
    if (already) return Promise.resolve(already);
    if (this.exited) return Promise.resolve(null);
    return new Promise((resolve) => {
      const waiter: Waiter = {
        matches: (a) => a.uri === uri && matches(a),
        resolve: (a) => {
          clearTimeout(timer);
          resolve(a);
        },
      };
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== waiter);
        resolve(null);
      }, ms);
      this.waiters.push(waiter);
    });
  }

  /** How many diagnostics for documents other than `uri` arrived in `arrivals[from, to)`. */
  othersBetween(uri: string, from: number, to: number = this.arrivals.length): number {
    return this.arrivals.slice(from, to).filter((a) => a.uri !== uri).length;
  }

  private samplePeakRss(): void {
    try {
      const status = fs.readFileSync(`/proc/${this.pid}/status`, 'utf8');
      const kb = /^VmHWM:\s+(\d+)\s+kB/m.exec(status);
      if (kb) this.peakRss = Math.max(this.peakRss ?? 0, Number(kb[1]) * 1024);
    } catch {
      // Gone, or not Linux: the last sample stands.
    }
  }

  /**
   * The server process's peak resident memory in bytes (`VmHWM`, Linux): read now, or the last sample
   * if it has exited; null where `/proc` cannot tell.
   */
  peakRssBytes(): number | null {
    this.samplePeakRss();
    return this.peakRss;
  }

  /** `shutdown` and `exit`; the process is killed if it has not exited within a few seconds. */
  async stop(): Promise<void> {
    this.stopping = true;
    clearInterval(this.memoryTimer);
    if (!this.exited) {
      await within(
        this.connection.sendRequest('shutdown').catch(() => undefined),
        5000,
      );
      await this.connection.sendNotification('exit').catch(() => undefined);
    }
    await within(this.ended, 5000);
    if (!this.exited) this.process.kill('SIGKILL');
    this.connection.dispose();
  }
}
