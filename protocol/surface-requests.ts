import type { AbiChange } from './abi-changes';
import type { ReportData } from './report';

/**
 * The custom requests behind the VS Code ABI views, as the client and the server both spell them. This
 * module holds names and shapes only, and imports nothing of either side.
 *
 * Every request takes an optional `folder` (a `file:` URI or a path): the crates whose root file lies
 * in it are the ones reported (every crate of the workspace when none does), and paths in the answer
 * are relative to it. Without one, every crate is reported, relative to the first workspace folder.
 */

export const SurfaceMethods = {
  /** The ABI report: `{ root, report }`, `report` being `ffi-guard report --format json`'s object. */
  surface: 'ffiGuard/surface',
  /** The report as a file's text: Markdown, JSON, HTML, or the findings as SARIF. */
  export: 'ffiGuard/export',
  /** A C99 header of a crate's exported surface, as `ffi-guard header` writes it. */
  header: 'ffiGuard/header',
  /** The crates a header can be asked for: `{ crates }`, the names of the libraries that export C symbols. */
  headerCrates: 'ffiGuard/headerCrates',
  /** The ABI baseline text, as `ffi-guard snapshot` writes it. */
  snapshot: 'ffiGuard/snapshot',
  /** The classified changes against a baseline, as `ffi-guard diff` finds them. */
  diff: 'ffiGuard/diff',
  /** Every preferred fix of the workspace, as `ffi-guard fix` applies them: a `FixAllResult` (nothing is applied). */
  fixAll: 'ffiGuard/fixAll',
} as const;

/** What `ffiGuard/fixAll` answers: the edit to apply, and what it does. */
export interface FixAllResult {
  /** An LSP `WorkspaceEdit` (`changes` by file URI). */
  edit: {
    changes: Record<
      string,
      {
        range: { start: { line: number; character: number }; end: { line: number; character: number } };
        newText: string;
      }[]
    >;
  };
  fixes: number;
  files: number;
  /** Findings that remain (no automatic fix: explained, or to be allowed). */
  left: number;
}

export interface FolderParams {
  folder?: string | null;
}

export interface SurfaceResult {
  /** The absolute directory the report's paths are relative to. */
  root: string;
  report: ReportData;
}

export type ExportFormat = 'markdown' | 'json' | 'html' | 'sarif';

export interface ExportParams extends FolderParams {
  format: ExportFormat;
}

export interface TextResult {
  text: string;
}

export interface HeaderParams extends FolderParams {
  /** The crate's name; required when more than one library crate exports C symbols. */
  crate?: string | null;
  /** The include guard's stem (the header's file name without `.h`); the crate's name by default. */
  guard?: string | null;
}

export interface HeaderCratesResult {
  /** Sorted names; empty when no library exports a C function or static. */
  crates: string[];
}

export interface HeaderResult {
  text: string;
  crate: string;
  /** The crate's directory (where its `Cargo.toml` is): where its header is proposed. */
  directory: string;
}

export interface SnapshotResult {
  text: string;
  symbols: number;
  types: number;
}

export interface DiffParams extends FolderParams {
  /** The baseline file (a `file:` URI or a path), named in messages. */
  baseline: string;
  /** Its text, when the client has it (an open, maybe unsaved, document); read from disk otherwise. */
  text?: string | null;
}

export interface DiffResult {
  changes: AbiChange[];
  breaking: number;
  /** `ffi-guard diff`'s text. */
  text: string;
  /** The same changes as a Markdown document, breaking ones first. */
  markdown: string;
}
