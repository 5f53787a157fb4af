import * as fs from 'fs';
import * as path from 'path';
import type { Settings } from './config';
import type { Finding } from './analysis/findings';
import { applyEdits, Fix, TextEdit } from './fixes/edits';
import { fixesFor } from './fixes/fixes';
import { importerUpdater, ImporterUpdater } from './importer-updates';
import { checkPaths, ProjectResult } from './project';

/**
 * Every preferred fix at once (`ffi-guard fix`, an editor's "fix all"), like `cargo fix`: in rounds,
 * checking again after each round so that fixes build on each other (the free function a first shim
 * generates is reused by the next; a shim sees the `#[repr(C)]` a layout fix gave a type). A round applies
 * layout and attribute fixes first, then, once none is left, shims; within a round, fixes whose edits touch
 * or that generate an item of the same name wait for the next round. A fix that changes an exported
 * symbol's C signature also rewrites the declarations importing it in the other crates of the run, where
 * that is safe (core/importer-updates.ts); its `importers` say which were and were not.
 */

export interface FixRun {
  applied: { finding: Finding; fix: Fix }[];
  /** New texts by file, as they were analysed (without a byte-order mark: see `bom`). */
  changed: Map<string, string>;
  /** Original texts of the changed files. */
  original: Map<string, string>;
  /** Files whose bytes on disk start with a UTF-8 byte-order mark: it is written back before the text. */
  bom: Set<string>;
  /** Preferred fixes not applied, and why (a file outside the writable root, not UTF-8, changed on disk). */
  leftOut: { finding: Finding; fix: Fix; reason: string }[];
  remaining: ProjectResult;
}

const MAX_FIXES = 2000;

/**
 * How many times one finding (a rule on a symbol and a type) may be fixed in a run. A finding is fixed
 * once, or twice when fixes build on each other; more means a fix that leaves its finding for the next
 * round to fix again by other means, each round adding code, until memory runs out.
 */
export const MAX_FIXES_PER_PLACE = 6;

/** Counts the fixes each finding got in a run, and says when one has had enough. */
export class FixBudget {
  private readonly counts = new Map<string, number>();

  /** Null when `finding` may be fixed once more; otherwise why not. */
  refusal(finding: Finding): string | null {
    const n = this.counts.get(placeOf(finding)) ?? 0;
    return n < MAX_FIXES_PER_PLACE
      ? null
      : `it was fixed ${n} times in this run and remains: the fixes do not converge, so no more are applied`;
  }

  spend(finding: Finding): void {
    const place = placeOf(finding);
    this.counts.set(place, (this.counts.get(place) ?? 0) + 1);
  }
}

/** A finding as later rounds see it again: its rule, symbol and type (its place moves as fixes add code). */
function placeOf(f: Finding): string {
  return `${f.rule}|${f.origin.file}|${f.symbol}|${f.typeName}`;
}

export interface FixAllOptions {
  /** Only findings of these rules (all when empty). */
  rules?: string[];
  /** Texts that stand in for files on disk (an editor's open documents); they are not changed. */
  overlay?: Map<string, string>;
  /** Only findings this accepts (those of one file, for an editor's "fix all in this file"). */
  only?: (finding: Finding) => boolean;
  /**
   * Fixes may only edit files whose real path (symbolic links resolved) is inside this directory's real
   * path (or one of these directories': an editor's workspace folders): a module reached through a link or
   * a `#[path]` that leaves it is read and checked, not written.
   */
  writableRoot?: string | readonly string[];
  /** Called once with the check of the files as they were, before any fix (what the C signatures were). */
  beforeFixing?: (result: ProjectResult) => void;
}

