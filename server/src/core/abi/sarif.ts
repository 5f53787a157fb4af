import type { Finding } from '../analysis/findings';
import type { Origin } from '../syntax/model';
import { ALL_RULES } from '../analysis/rules';
import type { Severity } from '../analysis/rules';
import type { CheckDiagnostic } from '../../../../protocol/check';

/**
 * SARIF 2.1.0 for `check --format sarif`, so code-scanning services show our findings. Columns are
 * Unicode scalar values, as rustc counts them (`columnKind: unicodeCodePoints`).
 */

export interface SarifPosition {
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
}

/** A finding as SARIF shows it: the path relative, the positions counted as rustc counts them. */
export type SarifDiagnostic = Omit<CheckDiagnostic, 'fixes'>;

export interface SarifRule {
  id: string;
  shortDescription: { text: string };
  fullDescription: { text: string };
  help: { text: string; markdown: string };
  defaultConfiguration: { level: SarifLevel };
  properties: { family: string; certainty: 'fact' | 'caution'; rustcLint?: string };
}

export interface SarifResult {
  ruleId: string;
  /** Index into the run's `tool.driver.rules`. */
  ruleIndex: number | undefined;
  level: SarifLevel;
  message: { text: string };
  locations: {
    physicalLocation: {
      artifactLocation: { uri: string };
      region: { startLine: number; startColumn: number; endLine: number; endColumn: number };
    };
  }[];
  /** The other places the finding is about (the export an import disagrees with). */
  relatedLocations?: {
    id: number;
    physicalLocation: {
      artifactLocation: { uri: string };
      region: { startLine: number; startColumn: number; endLine: number; endColumn: number };
    };
    message: { text: string };
  }[];
  properties: { certainty: 'fact' | 'caution'; rustcLint: string | null; symbol: string | null };
}

export interface SarifRun {
  tool: {
    driver: { name: string; fullName: string; version: string; semanticVersion: string; rules: SarifRule[] };
  };
  columnKind: 'unicodeCodePoints';
  results: SarifResult[];
  /** The run's property bag: a shard's output carries `shard` here (protocol/check.ts). */
  properties?: Record<string, unknown>;
}

export interface SarifLog {
  $schema: string;
  version: '2.1.0';
  runs: SarifRun[];
}

export type SarifLevel = 'error' | 'warning' | 'note';

const LEVEL: Record<Severity, SarifLevel> = {
  error: 'error',
  warning: 'warning',
  info: 'note',
  hint: 'note',
};

/** The SARIF log of some findings, each place at the position `positionOf` gives. */
export function toSarif(
  findings: Finding[],
  version: string,
  rel: (file: string) => string,
  positionOf: (o: Origin) => SarifPosition,
): SarifLog {
  return sarifLog(
    findings.map((f) => ({
      file: rel(f.origin.file),
      ...positionOf(f.origin),
      rule: f.rule,
      severity: f.severity,
      certainty: f.certainty,
      message: f.message,
      rustcLint: f.rustcLint,
      symbol: f.symbol,
      related: f.related.map((r) => ({ file: rel(r.origin.file), ...positionOf(r.origin), message: r.message })),
    })),
    version,
  );
}

/** The SARIF log of diagnostics already placed (what `check --format json` prints, fixes aside). */
export function sarifLog(diagnostics: SarifDiagnostic[], version: string): SarifLog {
  const rules = sarifRules();
  const ruleIndex = new Map(rules.map((r, i) => [r.id, i]));
  return {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'ffi-guard',
            fullName: 'Rust FFI Guard',
            version,
            semanticVersion: version,
            rules,
          },
        },
        columnKind: 'unicodeCodePoints',
        results: diagnostics.map((d) => sarifResult(d, ruleIndex.get(d.rule))),
      },
    ],
  };
}

/** Every rule, as SARIF describes it in `tool.driver.rules`. */
export function sarifRules(): SarifRule[] {
  return ALL_RULES.map((r) => ({
    id: r.id,
    shortDescription: { text: r.summary },
    fullDescription: { text: r.docs.whatItDoes },
    help: {
      text: `${r.docs.whyIsThisBad}\n\nExample:\n${r.docs.example}\n\nUse instead:\n${r.docs.useInstead}`,
      markdown: `${r.docs.whyIsThisBad}\n\n**Example**\n\n\`\`\`rust\n${r.docs.example}\n\`\`\`\n\n**Use instead**\n\n\`\`\`rust\n${r.docs.useInstead}\n\`\`\``,
    },
    defaultConfiguration: { level: LEVEL[r.defaultSeverity] },
    properties: { family: r.family, certainty: r.certainty, ...(r.rustcLint ? { rustcLint: r.rustcLint } : {}) },
  }));
}

/** One diagnostic as a SARIF result; `ruleIndex` points into the run's rules. */
export function sarifResult(d: SarifDiagnostic, ruleIndex: number | undefined): SarifResult {
  return {
    ruleId: d.rule,
    ruleIndex,
    level: LEVEL[d.severity],
    message: { text: d.message },
    locations: [
      {
        physicalLocation: {
          artifactLocation: { uri: artifactUri(d.file) },
          region: { startLine: d.line, startColumn: d.column, endLine: d.endLine, endColumn: d.endColumn },
        },
      },
    ],
    ...(d.related?.length
      ? {
          relatedLocations: d.related.map((r, id) => ({
            id,
            physicalLocation: {
              artifactLocation: { uri: artifactUri(r.file) },
              region: { startLine: r.line, startColumn: r.column, endLine: r.endLine, endColumn: r.endColumn },
            },
            message: { text: r.message },
          })),
        }
      : {}),
    properties: { certainty: d.certainty, rustcLint: d.rustcLint, symbol: d.symbol },
  };
}

/**
 * A path as SARIF's `artifactLocation.uri`, a URI reference (RFC 3986): a relative path stays relative,
 * each segment percent-encoded as `encodeURIComponent` does (spaces, `#`, `?`, `%`, `:`, non-ASCII as
 * UTF-8); an absolute path becomes a `file:` URI, as `url.pathToFileURL` writes it.
 */
export function artifactUri(file: string): string {
  const drive = /^[A-Za-z]:\//.exec(file)?.[0] ?? '';
  const encoded = file.slice(drive.length).split('/').map(encodeURIComponent).join('/');
  return drive || file.startsWith('/') ? `file://${drive ? '/' : ''}${drive}${encoded}` : encoded;
}

/** The path `artifactUri` encoded (a SARIF log read back: `merge`); a malformed escape is kept as written. */
export function artifactPath(uri: string): string {
  const file = /^file:\/\//.test(uri) ? uri.slice('file://'.length).replace(/^\/(?=[A-Za-z]:\/)/, '') : uri;
  try {
    return decodeURIComponent(file);
  } catch {
    return file;
  }
}
