import * as path from 'path';
import { defaultSettings } from '../../server/src/core/config';
import type { CheckDiagnostic } from '../../protocol/check';
import { checkJson } from '../../server/src/core/check-json';
import { checkPaths } from '../../server/src/core/project';
import { runCheck } from '../../server/src/core/shard';

/**
 * `node out/test/bench/equivalence.js [--cli] DIR…`: checks each folder twice, loading every module up front and
 * loading only what the relevance index needs, and prints any finding the two disagree on. The lazy
 * loading must never change a finding; this runs it on real crates (the bench workspaces, Debian's
 * registry) beyond the fixtures that test/relevance.test.ts compares. With `--cli`, the lazy side is what
 * `ffi-guard check DIR --format json` prints (`runCheck`: one crate at a time, and the function bodies it
 * leaves out because the macros they call write no item), compared as diagnostics. Exit code 1 on a difference.
 */

interface Side {
  lines: string[];
  ms: number;
}

async function findingsOf(dir: string, loadEveryModule: boolean, asJson: boolean): Promise<Side> {
  const started = process.hrtime.bigint();
  const result = await checkPaths([dir], dir, defaultSettings(), undefined, { loadEveryModule });
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  result.cache.dispose();
  const lines = asJson
    ? checkJson(result, (f) => path.relative(dir, f)).diagnostics.map(diagnosticLine)
    : result.findings.map(
        (f) =>
          `${path.relative(dir, f.origin.file)}:${f.origin.span.start}-${f.origin.span.end} ${f.rule} ${f.message}`,
      );
  return { lines, ms };
}

async function commandLineFindingsOf(dir: string): Promise<Side> {
  const started = process.hrtime.bigint();
  const run = await runCheck([dir], dir, defaultSettings(), (f) => path.relative(dir, f), { surface: false });
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  return { lines: run.json.diagnostics.map(diagnosticLine), ms };
}

function diagnosticLine(d: CheckDiagnostic): string {
  return `${d.file}:${d.line}:${d.column}-${d.endLine}:${d.endColumn} ${d.rule} ${d.message}`;
}

async function main(args: string[]): Promise<number> {
  const cli = args.includes('--cli');
  const dirs = args.filter((a) => a !== '--cli');
  let differences = 0;
  for (const dir of dirs.map((d) => path.resolve(d))) {
    const eager = await findingsOf(dir, true, cli);
    const lazy = cli ? await commandLineFindingsOf(dir) : await findingsOf(dir, false, false);
    const lazySet = new Set(lazy.lines);
    const eagerSet = new Set(eager.lines);
    const missing = eager.lines.filter((l) => !lazySet.has(l));
    const extra = lazy.lines.filter((l) => !eagerSet.has(l));
    differences += missing.length + extra.length;
    console.log(
      `${dir}: ${eager.lines.length} findings, ${missing.length} missing and ${extra.length} extra when lazy` +
        ` (every module ${eager.ms.toFixed(0)} ms, lazy ${lazy.ms.toFixed(0)} ms)`,
    );
    for (const l of missing.slice(0, 20)) console.log(`  missing: ${l}`);
    for (const l of extra.slice(0, 20)) console.log(`  extra:   ${l}`);
  }
  return differences ? 1 : 0;
}

main(process.argv.slice(2)).then(
  (code) => (process.exitCode = code),
  (e) => {
    console.error(e);
    process.exitCode = 2;
  },
);
