import { pathToFileURL } from 'url';
import * as fs from 'fs';
import * as path from 'path';
import { Diagnostic, DiagnosticSeverity, Range } from 'vscode-languageserver/node';
import type { Finding } from '../core/analysis/findings';
import type { Origin } from '../core/syntax/model';
import { LineIndex } from '../core/syntax/positions';
import type { Severity } from '../core/analysis/rules';

/** Findings to LSP diagnostics. LSP positions are UTF-16, like our offsets: no conversion beyond lines. */

const SEVERITY: Record<Severity, DiagnosticSeverity> = {
  error: DiagnosticSeverity.Error,
  warning: DiagnosticSeverity.Warning,
  info: DiagnosticSeverity.Information,
  hint: DiagnosticSeverity.Hint,
};

/**
 * The rules' documentation shipped with the server, docs/rules.md (each rule a section, its anchor the
 * rule id): in the extension beside dist/, or in the repository when running from `out/`.
 */
export function rulesDocUrl(): string | null {
  const candidates = [
    path.resolve(__dirname, '..', 'docs', 'rules.md'),
    path.resolve(__dirname, '..', '..', '..', '..', 'docs', 'rules.md'),
  ];
  const found = candidates.find((c) => fs.existsSync(c));
  return found ? pathToFileURL(found).toString() : null;
}

export function toRange(index: LineIndex, origin: Origin): Range {
  return { start: index.position(origin.span.start), end: index.position(origin.span.end) };
}

export function toDiagnostic(
  f: Finding,
  index: LineIndex,
  indexOf: (file: string) => LineIndex | null,
  rulesDoc: string | null,
): Diagnostic {
  const d: Diagnostic = {
    range: toRange(index, f.origin),
    severity: SEVERITY[f.severity],
    code: f.rule,
    source: 'ffi-guard',
    message: f.message,
    data: { rustcLint: f.rustcLint, symbol: f.symbol },
  };
  if (rulesDoc) d.codeDescription = { href: `${rulesDoc}#${f.rule}` };
  const related = f.related
    .map((r) => {
      const i = r.origin.file === f.origin.file ? index : indexOf(r.origin.file);
      return i
        ? {
            location: { uri: pathToFileURL(r.origin.file).toString(), range: toRange(i, r.origin) },
            message: r.message,
          }
        : null;
    })
    .filter((r): r is NonNullable<typeof r> => r !== null);
  if (related.length) d.relatedInformation = related;
  return d;
}
