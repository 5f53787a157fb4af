import * as crypto from 'crypto';
import * as fs from 'fs';
import * as path from 'path';

/**
 * How the command line writes a file (fixed sources, `--out` reports and headers, baselines): atomically.
 * The text goes to a temporary file beside the target, is flushed to disk, then renamed over it, so an
 * interrupted run leaves the old file or the new one, never half of one. A target that is a symbolic
 * link is written where it points (the link stays a link); an existing file keeps its permissions.
 */
export function writeFileAtomic(target: string, data: string | Uint8Array): void {
  const file = resolvedTarget(target);
  let mode = 0o666;
  try {
    mode = fs.statSync(file).mode & 0o7777;
  } catch {
    // A new file: the default mode, less the umask.
  }
  const temp = path.join(path.dirname(file), `.${path.basename(file)}.${crypto.randomBytes(6).toString('hex')}.tmp`);
  const fd = fs.openSync(temp, 'wx', mode);
  try {
    try {
      fs.writeFileSync(fd, data);
      if (mode !== 0o666) fs.fchmodSync(fd, mode);
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    fs.renameSync(temp, file);
  } catch (e) {
    fs.rmSync(temp, { force: true });
    throw e;
  }
}

/** The file a write to `target` replaces: the end of its chain of links, or `target` itself. */
function resolvedTarget(target: string): string {
  try {
    return fs.realpathSync(target);
  } catch {
    return target; // a new file (or a dangling link, replaced by the file)
  }
}

/**
 * The largest file the command line reads as input (`diff --baseline`, `merge`'s shard outputs); only
 * regular files are read, so `/dev/zero` or a FIFO is an error, not a hang.
 */
export const MAX_INPUT_SIZE = 256 * 1024 * 1024;

/** An `--out FILE` the command could not write: a usage error that names the file, never an internal error. */
export class OutputError extends Error {}

/**
 * Write the output of `--out FILE` atomically; a missing folder, a folder in its place or a refusal is an
 * OutputError naming the file as the user gave it (`shown`).
 */
export function writeOutputFile(target: string, shown: string, text: string): void {
  try {
    writeFileAtomic(target, text);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why =
      code === 'ENOENT'
        ? 'its directory does not exist'
        : code === 'EISDIR'
          ? 'it is a directory'
          : code === 'ENOTDIR'
            ? 'a part of its path is not a directory'
            : (e as Error).message;
    throw new OutputError(`cannot write ${shown}: ${why}`);
  }
}
