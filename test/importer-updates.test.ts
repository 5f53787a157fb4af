import * as assert from 'assert';
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { REPO, runCli } from './harness/cli';
import { tempDir } from './harness/tmp';
import type { CheckJson } from '../server/src/cli';
import { defaultSettings } from '../server/src/core/config';
import { AnalysisHost } from '../server/src/core/host';
import { loadParser } from '../server/src/core/syntax/parse';
import { codeActionsFor } from '../server/src/lsp/code-actions';

/**
 * `ffi-guard fix` over a workspace holding a plugin and a host that imports its symbols: a shim that changes
 * an export's C signature rewrites the host's declaration (an `extern` block item, a `libloading` or `dlsym`
 * type, or its alias) in the same edit, or leaves it and says why (then `abi-mismatch` reports it, where a C
 * caller sees a difference), and lists the calls that must change. Each case is
 * test/fixtures-importers/<case>/: `ws/` (the workspace, fixed from inside), `outside/` (files beside it,
 * which fix may not write), `after/` (every file the fix changes, as it leaves it), `output.txt` (what fix
 * says about signatures and importers). A case without `ws/plugin/` gets the shared plugin `_textfx/`
 * there, whose fixed text is `_textfx/fixed.rs` rather than in its `after/`. `UPDATE_SNAPSHOTS=1` rewrites
 * the snapshots (review the diff). A host line marked `// after-fix: CODE` is a call through a rewritten
 * declaration: once fixed, the host fails to compile exactly there; with each such line replaced by its
 * CODE, it builds against the fixed plugin and, where `run.txt` is given, prints that when run.
 */

const CASES = path.join(REPO, 'test', 'fixtures-importers');
/** The plugin most cases share: two exports taking `&str`, one returning a `String`. */
const SHARED_PLUGIN = path.join(CASES, '_textfx');
const DEBIAN_REGISTRY = '/usr/share/cargo/registry';
const MARK = /\s*\/\/ after-fix: (.*)$/;

function filesUnder(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((f) => fs.statSync(path.join(dir, f)).isFile())
    .map((f) => f.split(path.sep).join('/'))
    .sort();
}

interface Note {
  file: string;
  line: number;
  symbol: string;
  updated: boolean;
  /** The line says `abi-mismatch` reports the declaration left. */
  reported: boolean;
  calls: string[];
}

/** The importer lines of fix's output. */
function notesOf(stdout: string): Note[] {
  const out: Note[] = [];
  for (const l of stdout.split('\n')) {
    const m = /^(\S+):(\d+): (\w+): import \(.+?\) (updated|not updated)(?:.*; calls to change: (.*))?$/.exec(l);
    if (m)
      out.push({
        file: m[1],
        line: Number(m[2]),
        symbol: m[3],
        updated: m[4] === 'updated',
        reported: l.includes('`abi-mismatch` reports it'),
        calls: m[5] ? m[5].split(', ') : [],
      });
  }
  return out;
}

/** `file:line` of each error a compiler's JSON messages (rustc's or cargo's) place in the host. */
function errorLines(output: string, prefix: string): string[] {
  const lines = new Set<string>();
  for (const l of output.split('\n')) {
    if (!l.startsWith('{')) continue;
    const parsed = JSON.parse(l) as {
      reason?: string;
      message?: unknown;
      level?: string;
      spans?: { file_name: string; line_start: number; is_primary: boolean }[];
    };
    const d = (parsed.reason === 'compiler-message' ? parsed.message : parsed) as typeof parsed;
    if (d.level !== 'error') continue;
    for (const s of d.spans ?? [])
      if (s.is_primary)
        lines.add(`${prefix}${path.basename(s.file_name) === 'main.rs' ? 'src/main.rs' : s.file_name}:${s.line_start}`);
  }
  return [...lines].sort();
}

