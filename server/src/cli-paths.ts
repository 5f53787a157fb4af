import * as path from 'path';

/** The directory whose `ffi-guard.toml` / `Cargo.toml` configure a run over `paths`. */
export function workspaceRoot(paths: string[], cwd: string): string {
  if (paths.length === 1) {
    const p = path.resolve(cwd, paths[0]);
    return p.endsWith('.rs') || p.endsWith('.toml') ? path.dirname(p) : p;
  }
  return cwd;
}

/** A path as the command line prints it: relative to the current directory, with `/` separators. */
export function rel(cwd: string, file: string): string {
  return path.relative(cwd, file).split(path.sep).join('/') || path.basename(file);
}
