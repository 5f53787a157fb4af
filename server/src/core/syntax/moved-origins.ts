import type { Origin } from './model';

/** How `withMovedOrigins` moves places, and what it tells of the copies it makes. */
export interface OriginMove {
  /** The origin to put instead of this one: the same one when it does not move. */
  origin(origin: Origin): Origin;
  /** An array was copied because something in it moved (a macro call's tokens): what is known by it may go along. */
  arrayCopied?(from: unknown[], to: unknown[]): void;
  /** A plain object was copied because something in it moved; it may be changed before anyone sees it. */
  objectCopied?(copy: Record<string, unknown>): void;
}

/**
 * A copy of plain data (items, tokens) with its origins moved. Items are never changed once read, so what
 * holds no moved origin is shared, not copied; `copies` (what was copied already) keeps what two values
 * share shared in their copies.
 */
export function withMovedOrigins<T>(value: T, move: OriginMove, copies = new Map<object, unknown>()): T {
  return copy(value, move, copies) as T;
}

function copy(value: unknown, move: OriginMove, copies: Map<object, unknown>): unknown {
  if (typeof value !== 'object' || value === null) return value;
  if (copies.has(value)) return copies.get(value);
  let out: unknown = value;
  if (Array.isArray(value)) {
    let changed: unknown[] | null = null;
    for (let i = 0; i < value.length; i++) {
      const next = copy(value[i], move, copies);
      if (next !== value[i] && !changed) changed = value.slice(0, i);
      if (changed) changed.push(next);
    }
    if (changed) {
      move.arrayCopied?.(value, changed);
      out = changed;
    }
  } else if (isOrigin(value)) {
    out = move.origin(value);
  } else if (Object.getPrototypeOf(value) === Object.prototype) {
    const fields = value as Record<string, unknown>;
    let changed: Record<string, unknown> | null = null;
    for (const key in fields) {
      const next = copy(fields[key], move, copies);
      if (next !== fields[key]) {
        changed ??= { ...fields };
        changed[key] = next;
      }
    }
    if (changed) {
      move.objectCopied?.(changed);
      out = changed;
    }
  }
  copies.set(value, out);
  return out;
}

export function isOrigin(value: object): value is Origin {
  const v = value as Partial<Origin>;
  return typeof v.file === 'string' && typeof v.span === 'object' && v.span !== null && 'start' in v.span;
}
