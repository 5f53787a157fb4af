import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

const created: string[] = [];

/** A new temporary folder, removed when the test process exits. */
export function tempDir(prefix = 'ffi-guard-test-'): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  created.push(dir);
  return dir;
}

process.on('exit', () => {
  // Keep them for a look when asked to (FFI_GUARD_KEEP_TMP=1).
  if (process.env.FFI_GUARD_KEEP_TMP) return;
  for (const dir of created) fs.rmSync(dir, { recursive: true, force: true });
});
