import * as fs from 'fs';

/**
 * Preloaded into a measured child process (`node --require usage-on-exit.js …`): when the process exits,
 * its resource usage is written as JSON to the file that `FFI_GUARD_BENCH_USAGE` names, so the bench reads
 * the peak memory (`maxRSS`) of a real `ffi-guard` run without changing the CLI.
 */

/** What the child reports: peak resident memory and CPU time. */
export interface ChildUsage {
  maxRssKb: number;
  userMs: number;
  systemMs: number;
}

const target = process.env.FFI_GUARD_BENCH_USAGE;
if (target)
  process.on('exit', () => {
    const u = process.resourceUsage();
    const usage: ChildUsage = { maxRssKb: u.maxRSS, userMs: u.userCPUTime / 1000, systemMs: u.systemCPUTime / 1000 };
    fs.writeFileSync(target, JSON.stringify(usage));
  });
