import { buildSurface } from './abi/report';
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
