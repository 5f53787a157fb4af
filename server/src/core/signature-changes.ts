import { buildSurface } from './abi/report';
import type { Finding } from './analysis/findings';
import type { Settings } from './config';
import { crossCrateFindings } from './cross-crate-findings';
import type { Fix, ImporterNote } from './fixes/edits';
import type { ProjectResult } from './project';

/**
 * Which exported symbols' C signatures fixes changed: a shim takes over the symbol with C's types, a
 * Rust-ABI export gets `extern "C"`. A C caller (a host declaring the symbol, a committed header) must
 * change with it, so `ffi-guard fix` says so, per symbol, with the prototype before and after.
 */

/** Each exported function's C prototype by link symbol (what C cannot declare: why, in parentheses). */
export type CSignatures = Map<string, string>;

export function cSignatures(result: ProjectResult): CSignatures {
  const surface = buildSurface(result.crates, result.findings, (f) => f);
  const out: CSignatures = new Map();
  for (const s of surface.symbols) {
    if (s.direction !== 'export' || s.kind !== 'function' || !s.exported) continue;
    const prototype = s.cPrototype ?? `(no C prototype: ${s.cPrototypeWhyNot ?? 'a type has no C equivalent'})`;
    // A Rust-ABI export has no C calling convention to speak of, whatever its types.
    out.set(s.name, s.abi === 'Rust' ? `(Rust ABI) ${prototype}` : prototype);
  }
  return out;
}

export interface SignatureChange {
  symbol: string;
  before: string;
  /** Null when the symbol is no longer exported. */
  after: string | null;
}

/** The symbols exported before whose C prototype is not the same after, in the order they were found. */
export function signatureChanges(before: CSignatures, after: CSignatures): SignatureChange[] {
  const changes: SignatureChange[] = [];
  for (const [symbol, was] of before) {
    const now = after.get(symbol) ?? null;
    if (now !== was) changes.push({ symbol, before: was, after: now });
  }
  return changes;
}

/** `textfx_count: C signature changed: uint32_t textfx_count(…); → int32_t textfx_count(…);` */
export function signatureChangeLine(c: SignatureChange): string {
  return `${c.symbol}: C signature changed: ${c.before} → ${c.after ?? '(no longer exported)'}`;
}

/**
 * What a fix did to a declaration importing a symbol whose C signature it changed, as `fix` prints it:
 * `host/src/main.rs:9: textfx_count: import (libloading::Symbol) updated to the new C signature; calls
 * to change: host/src/main.rs:27` — or `not updated: WHY; abi-mismatch reports it`.
 */
export function importerLine(
  n: ImporterNote,
  rel: (file: string) => string,
  mismatches: readonly Finding[] = [],
): string {
  // Said only where it is so: a declaration C reads alike (a `char` field against a `u32`) has no mismatch.
  const flagged = mismatches.some(
    (m) =>
      m.message.startsWith(`\`${n.symbol}\` is `) &&
      (m.origin.file === n.file || m.related.some((r) => r.origin.file === n.file)),
  );
  const what = n.updated
    ? 'updated to the new C signature'
    : `not updated: ${n.reason ?? 'it cannot be rewritten'}; ${flagged ? '`abi-mismatch` reports it' : '`abi-mismatch` sees no difference a C caller would, change it by hand'}`;
  const calls = n.callSites.length
    ? `; calls to change: ${n.callSites.map((c) => `${rel(c.file)}:${c.line}`).join(', ')}`
    : '';
  return `${rel(n.file)}:${n.line}: ${n.symbol}: import (${n.via}) ${what}${calls}`;
}

/** Every importer note of the applied fixes, in the order they were applied. */
export function importerNotes(applied: readonly { fix: Fix }[]): ImporterNote[] {
  return applied.flatMap((a) => a.fix.importers ?? []);
}

/**
 * The `abi-mismatch` findings left after fixing that concern these symbols: a declaration the fix could not
 * update, now disagreeing with the export it changed.
 */
export function mismatchesLeft(
  result: ProjectResult,
  settings: Settings,
  symbols: ReadonlySet<string>,
  root: string,
): Finding[] {
  if (!symbols.size) return [];
  return crossCrateFindings(result.crates, settings, (f) => result.cache.peek(f)?.text, [], root).filter(
    (f) => f.rule === 'abi-mismatch' && [...symbols].some((s) => f.message.startsWith(`\`${s}\` is `)),
  );
}
