import * as assert from 'assert';
import { execFile } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { promisify } from 'util';
import { main } from '../server/src/cli';
import { escapeData, escapeProperty, firstSentence, ProgressLine, Terminal } from '../server/src/cli-output';
import { REPO, tempTree } from './harness/cli';
import type { CheckJson } from '../server/src/cli';

/** The command line's manners (../shared/CLI.md): help, version, quiet, colour, progress, short and github output. */

const BIN = path.join(REPO, 'bin', 'ffi-guard.js');
const COMMANDS = ['check', 'merge', 'report', 'header', 'snapshot', 'diff', 'fix', 'lsp'];
const EXAMPLE = 'examples/ffi-demo';

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** `ffi-guard ARGS` in-process, as if on a terminal or not (and with that environment). */
async function cli(args: string[], terminal: Partial<Terminal> = {}, cwd = REPO): Promise<Run> {
  let stdout = '';
  let stderr = '';
  const code = await main(
    args,
    cwd,
    (s) => (stdout += s),
    (s) => (stderr += s),
    { stdout: false, stderr: false, env: {}, ...terminal },
  );
  return { code, stdout, stderr };
}

const execFileP = promisify(execFile);
/** `node bin/ffi-guard.js ARGS`, a real process. */
async function bin(args: string[]): Promise<Run> {
  try {
    const { stdout, stderr } = await execFileP(process.execPath, [BIN, ...args], { cwd: REPO });
    return { code: 0, stdout, stderr };
  } catch (e) {
    const { code, stdout, stderr } = e as Run;
    return { code, stdout, stderr };
  }
}

const ESC = '\x1b[';

