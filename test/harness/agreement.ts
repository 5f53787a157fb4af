import * as fs from 'fs';
import { LineIndex } from '../../server/src/core/syntax/positions';
import type { Finding } from '../../server/src/core/analysis/findings';
import { applySuppressions } from '../../server/src/core/analysis/suppress';
import type { OracleFinding } from './rustc';

/**
 * How a finding of ours and one of rustc's are compared: by (file, line, lint), as a multiset. Shared by
 * the differential test (fixtures) and `npm run parity:real` (real crates), so both count alike.
 */
export function agreementKey(file: string, line: number, lint: string): string {
  return `${file}:${line} ${lint}`;
}

/** The outcome of one comparison: keys both sides hold, and those only one side does. */
export interface Agreement {
  matched: string[];
  /** rustc (or clippy) reports it; we do not. */
  missing: string[];
  /** We report it; rustc does not. */
  extra: string[];
}

/** Compare rustc's keys with ours, counting repeats (two findings on one line are two). */
export function compareKeys(theirs: string[], ours: string[]): Agreement {
  const missing = multisetDiff(theirs, ours);
  return { matched: multisetDiff(theirs, missing), missing, extra: multisetDiff(ours, theirs) };
}

/** Multiset difference a − b. */
export function multisetDiff(a: string[], b: string[]): string[] {
  const rest = [...b];
  return a.filter((x) => {
    const i = rest.indexOf(x);
    if (i < 0) return true;
    rest.splice(i, 1);
    return false;
  });
}

/**
 * `rust-abi-export` is a rule of ours that clippy shares: an `ffi-guard-allow` comment silences it on
 * purpose (clippy cannot see the comment), so such clippy findings are not expected from us.
 */
export function withoutOurSuppressions(findings: OracleFinding[]): OracleFinding[] {
  return findings.filter((f) => {
    const text = fs.readFileSync(f.file, 'utf8');
    const index = new LineIndex(text);
    const start = index.offset({ line: f.line - 1, character: 0 });
    const probe: Finding = {
      rule: 'rust-abi-export',
      severity: 'warning',
      certainty: 'fact',
      message: '',
      rustcLint: f.lint,
      origin: { file: f.file, span: { start, end: start } },
      symbol: null,
      typeName: null,
      chain: [],
      fixes: [],
      related: [],
    };
    return applySuppressions([probe], () => text).length === 1;
  });
}
