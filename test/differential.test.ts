import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { LineIndex } from '../server/src/core/syntax/positions';
import { FIXTURES_DIR, FixtureCrate, loadFixtureCrates, rulesOf } from './harness/fixtures';
import { OracleRun, runOracle, toolVersion } from './harness/rustc';
import { isRuleId, ruleById } from '../server/src/core/analysis/rules';
import { agreementKey, compareKeys, withoutOurSuppressions } from './harness/agreement';

/**
 * The clippy lints a fixture is compared on: those of the rules its `//@ rules` names that correspond to
 * a clippy lint (`rust-abi-export`, `ptr-arg-deref`, `missing-safety-doc`).
 */
function clippyLintsOf(c: FixtureCrate): string[] {
  return [...(rulesOf(c.directives) ?? [])]
    .map((id) => (isRuleId(id) ? ruleById(id).rustcLint : null))
    .filter((l): l is string => l?.startsWith('clippy::') ?? false);
}

/**
 * The oracle: for every fixture that compiles, rustc's `improper_ctypes*` / `no_mangle_generic_items`
 * findings and ours agree exactly on (file, line, lint); clippy's FFI lints too where a fixture specifies
 * the rules that correspond to them (`clippy-driver -W clippy::…`). Without rustc this fails loudly instead
 * of passing silently.
 */
describe('differential: agreement with rustc 1.95', function () {
  this.timeout(600_000);
  let crates: FixtureCrate[] = [];
  const runs = new Map<string, OracleRun>();
  let rustc: string | null = null;

  before(async () => {
    rustc = await toolVersion('rustc');
    if (!rustc) return;
    crates = (await loadFixtureCrates()).filter((c) => !c.directives.noRustc);
    // Two at a time: CI has two cores.
    const queue = [...crates];
    await Promise.all(
      [0, 1].map(async () => {
        for (let c = queue.shift(); c; c = queue.shift()) {
          const run = await runOracle('rustc', c.root, c.directives);
          const lints = clippyLintsOf(c);
          if (lints.length) {
            const clippy = await runOracle('clippy-driver', c.root, c.directives, lints);
            run.findings.push(...withoutOurSuppressions(clippy.findings.filter((f) => lints.includes(f.lint))));
          }
          runs.set(c.root, run);
        }
      }),
    );
  });

  it('has rustc to compare with', function () {
    if (!rustc) {
      console.error(
        '\n  !!! rustc is not installed: the differential test against rustc CANNOT run. Install rustc 1.95. !!!\n',
      );
      assert.fail('rustc not found on PATH: the differential test cannot run');
    }
  });

  it('every compiling fixture compiles without errors', function () {
    if (!rustc) this.skip();
    const broken = crates
      .filter((c) => runs.get(c.root)!.errors.length)
      .map((c) => `${path.relative(FIXTURES_DIR, c.root)}: ${runs.get(c.root)!.errors[0]}`);
    assert.deepStrictEqual(broken, []);
  });

  it('agrees with rustc on every finding (file, line, lint)', function () {
    if (!rustc) this.skip();
    const failures: string[] = [];
    let total = 0;
    for (const c of crates) {
      const run = runs.get(c.root)!;
      const theirs = run.findings.map((f) => agreementKey(path.relative(FIXTURES_DIR, f.file), f.line, f.lint)).sort();
      total += theirs.length;
      const ours = c.findings
        .filter(
          (f) =>
            f.rustcLint !== null && (!f.rustcLint.startsWith('clippy::') || clippyLintsOf(c).includes(f.rustcLint)),
        )
        .map((f) => {
          const line = new LineIndex(fs.readFileSync(f.origin.file, 'utf8')).rustcPosition(f.origin.span.start).line;
          return agreementKey(path.relative(FIXTURES_DIR, f.origin.file), line, f.rustcLint!);
        })
        .sort();
      const { missing, extra } = compareKeys(theirs, ours);
      if (missing.length || extra.length) {
        failures.push(
          `${path.relative(FIXTURES_DIR, c.root)}:${missing.map((m) => `\n  rustc only: ${m} — ${run.findings.find((f) => agreementKey(path.relative(FIXTURES_DIR, f.file), f.line, f.lint) === m)?.message}`).join('')}${extra.map((m) => `\n  ours only:  ${m}`).join('')}`,
        );
      }
    }
    assert.ok(total > 0, 'rustc reported nothing at all: the oracle is not working');
    assert.deepStrictEqual(failures, [], `\n${failures.join('\n')}`);
  });
});
