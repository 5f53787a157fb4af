import * as fs from 'fs';
import * as path from 'path';
import { createTwoFilesPatch } from 'diff';
import type { FixRun } from './core/fix-all';

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
