import * as fs from 'fs';
import * as path from 'path';
import type { Parser, Range } from 'web-tree-sitter';
import { extractItems } from '../../server/src/core/syntax/items';
import {
  loadParser,
  ParsedFile,
  parseRust,
  parseRustLeavingOut,
  parseRustPiece,
  piecesOf,
  PIECEWISE_PARSE_CHARS,
} from '../../server/src/core/syntax/parse';

/**
 * `node out/test/bench/left-out-agreement.js DIR…`: reads the items of every `.rs` file under the folders
 * twice, from the whole parse and from a parse that leaves the plain constants and foreign functions out
 * (`left-out-items.ts`), a file longer than `PIECEWISE_PARSE_CHARS` a piece at a time as `check` reads it,
 * and prints every file where they differ. test/left-out-items.test.ts does the same on the fixtures;
 * this runs it on real crates (the bench workspaces, Debian's registry). Also prints how much was left
 * out and the time of both parses. Exit code 1 on a difference.
 */

function rustFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return rustFiles(p);
    return e.isFile() && e.name.endsWith('.rs') ? [p] : [];
  });
}

interface Tally {
  files: number;
  differ: number;
  chars: number;
  leftOutChars: number;
  wholeMs: number;
  leavingOutMs: number;
}

/** The items read from each parse of the file (or each piece of it), as JSON; the time spent parsing. */
function readAll(parse: (range?: Range) => ParsedFile, file: string, ranges: (Range | undefined)[]): [string, number] {
  let ms = 0;
  const read = ranges.map((range) => {
    const started = performance.now();
    const parsed = parse(range);
    ms += performance.now() - started;
    try {
      return extractItems(file, parsed);
    } finally {
      parsed.tree.delete();
    }
  });
  return [JSON.stringify(read), ms];
}

function compare(parser: Parser, file: string, tally: Tally): void {
  const text = fs.readFileSync(file, 'utf8');
  const ranges = (text.length > PIECEWISE_PARSE_CHARS && piecesOf(text)) || [undefined];
  let leftOut = 0;
  const [whole, wholeMs] = readAll(
    (range) => (range ? parseRustPiece(parser, text, range) : parseRust(parser, text)),
    file,
    ranges,
  );
  const [partial, leavingOutMs] = readAll(
    (range) => {
      const parsed = parseRustLeavingOut(parser, text, range);
      for (const item of parsed.leftOut?.items ?? []) leftOut += item.end - item.start;
      return parsed;
    },
    file,
    ranges,
  );
  tally.files++;
  tally.chars += text.length;
  tally.leftOutChars += leftOut;
  tally.wholeMs += wholeMs;
  tally.leavingOutMs += leavingOutMs;
  if (whole === partial) return;
  tally.differ++;
  let at = 0;
  while (whole[at] === partial[at]) at++;
  console.log(`differ: ${file}\n  whole:       …${whole.slice(at - 120, at + 120)}…`);
  console.log(`  leaving out: …${partial.slice(at - 120, at + 120)}…`);
}

async function main(dirs: string[]): Promise<number> {
  const parser = await loadParser();
  const tally: Tally = { files: 0, differ: 0, chars: 0, leftOutChars: 0, wholeMs: 0, leavingOutMs: 0 };
  for (const dir of dirs) {
    for (const file of rustFiles(path.resolve(dir))) {
      try {
        compare(parser, file, tally);
      } catch (e) {
        console.log(`skipped: ${file}: ${(e as Error).message.split('\n')[0]}`);
      }
    }
  }
  const mb = (n: number): string => (n / 1e6).toFixed(1);
  console.log(
    `${tally.files} files, ${mb(tally.chars)} M characters, ${mb(tally.leftOutChars)} M left out; ` +
      `${tally.differ} differ; parse ${tally.wholeMs.toFixed(0)} ms whole, ${tally.leavingOutMs.toFixed(0)} ms leaving out`,
  );
  return tally.differ ? 1 : 0;
}

if (require.main === module) {
  const dirs = process.argv.slice(2);
  if (!dirs.length) {
    console.error('usage: node out/test/bench/left-out-agreement.js DIR…');
    process.exit(2);
  }
  main(dirs).then(
    (code) => process.exit(code),
    (e) => {
      console.error(e);
      process.exit(1);
    },
  );
}
