import * as path from 'path';
import { CROSS_CRATE_CHECKS } from '../../server/src/core/abi/cross-crate';
import { defaultSettings } from '../../server/src/core/config';
import { reduceRun } from '../../server/src/core/merge';
import { runCheck } from '../../server/src/core/shard';
import { heapForCheck } from '../../server/src/v8-heap';
import { allocationsOf, totalOf } from './heap-sampling';

/**
 * `node out/test/bench/promoted.js DIR [--top N] [--allocated]`: what a `check` of DIR allocates, and what of it outlives
 * the young generation, by allocation site (a function and its caller). What survives a scavenge is copied
 * to the old generation: the scavenges' cost grows with it, and what dies there is freed only by a full
 * collection, so it is what a check's garbage collection time and peak memory answer to. Runs what `ffi-guard
 * check DIR --format json` runs (the heap sized as the command line sizes it, the JSON made and dropped)
 * twice, under V8's sampling heap profiler: counting every allocation, then only what outlived the young
 * generation. The second run finds V8 warmed up by the first; what is allocated is the same. `--allocated`
 * also prints the first run by site: what the scavenges' number answers to.
 */

async function check(dir: string): Promise<void> {
  const heap = heapForCheck();
  try {
    const rel = (f: string): string => path.relative(dir, f).split(path.sep).join('/');
    const run = await runCheck([dir], dir, defaultSettings(), rel, {
      surface: CROSS_CRATE_CHECKS.length > 0,
      pairedWith: CROSS_CRATE_CHECKS.every((c) => c.readsPairsOnly) ? [] : undefined,
      planned: heap.planned,
      parsed: heap.parsed,
    });
    JSON.stringify(reduceRun(run).json, null, 2);
  } finally {
    heap.restore();
  }
}

const mb = (bytes: number): string => `${(bytes / 1024 / 1024).toFixed(1)} MB`;

async function main(args: string[]): Promise<void> {
  const allocatedToo = args.includes('--allocated');
  args = args.filter((a) => a !== '--allocated');
  const topAt = args.indexOf('--top');
  const top = topAt >= 0 ? Number(args.splice(topAt, 2)[1]) : 15;
  if (args.length !== 1 || !(top > 0)) throw new Error('usage: promoted.js DIR [--top N] [--allocated]');
  const dir = path.resolve(args[0]);
  // Sampled every 16 kB: a workspace's check allocates over a gigabyte.
  const interval = 16 * 1024;
  const all = await allocationsOf(() => check(dir), { samplingInterval: interval });
  const promoted = await allocationsOf(() => check(dir), { samplingInterval: interval, outlivingScavenges: true });
  const allocated = totalOf(all);
  const outliving = totalOf(promoted);
  console.log(`${dir}: allocated about ${mb(allocated)}, of which ${mb(outliving)} outlived the young generation`);
  if (allocatedToo) {
    console.log('what was allocated, by allocation site:');
    printSites(all, allocated, top);
  }
  console.log('what outlived it, by allocation site (each run is sampled: small figures are rough):');
  printSites(promoted, outliving, top);
}

function printSites(sites: Map<string, number>, total: number, top: number): void {
  for (const [site, bytes] of [...sites].sort((a, b) => b[1] - a[1]).slice(0, top))
    console.log(`  ${mb(bytes).padStart(9)} ${`${((100 * bytes) / total).toFixed(0)}%`.padStart(4)}  ${site}`);
}

main(process.argv.slice(2)).catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : String(e));
  process.exitCode = 2;
});
