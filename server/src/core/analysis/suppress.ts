import type { Finding } from './findings';
import { LineIndex } from '../syntax/positions';
import { ruleById } from './rules';

/**
 * Our own rules cannot be silenced with a tool attribute on stable Rust (`#[allow(ffi_guard::x)]` is
 * error E0710), so they are silenced with comments:
 *
 *   // ffi-guard-allow: rule-id[, rule-id…] — reason      at the end of the finding's line, or on its
 *                                                          own line before the item (attributes between)
 *   //! ffi-guard-allow-file: rule-id[, rule-id…] — reason  anywhere in the file, for the whole file
 *
 * `all` names every rule beyond rustc. Parity findings are silenced only as rustc's are, with
 * `#[allow(improper_ctypes…)]`: a comment cannot make rustc quiet, so it must not make us quiet.
 */

const LINE = /\/\/[!/]?\s*ffi-guard-allow:\s*([a-z0-9-]+(?:\s*,\s*[a-z0-9-]+)*)/g;
const FILE = /\/\/[!/]?\s*ffi-guard-allow-file:\s*([a-z0-9-]+(?:\s*,\s*[a-z0-9-]+)*)/g;

interface Directives {
  file: Set<string>;
  /** 0-based line → rule ids allowed on that line. */
  lines: Map<number, Set<string>>;
}

function parseDirectives(text: string): Directives {
  const d: Directives = { file: new Set(), lines: new Map() };
  if (!text.includes('ffi-guard-allow')) return d;
  const index = new LineIndex(text);
  const lines = text.split('\n');
  for (const m of text.matchAll(FILE)) for (const id of m[1].split(',')) d.file.add(id.trim());
  for (const m of text.matchAll(LINE)) {
    const line = index.position(m.index).line;
    const ids = m[1].split(',').map((s) => s.trim());
    // The comment covers its own line; standing alone, also what follows up to the next line of code.
    const covered = [line];
    if (/^\s*\/\//.test(lines[line])) {
      let next = line + 1;
      while (next < lines.length && /^\s*(#!?\[|\/\/|$)/.test(lines[next])) covered.push(next++);
      covered.push(next);
    }
    for (const l of covered) {
      const set = d.lines.get(l) ?? new Set<string>();
      ids.forEach((id) => set.add(id));
      d.lines.set(l, set);
    }
  }
  return d;
}

/** Drop findings of our own rules silenced by an `ffi-guard-allow` comment. `textOf` gives a file's text. */
export function applySuppressions(findings: Finding[], textOf: (file: string) => string | undefined): Finding[] {
  // Per file: its directives and its line index, or null when it has no directive (most files): then
  // nothing there is silenced, and its lines need not be indexed.
  const cache = new Map<string, { d: Directives; index: LineIndex } | null>();
  return findings.filter((f) => {
    if (ruleById(f.rule).family === 'parity') return true;
    let entry = cache.get(f.origin.file);
    if (entry === undefined) {
      const text = textOf(f.origin.file) ?? '';
      const d = parseDirectives(text);
      entry = d.file.size || d.lines.size ? { d, index: new LineIndex(text) } : null;
      cache.set(f.origin.file, entry);
    }
    if (!entry) return true;
    const { d, index } = entry;
    if (d.file.has(f.rule) || d.file.has('all')) return false;
    const ids = d.lines.get(index.position(f.origin.span.start).line);
    return !(ids && (ids.has(f.rule) || ids.has('all')));
  });
}
