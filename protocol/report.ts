/**
 * The ABI report as JSON: what `ffi-guard report --format json` prints and what the `ffiGuard/surface`
 * request answers (../shared/CLI.md). The core's renderer returns this type and the client's views read
 * it, so the two sides cannot drift apart. Paths are relative to the directory the answer names, with `/`
 * separators; lines are 1-based.
 */

/** A crate the report covers, and the target that built it. */
export interface ReportCrate {
  name: string;
  /** The crate's root file. */
  root: string;
  edition: string;
  /** `crate-type` of a library target (`cdylib`, `staticlib`, `rlib`…). */
  crateTypes: string[];
  /** `lib`, `bin`, `example`, `test`, `bench`, `build-script` or `file`. */
  target: string;
  /**
   * The Cargo features its `#[cfg(feature = …)]` was evaluated with, as cargo turns them on (`default`
   * unless switched off, transitively, unified across the workspace); a standalone file: the `features`
   * setting as given.
   */
  features: string[];
}

/** A parameter of a symbol: its Rust type as written and its C spelling, null when C has none. */
export interface ReportParam {
  name: string;
  type: string;
  cType: string | null;
}

/** What a function returns, or a static's type. */
export interface ReportReturn {
  type: string;
  cType: string | null;
}

/** An exported or imported C symbol (`symbols[]`). */
export interface ReportSymbol {
  /** The link symbol. */
  name: string;
  rustName: string;
  kind: 'function' | 'static';
  /** `export` for a definition, `import` for an `extern` block declaration. */
  direction: 'export' | 'import';
  abi: string;
  crate: string;
  file: string;
  line: number;
  /** Visible to the linker. */
  exported: boolean;
  /** Statics only: a `static mut` (C may write it). */
  mutable?: boolean;
  /** The C declaration, or null when a type has no C equivalent (`cPrototypeWhyNot` says which). */
  cPrototype: string | null;
  cPrototypeWhyNot?: string;
  safe: boolean;
  /** Rule ids of the findings on this symbol. */
  findings: string[];
  params: ReportParam[];
  returns: ReportReturn | null;
  /** Names of the workspace types reached from this symbol. */
  types: string[];
  docs: string[];
}

/** A field of a struct or union, with its offset for the report's target. */
export interface ReportField {
  name: string;
  type: string;
  cType: string | null;
  offset: number | null;
  docs: string[];
}

/** A variant of an enum. */
export interface ReportVariant {
  name: string;
  /** As written, or null when implicit. */
  discriminant: string | null;
  /** The value rustc assigns, in decimal; null when it cannot be evaluated (a `const`, a call). */
  value: string | null;
  fields: number;
}

/** A workspace type reached from the boundary (`types[]`). */
export interface ReportType {
  name: string;
  path: string;
  kind: 'struct' | 'enum' | 'union';
  crate: string;
  file: string;
  line: number;
  /** `C`, `transparent`, `u8`…, `C, packed`, or `Rust` when it has no repr. */
  repr: string;
  /** FFI-safe by value. */
  safe: boolean;
  /** How C names it (`struct Point`, the typedef of an integer-repr enum); null if C cannot. */
  cName: string | null;
  size: number | null;
  align: number | null;
  fields: ReportField[];
  variants: ReportVariant[];
  /** The symbols that reach it. */
  usedBy: string[];
  /** Only ever reached behind a pointer: C needs a forward declaration, not a definition. */
  behindPointerOnly: boolean;
  docs: string[];
}

/** Counts over the report. */
export interface ReportSummary {
  crates: number;
  symbols: number;
  exports: number;
  imports: number;
  safe: number;
  unsafe: number;
  types: number;
  findingsByRule: Record<string, number>;
}

/** `ffi-guard report --format json`: `{ version, crates, symbols, types, summary }`. */
export interface ReportData {
  version: 1;
  /** The target triple its sizes, alignments and offsets are for (`--target`; x86_64 Linux by default). */
  target?: string;
  crates: ReportCrate[];
  symbols: ReportSymbol[];
  types: ReportType[];
  summary: ReportSummary;
}
