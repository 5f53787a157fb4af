import * as fs from 'fs';
import * as path from 'path';
import { clearLayoutCache } from '../../server/src/core/analysis/ffi';
import { defaultSettings } from '../../server/src/core/config';
import { checkCrates, DiskSource, loadCrates } from '../../server/src/core/project';
import { loadParser } from '../../server/src/core/syntax/parse';
import { discover } from '../../server/src/core/workspace/discover';
import { SourceCache } from '../../server/src/core/workspace/crates';
import { DEBIAN_REGISTRY, rustFilesUnder } from './debian-crates';

/**
 * `node out/test/bench/macro-sweep.js [--all-features] [DIR…]`: checks each folder (by default every crate
 * of Debian's registry here) in-process, one at a time, every module of it loaded (so every macro call is
 * expanded, where `check` expands only those of the modules it needs), with the default features or all
 * of them, and prints the macro calls that reached the recursion limit
 * and the crates that took longest for their size. Real code never reaches the limit (rustc would refuse
 * it), so a call that does is a fragment taken wrongly by our matcher, which also costs time that grows
 * with the square of the depth: pyo3's `pyobject_native_type_core!` took 5 s so, wasm-bindgen's `tys!` 0.3 s.
 */

interface Swept {
  dir: string;
  bytes: number;
  ms: number;
  /** `name at file` of each call that reached the recursion limit. */
  runaway: string[];
  /** What went wrong checking it, if anything did. */
  error?: string;
}

async function sweep(dirs: string[], allFeatures: boolean): Promise<Swept[]> {
  const settings = { ...defaultSettings(), allFeatures };
  const parser = await loadParser();
  const out: Swept[] = [];
  for (const dir of dirs) {
    const bytes = rustFilesUnder(dir).reduce((n, f) => n + fs.statSync(f).size, 0);
    const started = performance.now();
    const cache = new SourceCache(parser, new DiskSource(settings.maxFileSize), () => false);
    const swept: Swept = { dir, bytes, ms: 0, runaway: [] };
    try {
      // Every module, needed or not: every macro call of the crate is expanded.
      const crates = loadCrates(discover([dir], dir, settings.exclude), cache, settings, { loadEveryModule: true });
      clearLayoutCache();
      checkCrates(
        crates,
        settings,
        () => true,
        (_crate, e) => (swept.error = e.message),
      );
      const runaway = crates.flatMap(({ crate }) =>
        crate.unexpandedMacros
          .filter((m) => m.why === 'recursion limit')
          .map((m) => `${m.name}! at ${path.relative(dir, m.origin.file)}`),
      );
      swept.runaway = [...new Set(runaway)];
    } catch (e) {
      swept.error = (e as Error).message;
    }
    cache.dispose();
    swept.ms = performance.now() - started;
    out.push(swept);
  }
  return out;
}

async function main(args: string[]): Promise<void> {
  const allFeatures = args.includes('--all-features');
  args = args.filter((a) => a !== '--all-features');
  const dirs = args.length
    ? args.map((a) => path.resolve(a))
    : fs
        .readdirSync(DEBIAN_REGISTRY)
        .sort()
        .map((d) => path.join(DEBIAN_REGISTRY, d));
  const swept = await sweep(dirs, allFeatures);
  for (const s of swept) {
    if (s.runaway.length) console.log(`${path.basename(s.dir)}: recursion limit reached by ${s.runaway.join(', ')}`);
    if (s.error) console.log(`${path.basename(s.dir)}: ${s.error.split('\n')[0]}`);
  }
  const sized = swept.filter((s) => s.bytes >= 100_000).sort((a, b) => b.ms / b.bytes - a.ms / a.bytes);
  console.log(`\nslowest for their size (crates of 100 kB or more):`);
  for (const s of sized.slice(0, 10))
    console.log(
      `  ${path.basename(s.dir).padEnd(36)} ${(s.bytes / 1e6).toFixed(2)} MB  ${s.ms.toFixed(0).padStart(5)} ms  ` +
        `${(s.ms / (s.bytes / 1e6)).toFixed(0)} ms/MB`,
    );
  const reached = swept.filter((s) => s.runaway.length).length;
  const failed = swept.filter((s) => s.error).length;
  console.log(
    `\n${swept.length} folders checked in ${(swept.reduce((n, s) => n + s.ms, 0) / 1000).toFixed(0)} s; ` +
      `${reached} with a macro call that reached the recursion limit; ${failed} that could not be checked`,
  );
  if (reached || failed) process.exitCode = 1;
}

main(process.argv.slice(2)).catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
