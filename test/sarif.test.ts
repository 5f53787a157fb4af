import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { pathToFileURL } from 'url';
import { runCli as run, tempTree } from './harness/cli';
import { artifactPath, artifactUri } from '../server/src/core/abi/sarif';
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
      relatedLocations?: {
        physicalLocation: { artifactLocation: { uri: string }; region: { startLine: number } };
        message: { text: string };
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
    // Related places (where a type is defined…) are the JSON's `related`, as relatedLocations.
    assert.deepStrictEqual(
      results.map((r) =>
        (r.relatedLocations ?? []).map((l) => [
          l.physicalLocation.artifactLocation.uri,
          l.physicalLocation.region.startLine,
          l.message.text,
        ]),
      ),
      json.diagnostics.map((d) => (d.related ?? []).map((l) => [l.file, l.line, l.message])),
    );
    assert.ok(
      json.diagnostics.some(
        (d) => d.rule === 'unspecified-layout' && d.related?.some((l) => /defined here/.test(l.message)),
      ),
      'an unspecified-layout finding points at the definition',
    );
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

describe('sarif: artifact URIs', function () {
  this.timeout(60_000);

  it('percent-encodes a path into a relative URI reference, segment by segment (RFC 3986)', () => {
    assert.strictEqual(artifactUri('src/a b#c?%.rs'), 'src/a%20b%23c%3F%25.rs');
    assert.strictEqual(artifactUri('src/<img src=x>/ü.rs'), 'src/%3Cimg%20src%3Dx%3E/%C3%BC.rs');
    assert.strictEqual(artifactUri('a:b/c.rs'), 'a%3Ab/c.rs', 'a colon in the first segment is not a scheme');
    assert.strictEqual(artifactUri('../up/lib.rs'), '../up/lib.rs');
    assert.strictEqual(artifactUri('src/new\nline.rs'), 'src/new%0Aline.rs');
  });

  it('writes an absolute path as a file: URI, as url.pathToFileURL does', () => {
    assert.strictEqual(artifactUri('/abs/a b.rs'), pathToFileURL('/abs/a b.rs').href);
    assert.strictEqual(artifactUri('C:/dir/a b.rs'), 'file:///C:/dir/a%20b.rs');
  });

  it('reads back the path it encoded', () => {
    for (const p of ['src/a b#c?%.rs', 'src/<x>/ü.rs', '/abs/a b.rs', 'C:/d/%.rs', 'src/new\nline.rs'])
      assert.strictEqual(artifactPath(artifactUri(p)), p);
    assert.strictEqual(artifactPath('bad%zz.rs'), 'bad%zz.rs', 'a malformed escape is kept');
  });

  it('merges the SARIF of shards whose files need encoding', async () => {
    const root = tempTree({
      'a b/Cargo.toml': '[package]\nname = "a"\nversion = "0.1.0"\nedition = "2021"\n',
      'a b/src/lib.rs': 'mod m;\n#[no_mangle]\npub extern "C" fn f(s: &str) {}\n',
      'a b/src/m.rs': '#[no_mangle]\npub extern "C" fn g(c: char) {}\n',
      'c#%/Cargo.toml': '[package]\nname = "c"\nversion = "0.1.0"\nedition = "2021"\n',
      'c#%/src/lib.rs': '#[no_mangle]\npub extern "C" fn h(s: &str) {}\n',
    });
    const files: string[] = [];
    for (const i of [1, 2]) {
      const r = await run(['check', '.', '--format', 'sarif', '--shard', `${i}/2`], root);
      files.push(path.join(root, `shard-${i}.sarif`));
      fs.writeFileSync(files[i - 1], r.stdout);
    }
    const merged = await run(['merge', ...files], root);
    assert.strictEqual(merged.code, 0, merged.stderr);
    const whole = await run(['check', '.', '--format', 'sarif'], root);
    assert.deepStrictEqual(JSON.parse(merged.stdout), JSON.parse(whole.stdout));
    const uris = (JSON.parse(whole.stdout) as SarifLog).runs[0].results.map(
      (r) => r.locations[0].physicalLocation.artifactLocation.uri,
    );
    assert.deepStrictEqual(uris, ['a%20b/src/lib.rs', 'a%20b/src/m.rs', 'c%23%25/src/lib.rs']);
  });
});
