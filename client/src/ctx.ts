import * as fs from 'fs';
import * as vscode from 'vscode';
import { LanguageClient, LanguageClientOptions, ServerOptions, State, TransportKind } from 'vscode-languageclient/node';
import { SECTION, WATCHED_FILES } from './config';
import { VirtualDocuments } from './virtualDocuments';

/** What the user should know about the server: the status bar shows it. */
export type ServerState = 'starting' | 'running' | 'stopped' | 'failed';

/**
 * Owns the language client's lifetime: one place starts, stops and restarts the server, so that a
 * restart never leaves a second server, a stale file watcher or a stale state behind. Start and stop
 * requests are queued, one after the other.
 */
export class Ctx implements vscode.Disposable {
  /** "Rust FFI Guard" in the Output view: the client's log, the server's log and, if enabled, the protocol trace. */
  readonly output: vscode.LogOutputChannel;
  private client: LanguageClient | undefined;
  private clientDisposables: vscode.Disposable[] = [];
  private queue: Promise<void> = Promise.resolve();
  private currentState: ServerState = 'stopped';
  private readonly stateChanged = new vscode.EventEmitter<ServerState>();
  readonly onDidChangeState = this.stateChanged.event;
  /** Read-only documents the commands show (ABI change lists). */
  readonly documents = new VirtualDocuments();

  constructor(private readonly extension: vscode.ExtensionContext) {
    this.output = vscode.window.createOutputChannel('Rust FFI Guard', { log: true });
  }

  /** A file shipped with the extension (`docs/rules.md`). */
  asAbsolutePath(relative: string): string {
    return this.extension.asAbsolutePath(relative);
  }

  /**
   * A request to the server (the `ffiGuard/…` requests of protocol/surface-requests.ts). Rejects
   * with a sentence for the user when there is no server to ask; the server's own errors are sentences too.
   */
  async request<R>(method: string, params: object | null = null): Promise<R> {
    const client = this.client;
    if (!client || (this.currentState !== 'running' && this.currentState !== 'starting'))
      throw new Error(
        'the language server is not running. Run "Rust FFI Guard: Restart Server", or see "Rust FFI Guard: Show Output" for why.',
      );
    return client.sendRequest<R>(method, params);
  }

  get state(): ServerState {
    return this.currentState;
  }

  start(): Promise<void> {
    return this.enqueue(() => this.doStart());
  }

  stop(): Promise<void> {
    return this.enqueue(() => this.doStop());
  }

  restart(): Promise<void> {
    return this.enqueue(async () => {
      this.output.info('Restarting the server.');
      await this.doStop();
      await this.doStart();
    });
  }

  dispose(): void {
    void this.stop().finally(() => {
      this.documents.dispose();
      this.stateChanged.dispose();
      this.output.dispose();
    });
  }

  private enqueue(task: () => Promise<void>): Promise<void> {
    this.queue = this.queue.then(task, task);
    return this.queue;
  }

  private setState(state: ServerState): void {
    if (state === this.currentState) return;
    this.currentState = state;
    this.stateChanged.fire(state);
  }

  private async doStart(): Promise<void> {
    // The server is bundled beside the client (scripts/bundle.js); it is missing only in a source
    // checkout that was never bundled or in a broken install.
    const serverModule = this.extension.asAbsolutePath('dist/server.js');
    if (!fs.existsSync(serverModule)) {
      this.fail(
        `its program ${serverModule} is missing. Reinstall the extension; in a source checkout, run \`npm run bundle\` first.`,
      );
      return;
    }
    this.setState('starting');
    const watchers = WATCHED_FILES.map((glob) => vscode.workspace.createFileSystemWatcher(glob));
    const client = new LanguageClient(
      SECTION,
      'Rust FFI Guard',
      serverOptions(serverModule),
      clientOptions(this.output, watchers),
    );
    this.clientDisposables = [
      ...watchers,
      client.onDidChangeState(({ newState }) => {
        if (newState === State.Running) this.setState('running');
        else if (newState === State.Starting) this.setState('starting');
        // A server that crashes too often is not restarted by vscode-languageclient: say so.
        else if (this.currentState === 'running') this.setState('stopped');
      }),
    ];
    this.client = client;
    try {
      await client.start();
      this.output.info(`Server started: ${serverModule}`);
    } catch (e) {
      await this.doStop();
      this.fail(`it reported: ${e instanceof Error ? e.message : String(e)}`);
    }
  }

  private async doStop(): Promise<void> {
    const client = this.client;
    const disposables = this.clientDisposables;
    this.client = undefined;
    this.clientDisposables = [];
    for (const d of disposables) d.dispose();
    if (client) {
      try {
        // Asks the server to shut down, and kills it if it has not after two seconds.
        await client.dispose(2000);
      } catch (e) {
        this.output.warn(`Stopping the server: ${e instanceof Error ? e.message : String(e)}`);
      }
    }
    this.setState('stopped');
  }

  /** The server could not start: say why, where to look, and what to do next. */
  private fail(why: string): void {
    const message = `Rust FFI Guard: the language server did not start: ${why}`;
    this.output.error(message);
    this.setState('failed');
    void vscode.window.showErrorMessage(message, 'Show Output', 'Restart Server').then((choice) => {
      if (choice === 'Show Output') this.output.show();
      else if (choice === 'Restart Server') void this.restart();
    });
  }
}

/** The bundled server, run by VS Code's own Node.js and spoken to over IPC. */
function serverOptions(serverModule: string): ServerOptions {
  return {
    run: { module: serverModule, transport: TransportKind.ipc },
    debug: {
      module: serverModule,
      transport: TransportKind.ipc,
      options: { execArgv: ['--nolazy', '--inspect=6009'] },
    },
  };
}

function clientOptions(output: vscode.LogOutputChannel, watchers: vscode.FileSystemWatcher[]): LanguageClientOptions {
  return {
    // Rust files on disk only: the server reads the rest of the crate from disk too.
    documentSelector: [{ scheme: 'file', language: 'rust' }],
    // Settings: the server pulls them (`workspace/configuration`) and registers itself for
    // `workspace/didChangeConfiguration`; a `configurationSection` here would notify it a second time.
    synchronize: { fileEvents: watchers },
    outputChannel: output,
  };
}
