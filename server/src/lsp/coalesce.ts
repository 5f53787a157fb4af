import type { Disposable, Message, MessageReader } from 'vscode-jsonrpc';

/**
 * Edits coalesced per document, newest version wins. Every message is seen as it is read from the
 * transport (`peekingReader`), before the connection hands it to its handler one at a time: when a
 * change is handled while a newer change of the same document has already been read (keystrokes typed
 * during a slow analysis queue up behind it), it is not analysed; its edits wait and are applied with
 * the newer ones, and only the newest version is analysed and published. A client that waits for each
 * version's diagnostics (or types slower than the analysis) gets every version analysed at once, without
 * any delay.
 */
export class ChangeQueue<C> {
  private readonly pending = new Map<string, C[]>();

  /**
   * `analyse` gets a document's changes in the order received; `newerRead(file, version)` says whether a
   * change of a later version of the document has been read already.
   */
  constructor(
    private readonly analyse: (file: string, changes: C[]) => void,
    private readonly newerRead: (file: string, version: number) => boolean = () => false,
  ) {}

  /** A document's changes for `version`: analysed now, unless a newer version is already read. */
  push(file: string, version: number, changes: C[]): void {
    const waiting = this.pending.get(file) ?? [];
    waiting.push(...changes);
    this.pending.set(file, waiting);
    if (!this.newerRead(file, version)) this.flush(file);
  }

  /** Analyses a document's waiting changes now (before anything reads its text: a hover, a code action). */
  flush(file: string): void {
    const waiting = this.pending.get(file);
    if (!waiting) return;
    this.pending.delete(file);
    this.analyse(file, waiting);
  }

  flushAll(): void {
    for (const file of [...this.pending.keys()]) this.flush(file);
  }

  /** A document opened again or closed: its waiting changes are void (its text is the client's or the disk's). */
  drop(file: string): void {
    this.pending.delete(file);
  }

  /** Whether a document has changes waiting. */
  waiting(file: string): boolean {
    return this.pending.has(file);
  }
}

/** The newest `didChange` version read from the transport per document URI. */
export class VersionsRead {
  private readonly newest = new Map<string, number>();

  /** Notes a message as it is read (before it is handled). */
  see(message: Message): void {
    const m = message as { method?: unknown; params?: { textDocument?: { uri?: unknown; version?: unknown } } };
    if (m.method !== 'textDocument/didChange' && m.method !== 'textDocument/didOpen') return;
    const doc = m.params?.textDocument;
    if (typeof doc?.uri !== 'string' || typeof doc.version !== 'number') return;
    if (m.method === 'textDocument/didOpen') this.newest.delete(doc.uri);
    else if (doc.version > (this.newest.get(doc.uri) ?? -Infinity)) this.newest.set(doc.uri, doc.version);
  }

  /** Whether a change of a version after `version` has been read for this document. */
  newerThan(uri: string, version: number): boolean {
    return (this.newest.get(uri) ?? -Infinity) > version;
  }

  forget(uri: string): void {
    this.newest.delete(uri);
  }
}

/** A reader that shows every message to `versions` as it is read, then passes it on unchanged. */
export function peekingReader(inner: MessageReader, versions: VersionsRead): MessageReader {
  return {
    onError: inner.onError,
    onClose: inner.onClose,
    onPartialMessage: inner.onPartialMessage,
    listen: (callback): Disposable =>
      inner.listen((message) => {
        versions.see(message);
        callback(message);
      }),
    dispose: () => inner.dispose(),
  };
}
