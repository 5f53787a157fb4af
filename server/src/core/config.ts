import * as fs from 'fs';
import * as path from 'path';
import { MAX_SMALL_FILE_SIZE, readRegularText } from './workspace/read-file';
import { parseToml, TomlError } from './workspace/toml';
import { knownTargets } from './syntax/cfg';
import { isRuleId, Severity } from './analysis/rules';

/**
 * Settings: the same keys as the VS Code settings (`ffiGuard.*` without the prefix). Read, weakest
 * first: `[workspace.metadata.ffi-guard]` / `[package.metadata.ffi-guard]` in `Cargo.toml`, then
 * `ffi-guard.toml` at the workspace root, then `--config FILE`.
 */
export interface Settings {
  rules: Record<string, Severity | 'off'>;
  exclude: string[];
  safeTypes: string[];
  /** Bytes; larger files are skipped. */
  maxFileSize: number;
  checkPrivateExternFns: boolean;
  /** Cargo's `--features`: names (for each member that has them) or `package/feature`. */
  features: string[];
  /** Cargo's `--no-default-features`: members' `default` is not turned on. */
  noDefaultFeatures: boolean;
  /** Cargo's `--all-features`: every feature of every member. */
  allFeatures: boolean;
  /** Extra `--cfg` names or `key="value"` pairs (what build scripts print as `cargo:rustc-cfg`). */
  cfg: string[];
  target: string | null;
}

export const DEFAULT_MAX_FILE_SIZE = 10 * 1024 * 1024;
/**
 * The largest `maxFileSize` accepted: the parser's memory (WebAssembly, 32-bit) cannot hold the tree of a
 * much larger file, and a larger limit would only trade a clear "too large" for a parser abort.
 */
export const MAX_FILE_SIZE_LIMIT = 256 * 1024 * 1024;

/** A size in bytes a user wrote (a TOML integer or float, a JSON number), or null when it is not one. */
function byteCount(value: unknown): number | null {
  const n = typeof value === 'bigint' ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 1 || n > MAX_FILE_SIZE_LIMIT) return null;
  return n;
}

export function defaultSettings(): Settings {
  return {
    rules: {},
    exclude: [],
    safeTypes: [],
    maxFileSize: DEFAULT_MAX_FILE_SIZE,
    checkPrivateExternFns: true,
    features: [],
    noDefaultFeatures: false,
    allFeatures: false,
    cfg: [],
    target: null,
  };
}

/** A configuration a user wrote that we cannot accept: names the file, the line and the key. */
export class ConfigError extends Error {
  constructor(
    readonly file: string,
    readonly line: number | null,
    readonly key: string | null,
    detail: string,
  ) {
    super(`${file}${line !== null ? `:${line}` : ''}: ${key ? `\`${key}\`: ` : ''}${detail}`);
  }
}

const SEVERITIES = new Set(['error', 'warning', 'info', 'hint', 'off']);

/**
 * Validate and merge one layer of settings (a parsed TOML table or a VS Code settings object) into
 * `into`. `text` is the source, for line numbers in errors.
 */
export function mergeSettings(into: Settings, layer: Record<string, unknown>, file: string, text = ''): Settings {
  const fail = (key: string, detail: string): never => {
    throw new ConfigError(file, lineOf(text, key), key, detail);
  };
  const stringList = (key: string, v: unknown): string[] => {
    if (!Array.isArray(v) || v.some((x) => typeof x !== 'string')) fail(key, 'expected a list of strings');
    return v as string[];
  };
  const out: Settings = { ...into, rules: { ...into.rules } };
  for (const [key, value] of Object.entries(layer)) {
    switch (key) {
      case 'rules': {
        if (typeof value !== 'object' || value === null || Array.isArray(value))
          fail(key, 'expected a table of rule id = severity');
        for (const [id, sev] of Object.entries(value as Record<string, unknown>)) {
          if (!isRuleId(id)) fail(`rules.${id}`, `unknown rule id (see the README's rule table)`);
          if (typeof sev !== 'string' || !SEVERITIES.has(sev))
            fail(`rules.${id}`, 'expected one of "error", "warning", "info", "hint", "off"');
          out.rules[id] = sev as Severity | 'off';
        }
        break;
      }
      case 'exclude':
        out.exclude = stringList(key, value);
        break;
      case 'safeTypes':
        out.safeTypes = stringList(key, value);
        break;
      case 'features':
        out.features = stringList(key, value);
        break;
      case 'noDefaultFeatures':
      case 'allFeatures':
        if (typeof value !== 'boolean') fail(key, 'expected true or false');
        out[key] = value as boolean;
        break;
      case 'cfg':
        out.cfg = stringList(key, value);
        break;
      case 'maxFileSize':
        out.maxFileSize =
          byteCount(value) ?? fail(key, `expected a whole number of bytes from 1 to ${MAX_FILE_SIZE_LIMIT}`);
        break;
      case 'checkPrivateExternFns':
        if (typeof value !== 'boolean') fail(key, 'expected true or false');
        out.checkPrivateExternFns = value as boolean;
        break;
      case 'target':
        if (value !== null && typeof value !== 'string') fail(key, 'expected a target triple');
        if (typeof value === 'string' && value && !knownTargets().includes(value))
          fail(key, `unknown target; known: ${knownTargets().join(', ')}`);
        out.target = (value as string | null) || null;
        break;
      default:
        fail(
          key,
          'unknown setting (known: rules, exclude, safeTypes, maxFileSize, checkPrivateExternFns, features, noDefaultFeatures, allFeatures, cfg, target)',
        );
    }
  }
  return out;
}

