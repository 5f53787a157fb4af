import { firstPerKey } from './analysis/check';
import { compareFindings, type Finding } from './analysis/findings';
import type { Crate } from './workspace/crates';
import { mayWrapCatchUnwind } from './syntax/body-facts';
import type { TextReplacement } from './syntax/inert-edit';
import type { Reread } from './syntax/items';
import type { FnItem, Item, Origin } from './syntax/model';

/**
 * Re-checking the file typed into alone. A keystroke in an exported signature of a large crate (gtk's
 * bindings: 22,000 items) re-checked every item of the crate: 80 ms a keystroke, most of it walking items
 * the edit could not change, and every re-check's findings promoted to the old generation (a full collection
 * every ten keystrokes, 170 ms the keystroke it fell on). When the edit changed only functions (their
 * signatures, attributes, bodies; not a type, a `use`, a module, a macro, a constant: nothing another item
 * resolves through), the findings the other files' items produced stand: only the edited file's items are
 * walked again, and the crate is re-checked whole a moment later, once the typing stops (`AnalysisHost`).
 */

/** A crate's findings by the file whose items produced each (`checkCrateAttributed`). */
export type ProducedFindings = Map<string, Finding[]>;

/** Findings grouped by the file that produced each. */
export function producedFindings(
  findings: Iterable<Finding>,
  producerOf: ReadonlyMap<Finding, string>,
): ProducedFindings {
  const out: ProducedFindings = new Map();
  for (const f of findings) {
    const producer = producerOf.get(f) ?? f.origin.file;
    const list = out.get(producer);
    if (list) list.push(f);
    else out.set(producer, [f]);
  }
  return out;
}

/**
 * Whether an edit that read `reread` anew changed functions alone: the same items before and after, in the
 * same order, each a function of the same name that no other function's findings read, an `impl` whose
 * header is the same and whose members are so in turn, or an item written the same but for its place.
 * Nothing another item resolves through (a type, a `use`, a module, a macro, a constant) changed.
 */
export function changedFunctionsAlone(reread: Reread): boolean {
  const { read, dropped } = reread;
  return read.length === dropped.length && read.every((item, i) => sameDeclaration(dropped[i], item));
}

function sameDeclaration(before: Item, after: Item): boolean {
  if (before.kind === 'fn' && after.kind === 'fn')
    return before.name === after.name && !readByOthers(before) && !readByOthers(after);
  if (before.kind === 'impl' && after.kind === 'impl')
    return (
      before.items.length === after.items.length &&
      before.items.every((m, i) => sameDeclaration(m, after.items[i])) &&
      sameWithoutPlaces({ ...before, items: null }, { ...after, items: null })
    );
  return before.kind === after.kind && sameWithoutPlaces(before, after);
}

/** Whether a function's body is read for other functions' findings (`mayWrapCatchUnwind`). */
function readByOthers(fn: FnItem): boolean {
  return !!fn.bodyFacts && mayWrapCatchUnwind(fn.bodyFacts.text);
}

/** Whether two items are written the same but for their places (an item moved by an edit before it). */
function sameWithoutPlaces(a: unknown, b: unknown): boolean {
  const json = (value: unknown): string | null => {
    try {
      return JSON.stringify(value, (key, v: unknown) => (PLACE_KEYS.has(key) ? undefined : v));
    } catch {
      return null; // not plain data: never taken for the same
    }
  };
  const left = json(a);
  return left !== null && left === json(b);
}

/** Where an item, its name and its parts stand (an expansion's places and identity are kept: never the same). */
const PLACE_KEYS = new Set(['origin', 'nameOrigin', 'paramsOrigin', 'signatureOrigin', 'argsOrigin']);

/**
 * The crate's findings after the edited file's items were walked again: what they produced now, and what
 * every other file's items produced before, moved by the edit where it stands in the edited file.
 */
export function withFileRechecked(
  before: ProducedFindings,
  file: string,
  edit: TextReplacement,
  now: Finding[],
): ProducedFindings {
  const out: ProducedFindings = new Map();
  for (const [producer, list] of before)
    if (producer !== file) out.set(producer, movedList(list, (f) => movedFinding(f, file, edit)) ?? list);
  if (now.length) out.set(file, now);
  return out;
}

/**
 * The findings standing in each file, sorted, for the files given (each present, with none if none): what
 * the files made in the walk's order (`order`: where each file's items are walked), a rule reported once per
 * crate keeping the first of each key, as a whole check keeps it (`firstPerKey`).
 */
export function findingsByFile(
  produced: ProducedFindings,
  files: Iterable<string>,
  order: (file: string) => number,
): Map<string, Finding[]> {
  const out = new Map<string, Finding[]>();
  for (const f of files) out.set(f, []);
  const producers = [...produced.keys()].sort((a, b) => order(a) - order(b));
  for (const finding of firstPerKey(producers.flatMap((p) => produced.get(p)!)))
    out.get(finding.origin.file)?.push(finding);
  for (const list of out.values()) list.sort(compareFindings);
  return out;
}

/** Where each file's items come in a walk of the crate (`walkCrate` goes through its modules in order). */
export function walkOrderOf(crate: Crate): (file: string) => number {
  const at = new Map<string, number>();
  crate.modules.forEach((m, i) => {
    if (!at.has(m.file)) at.set(m.file, i);
  });
  return (file) => at.get(file) ?? Infinity;
}

/** The list with each finding moved, or null when `move` moves none (nothing is allocated then). */
export function movedList(list: Finding[], move: (f: Finding) => Finding): Finding[] | null {
  let moved: Finding[] | null = null;
  for (let i = 0; i < list.length; i++) {
    const m = move(list[i]);
    if (m !== list[i]) (moved ??= list.slice())[i] = m;
  }
  return moved;
}

/** A finding moved by an edit before it (the same object when nothing of it moves). */
export function movedFinding(finding: Finding, file: string, edit: TextReplacement): Finding {
  const origin = movedOrigin(finding.origin, file, edit);
  // Every finding of the workspace is asked at every inert keystroke, and most stay: nothing is allocated for them.
  let related: Finding['related'] | null = null;
  for (let i = 0; i < finding.related.length; i++) {
    const r = finding.related[i];
    const moved = movedOrigin(r.origin, file, edit);
    if (moved !== r.origin) (related ??= finding.related.slice())[i] = { ...r, origin: moved };
  }
  if (origin === finding.origin && !related) return finding;
  return { ...finding, origin, related: related ?? finding.related };
}

function movedOrigin(origin: Origin, file: string, edit: TextReplacement): Origin {
  if (origin.file !== file || origin.span.end <= edit.start) return origin;
  const delta = edit.inserted.length - (edit.oldEnd - edit.start);
  const start = origin.span.start >= edit.oldEnd ? origin.span.start + delta : origin.span.start;
  const end = origin.span.end >= edit.oldEnd ? origin.span.end + delta : origin.span.end;
  return { ...origin, span: { start, end } };
}