export async function runFixes(
  paths: string[],
  cwd: string,
  settings: Settings,
  options: FixAllOptions = {},
): Promise<FixRun> {
  const overlay = new Map(options.overlay);
  const original = new Map<string, string>();
  const applied: FixRun['applied'] = [];
  const leftOut: FixRun['leftOut'] = [];
  const refused = new Set<string>();
  const budget = new FixBudget();
  const disk = new DiskTexts(options.writableRoot);
  for (;;) {
    const result = await checkPaths(paths, cwd, settings, overlay);
    if (!applied.length && !leftOut.length) options.beforeFixing?.(result);
    // An importer's declaration in a file fix may not write is left as it is (and said so), not the whole fix.
    const importers = importerUpdater(
      result.crates,
      (f) => overlay.get(f) ?? result.cache.peek(f)?.text,
      (f) => (overlay.has(f) ? null : disk.problem(f, result.cache.peek(f)?.text)),
    );
    // Fixes read the crate's files; a module not loaded yet (a store into a field there) is read from disk.
    const read = (f: string): string | undefined => overlay.get(f) ?? result.cache.peek(f)?.text ?? disk.peek(f);
    const batch = pickBatch(result, options, refused, read, importers, (finding, fix) => {
      // A file the editor holds is the editor's to write; one on disk must be writable and read as analysed.
      const problem =
        budget.refusal(finding) ??
        fix.edits
          .map((e) => (overlay.has(e.file) ? null : disk.problem(e.file, result.cache.peek(e.file)?.text)))
          .find((x) => x !== null);
      if (!problem) return true;
      leftOut.push({ finding, fix, reason: problem });
      refused.add(keyOf(finding, fix));
      return false;
    }).slice(0, MAX_FIXES - applied.length);
    if (!batch.length)
      return {
        applied,
        changed: changedFiles(overlay, original),
        original,
        bom: new Set([...disk.bom].filter((f) => original.has(f))),
        leftOut,
        remaining: result,
      };
    // Every round parses the crate anew: free this round's trees, or the parser's memory runs out.
    result.cache.dispose();
    const byFile = new Map<string, TextEdit[]>();
    for (const { fix } of batch) for (const e of fix.edits) byFile.set(e.file, [...(byFile.get(e.file) ?? []), e]);
    for (const [file, edits] of byFile) {
      // The text the offsets were computed on: the analysed one (a byte-order mark is not part of it).
      const before = overlay.get(file) ?? disk.text(file);
      if (!original.has(file)) original.set(file, before);
      overlay.set(file, applyEdits(before, edits));
    }
    for (const { finding, fix } of batch) {
      applied.push({ finding, fix });
      budget.spend(finding);
      // A fix that leaves its finding in place must not be applied again (another one may follow it:
      // `#[repr(C)]` on an array's element, then the array's shim).
      refused.add(keyOf(finding, fix));
    }
  }
}

/** The files a fix changed, with their new texts (not the overlay's untouched documents). */
function changedFiles(overlay: Map<string, string>, original: Map<string, string>): Map<string, string> {
  return new Map([...overlay].filter(([file]) => original.has(file)));
}

function keyOf(f: Finding, fix: Fix): string {
  return `${placeOf(f)}|${fix.title}`;
}

/** The fixes of one round: independent of each other, so applying them together equals applying them one by one. */
function pickBatch(
  result: ProjectResult,
  options: FixAllOptions,
  refused: Set<string>,
  textOf: (file: string) => string | undefined,
  importers: ImporterUpdater,
  writable: (finding: Finding, fix: Fix) => boolean,
): { finding: Finding; fix: Fix }[] {
  const candidates: { finding: Finding; fix: Fix }[] = [];
  const rules = options.rules ?? [];
  for (const finding of result.findings) {
    if (rules.length && !rules.includes(finding.rule)) continue;
    if (options.only && !options.only(finding)) continue;
    const edition = finding.target?.ctx.crate.edition ?? '2021';
    const preferred = fixesFor(finding, { textOf, edition }).find((x) => x.preferred && x.edits.length);
    const fix = preferred && importers(preferred, finding);
    if (fix && !refused.has(keyOf(finding, fix)) && writable(finding, fix)) candidates.push({ finding, fix });
  }
  // Shims are planned from the types as they are: let this round's layout fixes land first.
  const local = candidates.filter((c) => !isShim(c.fix));
  const batch: { finding: Finding; fix: Fix }[] = [];
  const taken: TextEdit[] = [];
  const names = new Set<string>();
  for (const c of local.length ? local : candidates) {
    const defines = c.fix.defines ?? [];
    if (c.fix.edits.some((e) => taken.some((t) => touches(e, t))) || defines.some((n) => names.has(n))) continue;
    batch.push(c);
    for (const edit of c.fix.edits) taken.push(edit);
    for (const n of defines) names.add(n);
  }
  return batch;
}

