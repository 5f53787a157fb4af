import type { Finding } from '../analysis/findings';
import { RULES } from '../analysis/rules';
import type { Severity } from '../analysis/rules';

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

const LEVEL: Record<Severity, 'error' | 'warning' | 'note'> = {
  error: 'error',
  warning: 'warning',
  info: 'note',
  hint: 'note',
};

export function toSarif(
  findings: Finding[],
  version: string,
  rel: (file: string) => string,
  positionOf: (f: Finding) => SarifPosition,
): object {
  const ruleIndex = new Map(RULES.map((r, i) => [r.id, i]));
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
            rules: RULES.map((r) => ({
              id: r.id,
              shortDescription: { text: r.summary },
              fullDescription: { text: r.docs.whatItDoes },
              help: {
                text: `${r.docs.whyIsThisBad}\n\nExample:\n${r.docs.example}\n\nUse instead:\n${r.docs.useInstead}`,
                markdown: `${r.docs.whyIsThisBad}\n\n**Example**\n\n\`\`\`rust\n${r.docs.example}\n\`\`\`\n\n**Use instead**\n\n\`\`\`rust\n${r.docs.useInstead}\n\`\`\``,
              },
              defaultConfiguration: { level: LEVEL[r.defaultSeverity] },
              properties: { family: r.family, ...(r.rustcLint ? { rustcLint: r.rustcLint } : {}) },
            })),
          },
        },
        columnKind: 'unicodeCodePoints',
        results: findings.map((f) => {
          const p = positionOf(f);
          return {
            ruleId: f.rule,
            ruleIndex: ruleIndex.get(f.rule),
            level: LEVEL[f.severity],
            message: { text: f.message },
            locations: [
              {
                physicalLocation: {
                  artifactLocation: { uri: rel(f.origin.file) },
                  region: { startLine: p.line, startColumn: p.column, endLine: p.endLine, endColumn: p.endColumn },
                },
              },
            ],
            properties: { rustcLint: f.rustcLint, symbol: f.symbol },
          };
        }),
      },
    ],
  };
}
