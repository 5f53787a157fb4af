import * as path from 'path';
import { defaultSettings } from '../../server/src/core/config';
import { crossCrateFindings } from '../../server/src/core/cross-crate-findings';
import { AnalysisHost } from '../../server/src/core/host';
import { loadParser } from '../../server/src/core/syntax/parse';
import { chooseEditingPlan, TARGET_LINES } from './lsp-places';
import { benchWorkspaces } from './workspaces';

/**
 * What the language server's cross-crate checks cost (`abi-mismatch`, run a moment after each edit
 * settles, while the next edit waits): over every crate of an indexed workspace, then after a keystroke
 * in the exported signature of the document `npm run bench:lsp` opens, which loads its crate again.
 *
 *   node out/test/bench/cross-crate-time.js [WORKSPACE|DIR (bindings)]
 */
async function main(): Promise<void> {
  const [w] = benchWorkspaces([process.argv[2] ?? 'bindings']);
  const parser = await loadParser();
  const plan = await chooseEditingPlan(parser, w.dir, w.files, TARGET_LINES);
  const settings = defaultSettings();
  const host = new AnalysisHost(parser, settings, [w.dir]);
  host.indexAll();
  host.update(plan.file, plan.text);
  const timed = (what: string): void => {
    const started = performance.now();
    const findings = crossCrateFindings(host.workspace().crates, settings, (f) => host.textOf(f), [], w.dir);
    const ms = performance.now() - started;
    console.log(`${what}: ${ms.toFixed(1)} ms, ${findings.length} findings, ${host.workspace().crates.length} crates`);
  };
  console.log(`${w.name}: ${path.relative(w.dir, plan.file)} open`);
  timed('every crate');
  timed('again, nothing edited');
  const at = plan.signature;
  host.change(plan.file, [{ range: { start: at, end: at }, text: 'x' }]);
  timed('after a keystroke in the exported signature');
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : String(e));
  process.exitCode = 1;
});