/** A fix that adds items (a shim and its helpers), not one that edits what is there. */
function isShim(fix: Fix): boolean {
  return !!fix.defines?.length;
}

/** Overlapping or adjacent ranges of one file (two insertions at one offset would land in either order). */
function touches(a: TextEdit, b: TextEdit): boolean {
  return a.file === b.file && a.start <= b.end && b.start <= a.end;
}

/**
 * Files as `fix` may write them: inside the writable root once links are resolved, valid UTF-8, and
 * (without their byte-order mark) the very text that was analysed. Read once per run.
 */
export class DiskTexts {
  readonly bom = new Set<string>();
  private readonly texts = new Map<string, string | { problem: string }>();
  private readonly roots: string[] | null;

  constructor(root: string | readonly string[] | undefined) {
    const given = root === undefined ? null : typeof root === 'string' ? [root] : root;
    this.roots = given === null || !given.length ? null : given.map((r) => realPath(r) ?? path.resolve(r));
  }

  /** Why fixes may not edit `file`, or null; `analysed` is the text the check read. */
  problem(file: string, analysed: string | undefined): string | null {
    const read = this.read(file);
    if (typeof read !== 'string') return read.problem;
    if (analysed !== undefined && analysed !== read) return 'it changed on disk while it was being checked';
    return null;
  }

  /** The text of a file, or undefined where `problem` would refuse it. */
  peek(file: string): string | undefined {
    const read = this.read(file);
    return typeof read === 'string' ? read : undefined;
  }

  /** The text of a file `problem` accepted. */
  text(file: string): string {
    const read = this.read(file);
    if (typeof read !== 'string') throw new Error(`${file}: ${read.problem}`);
    return read;
  }

  private read(file: string): string | { problem: string } {
    let known = this.texts.get(file);
    if (known === undefined) {
      known = this.load(file);
      this.texts.set(file, known);
    }
    return known;
  }

  private load(file: string): string | { problem: string } {
    if (this.roots !== null) {
      const real = realPath(file);
      if (real === null) return { problem: 'its real path could not be resolved' };
      if (!this.roots.some((root) => inside(real, root))) {
        const via = real === path.resolve(file) ? '' : ` (it resolves to ${real})`;
        return { problem: `it is outside the workspace${via}: fix writes only under ${this.roots.join(' or ')}` };
      }
    }
    let bytes: Buffer;
    try {
      bytes = fs.readFileSync(file);
    } catch (e) {
      return { problem: `it could not be read: ${(e as Error).message}` };
    }
    let text: string;
    try {
      text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
    } catch {
      return { problem: 'it is not valid UTF-8, and rewriting it would change bytes no fix touches' };
    }
    if (text.startsWith('\uFEFF')) {
      this.bom.add(file);
      text = text.slice(1);
    }
    return text;
  }
}

function realPath(file: string): string | null {
  try {
    return fs.realpathSync(file);
  } catch {
    return null;
  }
}

/** Whether `file` is `dir` or below it (both real paths). */
function inside(file: string, dir: string): boolean {
  const rel = path.relative(dir, file);
  return rel === '' || (rel !== '..' && !rel.startsWith(`..${path.sep}`) && !path.isAbsolute(rel));
}
