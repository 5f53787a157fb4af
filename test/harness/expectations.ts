import * as fs from 'fs';

/**
 * Inline expectations in rustc's UI-test style:
 *   `//~ WARN rule-id`            a finding on this line
 *   `//~^ WARN rule-id`           on the line above (one `^` per line)
 *   `//~| WARN rule-id`           on the same line as the previous expectation
 *   `//~ WARN rule-id `Type``     and the type rustc names
 * and header directives before the code: `//@ edition: 2024`, `//@ features: a, b`,
 * `//@ no-rustc: why`, `//@ rules: parity, rust-abi-export`.
 */

export interface Expectation {
  file: string;
  /** 1-based. */
  line: number;
  severity: 'error' | 'warning' | 'info' | 'hint';
  rule: string;
  typeName: string | null;
}

export interface Directives {
  edition: string;
  features: string[];
  noRustc: string | null;
  /** Rule ids (or `parity`) whose findings this fixture specifies; null means every rule. */
  rules: string[] | null;
}

const SEVERITY: Record<string, Expectation['severity']> = {
  ERROR: 'error',
  WARN: 'warning',
  INFO: 'info',
  HINT: 'hint',
};
const ANNOTATION = /\/\/~(\^*|\|)?\s*(ERROR|WARN|INFO|HINT)\s+([a-z0-9-]+)(?:\s+`([^`]*)`)?/g;

export function readExpectations(file: string, text = fs.readFileSync(file, 'utf8')): Expectation[] {
  const out: Expectation[] = [];
  const lines = text.split('\n');
  let previousLine = 0;
  lines.forEach((lineText, i) => {
    for (const m of lineText.matchAll(ANNOTATION)) {
      const marker = m[1] ?? '';
      const line = marker === '|' ? previousLine : i + 1 - marker.length;
      previousLine = line;
      out.push({ file, line, severity: SEVERITY[m[2]], rule: m[3], typeName: m[4] ?? null });
    }
  });
  return out;
}

export function readDirectives(text: string): Directives {
  const d: Directives = { edition: '2021', features: [], noRustc: null, rules: null };
  for (const line of text.split('\n')) {
    const m = /^\/\/@\s*([\w-]+)\s*:?\s*(.*)$/.exec(line.trim());
    if (!m) {
      if (line.trim() === '' || line.trim().startsWith('//')) continue;
      break;
    }
    const [, key, value] = m;
    const list = value
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
    if (key === 'edition') d.edition = value.trim();
    else if (key === 'features') d.features = list;
    else if (key === 'no-rustc') d.noRustc = value.trim() || 'does not compile';
    else if (key === 'rules') d.rules = list;
    else throw new Error(`unknown fixture directive //@ ${key}`);
  }
  return d;
}
