import * as fs from 'fs';
import * as path from 'path';
import { createTwoFilesPatch } from 'diff';
import type { Settings } from './core/config';
import type { Finding } from './core/findings';
import { applyEdits, Fix, fixesFor } from './core/fixes';
import { checkPaths, ProjectResult } from './core/project';

/**
 * `ffi-guard fix`: applies each finding's preferred fix, like `cargo fix`. One fix at a time, checking
 * again after each, so that fixes build on each other (the free function a first shim generates is
 * reused by the next) and never overlap.
 */

export interface FixRun {
  applied: { finding: Finding; fix: Fix }[];
  /** New texts by file. */
  changed: Map<string, string>;
  /** Original texts of the changed files. */
  original: Map<string, string>;
  remaining: ProjectResult;
}

const MAX_FIXES = 500;

export async function runFixes(paths: string[], cwd: string, settings: Settings, rules: string[]): Promise<FixRun> {
  const overlay = new Map<string, string>();
  const original = new Map<string, string>();
  const applied: FixRun['applied'] = [];
  const refused = new Set<string>();
  for (;;) {
    const result = await checkPaths(paths, cwd, settings, overlay);
    const next = pickFix(result, rules, refused, overlay);
    if (!next || applied.length >= MAX_FIXES) return { applied, changed: overlay, original, remaining: result };
    const { finding, fix } = next;
    const byFile = new Map<string, typeof fix.edits>();
    for (const e of fix.edits) byFile.set(e.file, [...(byFile.get(e.file) ?? []), e]);
    for (const [file, edits] of byFile) {
      const before = overlay.get(file) ?? fs.readFileSync(file, 'utf8');
      if (!original.has(file)) original.set(file, before);
      overlay.set(file, applyEdits(before, edits));
    }
    applied.push({ finding, fix });
    // A fix that leaves its finding in place must not be applied again.
    refused.add(keyOf(finding));
  }
}

function keyOf(f: Finding): string {
  return `${f.rule}|${f.origin.file}|${f.symbol}|${f.typeName}`;
}

function pickFix(result: ProjectResult, rules: string[], refused: Set<string>, overlay: Map<string, string>): { finding: Finding; fix: Fix } | null {
  for (const finding of result.findings) {
    if (rules.length && !rules.includes(finding.rule)) continue;
    if (refused.has(keyOf(finding))) continue;
    const edition = finding.target?.ctx.crate.edition ?? '2021';
    const textOf = (f: string): string | undefined => overlay.get(f) ?? result.cache.peek(f)?.text;
    const fix = fixesFor(finding, { textOf, edition }).find((x) => x.preferred && x.edits.length);
    if (fix) return { finding, fix };
  }
  return null;
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
