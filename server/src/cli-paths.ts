import * as path from 'path';
import { buildOverrides } from './cli-args';
import { loadSettings, Settings } from './core/config';

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

/**
 * The settings of a run over `paths`: `--config FILE`, else what the workspace's files say; the cargo
 * flags (`--features`, `--no-default-features`, `--all-features`, `--target`) over both.
 */
export function settingsFor(
  paths: string[],
  options: Parameters<typeof buildOverrides>[0] & { config?: string },
  cwd: string,
): Settings {
  const settings = loadSettings(
    workspaceRoot(paths, cwd),
    options.config ? path.resolve(cwd, options.config) : undefined,
  );
  return { ...settings, ...buildOverrides(options) };
}
