import type * as SmolToml from 'smol-toml' with { 'resolution-mode': 'import' };

/**
 * The TOML library (smol-toml) ships its types as an ES module; its CommonJS build is what we load.
 * This module is the one place that bridges the two.
 */
// eslint-disable-next-line @typescript-eslint/no-require-imports
const toml = require('smol-toml') as typeof SmolToml;

export const parseToml = toml.parse;
export const TomlError = toml.TomlError;
export type TomlError = SmolToml.TomlError;
