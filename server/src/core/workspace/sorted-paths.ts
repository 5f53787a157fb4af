import * as path from 'path';

/**
 * Questions about many paths, answered without comparing each with every other (a monorepo's thousands of
 * packages and files): the paths below a folder are one run of a sorted list of them, found by a binary
 * search; the folders that may hold a path are its own folders, looked up one by one.
 */

/** The folders that hold a path, innermost first, up to the root. */
export function* foldersHolding(p: string): Generator<string> {
  for (let d = path.dirname(p); ; d = path.dirname(d)) {
    yield d;
    if (path.dirname(d) === d) return;
  }
}

/** The first index of a sorted list whose entry is not below `key`. */
export function lowerBound(sorted: readonly string[], key: string): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid] < key) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The entries of a sorted list that start with `prefix` (a folder's path and separator: what lies below it). */
export function* startingWith(sorted: readonly string[], prefix: string): Iterable<string> {
  for (let i = lowerBound(sorted, prefix); i < sorted.length && sorted[i].startsWith(prefix); i++) yield sorted[i];
}

/** Whether a sorted list has an entry that starts with `prefix`. */
export function anyStartsWith(sorted: readonly string[], prefix: string): boolean {
  const i = lowerBound(sorted, prefix);
  return i < sorted.length && sorted[i].startsWith(prefix);
}
