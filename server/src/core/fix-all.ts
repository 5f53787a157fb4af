import * as fs from 'fs';
import type { Settings } from './config';
import type { Finding } from './analysis/findings';
import { applyEdits, Fix, TextEdit } from './fixes/edits';
import { fixesFor } from './fixes/fixes';
import { checkPaths, ProjectResult } from './project';

/**
 * Every preferred fix at once (`ffi-guard fix`, an editor's "fix all"), like `cargo fix`: in rounds,
 * checking again after each round so that fixes build on each other (the free function a first shim
 * generates is reused by the next; a shim sees the `#[repr(C)]` a layout fix gave a type). A round applies
 * layout and attribute fixes first, then, once none is left, shims; within a round, fixes whose edits touch
 * or that generate an item of the same name wait for the next round.
 */

export interface FixRun {
  applied: { finding: Finding; fix: Fix }[];
  /** New texts by file. */
  changed: Map<string, string>;
  /** Original texts of the changed files. */
  original: Map<string, string>;
  remaining: ProjectResult;
}

const MAX_FIXES = 2000;

export interface FixAllOptions {
  /** Only findings of these rules (all when empty). */
  rules?: string[];
  /** Texts that stand in for files on disk (an editor's open documents); they are not changed. */
  overlay?: Map<string, string>;
  /** Only findings this accepts (those of one file, for an editor's "fix all in this file"). */
  only?: (finding: Finding) => boolean;
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
  const refused = new Set<string>();
  for (;;) {
    const result = await checkPaths(paths, cwd, settings, overlay);
    const batch = pickBatch(result, options, refused, overlay).slice(0, MAX_FIXES - applied.length);
    if (!batch.length) return { applied, changed: changedFiles(overlay, original), original, remaining: result };
    // Every round parses the crate anew: free this round's trees, or the parser's memory runs out.
    result.cache.dispose();
    const byFile = new Map<string, TextEdit[]>();
    for (const { fix } of batch) for (const e of fix.edits) byFile.set(e.file, [...(byFile.get(e.file) ?? []), e]);
    for (const [file, edits] of byFile) {
      const before = overlay.get(file) ?? fs.readFileSync(file, 'utf8');
      if (!original.has(file)) original.set(file, before);
      overlay.set(file, applyEdits(before, edits));
    }
    for (const { finding, fix } of batch) {
      applied.push({ finding, fix });
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
  return `${f.rule}|${f.origin.file}|${f.symbol}|${f.typeName}|${fix.title}`;
}

/** The fixes of one round: independent of each other, so applying them together equals applying them one by one. */
function pickBatch(
  result: ProjectResult,
  options: FixAllOptions,
  refused: Set<string>,
  overlay: Map<string, string>,
): { finding: Finding; fix: Fix }[] {
  const candidates: { finding: Finding; fix: Fix }[] = [];
  const rules = options.rules ?? [];
  for (const finding of result.findings) {
    if (rules.length && !rules.includes(finding.rule)) continue;
    if (options.only && !options.only(finding)) continue;
    const edition = finding.target?.ctx.crate.edition ?? '2021';
    const textOf = (f: string): string | undefined => overlay.get(f) ?? result.cache.peek(f)?.text;
    const fix = fixesFor(finding, { textOf, edition }).find((x) => x.preferred && x.edits.length);
    if (fix && !refused.has(keyOf(finding, fix))) candidates.push({ finding, fix });
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
