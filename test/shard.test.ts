import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { REPO, runCli as run, tempTree } from './harness/cli';
import { sarifValidator } from './harness/sarif-schema';
import { tempDir } from './harness/tmp';
import type { CheckDiagnostic, CheckJson, ShardData } from '../protocol/check';
import { defaultSettings } from '../server/src/core/config';
import { CrossCrateCheck, ExternalAbi, runCrossCrateChecks } from '../server/src/core/abi/cross-crate';
import { mergeOutputs, reduceRun } from '../server/src/core/merge';
import { partitionCrates, runCheck } from '../server/src/core/shard';
import { checkJson } from '../server/src/core/check-json';
import { checkPaths } from '../server/src/core/project';

/**
 * `check --shard I/N` and `merge` (../shared/CLI.md): the shares are disjoint, together they cover
 * every crate, each weighs at most the mean plus the largest crate, and merging them prints exactly
 * what one unsharded run prints.
 */

/** A Cargo workspace of several crates: the parity fixtures' multi-file crates, the example, and more. */
function workspace(extra: Record<string, string | Buffer> = {}): string {
  const files: Record<string, string | Buffer> = {};
  const copy = (from: string, to: string): void => {
    for (const entry of fs.readdirSync(from, { withFileTypes: true })) {
      const source = path.join(from, entry.name);
      if (entry.isDirectory()) copy(source, `${to}/${entry.name}`);
      else files[`${to}/${entry.name}`] = fs.readFileSync(source);
    }
  };
  const parity = path.join(REPO, 'test', 'fixtures', 'parity', 'crates');
  const members = ['ffi-demo', 'shared', 'host', 'plugin'];
  for (const name of fs.readdirSync(parity)) {
    copy(path.join(parity, name), `crates/${name}`);
    files[`crates/${name}/Cargo.toml`] =
      `[package]\nname = "${name}"\nversion = "0.1.0"\nedition = "2021"\n\n[lib]\npath = "lib.rs"\n`;
    members.push(`crates/${name}`);
  }
  copy(path.join(REPO, 'examples', 'ffi-demo'), 'ffi-demo');
  Object.assign(files, {
    'Cargo.toml': `[workspace]\nmembers = [${members.map((m) => `"${m}"`).join(', ')}]\n`,
    // A library and a binary of one package share a module: its findings are reported once, for the library.
    'shared/Cargo.toml': '[package]\nname = "shared"\nversion = "0.1.0"\nedition = "2021"\n',
    'shared/src/lib.rs': 'mod ffi;\n',
    'shared/src/main.rs': 'mod ffi;\n\nfn main() {}\n',
    'shared/src/ffi.rs': '#[no_mangle]\npub extern "C" fn shared_name(s: &str) -> usize {\n    s.len()\n}\n',
    // A host importing what a plugin exports, and the plugin's generated bindings under target/.
    'host/Cargo.toml': '[package]\nname = "host"\nversion = "0.1.0"\nedition = "2021"\n',
    'host/src/lib.rs':
      'extern "C" {\n    pub fn plugin_init(flags: u32) -> i32;\n    pub fn plugin_name(c: char);\n    pub fn plugin_count(n: u32) -> u32;\n}\n',
    'plugin/Cargo.toml': '[package]\nname = "plugin"\nversion = "0.1.0"\nedition = "2021"\n',
    'plugin/src/lib.rs':
      '#[no_mangle]\npub extern "C" fn plugin_init(flags: u32) -> i32 {\n    flags as i32\n}\n\n#[no_mangle]\npub extern "C" fn plugin_count(n: usize) -> u32 {\n    n as u32\n}\n\ninclude!("../target/gen/bindings.rs");\n',
    'plugin/target/gen/bindings.rs': 'extern "C" {\n    pub fn generated(s: &str);\n}\n',
    ...extra,
  });
  return tempTree(files, 'ffi-guard-shard-');
}

/** The same workspace with files outside every package: standalone crates, and a file that cannot be read. */
function workspaceWithLooseFiles(): string {
  return workspace({
    'scripts/tool.rs': 'mod helper;\npub extern "C" fn tool(v: Vec<u8>) {}\n',
    'scripts/helper.rs': 'pub extern "C" fn helper(c: char) {}\n',
    'scripts/alone.rs': '#[no_mangle]\npub extern "C" fn alone(t: (u8, u8)) {}\n',
    'scripts/binary.rs': Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0, 0, 1, 2]),
  });
}

