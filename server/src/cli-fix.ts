import * as path from 'path';
import { createTwoFilesPatch } from 'diff';
import type { FixRun } from './core/fix-all';
import { writeFileAtomic } from './cli-write';

/** A unified diff of every changed file, paths relative to `cwd`. */
export function unifiedDiff(run: FixRun, cwd: string): string {
  return [...run.changed]
    .map(([file, text]) => {
      const rel = path.relative(cwd, file).split(path.sep).join('/');
      return createTwoFilesPatch(`a/${rel}`, `b/${rel}`, run.original.get(file) ?? '', text, '', '', { context: 3 });
    })
    .join('');
}

/**
 * Write every changed file, each atomically, with the byte-order mark it had. The texts are those the
 * fixes were computed on, so every edit lands where it was planned. A file that cannot be written (no
 * permission, a full disk) keeps its old content and is listed with the reason; the others are written.
 */
export function writeFixes(run: FixRun): { written: string[]; failed: { file: string; reason: string }[] } {
  const written: string[] = [];
  const failed: { file: string; reason: string }[] = [];
  for (const [file, text] of run.changed) {
    try {
      writeFileAtomic(file, (run.bom.has(file) ? '\uFEFF' : '') + text);
      written.push(file);
    } catch (e) {
      failed.push({ file, reason: (e as Error).message });
    }
  }
  return { written, failed };
}
