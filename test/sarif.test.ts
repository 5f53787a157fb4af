import * as assert from 'assert';
import { runCli as run } from './harness/cli';
import { sarifValidator } from './harness/sarif-schema';
import type { CheckJson } from '../server/src/cli';
import { ALL_RULES } from '../server/src/core/analysis/rules';

/** `check --format sarif`: valid SARIF 2.1.0, every rule described, the findings of `check --format json`. */

interface SarifLog {
  version: string;
  runs: {
    tool: {
      driver: {
        name: string;
        rules: { id: string; shortDescription: { text: string }; defaultConfiguration: { level: string } }[];
      };
    };
    results: {
      ruleId: string;
      ruleIndex: number;
      level: string;
      message: { text: string };
      locations: {
        physicalLocation: {
          artifactLocation: { uri: string };
          region: { startLine: number; startColumn: number; endLine: number; endColumn: number };
        };
      }[];
    }[];
  }[];
}

describe('sarif: check --format sarif', function () {
  this.timeout(60_000);
  let log: SarifLog;
  let raw: unknown;

  before(async () => {
    const r = await run(['check', 'examples/ffi-demo', '--format', 'sarif']);
    assert.strictEqual(r.code, 0, r.stderr);
    raw = JSON.parse(r.stdout);
    log = raw as SarifLog;
  });

  it('validates against the SARIF 2.1.0 schema', () => {
    const validate = sarifValidator();
    const ok = validate(raw);
    assert.ok(ok, JSON.stringify(validate.errors, null, 2));
  });

  it('the schema check can fail', () => {
    const validate = sarifValidator();
    const broken = JSON.parse(JSON.stringify(raw)) as { runs: { results: { level: string }[] }[] };
    broken.runs[0].results[0].level = 'fatal';
    assert.strictEqual(validate(broken), false);
  });

  it('describes every rule in tool.driver.rules', () => {
    assert.strictEqual(log.version, '2.1.0');
    const driver = log.runs[0].tool.driver;
    assert.strictEqual(driver.name, 'ffi-guard');
    assert.deepStrictEqual(
      driver.rules.map((r) => r.id),
      ALL_RULES.map((r) => r.id),
    );
    for (const r of driver.rules) assert.ok(r.shortDescription.text.length > 10, r.id);
  });

  it('has one result per finding of check --format json, at the same place', async () => {
    const json = JSON.parse((await run(['check', 'examples/ffi-demo', '--format', 'json'])).stdout) as CheckJson;
    const results = log.runs[0].results;
    const level: Record<string, string> = { error: 'error', warning: 'warning', info: 'note', hint: 'note' };
    assert.deepStrictEqual(
      results.map((r) => {
        const loc = r.locations[0].physicalLocation;
        return [
          r.ruleId,
          r.level,
          loc.artifactLocation.uri,
          loc.region.startLine,
          loc.region.startColumn,
          loc.region.endLine,
          loc.region.endColumn,
        ];
      }),
      json.diagnostics.map((d) => [d.rule, level[d.severity], d.file, d.line, d.column, d.endLine, d.endColumn]),
    );
    for (const r of results) assert.strictEqual(log.runs[0].tool.driver.rules[r.ruleIndex].id, r.ruleId);
    const rules = new Set(results.map((r) => r.ruleId));
    for (const expected of [
      'str-type',
      'std-type',
      'option-no-niche',
      'unspecified-layout',
      'rust-abi-export',
      'rust-fn-pointer',
      'slice-type',
    ])
      assert.ok(rules.has(expected), `a ${expected} result`);
    const str = results.find((r) => r.ruleId === 'str-type')!;
    assert.deepStrictEqual(str.locations[0].physicalLocation.artifactLocation.uri, 'examples/ffi-demo/src/lib.rs');
    assert.strictEqual(str.locations[0].physicalLocation.region.startLine, 60);
  });
});
