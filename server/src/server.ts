import { fileURLToPath, pathToFileURL } from 'url';
import {
  createConnection,
  DidChangeConfigurationNotification,
  FileChangeType,
  Hover,
  InitializeParams,
  InitializeResult,
  ProposedFeatures,
  ResponseError,
  ErrorCodes,
  TextDocumentSyncKind,
  Connection,
  CodeAction,
  CodeActionKind,
} from 'vscode-languageserver/node';
import * as fs from 'fs';
import * as path from 'path';
import type { Finding } from './core/analysis/findings';
import type { Settings } from './core/config';
import type { ExternalAbi } from './core/abi/cross-crate';
import { AgainstError, readAgainst } from './core/abi/against';
import { crossCrateFindings } from './core/cross-crate-findings';
import { AnalysisHost } from './core/host';
import { hoverMarkdown } from './core/hover';
import { loadParser } from './core/syntax/parse';
import { LineIndex } from './core/syntax/positions';
import { TOOL_VERSION } from './core/version';
import { parseCommandLine, withUsage } from './cli-args';
import { rulesDocUrl, toDiagnostic } from './lsp/convert';
import { resolveSettings } from './lsp/settings';
import { codeActionsFor, FIX_ALL_KIND, fixAllAction, runEdit, wantsFixAll } from './lsp/code-actions';
import {
  diffAgainst,
  exportReport,
  headerCratesOf,
  headerOf,
  snapshotOfWorkspace,
  surfaceReport,
  SurfaceRequestError,
  WorkspaceView,
} from './lsp/surface';
import { FixAllResult, SurfaceMethods } from '../../protocol/surface-requests';
import { FramingWatch } from './lsp/framing';
import { ChangeQueue, peekingReader, VersionsRead } from './lsp/coalesce';
import {
  IPCMessageReader,
  IPCMessageWriter,
  MessageReader,
  MessageWriter,
  StreamMessageReader,
  StreamMessageWriter,
} from 'vscode-languageserver/node';
import type { TextDocumentContentChangeEvent as TextChangeEvent } from 'vscode-languageserver/node';
import { collectGarbageNow, limitHeapGrowth } from './v8-heap';

/**
 * The language server: LSP wiring only. Every request is handed to the analysis core
 * (`AnalysisHost`); a failure in one request is logged and answered as an error, and the server keeps
 * serving. Runs over IPC (VS Code) or stdio (`ffi-guard lsp --stdio`, for any LSP editor).
 */
