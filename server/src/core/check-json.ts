import type { CheckDiagnostic, CheckJson } from '../../../protocol/check';
import type { Finding } from './analysis/findings';
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
  const positionOf = positionsIn(result.cache);
  return {
    version: 1,
    tool: { name: 'ffi-guard', version: TOOL_VERSION },
    filesScanned: result.filesScanned.length,
    diagnostics: result.findings.map((f): CheckDiagnostic => ({
      file: rel(f.origin.file),
      ...positionOf(f),
      rule: f.rule,
      severity: f.severity,
      message: f.message,
      rustcLint: f.rustcLint,
      symbol: f.symbol,
      fixes: editingFixes(
        fixesFor(f, {
          textOf: (file) => result.cache.peek(file)?.text,
          edition: f.target?.ctx.crate.edition ?? '2021',
        }),
      ).map((x) => x.title),
    })),
    skipped: result.skipped.map((s) => ({ file: rel(s.file), reason: s.reason })),
  };
}

/** Positions of findings as rustc counts them (1-based, columns in Unicode scalar values), one index per file. */
function positionsIn(
  cache: SourceCache,
): (f: Finding) => Pick<CheckDiagnostic, 'line' | 'column' | 'endLine' | 'endColumn'> {
  const indexes = new Map<string, LineIndex>();
  return (f) => {
    let index = indexes.get(f.origin.file);
    if (!index) {
      index = new LineIndex(cache.peek(f.origin.file)?.text ?? '');
      indexes.set(f.origin.file, index);
    }
    const s = index.rustcPosition(f.origin.span.start);
    const e = index.rustcPosition(f.origin.span.end);
    return { line: s.line, column: s.column, endLine: e.line, endColumn: e.column };
  };
}
