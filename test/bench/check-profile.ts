import { createHash } from 'crypto';
import * as path from 'path';
import { clearLayoutCache } from '../../server/src/core/analysis/ffi';
import { defaultSettings } from '../../server/src/core/config';
import { checkCrates, DiskSource, loadCrates } from '../../server/src/core/project';
import { loadParser } from '../../server/src/core/syntax/parse';
import { discover } from '../../server/src/core/workspace/discover';
import { SourceCache } from '../../server/src/core/workspace/crates';

/**
 * `node out/test/bench/check-profile.js DIR [--rounds N]`: the time of `checkCrates` alone (the checking
 * of loaded crates, with the lazy loading it triggers) over a folder, the median of N rounds (3 by
 * default). Each round loads the crates afresh, untimed, so no memo of an earlier round helps. Prints
 * the number of findings and a digest of them, so a change that must not alter the output can be
 * compared at a glance. Run with `node --cpu-prof` to see where the time goes.
 */

interface Round {
  /** Wall-clock time. */
  ms: number;
  /** CPU time of the process (less sensitive than wall-clock to other work on a shared machine). */
  cpuMs: number;
  count: number;
  digest: string;
}

async function round(dir: string): Promise<Round> {
  const settings = defaultSettings();
  const parser = await loadParser();
  const cache = new SourceCache(parser, new DiskSource(settings.maxFileSize));
  const found = discover([dir], dir, settings.exclude);
  const crates = loadCrates(found, cache, settings);
  clearLayoutCache();
  const started = process.hrtime.bigint();
  const cpuStarted = process.cpuUsage();
  const findings = checkCrates(crates, settings, () => true);
  const cpu = process.cpuUsage(cpuStarted);
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  const hash = createHash('sha256');
  for (const f of findings)
    hash.update(
      `${path.relative(dir, f.origin.file)}:${f.origin.span.start}-${f.origin.span.end} ${f.rule} ${f.message}\n`,
    );
  cache.dispose();
  return { ms, cpuMs: (cpu.user + cpu.system) / 1000, count: findings.length, digest: hash.digest('hex').slice(0, 16) };
}

async function main(args: string[]): Promise<void> {
  const roundsAt = args.indexOf('--rounds');
  const rounds = roundsAt >= 0 ? Number(args.splice(roundsAt, 2)[1]) : 3;
  const dir = path.resolve(args[0] ?? '.');
  const results: Round[] = [];
  for (let i = 0; i < rounds; i++) {
    const r = await round(dir);
    results.push(r);
    console.log(
      `round ${i + 1}: checkCrates ${r.ms.toFixed(0)} ms (CPU ${r.cpuMs.toFixed(0)} ms), ${r.count} findings, digest ${r.digest}`,
    );
  }
  const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const ms = median(results.map((r) => r.ms));
  const cpuMs = median(results.map((r) => r.cpuMs));
  console.log(`${dir}: checkCrates median ${ms.toFixed(0)} ms, CPU ${cpuMs.toFixed(0)} ms, over ${rounds} rounds`);
}

main(process.argv.slice(2)).catch((e) => {
  console.error(e);
  process.exitCode = 2;
});