describe('cli manners: --help and --version', function () {
  this.timeout(60_000);

  it('prints the usage on stdout and exits 0 for `--help`, `-h` and `help`', async () => {
    for (const args of [['--help'], ['-h'], ['help']]) {
      const r = await cli(args);
      assert.strictEqual(r.code, 0, args.join(' '));
      assert.strictEqual(r.stderr, '');
      assert.match(r.stdout, /^usage:\n {2}ffi-guard check/);
      assert.match(r.stdout, /`ffi-guard COMMAND --help` describes a command/);
    }
  });

  it("prints each command's own help on stdout and exits 0, with --help or -h anywhere before `--`", async () => {
    for (const command of COMMANDS)
      for (const args of [
        [command, '--help'],
        [command, '-h'],
        [command, '.', '--format', 'json', '-h'],
      ]) {
        if (command === 'lsp' && args.length > 2) continue;
        const r = await bin(args);
        assert.strictEqual(r.code, 0, `${args.join(' ')}: ${r.stderr}`);
        assert.strictEqual(r.stderr, '', args.join(' '));
        assert.ok(r.stdout.startsWith(`usage: ffi-guard ${command} `), `${args.join(' ')}: ${r.stdout}`);
        assert.match(r.stdout, /\noptions:\n/);
        assert.match(r.stdout, / {2}-h, --help +print this help and exit\n$/);
      }
  });

  it('describes every option a command takes in its help', async () => {
    const r = await cli(['check', '--help']);
    for (const option of ['--format text|short|json|sarif|github', '--config FILE', '--deny', '--shard I/N'])
      assert.ok(r.stdout.includes(option), option);
    assert.match(r.stdout, /-q, --quiet/);
    assert.match(r.stdout, /--color WHEN/);
    assert.match((await cli(['snapshot', '--help'])).stdout, /--out FILE +the baseline file to write \(required\)/);
    assert.match((await cli(['merge', '--help'])).stdout, /^usage: ffi-guard merge FILE… \[options\]/);
  });

  it('takes a --help after `--` as an operand, not as a request for help', async () => {
    const r = await cli(['check', '--', '--help']);
    assert.notStrictEqual(r.code, 0);
    assert.doesNotMatch(r.stdout, /^usage:/);
  });

  it('names an unknown option plainly, with balanced quotes', async () => {
    const r = await cli(['check', '--bogus']);
    assert.strictEqual(r.code, 2);
    assert.match(r.stderr, /^error: unknown option `--bogus`\n\nusage:\n/);
    assert.strictEqual((r.stderr.split('\n')[0].match(/["']/g) ?? []).length, 0, r.stderr);
  });

  it('prints its version with --version and -V', async () => {
    const { version } = JSON.parse(fs.readFileSync(path.join(REPO, 'package.json'), 'utf8')) as { version: string };
    for (const flag of ['--version', '-V']) {
      const r = await bin([flag]);
      assert.deepStrictEqual(r, { code: 0, stdout: `ffi-guard ${version}\n`, stderr: '' });
    }
  });
});

describe('cli manners: output formats, colour, quiet, progress', function () {
  this.timeout(60_000);
  let json: CheckJson;

  before(async () => {
    json = JSON.parse((await cli(['check', EXAMPLE, '--format', 'json'])).stdout) as CheckJson;
    assert.ok(json.diagnostics.length >= 2);
  });

  it('--format short prints one line per finding, its first sentence, and no summary', async () => {
    const r = await cli(['check', EXAMPLE, '--format', 'short']);
    assert.strictEqual(r.code, 0);
    const lines = r.stdout.trimEnd().split('\n');
    assert.strictEqual(lines.length, json.diagnostics.length);
    lines.forEach((line, i) => {
      const d = json.diagnostics[i];
      assert.strictEqual(
        line,
        `${d.file}:${d.line}:${d.column}: ${d.severity}[${d.rule}]: ${firstSentence(d.message)} (${d.certainty})`,
      );
      assert.ok(d.message.startsWith(firstSentence(d.message)));
    });
    const str = lines.find((l) => l.includes('[str-type]'))!;
    assert.ok(str.endsWith('string slices have no C equivalent. (fact)'), str);
  });

  it('firstSentence stops at a sentence end, not inside `e.g.` or a path', () => {
    assert.strictEqual(firstSentence('A is bad. B is worse.'), 'A is bad.');
    assert.strictEqual(firstSentence('Use `a.b` here, e.g. this. `x` too'), 'Use `a.b` here, e.g. this.');
    assert.strictEqual(firstSentence('no end'), 'no end');
    assert.strictEqual(firstSentence('two\nlines. Next'), 'two lines.');
  });

  it('--format github prints one workflow annotation per finding, at its place', async () => {
    const r = await cli(['check', EXAMPLE, '--format', 'github']);
    assert.strictEqual(r.code, 0);
    const lines = r.stdout.trimEnd().split('\n');
    assert.strictEqual(lines.length, json.diagnostics.length);
    lines.forEach((line, i) => {
      const d = json.diagnostics[i];
      assert.strictEqual(
        line,
        `::warning file=${d.file},line=${d.line},col=${d.column},endLine=${d.endLine},endColumn=${d.endColumn},title=ffi-guard ${d.rule}::${d.message}`,
      );
    });
  });

  it('--format github maps severities to error, warning and notice, and escapes as GitHub requires', async () => {
    const dir = tempTree({
      'we,ird:name.rs':
        '#[no_mangle]\npub extern "C" fn f(s: &str) {}\n#[no_mangle]\npub static S: String = String::new();\n',
      'ffi-guard.toml': '[rules]\nstr-type = "error"\nstatic-export = "info"\n',
    });
    const r = await cli(['check', '--format', 'github'], {}, dir);
    assert.strictEqual(r.code, 1, r.stderr);
    const lines = r.stdout.trimEnd().split('\n');
    const error = lines.find((l) => l.startsWith('::error '));
    const notice = lines.find((l) => l.startsWith('::notice '));
    assert.ok(error && notice, r.stdout);
    assert.ok(error.startsWith('::error file=we%2Cird%3Aname.rs,line=2,'), error);
    assert.match(error, /,title=ffi-guard str-type::/);
    for (const line of lines) assert.doesNotMatch(line.slice(2).replace(/::.*$/, ''), /[\r\n]/);
  });

  it('escapes annotation data and properties as the Actions toolkit does', () => {
    assert.strictEqual(escapeData('100% a\r\nb\nc'), '100%25 a%0D%0Ab%0Ac');
    assert.strictEqual(escapeData('a:b,c'), 'a:b,c');
    assert.strictEqual(escapeProperty('a:b,c%\n'), 'a%3Ab%2Cc%25%0A');
  });

  it('colours only on a terminal without NO_COLOR, unless --color says otherwise', async () => {
    const coloured = async (args: string[], terminal: Partial<Terminal>): Promise<boolean> =>
      (await cli(['check', EXAMPLE, ...args], terminal)).stdout.includes(ESC);
    assert.strictEqual(await coloured([], { stdout: false }), false, 'a pipe: no colour');
    assert.strictEqual(await coloured([], { stdout: true }), true, 'a terminal: colour');
    assert.strictEqual(await coloured([], { stdout: true, env: { NO_COLOR: '1' } }), false, 'NO_COLOR');
    assert.strictEqual(await coloured([], { stdout: true, env: { NO_COLOR: '' } }), true, 'NO_COLOR empty');
    assert.strictEqual(await coloured(['--color', 'always'], { stdout: false, env: { NO_COLOR: '1' } }), true);
    assert.strictEqual(await coloured(['--color', 'never'], { stdout: true }), false);
    assert.strictEqual(await coloured(['--format', 'short', '--color', 'always'], {}), true);
    assert.strictEqual(await coloured(['--format', 'json', '--color', 'always'], {}), false, 'JSON is never coloured');
    const r = await cli(['check', EXAMPLE, '--color', 'sometimes']);
    assert.strictEqual(r.code, 2);
    assert.match(r.stderr, /unknown --color `sometimes` \(expected auto, always or never\)/);
  });

  it('colours the same text: without the escapes, it is the plain output', async () => {
    const plain = await cli(['check', EXAMPLE]);
    const colour = await cli(['check', EXAMPLE, '--color', 'always']);
    // eslint-disable-next-line no-control-regex
    assert.strictEqual(colour.stdout.replace(/\x1b\[[0-9;]*m/g, ''), plain.stdout);
  });

  it('--quiet leaves out the summary line of check and the notes of fix and snapshot', async () => {
    const loud = await cli(['check', EXAMPLE]);
    const quiet = await cli(['check', EXAMPLE, '-q']);
    assert.match(loud.stdout, /\n8 warnings in 4 files\n$/);
    assert.strictEqual(quiet.stdout, loud.stdout.replace(/8 warnings in 4 files\n$/, ''));
    const clean = tempTree({ 'lib.rs': '#[no_mangle]\npub extern "C" fn f(x: i32) -> i32 { x }\n' });
    assert.match((await cli(['check'], {}, clean)).stdout, /^no findings in 1 file\n$/);
    assert.strictEqual((await cli(['check', '--quiet'], {}, clean)).stdout, '');
    assert.strictEqual((await cli(['fix', '--quiet'], {}, clean)).stdout, '');
    assert.match((await cli(['fix'], {}, clean)).stdout, /0 fixes applied/);
    const snap = await cli(['snapshot', '--out', 'abi.ffi-abi', '--quiet'], {}, clean);
    assert.deepStrictEqual([snap.code, snap.stdout], [0, '']);
  });

  it('writes no progress line when standard error is not a terminal, or with --quiet', async () => {
    assert.strictEqual((await cli(['check', EXAMPLE], { stderr: false })).stderr, '');
    assert.strictEqual((await cli(['check', EXAMPLE, '-q'], { stderr: true })).stderr, '');
  });

  it('draws the progress line only after a second, at most ten times a second, and erases it', () => {
    let now = 0;
    let written = '';
    const line = new ProgressLine(
      (s) => (written += s),
      () => now,
    );
    now = 999;
    line.update('checking… 1 crate read');
    assert.strictEqual(written, '', 'nothing within the first second');
    now = 1000;
    line.update('checking… 2 crates read');
    assert.strictEqual(written, '\r\x1b[Kchecking… 2 crates read (1.0 s)');
    now = 1050;
    line.update('checking… 3 crates read');
    assert.ok(!String(written).includes('3 crates'), 'not again within 100 ms');
    now = 1200;
    line.update('checking… 4 crates read');
    assert.ok(String(written).endsWith('\r\x1b[Kchecking… 4 crates read (1.2 s)'));
    line.done();
    assert.ok(String(written).endsWith('\r\x1b[K'), 'erased at the end');
    let quiet = '';
    const short = new ProgressLine(
      (s) => (quiet += s),
      () => 0,
    );
    short.update('x');
    short.done();
    assert.strictEqual(quiet, '', 'a scan shorter than a second leaves nothing behind');
  });
});
