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
  /** Problems to show the user: a bad editor value or a malformed configuration file. */
  problems: string[];
}

export function resolveSettings(editor: unknown, root: string | null): ResolvedSettings {
  const problems: string[] = [];
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
  if (!root) return { settings: base, problems };
  try {
    return { settings: loadSettings(root, undefined, base), problems };
  } catch (e) {
    if (e instanceof ConfigError) problems.push(`invalid configuration: ${e.message}`);
    else problems.push(String(e));
    return { settings: base, problems };
  }
}
