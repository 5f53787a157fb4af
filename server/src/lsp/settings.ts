import * as path from 'path';
import { ConfigError, defaultSettings, loadSettings, mergeSettings, Settings } from '../core/config';

/**
 * The settings of an editor session: the editor's `ffiGuard.*` values, then the workspace's own
 * `Cargo.toml` metadata and `ffi-guard.toml` on top, as the command line reads them (the project's files
 * win, so the editor and CI agree).
 */

const KEYS = [
  'rules',
  'exclude',
  'safeTypes',
  'maxFileSize',
  'checkPrivateExternFns',
  'features',
  'cfg',
  'target',
] as const;

export interface ResolvedSettings {
  settings: Settings;
  /**
   * `ffiGuard.against`: ABI baselines and C headers to check the workspace against (`check --against`),
   * absolute (relative ones are taken from the first workspace folder).
   */
  against: string[];
  /** Problems to show the user: a bad editor value or a malformed configuration file. */
  problems: string[];
}

export function resolveSettings(editor: unknown, root: string | null): ResolvedSettings {
  const problems: string[] = [];
  const against = againstOf(editor, root, problems);
  let base = defaultSettings();
  if (editor && typeof editor === 'object') {
    const layer: Record<string, unknown> = {};
    for (const k of KEYS) {
      const v = (editor as Record<string, unknown>)[k];
      if (v !== undefined && v !== null) layer[k] = v;
    }
    try {
      base = mergeSettings(base, layer, 'VS Code settings (ffiGuard.*)');
    } catch (e) {
      problems.push((e as Error).message);
    }
  }
  if (!root) return { settings: base, against, problems };
  try {
    return { settings: loadSettings(root, undefined, base), against, problems };
  } catch (e) {
    if (e instanceof ConfigError) problems.push(`invalid configuration: ${e.message}`);
    else problems.push(String(e));
    return { settings: base, against, problems };
  }
}

/** The files of `ffiGuard.against`, a list of paths; anything else is a problem to show. */
function againstOf(editor: unknown, root: string | null, problems: string[]): string[] {
  const value = editor && typeof editor === 'object' ? (editor as Record<string, unknown>).against : undefined;
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value) || value.some((v) => typeof v !== 'string')) {
    problems.push('ffiGuard.against must be a list of paths (ABI baselines `.ffi-abi` or C headers `.h`)');
    return [];
  }
  return (value as string[]).map((v) => path.resolve(root ?? process.cwd(), v));
}
