import { defaultSettings } from '../../server/src/core/config';
import { checkCrates, DiskSource, loadCrates } from '../../server/src/core/project';
import { loadParser, ParsedFile } from '../../server/src/core/syntax/parse';
import { discover } from '../../server/src/core/workspace/discover';
import { SourceCache } from '../../server/src/core/workspace/crates';
import { benchWorkspaces } from './workspaces';

/**
 * `node out/test/bench/expansion-errors.js [WORKSPACE|DIR …]` (the seven bench workspaces by default): how
 * many macro expansions `check` parses in each, how many of them parse with errors, and how long those took,
 * in all and the slowest. A rule whose expansions with errors take `SLOW_RULE_ERROR_PARSES_MS` (500 ms) in
 * a crate is not expanded again (workspace/macros.ts): what real code spends there is the margin.
 */

interface ExpansionParses {
  count: number;
  withErrors: number;
  errorMs: number;
  slowestErrorMs: number;
}

/** A cache that times the parse of each expansion. */
class TimedCache extends SourceCache {
  readonly parses: ExpansionParses = { count: 0, withErrors: 0, errorMs: 0, slowestErrorMs: 0 };

  parseFragment(text: string): ParsedFile {
    const started = performance.now();
    const parsed = super.parseFragment(text);
    const ms = performance.now() - started;
    this.parses.count++;
    if (parsed.tree.rootNode.hasError) {
      this.parses.withErrors++;
      this.parses.errorMs += ms;
      this.parses.slowestErrorMs = Math.max(this.parses.slowestErrorMs, ms);
    }
    return parsed;
  }
}

async function main(): Promise<void> {
  const names = process.argv.slice(2);
  const parser = await loadParser();
  const settings = defaultSettings();
  for (const w of benchWorkspaces(names.length ? names : undefined)) {
    const cache = new TimedCache(parser, new DiskSource(settings.maxFileSize), () => false);
    const crates = loadCrates(discover([w.dir], w.dir, settings.exclude), cache, settings);
    checkCrates(crates, settings, () => true);
    const p = cache.parses;
    console.log(
      `${w.name}: ${p.count} expansions parsed, ${p.withErrors} with errors, taking ${p.errorMs.toFixed(0)} ms ` +
        `in all (the slowest ${p.slowestErrorMs.toFixed(1)} ms)`,
    );
    cache.dispose();
  }
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : String(e));
  process.exitCode = 1;
});
