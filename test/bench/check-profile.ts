import { createHash } from 'crypto';
import * as path from 'path';
import { clearLayoutCache } from '../../server/src/core/analysis/ffi';
import { defaultSettings } from '../../server/src/core/config';
import { checkCrates, DiskSource, loadCrates } from '../../server/src/core/project';
import { loadParser } from '../../server/src/core/syntax/parse';
import { discover } from '../../server/src/core/workspace/discover';
import { SourceCache } from '../../server/src/core/workspace/crates';
import { CROSS_CRATE_CHECKS } from '../../server/src/core/abi/cross-crate';
import { reduceRun } from '../../server/src/core/merge';
import { runCheck } from '../../server/src/core/shard';

/**
 * `node out/test/bench/check-profile.js DIR [--rounds N] [--cli]`: the time of `checkCrates` alone (the
 * checking of loaded crates, with the lazy loading it triggers) over a folder, the median of N rounds (3
 * by default). Each round loads the crates afresh, untimed, so no memo of an earlier round helps. Prints
 * the number of findings and a digest of them, so a change that must not alter the output can be
 * compared at a glance. With `--cli`, the whole of what `ffi-guard check DIR --format json` does instead
 * (one crate at a time: `runCheck`, then the reduce step), timed from discovery to the JSON, with a digest
 * of that JSON, the number of files it read from disk, and the time of its phases (discovery and the scan of
 * every file, the crates, the output). Run with `node --cpu-prof` to see where the time goes.
 */

interface Round {
  /** Wall-clock time. */
  ms: number;
  /** With `--cli`: the files read from disk (a file let go and read again counts again), and their characters. */
  reads?: { files: number; chars: number };
  /**
   * With `--cli`, where the wall-clock time went: from the start through discovery and the scan of every file
   * (until the run is told its workload), loading and checking the crates, and the reduce step with the JSON.
   */
  phases?: { scan: number; crates: number; output: number };
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

/** One round of what `ffi-guard check DIR --format json` does, from discovery to the JSON printed. */
async function cliRound(dir: string): Promise<Round> {
  const settings = defaultSettings();
  // The command's own reader, counted: what it reads again (a text let go once scanned) shows here.
  const reads = { files: 0, chars: 0 };
  const read = Reflect.get<DiskSource, 'read'>(DiskSource.prototype, 'read');
  DiskSource.prototype.read = function (this: DiskSource, file: string): string | null {
    const text = read.call(this, file);
    reads.files++;
    reads.chars += text?.length ?? 0;
    return text;
  };
  try {
    return { ...(await timedCliRound(dir, settings)), reads };
  } finally {
    DiskSource.prototype.read = read;
  }
}

async function timedCliRound(dir: string, settings: ReturnType<typeof defaultSettings>): Promise<Round> {
  const started = process.hrtime.bigint();
  const cpuStarted = process.cpuUsage();
  const since = (from: bigint): number => Number(process.hrtime.bigint() - from) / 1e6;
  let scanned = started;
  const rel = (f: string): string => path.relative(dir, f).split(path.sep).join('/');
  const run = await runCheck([dir], dir, settings, rel, {
    surface: CROSS_CRATE_CHECKS.length > 0,
    pairedWith: CROSS_CRATE_CHECKS.every((c) => c.readsPairsOnly) ? [] : undefined,
    planned: () => {
      scanned = process.hrtime.bigint();
    },
  });
  const checked = process.hrtime.bigint();
  const json = JSON.stringify(reduceRun(run).json, null, 2);
  const cpu = process.cpuUsage(cpuStarted);
  const ms = since(started);
  const phases = {
    scan: Number(scanned - started) / 1e6,
    crates: Number(checked - scanned) / 1e6,
    output: since(checked),
  };
  const count = (JSON.parse(json) as { diagnostics: unknown[] }).diagnostics.length;
  const digest = createHash('sha256').update(json).digest('hex').slice(0, 16);
  return { ms, cpuMs: (cpu.user + cpu.system) / 1000, count, digest, phases };
}

async function main(args: string[]): Promise<void> {
  const roundsAt = args.indexOf('--rounds');
  const rounds = roundsAt >= 0 ? Number(args.splice(roundsAt, 2)[1]) : 3;
  const cliAt = args.indexOf('--cli');
  const cli = cliAt >= 0 && args.splice(cliAt, 1).length > 0;
  const dir = path.resolve(args[0] ?? '.');
  const results: Round[] = [];
  for (let i = 0; i < rounds; i++) {
    const r = cli ? await cliRound(dir) : await round(dir);
    results.push(r);
    const reads = r.reads ? `, ${r.reads.files} files read (${(r.reads.chars / 1e6).toFixed(1)} M characters)` : '';
    const phases = r.phases
      ? `; discovery and scan ${r.phases.scan.toFixed(0)} ms, crates ${r.phases.crates.toFixed(0)} ms, output ${r.phases.output.toFixed(0)} ms`
      : '';
    console.log(
      `round ${i + 1}: ${cli ? 'check (CLI path)' : 'checkCrates'} ${r.ms.toFixed(0)} ms (CPU ${r.cpuMs.toFixed(0)} ms), ${r.count} findings, digest ${r.digest}${reads}${phases}`,
    );
  }
  const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const ms = median(results.map((r) => r.ms));
  const cpuMs = median(results.map((r) => r.cpuMs));
  console.log(
    `${dir}: ${cli ? 'check (CLI path)' : 'checkCrates'} median ${ms.toFixed(0)} ms, CPU ${cpuMs.toFixed(0)} ms, over ${rounds} rounds`,
  );
}

main(process.argv.slice(2)).catch((e) => {
  console.error(e);
  process.exitCode = 2;
});
