import { performance } from 'perf_hooks';

/**
 * Edits coalesced per document: a document whose last analysis was slow waits a little (`debounceFor`)
 * for the next change, and when it is analysed every change received so far is handed over at once, so
 * that a superseded version is never analysed and the version the client is told about is the newest. A
 * document analysed quickly is analysed at once, keystroke by keystroke.
 */
export class ChangeQueue<C> {
  private readonly pending = new Map<string, { changes: C[]; timer: NodeJS.Timeout | null }>();
  private readonly lastCost = new Map<string, number>();

  /** `analyse` gets a document's changes in the order received (the time it takes is measured). */
  constructor(
    private readonly analyse: (file: string, changes: C[]) => void,
    private readonly now: () => number = () => performance.now(),
  ) {}

  /** A document's changes arrived: analysed now, or after a wait when its analyses are slow. */
  push(file: string, changes: C[]): void {
    const waiting = this.pending.get(file) ?? { changes: [], timer: null };
    waiting.changes.push(...changes);
    this.pending.set(file, waiting);
    const delay = debounceFor(this.lastCost.get(file) ?? 0);
    if (delay === 0 && !waiting.timer) return this.flush(file);
    if (waiting.timer) clearTimeout(waiting.timer);
    waiting.timer = setTimeout(() => this.flush(file), delay);
  }

  /** Analyses a document's waiting changes now (before anything reads its text: a hover, a code action). */
  flush(file: string): void {
    const waiting = this.pending.get(file);
    if (!waiting) return;
    this.pending.delete(file);
    if (waiting.timer) clearTimeout(waiting.timer);
    const started = this.now();
    try {
      this.analyse(file, waiting.changes);
    } finally {
      this.lastCost.set(file, this.now() - started);
    }
  }

  flushAll(): void {
    for (const file of [...this.pending.keys()]) this.flush(file);
  }

  /** A document opened again or closed: its waiting changes are void (its text is the client's or the disk's). */
  drop(file: string): void {
    const waiting = this.pending.get(file);
    if (waiting?.timer) clearTimeout(waiting.timer);
    this.pending.delete(file);
    this.lastCost.delete(file);
  }

  /** Whether a document has changes waiting. */
  waiting(file: string): boolean {
    return this.pending.has(file);
  }
}

/** An analysis slower than this makes the next change of its document wait (`debounceFor`). */
export const SLOW_ANALYSIS_MS = 150;

/**
 * How long a change waits for the next one before its document is analysed, from the cost of the
 * document's last analysis: none for a quick one (a keystroke is answered at once), half the cost up to
 * half a second for a slow one, so that keystrokes typed (or queued) meanwhile are analysed together.
 */
export function debounceFor(lastCostMs: number): number {
  if (lastCostMs < SLOW_ANALYSIS_MS) return 0;
  return Math.min(500, Math.max(SLOW_ANALYSIS_MS, lastCostMs / 2));
}
