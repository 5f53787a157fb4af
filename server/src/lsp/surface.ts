import { DataModel, dataModel } from '../core/analysis/data-model';
import * as path from 'path';
import { fileURLToPath } from 'url';
import type { AbiChange } from '../../../protocol/abi-changes';
import {
  diffSurfaces,
  formatChanges,
  formatSnapshot,
  parseBaseline,
  parseSnapshot,
  TARGETS_SINCE,
  snapshotOf,
  SnapshotError,
} from '../core/abi/baseline';
import type { Finding } from '../core/analysis/findings';
import { cHeader } from '../core/abi/header';
import type { LoadedCrate } from '../core/workspace/loaded-crate';
import { buildSurface } from '../core/abi/report';
import { CbindgenConfigError } from '../core/abi/cbindgen-config';
import { CoverageError, exportingLibraries, headerConfig, headerCoverage, surfaceCrates } from '../core/coverage';
import { mdCode, mdMessage, reportHtml, reportJson, reportMarkdown } from '../core/abi/report-render';
import { toSarif } from '../core/abi/sarif';
import { rustcPositions } from '../core/check-json';
import { readRegularFile } from '../core/workspace/read-file';
import { TOOL_VERSION } from '../core/version';
import type {
  DiffParams,
  DiffResult,
  ExportParams,
  FolderParams,
  HeaderCratesResult,
  HeaderParams,
  HeaderResult,
  SnapshotResult,
  SurfaceResult,
  TextResult,
} from '../../../protocol/surface-requests';

/**
 * The workspace-wide requests of the language server (`ffiGuard/surface`, `…/export`, `…/header`,
 * `…/snapshot`, `…/diff`; see protocol/surface-requests.ts): the same core calls as `ffi-guard report`,
 * `header`, `snapshot` and `diff`, made on the editor's state (unsaved edits included) instead of the
 * disk. Each function answers or throws: a `SurfaceRequestError` is a sentence for the user, anything
 * else is a bug.
 */

/** What the requests read: the analysis host's crates and findings, and the editor's text of a file. */
export interface WorkspaceView {
  crates: LoadedCrate[];
  findings: Finding[];
  roots: string[];
  textOf(file: string): string | undefined;
  /** The `target` setting: the data model of sizes, alignments and offsets (x86_64 Linux when absent). */
  target?: string | null;
}

/** A request the user can get wrong (a baseline that is not one, a crate that does not exist): the message says what to do. */
export class SurfaceRequestError extends Error {}

interface Scope {
  root: string;
  crates: LoadedCrate[];
  findings: Finding[];
  rel: (file: string) => string;
  model: DataModel;
}

/** `ffiGuard/surface`: the report `ffi-guard report --format json` prints, and the directory its paths are relative to. */
export function surfaceReport(ws: WorkspaceView, params: FolderParams | null | undefined): SurfaceResult {
  const scope = scopeOf(ws, params?.folder);
  const surface = buildSurface(surfaceCrates(scope.crates), scope.findings, scope.rel, scope.model);
  return { root: scope.root, report: reportJson(surface, scope.findings) };
}

/** `ffiGuard/export`: the report as a file's text, byte for byte what the command line writes. */
export function exportReport(ws: WorkspaceView, params: ExportParams | null | undefined): TextResult {
  const scope = scopeOf(ws, params?.folder);
  const surface = buildSurface(surfaceCrates(scope.crates), scope.findings, scope.rel, scope.model);
  switch (params?.format) {
    case 'json':
      return { text: JSON.stringify(reportJson(surface, scope.findings), null, 2) + '\n' };
    case 'markdown':
      return { text: reportMarkdown(surface, scope.findings) };
    case 'html':
      return { text: reportHtml(surface, scope.findings) };
    case 'sarif':
      return {
        text:
          JSON.stringify(
            toSarif(
              scope.findings,
              TOOL_VERSION,
              scope.rel,
              rustcPositions((file) => ws.textOf(file) ?? undefined),
            ),
            null,
            2,
          ) + '\n',
      };
    default:
      throw new SurfaceRequestError(
        `Unknown export format \`${String(params?.format)}\`: expected markdown, json, html or sarif.`,
      );
  }
}

/** `ffiGuard/header`: the C header of one crate's exported surface. */
export function headerOf(ws: WorkspaceView, params: HeaderParams | null | undefined): HeaderResult {
  params = params ?? {};
  const scope = scopeOf(ws, params.folder);
  let coverage;
  try {
    coverage = headerCoverage(scope.crates, scope.findings, {
      crate: params.crate || null,
      where: scope.root,
      rel: scope.rel,
    });
  } catch (e) {
    if (!(e instanceof CoverageError)) throw e;
    throw new SurfaceRequestError(e.candidates.length ? `${e.message} Say which one (\`crate\`).` : e.message);
  }
  let config;
  try {
    config = headerConfig(coverage, scope.rel);
  } catch (e) {
    if (!(e instanceof CbindgenConfigError)) throw e;
    throw new SurfaceRequestError(e.message);
  }
  const surface = buildSurface([coverage.crate], scope.findings, scope.rel, scope.model, {
    includeTypes: config?.include,
  });
  return {
    text: cHeader(surface, params.guard || coverage.name, config),
    crate: coverage.name,
    directory: coverage.directory,
  };
}

