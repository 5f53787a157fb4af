import * as fs from 'fs';
import * as path from 'path';
import type { Parser, Range } from 'web-tree-sitter';
import { extractItems } from '../../server/src/core/syntax/items';
import type { LeftOutItem } from '../../server/src/core/syntax/left-out-items';
import type { Span } from '../../server/src/core/syntax/model';
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
 * twice, from the whole parse and from a parse that leaves the plain constants and foreign functions, the
 * bodies nothing reads and the plain arguments of item-level macro calls out
 * (`left-out-items.ts`), a file longer than `PIECEWISE_PARSE_CHARS` a piece at a time as `check` reads it,
 * and prints every file where they differ (in items, or in syntax errors other than those inside a body
 * left out). test/left-out-items.test.ts does the same on the fixtures;
 * this runs it on real crates (the bench workspaces, Debian's registry). Also prints how much was left
 * out, how often the extractors asked for it (which costs a whole parse), and the time of both parses.
 * Exit code 1 on a difference.
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
  /** How many times the extractors asked for what was left out (each a parse of the whole text again). */
  wholeParses: number;
  /** Files whose only syntax errors the whole parse found stand in bodies left out. */
  errorsInBodies: number;
  wholeMs: number;
  leavingOutMs: number;
}

/** What one parse of the file (or of each piece of it) reads; the time spent parsing. */
interface Reading {
  /** The items and inner attributes, as JSON. */
  items: string;
  syntaxErrors: Span[];
  /** What the parse left out. */
  leftOut: LeftOutItem[];
  ms: number;
}

function readAll(parse: (range?: Range) => ParsedFile, file: string, ranges: (Range | undefined)[]): Reading {
  const reading: Reading = { items: '', syntaxErrors: [], leftOut: [], ms: 0 };
  const items = ranges.map((range) => {
    const started = performance.now();
    const parsed = parse(range);
    reading.ms += performance.now() - started;
    reading.leftOut.push(...(parsed.leftOut?.items ?? []));
    try {
      const read = extractItems(file, parsed);
      reading.syntaxErrors.push(...read.syntaxErrors);
      return { innerAttrs: read.innerAttrs, items: read.items };
    } finally {
      parsed.tree.delete();
    }
  });
  reading.items = JSON.stringify(items);
  return reading;
}

/**
 * Whether the syntax errors of the parse that left things out are the whole parse's, but those inside a
 * body left out: tree-sitter's grammar errs on some code rustc accepts (`&raw const x`), and a body nothing
 * reads is not parsed to find out.
 */
function sameErrors(whole: Reading, partial: Reading): boolean {
  const key = (e: Span): string => `${e.start}-${e.end}`;
  const inBodyLeftOut = (e: Span): boolean =>
    partial.leftOut.some((b) => b.kind === 'body' && b.start <= e.start && e.end <= b.end);
  const expected = whole.syntaxErrors.filter((e) => !inBodyLeftOut(e)).map(key);
  return JSON.stringify(expected) === JSON.stringify(partial.syntaxErrors.map(key));
}

function compare(parser: Parser, file: string, tally: Tally): void {
  const text = fs.readFileSync(file, 'utf8');
  const ranges = (text.length > PIECEWISE_PARSE_CHARS && piecesOf(text)) || [undefined];
  const whole = readAll(
    (range) => (range ? parseRustPiece(parser, text, range) : parseRust(parser, text)),
    file,
    ranges,
  );
  const partial = readAll(
    (range) => {
      const parsed = parseRustLeavingOut(parser, text, range);
      if (!parsed.leftOut) return parsed;
      const wholeTree = parsed.leftOut.wholeTree;
      parsed.leftOut.wholeTree = () => {
        tally.wholeParses++;
        return wholeTree();
      };
      return parsed;
    },
    file,
    ranges,
  );
  tally.files++;
  tally.chars += text.length;
  for (const item of partial.leftOut) tally.leftOutChars += item.end - item.start;
  tally.wholeMs += whole.ms;
  tally.leavingOutMs += partial.ms;
  if (partial.syntaxErrors.length < whole.syntaxErrors.length) tally.errorsInBodies++;
  if (whole.items === partial.items && sameErrors(whole, partial)) return;
  tally.differ++;
  let at = 0;
  while (whole.items[at] === partial.items[at]) at++;
  console.log(`differ: ${file}\n  whole:       …${whole.items.slice(at - 120, at + 120)}…`);
  console.log(`  leaving out: …${partial.items.slice(at - 120, at + 120)}…`);
  console.log(`  syntax errors: ${JSON.stringify(whole.syntaxErrors)} and ${JSON.stringify(partial.syntaxErrors)}`);
}

async function main(dirs: string[]): Promise<number> {
  const parser = await loadParser();
  const tally: Tally = {
    files: 0,
    differ: 0,
    chars: 0,
    leftOutChars: 0,
    wholeParses: 0,
    errorsInBodies: 0,
    wholeMs: 0,
    leavingOutMs: 0,
  };
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
      `${tally.differ} differ, ${tally.wholeParses} parsed whole again, ` +
      `${tally.errorsInBodies} with syntax errors only in bodies left out; ` +
      `parse ${tally.wholeMs.toFixed(0)} ms whole, ${tally.leavingOutMs.toFixed(0)} ms leaving out`,
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
