import * as fs from 'fs';

/**
 * The largest file the command line reads as input (`diff --baseline`, `merge`'s shard outputs); only
 * regular files are read, so `/dev/zero` or a FIFO is an error, not a hang.
 */
export const MAX_INPUT_SIZE = 256 * 1024 * 1024;

/** An `--out FILE` the command could not write: a usage error that names the file, never an internal error. */
export class OutputError extends Error {}

/** Write the output of `--out FILE`; a missing folder, a folder in its place or a refusal is an OutputError. */
export function writeOutputFile(target: string, shown: string, text: string): void {
  try {
    fs.writeFileSync(target, text);
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
