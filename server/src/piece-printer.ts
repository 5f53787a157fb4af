/** Where the command line prints. */
export type Print = (s: string) => void;

/**
 * Text printed a piece at a time as it is made, for outputs that can be tens of MB (a check of a `-sys`
 * workspace): made whole, such a text was the largest thing the run held, and writing it made a flat copy
 * of it. A piece goes out once it is about `PIECE_CHARS` long; standard output is written synchronously
 * to a file or a pipe on Linux, so a piece is garbage once printed.
 */
export class PiecePrinter {
  private parts: string[] = [];
  private held = 0;

  constructor(private readonly out: Print) {}

  text(s: string): void {
    this.parts.push(s);
    this.held += s.length;
    if (this.held >= PIECE_CHARS) this.flush();
  }

  /** Print what is held; call once the text is complete. */
  flush(): void {
    if (this.parts.length) this.out(this.parts.join(''));
    this.parts = [];
    this.held = 0;
  }
}

/** About as much text as a printer holds before printing it. */
const PIECE_CHARS = 64 * 1024;
