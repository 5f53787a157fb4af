import * as assert from 'assert';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { load } from 'js-yaml';
import { REPO } from './harness/cli';
import { tempDir } from './harness/tmp';

/**
 * The CI recipes run as written, as far as they can run here: the composite action's (action.yml) run
 * steps are executed as GitHub runs them (`bash --noprofile --norc -eo pipefail`, with GITHUB_ENV,
 * GITHUB_OUTPUT and the steps' `if:` conditions evaluated), against a copy of the repository's example;
 * its `uses:` steps are checked for what they would be given. The pre-commit hooks' entries are run the
 * same way. The example workflow is checked to call the action with inputs it declares.
 */

interface Step {
  id?: string;
  if?: string;
  uses?: string;
  with?: Record<string, string>;
  shell?: string;
  env?: Record<string, string>;
  run?: string;
}

interface Action {
  inputs: Record<string, { description: string; default?: string }>;
  outputs: Record<string, { value: string }>;
  runs: { using: string; steps: Step[] };
}

const action = load(fs.readFileSync(path.join(REPO, 'action.yml'), 'utf8')) as Action;

interface Context {
  inputs: Record<string, string>;
  github: { event_name: string };
  steps: Record<string, { outputs: Record<string, string>; outcome: string }>;
  failed: boolean;
}

/** `${{ … }}`'s few expression forms used in action.yml: a context path, or a quoted string. */
function value(expr: string, ctx: Context): string {
  const e = expr.trim();
  const quoted = /^'(.*)'$/.exec(e);
  if (quoted) return quoted[1];
  const parts = e.split('.');
  if (parts[0] === 'inputs') return ctx.inputs[parts.slice(1).join('.')] ?? '';
  if (parts[0] === 'github' && parts[1] === 'event_name') return ctx.github.event_name;
  if (parts[0] === 'steps') {
    const step = ctx.steps[parts[1]];
    if (!step) return '';
    if (parts[2] === 'outcome') return step.outcome;
    if (parts[2] === 'outputs') return step.outputs[parts[3]] ?? '';
  }
  throw new Error(`the test does not know the expression \`${e}\`: teach it`);
}

function interpolate(text: string, ctx: Context): string {
  return text.replace(/\$\{\{(.*?)\}\}/g, (_, e: string) => value(e, ctx));
}

/** An `if:` of `&&`-joined terms: `always()`, `X == 'v'`, `X != 'v'`. Without `always()`, only after success. */
function condition(expr: string | undefined, ctx: Context): boolean {
  if (!expr) return !ctx.failed;
  const terms = expr.split('&&').map((t) => t.trim());
  if (!terms.includes('always()') && ctx.failed) return false;
  return terms.every((t) => {
    if (t === 'always()') return true;
    const m = /^(.+?)\s*(==|!=)\s*(.+)$/.exec(t);
    if (!m) throw new Error(`the test does not know the condition \`${t}\`: teach it`);
    const equal = value(m[1], ctx) === value(m[3], ctx);
    return m[2] === '==' ? equal : !equal;
  });
}

/** `KEY=VALUE` lines of a GITHUB_ENV or GITHUB_OUTPUT file. */
function keyValues(file: string): Record<string, string> {
  const out: Record<string, string> = {};
  if (!fs.existsSync(file)) return out;
  for (const line of fs.readFileSync(file, 'utf8').split('\n')) {
    const i = line.indexOf('=');
    if (i > 0) out[line.slice(0, i)] = line.slice(i + 1);
  }
  return out;
}

interface JobRun {
  /** The job's result: false when a step failed. */
  success: boolean;
  /** Per step (its id, or its index): what ran and how it ended; `uses` steps with their `with`. */
  steps: { name: string; ran: boolean; status?: number; stdout?: string; stderr?: string; with?: object }[];
  outputs: Record<string, string>;
}

