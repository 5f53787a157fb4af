import { Transform, TransformCallback } from 'stream';

/**
 * A watch over the framing of LSP messages on a byte stream (stdio): every message is a header block
 * (`Content-Length: N`, other `Name: value` lines, an empty line) and then exactly N bytes of body. The
 * bytes pass through unchanged; the watch only reads them.
 *
 * Once a `Content-Length` is wrong, nothing on the stream says where the next message starts: the
 * transport cannot resynchronise, and a reader that goes on would swallow or misread every message after
 * it (the server would answer nothing, not even `shutdown`). So the watch calls `lost` with what it saw,
 * once, as soon as the stream shows it:
 * - a header block that is not `Name: value` lines, or has no `Content-Length` that is a whole number;
 * - a body that holds the header of another message (the length said was too long: a JSON text never
 *   holds a raw line break after `Content-Length: N`);
 * - bytes after a body that do not start a header (the length said was too short).
 * A body that is not JSON but has the right length is not the transport's business: the reader skips it.
 */
export class FramingWatch extends Transform {
  private header = '';
  /** Bytes of the current body still to come, or -1 while a header is read. */
  private bodyLeft = -1;
  /** The end of the body read so far, to find a header split across two chunks. */
  private bodyTail = '';
  private failed = false;

  constructor(private readonly lost: (reason: string) => void) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    if (!this.failed) this.watch(chunk);
    done(null, chunk);
  }

  private fail(reason: string): void {
    if (this.failed) return;
    this.failed = true;
    this.lost(reason);
  }

  private watch(chunk: Buffer): void {
    let at = 0;
    while (at < chunk.length && !this.failed) {
      if (this.bodyLeft >= 0) {
        const take = Math.min(this.bodyLeft, chunk.length - at);
        const seen = this.bodyTail + chunk.toString('latin1', at, at + take);
        if (EMBEDDED_HEADER.test(seen))
          return this.fail(
            'a message body holds the header of another message: its Content-Length was larger than its body',
          );
        this.bodyTail = seen.slice(-64);
        this.bodyLeft -= take;
        at += take;
        if (this.bodyLeft === 0) {
          this.bodyLeft = -1;
          this.bodyTail = '';
        }
        continue;
      }
      // The header so far and what follows (the end marker may be split across chunks).
      const taken = Math.min(chunk.length, at + 8192);
      const window = this.header + chunk.toString('latin1', at, taken);
      const end = window.indexOf('\r\n\r\n');
      if (end < 0) {
        // A header block still coming must look like one already (the bytes after a too short body are
        // the rest of that body, JSON, which no header line starts with).
        this.header = window;
        at = taken;
        const problem = partialHeaderProblem(this.header);
        if (problem) return this.fail(problem);
        continue;
      }
      const header = window.slice(0, end);
      at += end + 4 - this.header.length;
      this.header = '';
      const length = contentLength(header);
      if (typeof length === 'string') return this.fail(length);
      this.bodyLeft = length;
      if (length === 0) this.bodyLeft = -1;
    }
  }
}

/** Another message's header inside a body (JSON never holds a raw CR LF after these words). */
const EMBEDDED_HEADER = /Content-Length:[ \t]*\d+\r\n/i;

const HEADER_LINE = /^[A-Za-z][A-Za-z0-9-]*:[ \t]*[^\r\n]*$/;

/** What is wrong with a complete header block, or its `Content-Length`. */
function contentLength(header: string): number | string {
  const lines = header.split('\r\n');
  let length: number | null = null;
  for (const line of lines) {
    if (!HEADER_LINE.test(line)) return `a message header line is not \`Name: value\`: ${quote(line)}`;
    const [name, ...value] = line.split(':');
    if (name.toLowerCase() !== 'content-length') continue;
    const text = value.join(':').trim();
    if (!/^\d{1,12}$/.test(text)) return `a Content-Length is not a whole number of bytes: ${quote(text)}`;
    length = Number(text);
  }
  if (length === null) return `a message header has no Content-Length: ${quote(header)}`;
  return length;
}

/** What is wrong with the start of a header block, if anything is already. */
function partialHeaderProblem(header: string): string | null {
  if (header.length > 4096) return `a message header is longer than 4 KB: ${quote(header)}`;
  const lines = header.split('\r\n');
  for (const [i, line] of lines.entries()) {
    const last = i === lines.length - 1;
    // The last line may still be coming: only what is there must fit.
    if (last && (line === '' || line === '\r' || /^[A-Za-z][A-Za-z0-9-]*(:[^\r\n]*)?\r?$/.test(line))) continue;
    if (!last && HEADER_LINE.test(line)) continue;
    return `bytes where a message header should start are not one: ${quote(header)}`;
  }
  return null;
}

function quote(s: string): string {
  const shown = s.length > 80 ? `${s.slice(0, 80)}…` : s;
  return JSON.stringify(shown);
}