export function startServer(
  connection: Connection = editorConnection(),
  versionsRead: VersionsRead = connectionVersions.get(connection) ?? new VersionsRead(),
): void {
  let host: AnalysisHost | null = null;
  let roots: string[] = [];
  let configurationPull = false;
  let progressSupported = false;
  let foldersSupported = false;
  const readme = rulesDocUrl();
  const versions = new Map<string, number>();
  let resolveReady: () => void = () => {};
  const ready = new Promise<void>((r) => (resolveReady = r));
  // Documents are served as soon as the host exists, while the workspace is still being indexed.
  let resolveHostCreated: () => void = () => {};
  const hostCreated = new Promise<void>((r) => (resolveHostCreated = r));

  const fileOf = (uri: string): string => (uri.startsWith('file:') ? fileURLToPath(uri) : uri);
  /** The texts of the files of `ffiGuard.against`, which no crate holds, for the places in them. */
  const againstTexts = new Map<string, string>();
  const textOf = (file: string): string | undefined => host?.textOf(file) ?? againstTexts.get(file);
  const indexOf = (file: string): LineIndex | null => {
    const text = textOf(file);
    return text === undefined ? null : new LineIndex(text);
  };

  // The cross-crate checks (`abi-mismatch`) read every crate at once: they run a moment after the
  // edits settle, not on every keystroke, and their findings are shown beside each file's own. So does the
  // whole re-check of a crate whose keystrokes re-checked the edited file's items alone (`AnalysisHost`).
  let settingsNow: Settings | null = null;
  let against: ExternalAbi[] = [];
  let cross = new Map<string, Finding[]>();
  let crossTimer: NodeJS.Timeout | null = null;
  const CROSS_DELAY_MS = 300;

  function scheduleCross(): void {
    if (crossTimer) clearTimeout(crossTimer);
    crossTimer = setTimeout(() => {
      crossTimer = null;
      guarded('cross-crate checks', runCross);
    }, CROSS_DELAY_MS);
    crossTimer.unref();
  }

  /** Whether the first indexing is over: the cross-crate checks read a settled workspace, not one half-loaded. */
  let indexed = false;

  function runCross(): void {
    if (!host || !settingsNow || !indexed) return;
    const h = host;
    const rechecked = h.recheckDeferred();
    if (rechecked.size) publish(rechecked, false);
    const next = new Map<string, Finding[]>();
    for (const f of crossCrateFindings(h.workspace().crates, settingsNow, textOf, against, roots[0]))
      next.set(f.origin.file, [...(next.get(f.origin.file) ?? []), f]);
    const key = (list: Finding[] | undefined): string =>
      JSON.stringify((list ?? []).map((f) => [f.origin, f.message, f.severity, f.related]));
    const changed = [...new Set([...cross.keys(), ...next.keys()])].filter(
      (f) => key(cross.get(f)) !== key(next.get(f)),
    );
    cross = next;
    if (changed.length) publish(new Map(changed.map((f) => [f, h.findingsFor(f)])), false);
  }

  /** Read the files of `ffiGuard.against`; what cannot be read is said, the rest is used. */
  async function loadAgainst(files: string[]): Promise<void> {
    const read: ExternalAbi[] = [];
    againstTexts.clear();
    for (const file of files) {
      try {
        const shown =
          path
            .relative(roots[0] ?? process.cwd(), file)
            .split(path.sep)
            .join('/') || file;
        const text = await fs.promises.readFile(file, 'utf8');
        const r = await readAgainst(shown, text);
        for (const note of r.notes) connection.console.info(`ffiGuard.against: ${note}`);
        againstTexts.set(file, text);
        read.push(r.abi);
      } catch (e) {
        const why = e instanceof AgainstError ? e.message : `cannot read ${file}: ${(e as Error).message}`;
        void connection.window.showWarningMessage(`Rust FFI Guard: ffiGuard.against: ${why}`);
      }
    }
    against = read;
  }

  /**
   * The files whose last publication held diagnostics: the editor shows something for them. An empty list
   * is sent only to clear one of these, or for an open document (the editor waits for each version's): a
   * workspace's first indexing otherwise sent one for every file it holds, 26,000 on the whole of Debian's
   * registry, ahead of the opened document's own diagnostics.
   */
  const shown = new Set<string>();

  function publish(results: Map<string, Finding[]>, recheckCross = true): void {
    // A file's lines are indexed once per publication, and only for a file with findings: most keystrokes
    // publish none, and the index of a 10,000-line document is 10,000 numbers made anew for each text.
    const indexes = new Map<string, LineIndex | null>();
    const indexed = (file: string): LineIndex | null => {
      if (!indexes.has(file)) indexes.set(file, indexOf(file));
      return indexes.get(file) ?? null;
    };
    for (const [file, own] of results) {
      const findings = [...own, ...(cross.get(file) ?? [])];
      const index = findings.length ? (indexed(file) ?? new LineIndex('')) : null;
      const diagnostics = index ? findings.map((f) => toDiagnostic(f, index, indexed, readme)) : [];
      const skipped = host?.skipped().get(file);
      if (skipped)
        diagnostics.push({
          range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
          severity: 3,
          source: 'ffi-guard',
          message: `Rust FFI Guard did not check this file: ${skipped}.`,
        });
      if (diagnostics.length) shown.add(file);
      else if (!shown.delete(file) && !versions.has(file)) continue;
      void connection.sendDiagnostics({
        uri: pathToFileURL(file).toString(),
        version: versions.get(file),
        diagnostics,
      });
    }
    if (recheckCross) scheduleCross();
  }

  /** Publishes what a request made the host re-check on its own account (`takeUnpublished`). */
  function publishRechecked(): void {
    const rechecked = host?.takeUnpublished();
    if (rechecked?.size) publish(rechecked);
  }

  /** Run a handler; an exception is logged, never fatal. */
  function guarded<T>(what: string, fn: () => T): T | undefined {
    try {
      return fn();
    } catch (e) {
      connection.console.error(`${what} failed: ${(e as Error).stack ?? String(e)}`);
      return undefined;
    }
  }

  async function currentSettings(): Promise<ReturnType<typeof resolveSettings>> {
    const editor = configurationPull
      ? ((await connection.workspace.getConfiguration({ section: 'ffiGuard' }).catch(() => null)) as unknown)
      : null;
    const resolved = resolveSettings(editor, roots[0] ?? null);
    for (const p of resolved.problems) void connection.window.showWarningMessage(`Rust FFI Guard: ${p}`);
    return resolved;
  }

  connection.onInitialize((params: InitializeParams): InitializeResult => {
    roots = (params.workspaceFolders ?? []).map((f) => fileOf(f.uri));
    if (!roots.length && params.rootUri) roots = [fileOf(params.rootUri)];
    configurationPull = !!params.capabilities.workspace?.configuration;
    progressSupported = !!params.capabilities.window?.workDoneProgress;
    foldersSupported = !!params.capabilities.workspace?.workspaceFolders;
    return {
      capabilities: {
        textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental },
        hoverProvider: true,
        codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix, FIX_ALL_KIND] },
        workspace: { workspaceFolders: { supported: true, changeNotifications: true } },
      },
      serverInfo: { name: 'rust-ffi-guard', version: TOOL_VERSION },
    };
  });

  connection.onInitialized(async () => {
    try {
      if (configurationPull)
        void connection.client
          .register(DidChangeConfigurationNotification.type, { section: 'ffiGuard' })
          .catch(() => undefined);
      if (foldersSupported) {
        connection.workspace.onDidChangeWorkspaceFolders(async (event) => {
          await ready;
          roots = [
            ...roots.filter((r) => !event.removed.some((f) => fileOf(f.uri) === r)),
            ...event.added.map((f) => fileOf(f.uri)),
          ];
          const results = guarded('workspace folders', () => host?.setRoots(roots));
          if (results) publish(results);
        });
      }
      const [parser, { settings, against: againstFiles }] = await Promise.all([loadParser(), currentSettings()]);
      settingsNow = settings;
      await loadAgainst(againstFiles);
      host = new AnalysisHost(parser, settings, roots);
      host.onWarning = (message) => connection.console.warn(message);
      host.onFeatureErrors = (errors) => {
        for (const e of errors)
          void connection.window.showWarningMessage(`Rust FFI Guard: ffiGuard.features: ${e.replace(/\n/g, '; ')}`);
      };
      resolveHostCreated();
      const progress = progressSupported ? await connection.window.createWorkDoneProgress() : null;
      progress?.begin('Rust FFI Guard', 0, 'indexing the workspace', false);
      let lastPercent = -1;
      const results = await host.indexInBackground(
        () => new Promise<void>((r) => setImmediate(r)),
        (done, total) => {
          const percent = Math.floor((done / Math.max(total, 1)) * 100);
          if (percent !== lastPercent) {
            lastPercent = percent;
            progress?.report(percent, `${done}/${total} files`);
          }
        },
        // Open documents first: their crates are loaded first, and said as soon as they are checked.
        (checked) => publish(new Map([...checked].filter(([file]) => versions.has(file)))),
      );
      progress?.done();
      indexed = true;
      publish(results);
      connection.console.info(
        `Rust FFI Guard ${TOOL_VERSION}: indexed ${results.size} files in ${roots.length} folder(s).`,
      );
    } catch (e) {
      connection.console.error(`indexing failed: ${(e as Error).stack ?? String(e)}`);
    } finally {
      resolveHostCreated();
      resolveReady();
    }
  });

  let lastCollection = -Infinity;
  const COLLECTION_INTERVAL_MS = 1000;

  connection.onDidOpenTextDocument(async ({ textDocument }) => {
    await hostCreated;
    const file = fileOf(textDocument.uri);
    queue.drop(file);
    versions.set(file, textDocument.version);
    // While indexing, a document whose crate is not loaded yet is kept, and said once its crate is checked.
    if (host && !host.canAnalyse(file)) return host.noteText(file, textDocument.text);
    const results = guarded('open', () => host?.update(file, textDocument.text));
    // What the open left to collect is collected before its diagnostics go, not while the first keystrokes
    // are analysed (v8-heap.ts); once a second at most, so that many documents opened at once (an editor
    // restoring its tabs) do not each wait for a collection.
    if (results && performance.now() - lastCollection > COLLECTION_INTERVAL_MS) {
      collectGarbageNow();
      lastCollection = performance.now();
    }
    if (results) publish(results);
  });

  // Edits are coalesced per document (lsp/coalesce.ts): a superseded version is never analysed.
  const queue = new ChangeQueue<TextChangeEvent>(
    (file, changes) => {
      if (!host) return;
      if (!host.canAnalyse(file)) return host.noteChanges(file, changes);
      const results = guarded('change', () => host?.change(file, changes));
      // Published after every analysis, even when nothing changed, so the client knows this version is
      // checked; when the analysis failed, no finding of an older text is said again under this version.
      const out = results ?? new Map<string, Finding[]>([[file, []]]);
      if (!out.has(file)) out.set(file, host.findingsFor(file));
      publish(out);
    },
    (file, version) => versionsRead.newerThan(pathToFileURL(file).toString(), version),
  );

  connection.onDidChangeTextDocument(async ({ textDocument, contentChanges }) => {
    await hostCreated;
    const file = fileOf(textDocument.uri);
    versions.set(file, textDocument.version);
    queue.push(file, textDocument.version, contentChanges);
  });

  connection.onDidCloseTextDocument(async ({ textDocument }) => {
    await hostCreated;
    if (host && !host.canAnalyse(fileOf(textDocument.uri))) await ready;
    const file = fileOf(textDocument.uri);
    queue.drop(file);
    versions.delete(file);
    const results = guarded('close', () => host?.close(file));
    if (results) publish(results);
  });

  connection.onDidChangeWatchedFiles(async ({ changes }) => {
    await ready;
    queue.flushAll();
    const kinds = {
      [FileChangeType.Created]: 'created',
      [FileChangeType.Changed]: 'changed',
      [FileChangeType.Deleted]: 'deleted',
    } as const;
    const results = guarded('watched files', () =>
      host?.filesChangedOnDisk(changes.map((c) => ({ file: fileOf(c.uri), kind: kinds[c.type] }))),
    );
    if (results) publish(results);
  });

  connection.onDidChangeConfiguration(async () => {
    await ready;
    queue.flushAll();
    const { settings, against: againstFiles } = await currentSettings();
    settingsNow = settings;
    await loadAgainst(againstFiles);
    const results = guarded('settings', () => host?.setSettings(settings));
    if (results) publish(results);
  });

  connection.onHover(async ({ textDocument, position }): Promise<Hover | null | ResponseError<void>> => {
    await ready;
    queue.flush(fileOf(textDocument.uri));
    try {
      const file = fileOf(textDocument.uri);
      const text = host?.textOf(file);
      if (!host || text === undefined) return null;
      const offset = new LineIndex(text).offset(position);
      const markdown = hoverMarkdown(
        host.cratesOf(file).map((c) => c.crate),
        host.findingsFor(file),
        file,
        offset,
      );
      return markdown ? { contents: { kind: 'markdown', value: markdown } } : null;
    } catch (e) {
      connection.console.error(`hover failed: ${(e as Error).stack ?? String(e)}`);
      return new ResponseError(ErrorCodes.InternalError, `hover failed: ${(e as Error).message}`);
    }
  });

  connection.onCodeAction(async ({ textDocument, range, context }): Promise<CodeAction[] | ResponseError<void>> => {
    await ready;
    queue.flushAll();
    try {
      const file = fileOf(textDocument.uri);
      if (!host) return [];
      const h = host;
      // Fix-all re-checks the crate once per round: only when asked for (the source action menu, on save).
      if (wantsFixAll(context.only, context.triggerKind)) {
        const action = fixAllAction(await h.fixAll(file), 'Fix all FFI findings in this file');
        publishRechecked();
        return action ? [action] : [];
      }
      // Asked for other kinds only (`source.organizeImports`…): none of ours.
      if (context.only && !context.only.some((k) => k === CodeActionKind.QuickFix || k === CodeActionKind.Empty))
        return [];
      const actions = codeActionsFor(
        h.actionableFindings(file),
        file,
        range,
        context.diagnostics,
        h.fixTexts(),
        h.importerUpdater(),
      );
      publishRechecked();
      return actions;
    } catch (e) {
      connection.console.error(`code actions failed: ${(e as Error).stack ?? String(e)}`);
      return new ResponseError(ErrorCodes.InternalError, `code actions failed: ${(e as Error).message}`);
    }
  });

  /**
   * A workspace-wide request over the host's current state. A mistake the user can make is answered as
   * InvalidParams with its sentence; anything else is logged and answered as InternalError. Either way the
   * server keeps serving.
   */
  function hostRequest<P, R>(method: string, handler: (h: AnalysisHost, params: P) => R | Promise<R>): void {
    connection.onRequest(method, async (params: P): Promise<R | ResponseError<void>> => {
      await ready;
      queue.flushAll();
      try {
        if (!host)
          return new ResponseError(
            ErrorCodes.InternalError,
            'Rust FFI Guard has not indexed the workspace: see its output for why.',
          );
        const result = await handler(host, params);
        publishRechecked();
        return result;
      } catch (e) {
        if (e instanceof SurfaceRequestError) {
          connection.console.warn(`${method}: ${e.message}`);
          return new ResponseError(ErrorCodes.InvalidParams, e.message);
        }
        connection.console.error(`${method} failed: ${(e as Error).stack ?? String(e)}`);
        return new ResponseError(ErrorCodes.InternalError, `${method} failed: ${(e as Error).message}`);
      }
    });
  }

  /** A request of the ABI views (lsp/surface.ts), answered from the workspace as it stands. */
  function workspaceRequest<P, R>(method: string, handler: (ws: WorkspaceView, params: P) => R): void {
    hostRequest<P, R>(method, (h, params) => handler({ ...h.workspace(), roots, textOf: (f) => h.textOf(f) }, params));
  }

  workspaceRequest(SurfaceMethods.surface, surfaceReport);
  workspaceRequest(SurfaceMethods.export, exportReport);
  workspaceRequest(SurfaceMethods.header, headerOf);
  workspaceRequest(SurfaceMethods.headerCrates, headerCratesOf);
  workspaceRequest(SurfaceMethods.snapshot, snapshotOfWorkspace);
  workspaceRequest(SurfaceMethods.diff, diffAgainst);
  hostRequest(SurfaceMethods.fixAll, async (h): Promise<FixAllResult> => {
    const run = await h.fixAll();
    return {
      edit: runEdit(run),
      fixes: run.applied.length,
      files: run.changed.size,
      left: run.remaining.findings.length,
    };
  });

  connection.listen();
}

