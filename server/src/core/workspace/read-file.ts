import * as fs from 'fs';
import { BRACKET_STEP, bracketStep } from '../syntax/brackets';

/**
 * Reading a file of the workspace without trusting it. Only regular files are read: a device
 * (`/dev/zero`), a FIFO (which blocks its reader until a writer comes), a socket or a directory named
 * where a source file is expected is refused with a reason. The size limit counts the bytes actually
 * read, never the size `stat` claims (0 for devices and pipes, stale for a file that grows), so no
 * file costs more than the limit plus one byte. The size `stat` claims only sizes the first read.
 */

export type ReadOutcome =
  | { kind: 'read'; bytes: Buffer }
  /** The file does not exist (or a folder on its path is not a folder). */
  | { kind: 'missing' }
  | { kind: 'refused'; reason: string };

/** The first read of a file that claims to be empty (a device, a pipe) or tiny. */
const MIN_CHUNK = 1 << 12;

/** The bytes of a regular file of at most `limit` bytes, or why not. */
export function readRegularFile(file: string, limit: number): ReadOutcome {
  let fd: number;
  try {
    // O_NONBLOCK: opening a FIFO for reading would otherwise wait for a writer, forever.
    fd = fs.openSync(file, fs.constants.O_RDONLY | (fs.constants.O_NONBLOCK ?? 0));
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return { kind: 'missing' };
    if (code === 'EISDIR') return { kind: 'refused', reason: 'not a regular file (a directory)' };
    return { kind: 'refused', reason: `could not be read: ${(e as Error).message}` };
  }
  try {
    const stat = fs.fstatSync(fd);
    if (!stat.isFile()) return { kind: 'refused', reason: `not a regular file (${fileKind(stat)}); not read` };
    if (stat.size > limit) return { kind: 'refused', reason: tooLarge(limit) };
    // One byte more than the limit tells a file at the limit from a larger one; one more than the size
    // `stat` claims lets the usual file be read into one buffer, the last read seeing its end.
    let buffer = Buffer.allocUnsafe(Math.min(Math.max(stat.size + 1, MIN_CHUNK), limit + 1));
    let total = 0;
    for (;;) {
      if (total === buffer.length) {
        const grown = Buffer.allocUnsafe(Math.min(total * 2, limit + 1));
        buffer.copy(grown, 0, 0, total);
        buffer = grown;
      }
      const n = fs.readSync(fd, buffer, total, buffer.length - total, null);
      if (n === 0) break;
      total += n;
      if (total > limit) return { kind: 'refused', reason: tooLarge(limit) };
    }
    return { kind: 'read', bytes: buffer.subarray(0, total) };
  } catch (e) {
    return { kind: 'refused', reason: `could not be read: ${(e as Error).message}` };
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * The text of a regular UTF-8 file (a manifest, a configuration, a `.gitignore`); otherwise throws an
 * error saying why, without the file's name (the caller names it).
 */
export function readRegularText(file: string, limit: number): string {
  const got = readRegularFile(file, limit);
  if (got.kind === 'missing') throw new Error('no such file');
  if (got.kind === 'refused') throw new Error(got.reason);
  return got.bytes.toString('utf8').replace(/^\uFEFF/, '');
}

/** The limit for small text files we read whole: manifests, configurations, `.gitignore`. */
export const MAX_SMALL_FILE_SIZE = 4 * 1024 * 1024;

function tooLarge(limit: number): string {
  return `larger than the size limit (${formatSize(limit)})`;
}

function fileKind(stat: fs.Stats): string {
  if (stat.isDirectory()) return 'a directory';
  if (stat.isCharacterDevice()) return 'a character device';
  if (stat.isBlockDevice()) return 'a block device';
  if (stat.isFIFO()) return 'a FIFO';
  if (stat.isSocket()) return 'a socket';
  return 'not a file';
}

export function formatSize(bytes: number): string {
  return bytes % (1024 * 1024) === 0
    ? `${bytes / (1024 * 1024)} MB`
    : bytes % 1024 === 0
      ? `${bytes / 1024} KB`
      : `${bytes} bytes`;
}

/**
 * Limits on the shape of a source text, beyond its size. The analysis is linear in the text, but a
 * text no one writes by hand (a multi-megabyte line, brackets nested thousands deep) is generated or
 * hostile, and parsing it gains nothing: such a file is skipped with this reason.
 */
export const MAX_LINE_LENGTH = 1_000_000;
/** Nesting of `(`, `[` and `{`, counted on the raw text (brackets inside strings and comments count too). */
export const MAX_NESTING_DEPTH = 1_000;

/**
 * Why a text is over the line length or nesting limit, or null when it is within both. `utf8`, the bytes
 * the text was decoded from when the caller has them, is faster to count brackets in: they are ASCII, and no
 * byte of a multi-byte UTF-8 sequence is.
 */
export function textOverLimits(text: string, utf8?: Uint8Array): string | null {
  // No line of a text shorter than the limit can be longer than it.
  const long = text.length > MAX_LINE_LENGTH ? longLineEnd(text) : -1;
  if (long < 0) {
    const at = utf8 ? nestingOverAt(utf8) : nestingOverAt(text);
    return at < 0 ? null : nestedTooDeep(utf8 ? lineAt(utf8, at) : lineAt(text, at));
  }
  // Over both: the one met first when reading the text is told (a long line once its end is reached).
  const nested = nestingOverAt(text);
  return nested >= 0 && nested < long ? nestedTooDeep(lineAt(text, nested)) : lineTooLong(lineAt(text, long));
}

/** Where the first line longer than the limit ends (its new line, or the end of the text), or -1. */
function longLineEnd(text: string): number {
  for (let start = 0; ;) {
    const newLine = text.indexOf('\n', start);
    const end = newLine < 0 ? text.length : newLine;
    if (end - start > MAX_LINE_LENGTH) return end;
    if (newLine < 0) return -1;
    start = newLine + 1;
  }
}

/** Where the brackets first nest deeper than the limit, or -1. */
function nestingOverAt(code: Uint8Array | string): number {
  let depth = 0;
  if (typeof code === 'string') {
    for (let i = 0; i < code.length; i++) {
      const step = bracketStep(code.charCodeAt(i));
      if (step > 0) {
        if (++depth > MAX_NESTING_DEPTH) return i;
      } else if (step < 0 && depth > 0) depth--;
    }
  } else {
    for (let i = 0; i < code.length; i++) {
      const step = BRACKET_STEP[code[i]];
      if (step > 0) {
        if (++depth > MAX_NESTING_DEPTH) return i;
      } else if (step < 0 && depth > 0) depth--;
    }
  }
  return -1;
}

/** The 1-based line of offset `i`. */
function lineAt(code: Uint8Array | string, i: number): number {
  const next = (from: number): number => (typeof code === 'string' ? code.indexOf('\n', from) : code.indexOf(10, from));
  let line = 1;
  for (let at = next(0); at >= 0 && at < i; at = next(at + 1)) line++;
  return line;
}

function nestedTooDeep(line: number): string {
  return `brackets nested deeper than the nesting limit (${MAX_NESTING_DEPTH}) at line ${line}`;
}

function lineTooLong(line: number): string {
  return `line ${line} is longer than the line length limit (${MAX_LINE_LENGTH} characters)`;
}
