import { spawnSync } from 'child_process';
import * as fs from 'fs';
import { extractItems } from '../../server/src/core/syntax/items';
import { loadParser, parseRust, parseRustPiece, piecesOf } from '../../server/src/core/syntax/parse';

/**
 * How much a file's parse leaves in the process: the parser's WebAssembly memory grows to hold the largest
 * tree it has made and is never given back. Each way is measured in a process of its own (what one parse
 * leaves would hide the other's): the file parsed whole, then in pieces (`piecesOf`, as `check` parses a
 * long file), each time read into items and its trees freed.
 *
 *   node out/test/bench/parser-memory.js FILE.rs
 */

const MB = 1024 * 1024;

async function measure(file: string, pieces: boolean): Promise<void> {
  const text = fs.readFileSync(file, 'utf8');
  const parser = await loadParser();
  const before = process.memoryUsage().rss;
  const ranges = pieces ? piecesOf(text) : null;
  if (pieces && !ranges)
    throw new Error(`${file}: not cut in pieces (brackets that do not balance, or keywords to blank)`);
  for (const range of ranges ?? [null]) {
    const parsed = range ? parseRustPiece(parser, text, range) : parseRust(parser, text);
    extractItems(file, parsed);
    parsed.tree.delete();
  }
  const after = process.memoryUsage().rss;
  const how = ranges ? `in ${ranges.length} pieces` : 'whole';
  console.log(`${how}: resident memory ${(before / MB).toFixed(0)} → ${(after / MB).toFixed(0)} MB`);
}

async function main(): Promise<void> {
  const [file, way] = process.argv.slice(2);
  if (!file) throw new Error('usage: parser-memory.js FILE.rs');
  if (way) return measure(file, way === '--pieces');
  console.log(`${file}: ${(fs.statSync(file).size / 1024).toFixed(0)} kB`);
  for (const flag of ['--whole', '--pieces']) {
    const run = spawnSync(process.execPath, [__filename, file, flag], { encoding: 'utf8' });
    process.stdout.write(run.stdout);
    if (run.status !== 0) process.stderr.write(run.stderr);
  }
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : String(e));
  process.exitCode = 1;
});