/** What each connection's reader has read ahead of the handlers (see lsp/coalesce.ts). */
const connectionVersions = new WeakMap<Connection, VersionsRead>();

/**
 * The client's messages over stdin, watched for framing (lsp/framing.ts): once a wrong Content-Length
 * has made the stream unreadable, the server says why on stderr and exits with status 1, so that the
 * client (which restarts a server that stops) starts a fresh one instead of talking to a deaf one.
 */
function stdioConnection(): Connection {
  const watch = new FramingWatch((reason) => {
    process.stderr.write(
      `Rust FFI Guard: the LSP stream from the client cannot be read any more (${reason}); ` +
        'exiting with status 1 so that the client restarts the server.\n',
    );
    process.exit(1);
  });
  process.stdin.pipe(watch);
  const connection = peekingConnection(new StreamMessageReader(watch), new StreamMessageWriter(process.stdout));
  // What createConnection does for a stdio it opens itself: stdout is the protocol's, so console output
  // goes to stderr; the end of stdin ends the server (status 0 after a shutdown request, else 1).
  for (const level of ['log', 'info', 'warn', 'debug'] as const) console[level] = console.error;
  let shutdown = false;
  connection.onShutdown(() => {
    shutdown = true;
  });
  const ended = (): never => process.exit(shutdown ? 0 : 1);
  process.stdin.on('end', ended);
  process.stdin.on('close', ended);
  return connection;
}