function lineOf(text: string, key: string): number | null {
  const last = key.split('.').pop() ?? key;
  const lines = text.split('\n');
  const re = new RegExp(`^\\s*"?${last.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}"?\\s*=`);
  const i = lines.findIndex((l) => re.test(l));
  return i >= 0 ? i + 1 : null;
}

function readToml(file: string): { table: Record<string, unknown>; text: string } {
  let text: string;
  try {
    text = readRegularText(file, MAX_SMALL_FILE_SIZE);
  } catch (e) {
    throw new ConfigError(file, null, null, `could not be read: ${(e as Error).message}`);
  }
  try {
    return { table: parseToml(text), text };
  } catch (e) {
    if (e instanceof TomlError) throw new ConfigError(file, e.line, null, e.message.split('\n')[0]);
    throw e;
  }
}

/** The `ffi-guard` metadata table of a parsed `Cargo.toml`, if any. */
function cargoMetadata(table: Record<string, unknown>): Record<string, unknown> | null {
  for (const section of ['workspace', 'package']) {
    const s = table[section] as Record<string, unknown> | undefined;
    const meta = s?.metadata as Record<string, unknown> | undefined;
    const ours = meta?.['ffi-guard'];
    if (ours && typeof ours === 'object') return ours as Record<string, unknown>;
  }
  return null;
}

/**
 * Load the settings that apply to a workspace root, strongest last. `base` is the weakest layer (the
 * editor's settings in the language server; the defaults on the command line).
 */
export function loadSettings(root: string, configFile?: string, base: Settings = defaultSettings()): Settings {
  let settings = base;
  const cargo = path.join(root, 'Cargo.toml');
  if (fs.existsSync(cargo)) {
    try {
      const { table, text } = readToml(cargo);
      const meta = cargoMetadata(table);
      if (meta) settings = mergeSettings(settings, meta, cargo, text);
    } catch (e) {
      // A broken Cargo.toml is reported with the crate it describes, not as a configuration error.
      if (!(e instanceof ConfigError) || e.key !== null) throw e;
    }
  }
  const own = path.join(root, 'ffi-guard.toml');
  if (fs.existsSync(own)) {
    const { table, text } = readToml(own);
    settings = mergeSettings(settings, table, own, text);
  }
  if (configFile) {
    if (!fs.existsSync(configFile)) throw new ConfigError(configFile, null, null, 'no such file');
    const { table, text } = readToml(configFile);
    settings = mergeSettings(settings, table, configFile, text);
  }
  return settings;
}
