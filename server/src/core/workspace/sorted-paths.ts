/**
 * Questions about many paths put to a sorted list of them: the paths below a folder are one run of it, found
 * by a binary search rather than a pass over every path (a monorepo's thousands of packages and files).
 */

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