/** A connection whose reader shows each message to the change queue as it is read. */
function peekingConnection(reader: MessageReader, writer: MessageWriter): Connection {
  const versions = new VersionsRead();
  const connection = createConnection(ProposedFeatures.all, peekingReader(reader, versions), writer);
  connectionVersions.set(connection, versions);
  return connection;
}

/** The connection VS Code starts the bundled server with (IPC), or any other the command line asks for. */
function editorConnection(): Connection {
  if (process.argv.includes('--node-ipc'))
    return peekingConnection(new IPCMessageReader(process), new IPCMessageWriter(process));
  if (process.argv.includes('--stdio')) return stdioConnection();
  return createConnection(ProposedFeatures.all);
}

/**
 * `ffi-guard lsp --stdio`, which bin/ffi-guard.js hands here: the arguments are read by the command
 * line's parser (a mistake is its usage error, exit status 2), then the server runs until the client
 * says exit, which ends the process.
 */
export function lspCommand(args: string[], err: (s: string) => void = (s) => process.stderr.write(s)): Promise<number> {
  return withUsage(err, () => {
    parseCommandLine(['lsp', ...args]);
    limitHeapGrowth();
    startServer(stdioConnection());
    return new Promise<number>(() => {
      // Never settles: the connection ends the process on `exit`.
    });
  });
}

// VS Code starts the bundled server directly (dist/server.js, over IPC).
if (require.main === module) {
  limitHeapGrowth();
  startServer();
}
