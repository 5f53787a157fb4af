import type { CSignature } from './c-signature';

/**
 * What `ffi-guard check --format json` prints (../shared/CLI.md), and the extension a shard's output
 * carries for `ffi-guard merge`. Paths are relative to the directory the check ran in, with `/`
 * separators; lines and columns are 1-based, columns counted in Unicode scalar values as rustc does.
 */

export type CheckSeverity = 'error' | 'warning' | 'info' | 'hint';

/** One finding (`diagnostics[]`). */
export interface CheckDiagnostic {
  file: string;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  rule: string;
  severity: CheckSeverity;
  /**
   * `fact`: no defined C layout, or a call through this signature cannot be correct. `caution`: the layout
   * is defined but the code is risky, or rustc is conservative.
   */
  certainty: 'fact' | 'caution';
  message: string;
  /** The rustc (or clippy) lint that makes the same finding, or null. */
  rustcLint: string | null;
  /** The function, static or type the finding belongs to. */
  symbol: string | null;
  /** Titles of the fixes that edit, the one `ffi-guard fix` applies first; explanations are left out. */
  fixes: string[];
  /**
   * Other places the finding is about (the export an import disagrees with), each with why; only
   * present when there are some. SARIF carries them as `relatedLocations`, LSP as `relatedInformation`.
   */
  related?: CheckRelated[];
}

/** A place related to a finding (`diagnostics[].related[]`), in the same terms as the finding's own. */
export interface CheckRelated {
  file: string;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  message: string;
}

/** A file or a path that was not checked, and why (`skipped[]`). */
export interface CheckSkipped {
  file: string;
  reason: string;
}

/** `check --format json`. */
export interface CheckJson {
  version: 1;
  tool: { name: string; version: string };
  filesScanned: number;
  diagnostics: CheckDiagnostic[];
  skipped: CheckSkipped[];
  /** Only in the output of `check --shard I/N`: what `merge` needs (see `ShardData`). */
  shard?: ShardData;
}

/**
 * What a shard's output carries for `ffi-guard merge`, beside what one unsharded run prints: the top-level
 * field `shard` of the JSON, `runs[0].properties.shard` of the SARIF. Every shard of one run holds the
 * same `paths`, `configuration`, `files` and `crates`; `merge` refuses outputs where they differ.
 */
export interface ShardData {
  /** The version of this field's shape. */
  format: 1;
  /** `I` of `--shard I/N` (1-based). */
  index: number;
  /** `N` of `--shard I/N`. */
  count: number;
  /** The PATH operands of the run, as given. */
  paths: string[];
  /** A digest of the effective configuration: outputs of different configurations do not merge. */
  configuration: string;
  /** The configuration's rule settings, which the cross-crate checks `merge` runs honour. */
  rules: Record<string, CheckSeverity | 'off'>;
  /** Every `.rs` file found under the paths. */
  files: string[];
  /** Every crate of the run, in the order they are checked. */
  crates: ShardCrate[];
  /** The crates this shard loaded and checked: indices into `crates`. */
  share: number[];
  /** The files this shard's crates cover and that could be read: indices into `files`. */
  scanned: number[];
  /**
   * For each file this share's findings, skipped files and ABI surface name: the key one run sorts
   * findings by (keys compare as the files' absolute paths do).
   */
  sortKeys: Record<string, string>;
  /** For each of the output's diagnostics (JSON) or results (SARIF), in order: the crate that reported it. */
  reportedBy: number[];
  /** What was not checked, with why: the same entries as the JSON's `skipped`, SARIF having none. */
  skipped: ShardSkipped[];
  /** The ABI surface of this shard's crates, which the cross-crate checks read. */
  surface: CrateAbi[];
}

/** A crate of the run (`ShardData.crates[]`). */
export interface ShardCrate {
  name: string;
  /** `lib`, `bin`, `example`, `test`, `bench`, `build-script` or `file`. */
  target: string;
  /** Its root file. */
  root: string;
  /** The bytes of the files found that its `mod` declarations may reach: what shares are balanced by. */
  size: number;
}

/** An entry of `skipped`, with where it came from. */
export interface ShardSkipped extends CheckSkipped {
  /**
   * `path`: a PATH or a `Cargo.toml` the run could not use (every shard sees it); `unread`: a file that
   * could not be read or parsed; `internal`: a crate the checker failed on; `limit`: a crate with more
   * findings than the findings-per-crate limit.
   */
  kind: 'path' | 'unread' | 'internal' | 'limit';
  /** For `internal` and `limit`: the crate (index into `crates`). */
  crate?: number;
}

/** The link-level ABI of one crate: what it exports and what its `extern` blocks import. */
export interface CrateAbi {
  /** Index into `ShardData.crates`. */
  crate: number;
  symbols: AbiSymbol[];
}

/** An exported function or static, or an `extern` block declaration, by link symbol. */
export interface AbiSymbol {
  /** The link symbol. */
  name: string;
  rustName: string;
  kind: 'function' | 'static';
  /** `export` for a definition, `import` for an `extern` block declaration. */
  direction: 'export' | 'import';
  abi: string;
  /** Where it is declared: the signature of a function, the item of a static. */
  file: string;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  /** The C declaration, or null when a type has no C equivalent. */
  cPrototype: string | null;
  params: { name: string; type: string; cType: string | null }[];
  /** What a function returns, or a static's type; null for a function returning nothing. */
  returns: { type: string; cType: string | null } | null;
  variadic: boolean;
  /** A `static mut`. */
  mutable: boolean;
  /** What a C caller sees of it, for `abi-mismatch` (server/src/core/abi/c-signature.ts compares two). */
  signature: CSignature;
}
