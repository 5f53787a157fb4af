import type { CheckDiagnostic, CheckJson } from '../../../protocol/check';
import type { Finding } from './analysis/findings';
import type { Origin } from './syntax/model';
import { editingFixes, fixesFor } from './fixes/fixes';
import type { ProjectResult } from './project';
import { LineIndex } from './syntax/positions';
import type { SourceCache } from './workspace/crates';
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
  return (f) => ({
    file: rel(f.origin.file),
    ...positionOf(f.origin),
    rule: f.rule,
    severity: f.severity,
    certainty: f.certainty,
    message: f.message,
    rustcLint: f.rustcLint,
    symbol: f.symbol,
    fixes: editingFixes(
      fixesFor(f, {
        textOf: (file) => cache.peek(file)?.text,
        edition: f.target?.ctx.crate.edition ?? '2021',
      }),
    ).map((x) => x.title),
    ...(f.related.length
      ? {
          related: f.related.map((r) => ({ file: rel(r.origin.file), ...positionOf(r.origin), message: r.message })),
        }
      : {}),
  });
}

/** Positions of places as rustc counts them (1-based, columns in Unicode scalar values), one index per file. */
export function rustcPositions(
  textOf: (file: string) => string | undefined,
): (o: Origin) => Pick<CheckDiagnostic, 'line' | 'column' | 'endLine' | 'endColumn'> {
  const indexes = new Map<string, LineIndex>();
  return (o) => {
    let index = indexes.get(o.file);
    if (!index) {
      index = new LineIndex(textOf(o.file) ?? '');
      indexes.set(o.file, index);
    }
    const s = index.rustcPosition(o.span.start);
    const e = index.rustcPosition(o.span.end);
    return { line: s.line, column: s.column, endLine: e.line, endColumn: e.column };
  };
}

function positionsIn(cache: SourceCache): ReturnType<typeof rustcPositions> {
  return rustcPositions((file) => cache.peek(file)?.text);
}