/** Run the action's steps in `workspace` with these inputs, as the runner would. */
function runAction(workspace: string, given: Record<string, string>, eventName: string): JobRun {
  const inputs: Record<string, string> = {};
  for (const [name, spec] of Object.entries(action.inputs)) inputs[name] = given[name] ?? spec.default ?? '';
  for (const name of Object.keys(given)) assert.ok(name in action.inputs, `action.yml declares input ${name}`);
  const ctx: Context = { inputs, github: { event_name: eventName }, steps: {}, failed: false };
  const runner = tempDir('ffi-guard-runner-');
  const env: Record<string, string> = {};
  const result: JobRun = { success: true, steps: [], outputs: {} };
  action.runs.steps.forEach((step, i) => {
    const name = step.uses ?? step.id ?? String(i);
    if (!condition(step.if, ctx)) {
      result.steps.push({ name, ran: false });
      if (step.id) ctx.steps[step.id] = { outputs: {}, outcome: 'skipped' };
      return;
    }
    if (step.uses) {
      const inputsOfStep = Object.fromEntries(
        Object.entries(step.with ?? {}).map(([k, v]) => [k, interpolate(String(v), ctx)]),
      );
      result.steps.push({ name: step.uses, ran: true, with: inputsOfStep });
      return;
    }
    assert.strictEqual(step.shell, 'bash', `${name}: a run step says its shell`);
    const githubEnv = path.join(runner, `env-${i}`);
    const githubOutput = path.join(runner, `output-${i}`);
    const script = path.join(runner, `step-${i}.sh`);
    fs.writeFileSync(script, interpolate(step.run!, ctx));
    const stepEnv = Object.fromEntries(
      Object.entries(step.env ?? {}).map(([k, v]) => [k, interpolate(String(v), ctx)]),
    );
    const r = spawnSync('bash', ['--noprofile', '--norc', '-eo', 'pipefail', script], {
      cwd: workspace,
      encoding: 'utf8',
      env: {
        ...process.env,
        ...env,
        ...stepEnv,
        GITHUB_ACTION_PATH: REPO,
        GITHUB_WORKSPACE: workspace,
        GITHUB_ENV: githubEnv,
        GITHUB_OUTPUT: githubOutput,
        NO_COLOR: '1',
      },
    });
    Object.assign(env, keyValues(githubEnv));
    const outcome = r.status === 0 ? 'success' : 'failure';
    if (step.id) ctx.steps[step.id] = { outputs: keyValues(githubOutput), outcome };
    if (r.status !== 0) ctx.failed = true;
    result.steps.push({ name, ran: true, status: r.status ?? -1, stdout: r.stdout, stderr: r.stderr });
  });
  result.success = !ctx.failed;
  for (const [name, o] of Object.entries(action.outputs)) result.outputs[name] = interpolate(o.value, ctx);
  return result;
}

function step(run: JobRun, name: string): JobRun['steps'][number] {
  const s = run.steps.find((x) => x.name === name);
  assert.ok(s, `step ${name}`);
  return s;
}

/** A copy of examples/ffi-demo as the repository being checked. */
function exampleRepository(): string {
  const dir = tempDir('ffi-guard-action-ws-');
  fs.cpSync(path.join(REPO, 'examples', 'ffi-demo'), dir, { recursive: true });
  return dir;
}

const FFI_GUARD = path.join(REPO, 'bin', 'ffi-guard.js');

