import * as fs from 'fs';
import * as path from 'path';
import { loadParser, parseRust, parseRustLeavingOut } from '../../server/src/core/syntax/parse';

/**
 * `node out/test/bench/left-out-ranges.js FILE…`: what leaving items out of the parse (`left-out-items.ts`)
 * costs and saves on each file: the time of a whole parse, and of a parse leaving out what `check` leaves
 * out (`parseRustLeavingOut`, the search for the items included), with the number of items left out and of
 * the ranges the parse was given. Each item left out splits the ranges, and each range costs tree-sitter's
 * lexer time of its own: a file whose items are many and short can parse slower leaving them out than whole.
 * Times are the best of five, after two parses to warm up.
 */

type Parser = Awaited<ReturnType<typeof loadParser>>;

function bestOf(runs: number, parse: () => void): number {
  let best = Infinity;
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    parse();
    best = Math.min(best, performance.now() - started);
  }
  return best;
}

function measure(parser: Parser, file: string): string {
  const text = fs.readFileSync(file, 'utf8');
  const whole = (): void => parseRust(parser, text).tree.delete();
  let items = 0;
  let ranges = 0;
  const leavingOut = (): void => {
    const parsed = parseRustLeavingOut(parser, text);
    items = parsed.leftOut?.items.length ?? 0;
    ranges = parsed.tree.getIncludedRanges().length;
    parsed.tree.delete();
  };
  bestOf(2, whole);
  bestOf(2, leavingOut);
  const wholeMs = bestOf(5, whole);
  const leavingOutMs = bestOf(5, leavingOut);
  return (
    `${path.relative(process.cwd(), file)} (${(text.length / 1000).toFixed(0)} k characters): whole ${wholeMs.toFixed(1)} ms, ` +
    `leaving out ${items} items ${leavingOutMs.toFixed(1)} ms (${ranges} ranges)`
  );
}

async function main(): Promise<void> {
  const files = process.argv.slice(2);
  if (!files.length) throw new Error('usage: node out/test/bench/left-out-ranges.js FILE…');
  const parser = await loadParser();
  for (const file of files) console.log(measure(parser, file));
}

main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