function run(cmd: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = {}): { ok: boolean; out: string } {
  try {
    const out = execFileSync(cmd, args, { cwd, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    return { ok: true, out: out.toString() };
  } catch (e) {
    const err = e as { stdout?: Buffer; stderr?: Buffer };
    return { ok: false, out: `${String(err.stdout ?? '')}\n${String(err.stderr ?? '')}` };
  }
}

/** Builds the host (rustc, or cargo offline with Debian's crates when it has dependencies); its output. */
function buildHost(host: string, lib: string, target: string): { ok: boolean; out: string; exe: string } {
  const manifest = fs.readFileSync(path.join(host, 'Cargo.toml'), 'utf8');
  if (!/\[dependencies\]\s*\n\s*\w/.test(manifest)) {
    const exe = path.join(target, 'host');
    const r = run(
      'rustc',
      ['--edition', '2021', '--error-format=json', '-L', lib, '-o', exe, path.join(host, 'src', 'main.rs')],
      host,
    );
    return { ...r, exe };
  }
  const r = run(
    'cargo',
    [
      'build',
      '--offline',
      '--message-format=json',
      '--config',
      'source.crates-io.replace-with="debian"',
      '--config',
      `source.debian.directory="${DEBIAN_REGISTRY}"`,
    ],
    host,
    { CARGO_NET_OFFLINE: 'true', CARGO_TARGET_DIR: target },
  );
  return { ...r, exe: path.join(target, 'debug', 'host') };
}

describe('fix: the importers of a symbol whose C signature a fix changes', function () {
  this.timeout(600_000);

  for (const name of fs
    .readdirSync(CASES)
    .filter((n) => !n.startsWith('_'))
    .sort()) {
    it(name, async () => {
      const dir = path.join(CASES, name);
      const work = tempDir('ffi-guard-importers-');
      fs.cpSync(path.join(dir, 'ws'), path.join(work, 'ws'), { recursive: true });
      if (fs.existsSync(path.join(dir, 'outside')))
        fs.cpSync(path.join(dir, 'outside'), path.join(work, 'outside'), { recursive: true });
      const ws = path.join(work, 'ws');
      const shared = !fs.existsSync(path.join(dir, 'ws', 'plugin'));
      if (shared) {
        fs.mkdirSync(path.join(ws, 'plugin', 'src'), { recursive: true });
        fs.copyFileSync(path.join(SHARED_PLUGIN, 'Cargo.toml'), path.join(ws, 'plugin', 'Cargo.toml'));
        fs.copyFileSync(path.join(SHARED_PLUGIN, 'src', 'lib.rs'), path.join(ws, 'plugin', 'src', 'lib.rs'));
      }
      const before = new Map(filesUnder(ws).map((f) => [f, fs.readFileSync(path.join(ws, f), 'utf8')]));
      const outsideBefore = filesUnder(path.join(work, 'outside')).map((f) =>
        fs.readFileSync(path.join(work, 'outside', f), 'utf8'),
      );

      const fixed = await runCli(['fix', '.'], ws);
      assert.strictEqual(fixed.code, 0, fixed.stdout + fixed.stderr);
      const said = fixed.stdout
        .split('\n')
        .filter((l) => /C signature changed| import \(|: abi-mismatch: /.test(l))
        .map((l) => l.split(work).join('<tmp>'))
        .join('\n');
      const outputFile = path.join(dir, 'output.txt');
      if (process.env.UPDATE_SNAPSHOTS) fs.writeFileSync(outputFile, said + '\n');
      assert.strictEqual(said + '\n', fs.readFileSync(outputFile, 'utf8'), 'what fix says is the reviewed output.txt');

      // Every changed file is the reviewed snapshot; files outside the workspace are never written.
      const changed = filesUnder(ws).filter((f) => fs.readFileSync(path.join(ws, f), 'utf8') !== before.get(f));
      const own = shared ? changed.filter((f) => !f.startsWith('plugin/')) : changed;
      if (shared) {
        const fixedPlugin = fs.readFileSync(path.join(ws, 'plugin', 'src', 'lib.rs'), 'utf8');
        if (process.env.UPDATE_SNAPSHOTS) fs.writeFileSync(path.join(SHARED_PLUGIN, 'fixed.rs'), fixedPlugin);
        assert.strictEqual(fixedPlugin, fs.readFileSync(path.join(SHARED_PLUGIN, 'fixed.rs'), 'utf8'));
      }
      if (process.env.UPDATE_SNAPSHOTS) {
        fs.rmSync(path.join(dir, 'after'), { recursive: true, force: true });
        for (const f of own) {
          fs.mkdirSync(path.dirname(path.join(dir, 'after', f)), { recursive: true });
          fs.copyFileSync(path.join(ws, f), path.join(dir, 'after', f));
        }
      }
      assert.deepStrictEqual(own, filesUnder(path.join(dir, 'after')), 'the files fix changes');
      for (const f of own)
        assert.strictEqual(
          fs.readFileSync(path.join(ws, f), 'utf8'),
          fs.readFileSync(path.join(dir, 'after', f), 'utf8'),
          `${f} is the reviewed snapshot`,
        );
      assert.deepStrictEqual(
        filesUnder(path.join(work, 'outside')).map((f) => fs.readFileSync(path.join(work, 'outside', f), 'utf8')),
        outsideBefore,
      );

      // abi-mismatch: silent for each declaration rewritten, reporting each one left.
      const notes = notesOf(fixed.stdout);
      assert.ok(notes.length > 0, 'fix says what became of the importers');
      const checked = JSON.parse((await runCli(['check', '.', '--format', 'json'], ws)).stdout) as CheckJson;
      const mismatches = checked.diagnostics.filter((d) => d.rule === 'abi-mismatch');
      for (const n of notes) {
        // Reported there, or (a file outside the paths checked) on the export, pointing there.
        const here = mismatches.filter(
          (d) =>
            (d.file === n.file && d.line === n.line) ||
            (d.related ?? []).some((r) => r.file === n.file && r.line === n.line),
        );
        if (n.updated) assert.deepStrictEqual(here, [], `${n.file}:${n.line} (${n.symbol}) agrees with the export`);
        else if (n.reported)
          assert.ok(here.length > 0, `${n.file}:${n.line} (${n.symbol}) is reported by abi-mismatch`);
        else assert.deepStrictEqual(here, [], `${n.file}:${n.line} (${n.symbol}): C sees no difference, as fix says`);
      }
      const rewritten = new Set(notes.filter((n) => n.updated).map((n) => n.symbol));
      assert.deepStrictEqual(
        mismatches.filter((d) => [...rewritten].some((s) => d.message.startsWith(`\`${s}\` is `))),
        [],
        'no mismatch is left for a symbol whose importers were all rewritten',
      );

      // The calls listed are the lines marked `// after-fix:`.
      const marked: string[] = [];
      for (const f of changed) {
        fs.readFileSync(path.join(ws, f), 'utf8')
          .split('\n')
          .forEach((l, i) => {
            if (MARK.test(l)) marked.push(`${f}:${i + 1}`);
          });
      }
      const listed = notes.filter((n) => n.updated).flatMap((n) => n.calls);
      assert.deepStrictEqual([...listed].sort(), marked.sort(), 'the calls fix lists are those that must change');

      if (!fs.existsSync(path.join(dir, 'run.txt'))) return;
      // The fixed plugin as a cdylib; the host fails to compile exactly at the listed calls.
      const target = path.join(work, 'target');
      fs.mkdirSync(target);
      const plugin = run(
        'rustc',
        [
          '--edition',
          '2021',
          '--crate-type=cdylib',
          '--crate-name',
          'textfx',
          '-o',
          path.join(target, 'libtextfx.so'),
          path.join(ws, 'plugin', 'src', 'lib.rs'),
        ],
        ws,
      );
      assert.ok(plugin.ok, plugin.out);
      const host = path.join(ws, 'host');
      const broken = buildHost(host, target, target);
      assert.ok(!broken.ok, 'the calls through the old types no longer compile');
      assert.deepStrictEqual(errorLines(broken.out, 'host/'), marked.filter((m) => m.startsWith('host/')).sort());
      // Changed by hand where the list says, the host builds and calls the plugin through the C ABI.
      const main = path.join(host, 'src', 'main.rs');
      fs.writeFileSync(
        main,
        fs
          .readFileSync(main, 'utf8')
          .split('\n')
          .map((l) => {
            const m = MARK.exec(l);
            return m ? `${/^\s*/.exec(l)![0]}${m[1]}` : l;
          })
          .join('\n'),
      );
      const built = buildHost(host, target, target);
      assert.ok(built.ok, built.out);
      const output = execFileSync(built.exe, [path.join(target, 'libtextfx.so')], {
        env: { ...process.env, LD_LIBRARY_PATH: target },
        encoding: 'utf8',
      });
      assert.strictEqual(output, fs.readFileSync(path.join(dir, 'run.txt'), 'utf8'));
    });
  }
});

/** A copy of a case's workspace with the shared plugin beside its host. */
function withSharedPlugin(caseWs: string): string {
  const ws = tempDir('ffi-guard-importers-lsp-');
  fs.cpSync(caseWs, ws, { recursive: true });
  fs.cpSync(SHARED_PLUGIN, path.join(ws, 'plugin'), { recursive: true });
  fs.rmSync(path.join(ws, 'plugin', 'fixed.rs'));
  return ws;
}

describe("the editor's quick fix rewrites the importers too", function () {
  this.timeout(120_000);

  it('the preferred quick fix on the export edits the host in the same workspace edit', async () => {
    const ws = withSharedPlugin(path.join(CASES, 'extern-block', 'ws'));
    const lib = path.join(ws, 'plugin', 'src', 'lib.rs');
    const host = new AnalysisHost(await loadParser(), defaultSettings(), [ws]);
    host.indexAll();
    const text = fs.readFileSync(lib, 'utf8');
    const line = text.split('\n').findIndex((l) => l.includes('fn textfx_count'));
    const range = { start: { line, character: 0 }, end: { line, character: 80 } };
    const actions = codeActionsFor(
      host.actionableFindings(lib),
      lib,
      range,
      [],
      (f) => host.textOf(f),
      host.importerUpdater(),
    );
    const preferred = actions.find((a) => a.isPreferred);
    assert.ok(preferred?.edit?.changes, actions.map((a) => a.title).join(' | '));
    const files = Object.keys(preferred.edit.changes).map((u) => path.basename(new URL(u).pathname));
    assert.deepStrictEqual(files.sort(), ['lib.rs', 'main.rs']);
    // Without the workspace's importers (no updater), the same action edits the plugin only.
    const alone = codeActionsFor(host.actionableFindings(lib), lib, range, [], (f) => host.textOf(f));
    assert.deepStrictEqual(Object.keys(alone.find((a) => a.isPreferred)!.edit!.changes!).length, 1);
  });

  it('fix all in the editor rewrites the host as ffi-guard fix does', async () => {
    const ws = withSharedPlugin(path.join(CASES, 'extern-block', 'ws'));
    const main = path.join(ws, 'host', 'src', 'main.rs');
    const host = new AnalysisHost(await loadParser(), defaultSettings(), [ws]);
    host.indexAll();
    const run = await host.fixAll();
    assert.strictEqual(
      run.changed.get(main),
      fs.readFileSync(path.join(CASES, 'extern-block', 'after', 'host', 'src', 'main.rs'), 'utf8'),
    );
  });
});
