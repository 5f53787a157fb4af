import type { CheckDiagnostic, CheckJson } from '../../../protocol/check';
import type { Finding } from './analysis/findings';
import { editingFixes, fixesFor } from './fixes/fixes';
import type { ProjectResult } from './project';
import type { Origin } from './syntax/model';
import { ownCopy } from './syntax/own-copy';
import { LineIndex } from './syntax/positions';
import type { SourceCache, SourceFile } from './workspace/crates';
import { TOOL_VERSION } from './version';

/**
 * `check --format json` (../shared/CLI.md; protocol/check.ts) for what a run's crates found: paths as
 * the caller prints them, positions as rustc counts them, the titles of the fixes that edit, the one `fix` applies first.
 */

/** The JSON of a run's findings, files scanned and skipped entries, with paths printed by `rel`. */
export function checkJson(result: ProjectResult, rel: (file: string) => string): CheckJson {
  const render = diagnosticRenderer(result.cache, rel);
  return {
    version: 1,
    tool: { name: 'ffi-guard', version: TOOL_VERSION },
    filesScanned: result.filesScanned.length,
    diagnostics: result.findings.map(render),
    skipped: result.skipped.map((s) => ({ file: rel(s.file), reason: s.reason })),
  };
}

/**
 * A finding as `check --format json` prints it, with the titles of its fixes: made while the crate that
 * reported it is loaded (the fixes read its items), so that a run keeps the diagnostic, not the crate.
 */
export function diagnosticRenderer(cache: SourceCache, rel: (file: string) => string): (f: Finding) => CheckDiagnostic {
  const positionOf = positionsIn(cache);
  // Most findings of a run share their fixes' titles (every hint's "Silence …"): one copy of each is kept.
  const titles = new Map<string, string>();
  const title = (text: string): string => {
    let own = titles.get(text);
    if (own === undefined) titles.set((own = ownCopy(text)), own);
    return own;
  };
  return (f) => ({
    file: rel(f.origin.file),
    ...positionOf(f.origin),
    rule: f.rule,
    severity: f.severity,
    certainty: f.certainty,
    message: ownCopy(f.message),
    rustcLint: f.rustcLint,
    symbol: f.symbol === null ? null : ownCopy(f.symbol),
    fixes: editingFixes(
      fixesFor(f, {
        textOf: (file) => cache.peek(file)?.text,
        edition: f.target?.ctx.crate.edition ?? '2021',
      }),
    ).map((x) => title(x.title)),
    ...(f.related.length
      ? {
          related: f.related.map((r) => ({
            file: rel(r.origin.file),
            ...positionOf(r.origin),
            message: ownCopy(r.message),
          })),
        }
      : {}),
  });
}

/** A place as rustc counts it (1-based, columns in Unicode scalar values). */
type RustcPosition = Pick<CheckDiagnostic, 'line' | 'column' | 'endLine' | 'endColumn'>;

function rustcPosition(index: LineIndex, o: Origin): RustcPosition {
  const s = index.rustcPosition(o.span.start);
  const e = index.rustcPosition(o.span.end);
  return { line: s.line, column: s.column, endLine: e.line, endColumn: e.column };
}

/** Positions of places in the texts `textOf` gives, one index per file. */
export function rustcPositions(textOf: (file: string) => string | undefined): (o: Origin) => RustcPosition {
  const indexes = new Map<string, LineIndex>();
  return (o) => {
    let index = indexes.get(o.file);
    if (!index) {
      index = new LineIndex(textOf(o.file) ?? '');
      indexes.set(o.file, index);
    }
    return rustcPosition(index, o);
  };
}

/**
 * Positions of places in the files of the cache, one index per file read: it holds the text, so it goes when
 * the cache lets the file go (`check` reads one crate at a time).
 */
function positionsIn(cache: SourceCache): (o: Origin) => RustcPosition {
  const indexes = new WeakMap<SourceFile, LineIndex>();
  return (o) => {
    const source = cache.peek(o.file);
    let index = source && indexes.get(source);
    if (!index) {
      index = new LineIndex(source?.text ?? '');
      if (source) indexes.set(source, index);
    }
    return rustcPosition(index, o);
  };
}