interface Outputs {
  /** The files each shard printed, shard 1 first. */
  files: string[];
  shards: ShardData[];
  codes: number[];
}

/** Run `check --shard I/N` for every I, each output written to a file as a CI job would upload it. */
async function shards(dir: string, count: number, format: 'json' | 'sarif', extra: string[] = []): Promise<Outputs> {
  const outDir = tempDir('ffi-guard-shard-out-');
  const out: Outputs = { files: [], shards: [], codes: [] };
  for (let i = 1; i <= count; i++) {
    const r = await run(['check', '.', '--format', format, '--shard', `${i}/${count}`, ...extra], dir);
    assert.ok(r.code === 0 || r.code === 1, r.stderr);
    const file = path.join(outDir, `shard-${i}.${format}`);
    fs.writeFileSync(file, r.stdout);
    const parsed = JSON.parse(r.stdout) as CheckJson & { runs?: { properties: { shard: ShardData } }[] };
    out.shards.push(format === 'json' ? parsed.shard! : parsed.runs![0].properties.shard);
    out.files.push(file);
    out.codes.push(r.code);
  }
  return out;
}

describe('shard: check --shard I/N and merge', function () {
  this.timeout(300_000);
  let dir: string;
  let whole: { json: string; sarif: string; code: number };
  let crateCount: number;

  before(async () => {
    dir = workspace();
    const json = await run(['check', '.', '--format', 'json'], dir);
    const sarif = await run(['check', '.', '--format', 'sarif'], dir);
    whole = { json: json.stdout, sarif: sarif.stdout, code: json.code };
    crateCount = (await shards(dir, 1, 'json')).shards[0].crates.length;
  });

  it('splits the crates into disjoint shares that cover every crate, balanced by size', async () => {
    assert.strictEqual(crateCount, 10, 'ffi-demo, five parity crates, the shared library and binary, host, plugin');
    for (const count of [1, 2, 3, 4, crateCount, crateCount + 2]) {
      const { shards: data } = await shards(dir, count, 'json');
      const crates = data[0].crates;
      const owner = new Map<number, number>();
      for (const d of data) {
        assert.deepStrictEqual(d.crates, crates, 'every shard sees the same crates');
        for (const c of d.share) {
          assert.ok(!owner.has(c), `crate ${crates[c].root} is in shards ${owner.get(c)} and ${d.index}`);
          owner.set(c, d.index);
        }
      }
      assert.deepStrictEqual(
        [...owner.keys()].sort((a, b) => a - b),
        crates.map((_, i) => i),
        `${count} shards cover every crate`,
      );
      const sizes = crates.map((c) => c.size);
      const mean = sizes.reduce((a, b) => a + b, 0) / count;
      for (const d of data) {
        const load = d.share.reduce((sum, c) => sum + sizes[c], 0);
        assert.ok(load <= mean + Math.max(...sizes), `shard ${d.index}/${count} weighs ${load}, mean ${mean}`);
      }
    }
  });

  it('merges into exactly what one unsharded run prints, in JSON and in SARIF', async () => {
    const mismatches = (JSON.parse(whole.json) as CheckJson).diagnostics.filter((d) => d.rule === 'abi-mismatch');
    assert.deepStrictEqual(
      mismatches.map((d) => [d.file, d.related?.[0].file]),
      [
        ['host/src/lib.rs', 'plugin/src/lib.rs'],
        ['plugin/src/lib.rs', 'host/src/lib.rs'],
      ],
      'the host and the plugin disagree on plugin_count, on both sides',
    );
    for (const count of [1, 2, 3, crateCount, crateCount + 2]) {
      const json = await shards(dir, count, 'json');
      const merged = await run(['merge', ...json.files]);
      assert.strictEqual(merged.stderr, '');
      assert.strictEqual(merged.stdout, whole.json, `${count} JSON shards`);
      assert.strictEqual(merged.code, whole.code);
      assert.strictEqual((await run(['merge', '--format', 'sarif', ...json.files])).stdout, whole.sarif);
      const sarif = await shards(dir, count, 'sarif');
      for (const file of sarif.files) {
        const validate = sarifValidator();
        assert.ok(validate(JSON.parse(fs.readFileSync(file, 'utf8'))), JSON.stringify(validate.errors, null, 2));
      }
      assert.strictEqual((await run(['merge', ...sarif.files.reverse()])).stdout, whole.sarif, `${count} SARIF shards`);
    }
  });

  it('merges a workspace with standalone files and skipped ones as one run prints it', async () => {
    const loose = workspaceWithLooseFiles();
    const expected = await run(['check', '.', '--format', 'json'], loose);
    const out = JSON.parse(expected.stdout) as CheckJson;
    assert.ok(out.diagnostics.some((d) => d.file === 'scripts/helper.rs'));
    assert.deepStrictEqual(
      out.skipped.map((s) => s.file),
      ['scripts/binary.rs'],
    );
    for (const count of [2, 5]) {
      const { files } = await shards(loose, count, 'json');
      assert.strictEqual((await run(['merge', ...files])).stdout, expected.stdout, `${count} shards`);
    }
  });

  it('checks one crate at a time and prints what checking them all at once finds', async () => {
    for (const dir of [workspace(), workspaceWithLooseFiles()]) {
      const rel = (f: string): string => path.relative(dir, f);
      const settings = defaultSettings();
      const once = checkJson(await checkPaths(['.'], dir, settings), rel);
      const each = (await runCheck(['.'], dir, settings, rel, { surface: true })).json;
      assert.ok(once.diagnostics.length > 10, 'the workspace has findings to compare');
      assert.deepStrictEqual(each, once);
    }
  });

  it('reports a finding of a file two crates share once, for the first crate, as one run does', async () => {
    const { shards: data, files } = await shards(dir, crateCount, 'json');
    const carrying = files.filter((f) =>
      (JSON.parse(fs.readFileSync(f, 'utf8')) as CheckJson).diagnostics.some((d) => d.file === 'shared/src/ffi.rs'),
    );
    assert.strictEqual(carrying.length, 2, 'the library and the binary each report it in their own shard');
    const merged = JSON.parse((await run(['merge', ...files])).stdout) as CheckJson;
    assert.deepStrictEqual(
      merged.diagnostics.filter((d) => d.file === 'shared/src/ffi.rs').map((d) => d.rule),
      ['str-type'],
    );
    const lib = data[0].crates.findIndex((c) => c.root === 'shared/src/lib.rs');
    const bin = data[0].crates.findIndex((c) => c.root === 'shared/src/main.rs');
    assert.ok(lib >= 0 && lib < bin, 'the library is checked before the binary');
  });

  it('orders findings of files only one shard reads (include!d from target/) as one run does', async () => {
    const out = JSON.parse(whole.json) as CheckJson;
    assert.ok(out.diagnostics.some((d) => d.file === 'plugin/target/gen/bindings.rs'));
    const { shards: data } = await shards(dir, 3, 'json');
    const knowing = data.filter((d) => 'plugin/target/gen/bindings.rs' in d.sortKeys);
    assert.strictEqual(knowing.length, 1);
  });

  it('exits as check would for the merged findings, --deny warnings honoured', async () => {
    // `abi-mismatch` (an error by default) is found by the merge only: as a warning here, so that the
    // merge has only warnings to deny.
    const lenient = tempTree({ 'ffi-guard.toml': '[rules]\n"abi-mismatch" = "warning"\n' });
    const config = ['--config', path.join(lenient, 'ffi-guard.toml')];
    const { files, codes } = await shards(dir, 3, 'json', config);
    assert.deepStrictEqual(codes, [0, 0, 0], 'no error, only warnings');
    assert.strictEqual((await run(['merge', ...files])).code, 0);
    assert.strictEqual((await run(['merge', '--deny', 'warnings', ...files])).code, 1);
    assert.strictEqual((await run(['check', '.', '--deny', 'warnings', ...config], dir)).code, 1);
    const { files: strictFiles } = await shards(dir, 3, 'json');
    assert.strictEqual((await run(['merge', ...strictFiles])).code, 1, 'the merge finds the abi-mismatch error');
    const errors = tempTree({ 'ffi-guard.toml': '[rules]\nstr-type = "error"\n' });
    const strict = await shards(dir, 2, 'json', ['--config', path.join(errors, 'ffi-guard.toml')]);
    assert.ok(strict.codes.includes(1), 'the shard holding a `&str` export fails');
    assert.strictEqual((await run(['merge', ...strict.files])).code, 1);
  });

  it('prints a share as text, with the share in its summary', async () => {
    const r = await run(['check', '.', '--shard', '2/3'], dir);
    assert.match(r.stdout, /\(shard 2\/3: \d+ of 10 crates\)\n$/);
  });

  it('refuses a malformed --shard as a usage error', async () => {
    for (const bad of ['0/3', '4/3', '1/0', 'a/b', '1/2/3', '-1/2', '1.5/2', '2', '1/10001']) {
      const r = await run(['check', '.', `--shard=${bad}`], dir);
      assert.strictEqual(r.code, 2, bad);
      assert.match(r.stderr, /invalid --shard `.*` \(expected I\/N with 1 ≤ I ≤ N/, bad);
    }
    assert.strictEqual((await run(['check', '.', '--shard'], dir)).code, 2);
  });

  it('refuses outputs that are not the shares of one run, and says why', async () => {
    const json = await shards(dir, 3, 'json');
    const sarif = await shards(dir, 3, 'sarif');
    const other = tempDir('ffi-guard-shard-bad-');
    const write = (name: string, text: string): string => {
      const file = path.join(other, name);
      fs.writeFileSync(file, text);
      return file;
    };
    let edits = 0;
    const edit = (file: string, change: (value: CheckJson) => void): string => {
      const value = JSON.parse(fs.readFileSync(file, 'utf8')) as CheckJson;
      change(value);
      return write(`edited-${++edits}-${path.basename(file)}`, JSON.stringify(value));
    };
    const strict = tempTree({ 'ffi-guard.toml': '[rules]\nstr-type = "error"\n' });
    const configured = await shards(dir, 3, 'json', ['--config', path.join(strict, 'ffi-guard.toml')]);
    const four = await shards(dir, 4, 'json');
    const cases: [string[], RegExp][] = [
      [[], /needs the FILE/],
      [[path.join(other, 'missing.json')], /cannot read .*missing\.json/],
      [[write('text.json', 'not json')], /text\.json is not JSON/],
      [[write('other.json', '{"a": 1}')], /neither the JSON nor the SARIF/],
      [[write('whole.json', whole.json)], /without --shard/],
      [[json.files[0], sarif.files[1], json.files[2]], /is JSON and .* is SARIF/],
      [[json.files[0], json.files[1], configured.files[2]], /different configurations/],
      [[json.files[0], json.files[1], four.files[2]], /shard 1\/3 .* shard 3\/4/],
      [[json.files[0], json.files[0], json.files[2]], /both shard 1\/3/],
      [[json.files[0], json.files[2]], /shard 2\/3 missing/],
      [[json.files[0], json.files[1], edit(json.files[2], (v) => (v.tool.version = '0.0.1'))], /ffi-guard 0\.0\.1/],
      [[edit(json.files[0], (v) => (v.shard!.paths = ['src'])), json.files[1], json.files[2]], /different paths/],
      [[edit(json.files[0], (v) => v.shard!.files.pop()), json.files[1], json.files[2]], /different files/],
      [[...sarif.files, '--format', 'json'], /SARIF, which lacks/],
    ];
    for (const [args, message] of cases) {
      const r = await run(['merge', ...args]);
      assert.strictEqual(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
      assert.strictEqual(r.stdout, '');
      assert.match(r.stderr, message, args.join(' '));
    }
  });

  it('runs the cross-crate checks over the union of the shares, as an unsharded check does', async () => {
    const seen: string[][] = [];
    // Not a rule: a check that shows what the reduce step hands the cross-crate checks, and where its findings go.
    const imported: CrossCrateCheck = {
      rule: 'unresolved-type',
      check: (abi) => {
        seen.push(abi.surfaces.map((s) => abi.crates[s.crate].name));
        const exports = new Map(
          abi.surfaces.flatMap((s) =>
            s.symbols.filter((x) => x.direction === 'export').map((x) => [x.name, abi.crates[s.crate].name] as const),
          ),
        );
        return abi.surfaces.flatMap((s) =>
          s.symbols
            .filter((x) => x.direction === 'import' && exports.has(x.name))
            .map((x) => ({
              file: x.file,
              line: x.line,
              column: x.column,
              endLine: x.endLine,
              endColumn: x.endColumn,
              rule: 'unresolved-type',
              severity: 'warning' as const,
              certainty: 'caution' as const,
              message: `\`${x.name}\` (${x.cPrototype}) is exported by crate ${exports.get(x.name)}`,
              rustcLint: null,
              symbol: x.rustName,
              fixes: [],
            })),
        );
      },
    };
    const rel = (f: string): string => path.relative(dir, f).split(path.sep).join('/');
    const settings = defaultSettings();
    const unsharded = reduceRun(await runCheck(['.'], dir, settings, rel, { surface: true }), [imported]).json;
    const found = unsharded.diagnostics.filter((d) => d.message.includes('is exported by crate'));
    assert.deepStrictEqual(
      found.map((d) => [d.file, d.line, d.message]),
      [
        ['host/src/lib.rs', 2, '`plugin_init` (int32_t plugin_init(uint32_t flags);) is exported by crate plugin'],
        ['host/src/lib.rs', 4, '`plugin_count` (uint32_t plugin_count(uint32_t n);) is exported by crate plugin'],
      ],
    );
    const count = 4;
    const inputs = [];
    for (let index = 1; index <= count; index++) {
      const run = await runCheck(['.'], dir, settings, rel, { shard: { index, count }, surface: true });
      inputs.push({ source: `shard ${index}`, value: { ...run.json, shard: run.shard } as unknown });
    }
    const merged = mergeOutputs(inputs, 'json', [imported]).output;
    assert.strictEqual(JSON.stringify(merged, null, 2), JSON.stringify(unsharded, null, 2));
    assert.deepStrictEqual(seen[1], seen[0], 'the merge sees every crate, as the whole run does');
    assert.deepStrictEqual(
      runCrossCrateChecks({ crates: [], surfaces: [] }, { 'unresolved-type': 'off' }, [imported]),
      [],
      'a rule set to off reports nothing',
    );
  });
});

describe('shard: merge tells repeats apart', () => {
  it('keeps one of a finding two crates report at one place, and each other finding there', async () => {
    const dir = workspace();
    const rel = (f: string): string => path.relative(dir, f).split(path.sep).join('/');
    const settings = defaultSettings();
    const outputs = [];
    for (const index of [1, 2])
      outputs.push(await runCheck(['.'], dir, settings, rel, { shard: { index, count: 2 }, surface: true }));
    const [first, second] = outputs;
    const original = first.json.diagnostics[0];
    const other = second.shard.share.find(
      (c) => second.shard.crates[c].root !== first.shard.crates[first.shard.reportedBy[0]].root,
    )!;
    const variant = { ...original, message: `${original.message} (another finding at the same place)` };
    // The second shard also reports the first shard's finding, and another one at its place.
    const doubled = {
      ...second.json,
      diagnostics: [...second.json.diagnostics, original, variant],
      shard: {
        ...second.shard,
        reportedBy: [...second.shard.reportedBy, other, other],
        sortKeys: { ...second.shard.sortKeys, [original.file]: first.shard.sortKeys[original.file] },
      },
    };
    const merged = mergeOutputs(
      [
        { source: 'shard 1', value: { ...first.json, shard: first.shard } },
        { source: 'shard 2', value: doubled },
      ],
      'json',
    ).output as CheckJson;
    const plain = mergeOutputs(
      [
        { source: 'shard 1', value: { ...first.json, shard: first.shard } },
        { source: 'shard 2', value: { ...second.json, shard: second.shard } },
      ],
      'json',
    ).output as CheckJson;
    const same = (d: CheckDiagnostic): boolean => JSON.stringify(d) === JSON.stringify(original);
    assert.strictEqual(merged.diagnostics.filter(same).length, 1);
    assert.strictEqual(merged.diagnostics.filter((d) => d.message === variant.message).length, 1);
    assert.strictEqual(merged.diagnostics.length, plain.diagnostics.length + 1);
  });
});

describe('shard: the symbols an unsharded check builds', () => {
  it('builds every export and the imports an export pairs, a host checked before its plugin included', async () => {
    const dir = workspace();
    const rel = (f: string): string => path.relative(dir, f).split(path.sep).join('/');
    const settings = defaultSettings();
    const full = await runCheck(['.'], dir, settings, rel, { surface: true });
    const crates = full.shard.crates;
    const host = crates.findIndex((c) => c.name === 'host');
    const plugin = crates.findIndex((c) => c.name === 'plugin');
    assert.ok(host >= 0 && host < plugin, 'the host, which imports, is checked before the plugin, which exports');
    const names = (surface: typeof full.shard.surface): string[] =>
      surface.flatMap((c) => c.symbols.map((s) => `${crates[c.crate].name} ${s.direction} ${s.name}`)).sort();
    // `generated` (imported by the plugin's bindings) is exported by a library outside the run.
    const generated = full.shard.surface.flatMap((c) => c.symbols).find((s) => s.name === 'generated')!;
    const baseline: ExternalAbi = {
      name: 'the baseline lib.ffi-abi',
      kind: 'baseline',
      symbols: [{ ...generated, direction: 'export', file: 'lib.ffi-abi' }],
    };
    const alone = await runCheck(['.'], dir, settings, rel, { surface: true, pairedWith: [] });
    const against = await runCheck(['.'], dir, settings, rel, { surface: true, pairedWith: [baseline] });
    const exports = names(full.shard.surface).filter((n) => n.includes(' export '));
    assert.ok(names(full.shard.surface).includes('host import plugin_name'), 'an import no crate exports');
    assert.deepStrictEqual(
      names(alone.shard.surface),
      [...exports, 'host import plugin_count', 'host import plugin_init'].sort(),
    );
    assert.deepStrictEqual(
      names(against.shard.surface),
      [...exports, 'host import plugin_count', 'host import plugin_init', 'plugin import generated'].sort(),
    );
    // Each symbol built is the one a full build has, and the cross-crate findings are the same.
    const fullSymbols = new Map(
      full.shard.surface.flatMap((c) => c.symbols.map((s) => [`${c.crate} ${s.direction} ${s.name}`, s] as const)),
    );
    for (const c of against.shard.surface)
      for (const s of c.symbols) assert.deepStrictEqual(s, fullSymbols.get(`${c.crate} ${s.direction} ${s.name}`));
    const printed = (run: typeof full, external: ExternalAbi[]): string =>
      JSON.stringify(reduceRun(run, undefined, external).json);
    assert.ok(printed(full, []).includes('abi-mismatch'), 'the host and the plugin disagree on `plugin_count`');
    assert.strictEqual(printed(alone, []), printed(full, []));
    assert.strictEqual(printed(against, [baseline]), printed(full, [baseline]));
  });

  it('builds every symbol of a shard, whatever the other shards hold', async () => {
    const dir = workspace();
    const rel = (f: string): string => path.relative(dir, f).split(path.sep).join('/');
    const settings = defaultSettings();
    const shard = await runCheck(['.'], dir, settings, rel, {
      shard: { index: 1, count: 1 },
      surface: true,
      pairedWith: [],
    });
    const full = await runCheck(['.'], dir, settings, rel, { surface: true });
    assert.deepStrictEqual(shard.shard.surface, full.shard.surface);
  });
});

describe('shard: partitionCrates', () => {
  it('gives each crate, largest first, to the lightest share; ties go by path, then to the first share', () => {
    const crates = [
      { root: 'b/lib.rs', size: 10 },
      { root: 'a/lib.rs', size: 10 },
      { root: 'c/lib.rs', size: 30 },
      { root: 'd/lib.rs', size: 5 },
      { root: 'e/lib.rs', size: 0 },
    ];
    assert.deepStrictEqual(partitionCrates(crates, 2), [[2], [0, 1, 3, 4]]);
    assert.deepStrictEqual(partitionCrates(crates, 3), [[2], [1, 3], [0, 4]]);
    assert.deepStrictEqual(partitionCrates(crates, 7), [[2], [1], [0], [3], [4], [], []]);
    assert.deepStrictEqual(partitionCrates(crates, 1), [[0, 1, 2, 3, 4]]);
  });

  it('never loads a share past the mean plus the largest crate', () => {
    let seed = 7;
    const random = (): number => (seed = (seed * 48271) % 2147483647) / 2147483647;
    for (let round = 0; round < 50; round++) {
      const crates = Array.from({ length: 1 + Math.floor(random() * 60) }, (_, i) => ({
        root: `c${i}/lib.rs`,
        size: Math.floor(random() ** 3 * 1e6),
      }));
      const count = 1 + Math.floor(random() * 12);
      const shares = partitionCrates(crates, count);
      assert.deepStrictEqual(
        shares.flat().sort((a, b) => a - b),
        crates.map((_, i) => i),
      );
      const total = crates.reduce((sum, c) => sum + c.size, 0);
      const largest = Math.max(...crates.map((c) => c.size));
      for (const share of shares)
        assert.ok(share.reduce((sum, i) => sum + crates[i].size, 0) <= total / count + largest);
    }
  });
});
