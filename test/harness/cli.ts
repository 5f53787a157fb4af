import * as fs from 'fs';
import * as path from 'path';
import { tempDir } from './tmp';
import { main } from '../../server/src/cli';

/** The repository root (tests run from out/test/…). */
export const REPO = path.resolve(__dirname, '..', '..', '..');

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Run `ffi-guard ARGS` in-process from `cwd`, capturing its output and exit status. */
export async function runCli(args: string[], cwd = REPO): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const code = await main(
    args,
    cwd,
    (s) => (stdout += s),
    (s) => (stderr += s),
  );
  return { code, stdout, stderr };
}

/** A temporary folder holding `files` (path → content). */
export function tempTree(files: Record<string, string | Buffer>, prefix = 'ffi-guard-test-'): string {
  const dir = tempDir(prefix);
  for (const [name, content] of Object.entries(files)) {
    const full = path.join(dir, name);
    fs.mkdirSync(path.dirname(full), { recursive: true });
    fs.writeFileSync(full, content);
  }
  return dir;
}