describe('action.yml: the composite action, its steps run as GitHub runs them', function () {
  this.timeout(180_000);

  it('is a composite action whose run steps all say their shell', () => {
    assert.strictEqual(action.runs.using, 'composite');
    assert.deepStrictEqual(
      action.runs.steps.filter((s) => s.uses).map((s) => s.uses),
      ['actions/setup-node@v4', 'github/codeql-action/upload-sarif@v3'],
    );
  });

  it('on a push: checks, writes the SARIF, annotates, uploads, and passes on warnings', () => {
    const ws = exampleRepository();
    const run = runAction(ws, {}, 'push');
    assert.ok(run.success, JSON.stringify(run.steps, null, 2));
    assert.strictEqual(run.outputs['exit-code'], '0');
    const sarif = JSON.parse(fs.readFileSync(path.join(ws, 'ffi-guard.sarif'), 'utf8')) as {
      version: string;
      runs: {
        results: { ruleId: string; locations: { physicalLocation: { artifactLocation: { uri: string } } }[] }[];
      }[];
    };
    assert.strictEqual(sarif.version, '2.1.0');
    assert.strictEqual(sarif.runs[0].results.length, 8);
    // Paths relative to the repository root, which is where code scanning looks for them.
    assert.ok(
      sarif.runs[0].results.every((r) => r.locations[0].physicalLocation.artifactLocation.uri.startsWith('src/')),
    );
    const annotations = step(run, 'check')
      .stdout!.split('\n')
      .filter((l) => l.startsWith('::warning file=src/'));
    assert.strictEqual(annotations.length, 8);
    assert.deepStrictEqual(step(run, 'github/codeql-action/upload-sarif@v3').with, {
      sarif_file: 'ffi-guard.sarif',
      category: 'ffi-guard',
    });
    assert.strictEqual(step(run, 'baseline').ran, false, 'no baseline diff on a push');
  });

  it('fails the job on warnings with deny-warnings, after uploading the SARIF', () => {
    const run = runAction(exampleRepository(), { 'deny-warnings': 'true' }, 'push');
    assert.strictEqual(run.success, false);
    assert.strictEqual(run.outputs['exit-code'], '1');
    assert.ok(step(run, 'github/codeql-action/upload-sarif@v3').ran, 'the findings are uploaded anyway');
    const last = run.steps[run.steps.length - 1];
    assert.strictEqual(last.status, 1);
    assert.match(last.stdout!, /^::error title=ffi-guard::/);
    assert.ok(runAction(exampleRepository(), { 'deny-warnings': 'true', 'fail-on-findings': 'false' }, 'push').success);
  });

  it('passes the configuration file and a list of paths', () => {
    const ws = exampleRepository();
    fs.writeFileSync(path.join(ws, 'strict.toml'), '[rules]\nstr-type = "error"\n');
    const run = runAction(ws, { config: 'strict.toml', path: 'src/lib.rs src/sys.rs', annotations: 'false' }, 'push');
    assert.strictEqual(run.outputs['exit-code'], '1');
    assert.strictEqual(run.success, false);
    assert.doesNotMatch(step(run, 'check').stdout!, /::warning/);
  });

  it('fails with a clear error when nothing can be read, and uploads nothing', () => {
    const run = runAction(exampleRepository(), { path: 'no-such-folder' }, 'push');
    assert.strictEqual(run.success, false);
    assert.strictEqual(run.outputs['exit-code'], '2');
    assert.match(step(run, 'check').stdout!, /::error title=ffi-guard::ffi-guard check could not run/);
    assert.strictEqual(step(run, 'github/codeql-action/upload-sarif@v3').ran, false);
  });

  it('on a pull request: fails on a breaking change against the baseline, passes without one', () => {
    const ws = exampleRepository();
    const snap = spawnSync(process.execPath, [FFI_GUARD, 'snapshot', '.', '--out', 'abi.ffi-abi'], { cwd: ws });
    assert.strictEqual(snap.status, 0, String(snap.stderr));
    const same = runAction(ws, { baseline: 'abi.ffi-abi' }, 'pull_request');
    assert.ok(same.success, JSON.stringify(same.steps, null, 2));
    assert.strictEqual(step(same, 'baseline').status, 0);
    const lib = path.join(ws, 'src', 'lib.rs');
    const text = fs.readFileSync(lib, 'utf8');
    assert.match(text, /extern "C" fn kv_put\(/);
    fs.writeFileSync(lib, text.replace(/extern "C" fn kv_put\(/, 'extern "C" fn kv_put_renamed('));
    const broken = runAction(ws, { baseline: 'abi.ffi-abi' }, 'pull_request');
    assert.strictEqual(broken.success, false);
    assert.strictEqual(step(broken, 'baseline').status, 1);
    assert.match(step(broken, 'baseline').stdout!, /kv_put/);
    assert.strictEqual(step(runAction(ws, { baseline: 'abi.ffi-abi' }, 'push'), 'baseline').ran, false);
  });
});

describe('the example workflow and the pre-commit hooks', function () {
  this.timeout(120_000);

  it('the example workflow calls the action with inputs it declares, with the permission upload needs', () => {
    const workflow = load(fs.readFileSync(path.join(REPO, 'docs', 'examples', 'ffi-guard-workflow.yml'), 'utf8')) as {
      permissions: Record<string, string>;
      jobs: Record<string, { steps: Step[] }>;
    };
    assert.strictEqual(workflow.permissions['security-events'], 'write');
    const steps = Object.values(workflow.jobs).flatMap((j) => j.steps);
    const ours = steps.find((s) => s.uses && s.uses.startsWith('./'));
    assert.ok(ours, 'the action is used from a path: there is no published repository to name');
    for (const input of Object.keys(ours.with ?? {})) assert.ok(input in action.inputs, `input ${input}`);
  });

  it("the hooks' entries run as written: short findings, failing on warnings; the ABI diff", () => {
    const hooks = load(fs.readFileSync(path.join(REPO, '.pre-commit-hooks.yaml'), 'utf8')) as {
      id: string;
      entry: string;
      language: string;
      pass_filenames: boolean;
    }[];
    assert.deepStrictEqual(
      hooks.map((h) => [h.id, h.language, h.pass_filenames]),
      [
        ['ffi-guard', 'node', false],
        ['ffi-guard-abi', 'node', false],
      ],
    );
    const ws = exampleRepository();
    const entry = (id: string): string[] => {
      const [program, ...args] = hooks.find((h) => h.id === id)!.entry.split(' ');
      assert.strictEqual(program, 'ffi-guard', 'the bin the package installs');
      return args;
    };
    const check = spawnSync(process.execPath, [FFI_GUARD, ...entry('ffi-guard')], { cwd: ws, encoding: 'utf8' });
    assert.strictEqual(check.status, 1, check.stderr);
    assert.strictEqual(check.stdout.trimEnd().split('\n').length, 8);
    assert.match(check.stdout, /^src\/lib\.rs:\d+:\d+: warning\[str-type\]: /m);
    const snap = spawnSync(process.execPath, [FFI_GUARD, 'snapshot', '.', '--out', 'abi.ffi-abi'], { cwd: ws });
    assert.strictEqual(snap.status, 0);
    const diff = spawnSync(process.execPath, [FFI_GUARD, ...entry('ffi-guard-abi')], { cwd: ws, encoding: 'utf8' });
    assert.strictEqual(diff.status, 0, diff.stdout + diff.stderr);
  });
});
