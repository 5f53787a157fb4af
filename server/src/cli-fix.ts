import * as fs from 'fs';
import * as path from 'path';
import { createTwoFilesPatch } from 'diff';
import type { Settings } from './core/config';
import type { Finding } from './core/findings';
import { applyEdits, Fix, fixesFor, TextEdit } from './core/fixes';
import { checkPaths, ProjectResult } from './core/project';

/**
 * `ffi-guard fix`: applies each finding's preferred fix, like `cargo fix`, in rounds, checking again after
 * each round so that fixes build on each other (the free function a first shim generates is reused by the
 * next; a shim sees the `#[repr(C)]` a layout fix gave a type). A round applies layout and attribute fixes
 * first, then, once none is left, shims; within a round, fixes whose edits touch or that generate an item
 * of the same name wait for the next round.
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

export async function runFixes(paths: string[], cwd: string, settings: Settings, rules: string[]): Promise<FixRun> {
  const overlay = new Map<string, string>();
  const original = new Map<string, string>();
  const applied: FixRun['applied'] = [];
  const refused = new Set<string>();
  for (;;) {
    const result = await checkPaths(paths, cwd, settings, overlay);
    const batch = pickBatch(result, rules, refused, overlay).slice(0, MAX_FIXES - applied.length);
    if (!batch.length) return { applied, changed: overlay, original, remaining: result };
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
      // A fix that leaves its finding in place must not be applied again.
      refused.add(keyOf(finding));
    }
  }
}

function keyOf(f: Finding): string {
  return `${f.rule}|${f.origin.file}|${f.symbol}|${f.typeName}`;
}

/** The fixes of one round: independent of each other, so applying them together equals applying them one by one. */
function pickBatch(result: ProjectResult, rules: string[], refused: Set<string>, overlay: Map<string, string>): { finding: Finding; fix: Fix }[] {
  const candidates: { finding: Finding; fix: Fix }[] = [];
  for (const finding of result.findings) {
    if (rules.length && !rules.includes(finding.rule)) continue;
    if (refused.has(keyOf(finding))) continue;
    const edition = finding.target?.ctx.crate.edition ?? '2021';
    const textOf = (f: string): string | undefined => overlay.get(f) ?? result.cache.peek(f)?.text;
    const fix = fixesFor(finding, { textOf, edition }).find((x) => x.preferred && x.edits.length);
    if (fix) candidates.push({ finding, fix });
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
    taken.push(...c.fix.edits);
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

/** A unified diff of every changed file, paths relative to `cwd`. */
export function unifiedDiff(run: FixRun, cwd: string): string {
  return [...run.changed]
    .map(([file, text]) => {
      const rel = path.relative(cwd, file).split(path.sep).join('/');
      return createTwoFilesPatch(`a/${rel}`, `b/${rel}`, run.original.get(file) ?? '', text, '', '', { context: 3 });
    })
    .join('');
}

export function writeFixes(run: FixRun): void {
  for (const [file, text] of run.changed) fs.writeFileSync(file, text);
}