/** `ffiGuard/headerCrates`: the crates of the folder a header can be asked for (the libraries that export C symbols). */
export function headerCratesOf(ws: WorkspaceView, params: FolderParams | null | undefined): HeaderCratesResult {
  const scope = scopeOf(ws, params?.folder);
  return { crates: exportingLibraries(scope.crates, scope.findings) };
}

/** `ffiGuard/snapshot`: the ABI baseline of the crates in the folder. */
export function snapshotOfWorkspace(ws: WorkspaceView, params: FolderParams | null | undefined): SnapshotResult {
  const scope = scopeOf(ws, params?.folder);
  const surface = buildSurface(surfaceCrates(scope.crates), scope.findings, scope.rel, scope.model);
  const snap = snapshotOf(surface);
  return { text: formatSnapshot(snap), symbols: snap.symbols.length, types: snap.types.length };
}

/** `ffiGuard/diff`: every change since the baseline, classified as `ffi-guard diff` classifies it. */
export function diffAgainst(ws: WorkspaceView, params: DiffParams | null | undefined): DiffResult {
  if (typeof params?.baseline !== 'string' || !params.baseline)
    throw new SurfaceRequestError('Say which baseline file to compare with.');
  const file = toPath(params.baseline);
  let text = params.text ?? null;
  if (text === null) {
    // Only a regular file, within a limit: a FIFO or `/dev/zero` named as the baseline must not hang the server.
    const got = readRegularFile(file, 256 * 1024 * 1024);
    if (got.kind !== 'read')
      throw new SurfaceRequestError(
        `Cannot read the baseline ${file}: ${got.kind === 'missing' ? 'ENOENT' : got.reason}. Write one with "Rust FFI Guard: Save ABI Baseline".`,
      );
    text = got.bytes.toString('utf8');
  }
  const scope = scopeOf(ws, params.folder);
  let baseline;
  let version;
  try {
    // The editor checks the workspace for one target: of a baseline of several, that target's section.
    baseline = parseSnapshot(text, scope.model.target);
    version = parseBaseline(text).version;
  } catch (e) {
    if (!(e instanceof SnapshotError)) throw e;
    throw new SurfaceRequestError(
      `${file}: ${e.message}. Is it a baseline written by "Rust FFI Guard: Save ABI Baseline" or \`ffi-guard snapshot\`?`,
    );
  }
  const changes = diffSurfaces(
    baseline,
    snapshotOf(
      buildSurface(surfaceCrates(scope.crates), scope.findings, scope.rel, scope.model, {
        // Before format version 3, C aliases were spelled as on x86_64 Linux whatever the target.
        hostAliasSpelling: version < TARGETS_SINCE,
      }),
    ),
  );
  return {
    changes,
    breaking: changes.filter((c) => c.severity === 'breaking').length,
    text: formatChanges(changes),
    markdown: changesMarkdown(changes, path.basename(file)),
  };
}

/** The changes as a Markdown document: breaking ones first, each subject as code, prose escaped. */
export function changesMarkdown(changes: AbiChange[], baselineName: string): string {
  const breaking = changes.filter((c) => c.severity === 'breaking');
  const compatible = changes.filter((c) => c.severity === 'compatible');
  const cosmetic = changes.filter((c) => c.severity === 'cosmetic');
  const lines = [`# ABI changes against ${mdCode(baselineName)}`, ''];
  if (!changes.length) lines.push('No ABI changes: the C surface is the one the baseline describes.');
  else
    lines.push(
      `**${breaking.length} breaking**, ${compatible.length} compatible${cosmetic.length ? `, ${cosmetic.length} cosmetic` : ''}.`,
    );
  const section = (title: string, list: AbiChange[]): void => {
    if (!list.length) return;
    lines.push('', `## ${title}`, '', ...list.map((c) => `- ${mdCode(c.subject)}: ${mdMessage(c.message)}`));
  };
  section('Breaking', breaking);
  section('Compatible', compatible);
  section('Cosmetic', cosmetic);
  return lines.join('\n') + '\n';
}

function scopeOf(ws: WorkspaceView, folder: string | null | undefined): Scope {
  const dir = folder ? toPath(folder) : null;
  const inDir = dir ? ws.crates.filter((c) => isInside(dir, c.crate.rootFile)) : [];
  const crates = inDir.length ? inDir : ws.crates;
  const files = new Set(crates.flatMap((c) => [...c.crate.files]));
  const root = dir ?? ws.roots[0] ?? (crates[0] ? path.dirname(crates[0].crate.rootFile) : process.cwd());
  return {
    root,
    crates,
    findings: ws.findings.filter((f) => files.has(f.origin.file)),
    rel: (file) => path.relative(root, file).split(path.sep).join('/') || path.basename(file),
    model: dataModel(ws.target),
  };
}

function isInside(dir: string, file: string): boolean {
  const rel = path.relative(dir, file);
  return !!rel && !rel.startsWith('..') && !path.isAbsolute(rel);
}

function toPath(uriOrPath: string): string {
  return path.resolve(uriOrPath.startsWith('file:') ? fileURLToPath(uriOrPath) : uriOrPath);
}
