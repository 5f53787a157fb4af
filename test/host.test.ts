import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { defaultSettings } from '../server/src/core/config';
import type { Finding } from '../server/src/core/analysis/findings';
import { AnalysisHost } from '../server/src/core/host';
import { loadParser } from '../server/src/core/syntax/parse';
import { tempDir } from './harness/tmp';

/**
 * The editor session over a package whose modules are loaded on demand: edits to files no crate has
 * loaded still show up, opened documents are analysed whole, and only what changed is said again.
 */

function packageDir(files: Record<string, string>): string {
  const dir = tempDir('ffi-guard-host-');
  const all = { 'Cargo.toml': '[package]\nname = "hosted"\nversion = "0.1.0"\nedition = "2021"\n', ...files };
  for (const [file, text] of Object.entries(all)) {
    fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    fs.writeFileSync(path.join(dir, file), text);
  }
  return dir;
}

const rules = (host: AnalysisHost, file: string): string[] => host.findingsFor(file).map((f) => f.rule);

describe('host: an editor session with modules loaded on demand', function () {
  this.timeout(60_000);

  it('sees a boundary written into a file no crate had loaded', async () => {
    const dir = packageDir({
      'src/lib.rs': 'mod api;\nmod quiet;\npub extern "C" fn ok(x: u32) -> u32 { x }\n',
      'src/api.rs': 'pub extern "C" fn bad(s: &str) {}\n',
      'src/quiet.rs': 'pub fn helper() -> u32 { 1 }\n',
    });
    const quiet = path.join(dir, 'src', 'quiet.rs');
    const host = new AnalysisHost(await loadParser(), defaultSettings(), [dir]);
    host.indexAll();
    assert.deepStrictEqual(rules(host, path.join(dir, 'src', 'api.rs')), ['str-type']);
    assert.strictEqual(host.cratesOf(quiet).length, 0, 'quiet.rs is not loaded');
    fs.writeFileSync(quiet, 'pub extern "C" fn now_bad(v: Vec<u8>) {}\n');
    const changed = host.filesChangedOnDisk([{ file: quiet, kind: 'changed' }]);
    assert.deepStrictEqual(
      (changed.get(quiet) ?? []).map((f) => f.rule),
      ['std-type'],
    );
  });

  it('analyses an opened document whole, needed or not', async () => {
    const dir = packageDir({
      'src/lib.rs': 'mod model;\nmod quiet;\npub extern "C" fn first(p: model::Point) {}\n',
      'src/model.rs': 'pub struct Point { pub x: f64 }\n',
      'src/quiet.rs': '// a comment\npub fn helper() -> u32 { 1 }\n',
    });
    const quiet = path.join(dir, 'src', 'quiet.rs');
    const host = new AnalysisHost(await loadParser(), defaultSettings(), [dir]);
    host.indexAll();
    host.update(quiet, fs.readFileSync(quiet, 'utf8'));
    assert.strictEqual(host.cratesOf(quiet).length, 1, 'an opened document is loaded');
    assert.deepStrictEqual(rules(host, path.join(dir, 'src', 'lib.rs')), ['unspecified-layout']);
  });

  it('says again only the files whose findings changed, and always the edited one', async () => {
    const dir = packageDir({
      'src/lib.rs': 'mod other;\npub extern "C" fn a(s: &str) {}\n',
      'src/other.rs': 'pub extern "C" fn b(c: char) {}\n',
    });
    const lib = path.join(dir, 'src', 'lib.rs');
    const other = path.join(dir, 'src', 'other.rs');
    const host = new AnalysisHost(await loadParser(), defaultSettings(), [dir]);
    host.indexAll();
    const text = fs.readFileSync(lib, 'utf8');
    host.update(lib, text);
    const comment = host.change(lib, [
      {
        range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
        text: '// typed\n',
      },
    ]);
    assert.deepStrictEqual([...comment.keys()], [lib], 'other.rs kept its findings: not said again');
    assert.deepStrictEqual(rules(host, other), ['char-type']);
    const fixedOther = host.update(other, 'pub extern "C" fn b(c: u32) {}\n');
    assert.deepStrictEqual(fixedOther.get(other), []);
  });
});

describe('host: typing, moved findings against a fresh check', function () {
  this.timeout(120_000);

  const LIB = `// Exports and ordinary code, typed into below.
mod other;

/// Adds one.
#[no_mangle]
pub extern "C" fn add_one(s: &str) -> u32 {
    s.len() as u32 + 1
}

fn helper(values: &[u32]) -> u32 {
    // sum them
    let total: u32 = values.iter().sum();
    println!("{}", total);
    total
}

pub extern "C" fn takes(c: char, t: other::Thing) {}

fn after() -> String {
    String::from("still here")
}
`;

  /** Every finding as the CLI would print it: rule, place, message, related places. */
  const said = (findings: ReturnType<AnalysisHost['findingsFor']>): string[] =>
    findings.map(
      (f) =>
        `${f.rule} ${f.origin.span.start}-${f.origin.span.end} ${f.message} ${f.related
          .map((r) => `${path.basename(r.origin.file)}:${r.origin.span.start}`)
          .join(',')}`,
    );

  it('gives after every keystroke what checking the text from scratch gives', async () => {
    const dir = packageDir({ 'src/lib.rs': LIB, 'src/other.rs': 'pub struct Thing { pub v: Vec<u8> }\n' });
    const lib = path.join(dir, 'src', 'lib.rs');
    const parser = await loadParser();
    const host = new AnalysisHost(parser, defaultSettings(), [dir]);
    host.indexAll();
    host.update(lib, LIB);
    let text = LIB;
    // Where people type: a comment, a body, a signature, and places that change the structure.
    const places = ['sum them', 'let total', 'values.iter', 'c: char', 'String::from', '// Exports', 'fn after'];
    const typed = ['x', ' ', '{', '}', '(', '"', '/', '\n', 'fn ', '!'];
    let seed = 7;
    const next = (n: number): number => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    for (let step = 0; step < 60; step++) {
      const anchor = text.indexOf(places[next(places.length)]);
      const at = anchor < 0 ? next(text.length) : anchor + next(6);
      const removeOne = next(4) === 0;
      const insert = removeOne ? '' : typed[next(typed.length)];
      const start = host.textOf(lib) === text ? at : 0;
      const lines = text.slice(0, start).split('\n');
      const position = { line: lines.length - 1, character: lines[lines.length - 1].length };
      const endLines = text.slice(0, start + (removeOne ? 1 : 0)).split('\n');
      const end = { line: endLines.length - 1, character: endLines[endLines.length - 1].length };
      host.change(lib, [{ range: { start: position, end }, text: insert }]);
      text = text.slice(0, start) + insert + text.slice(start + (removeOne ? 1 : 0));
      assert.strictEqual(host.textOf(lib), text);
      const fresh = new AnalysisHost(parser, defaultSettings(), [dir]);
      fresh.indexAll();
      fresh.update(lib, text);
      assert.deepStrictEqual(said(host.findingsFor(lib)), said(fresh.findingsFor(lib)), `after step ${step}`);
    }
    assert.ok(host.editsHandled.inert >= 5, `${host.editsHandled.inert} edits moved findings`);
    assert.ok(host.editsHandled.rechecked >= 10, `${host.editsHandled.rechecked} edits re-checked`);
    // What code actions and hovers read is brought up to date: the same as from scratch.
    const fresh = new AnalysisHost(parser, defaultSettings(), [dir]);
    fresh.indexAll();
    fresh.update(lib, text);
    assert.deepStrictEqual(said(host.actionableFindings(lib)), said(fresh.actionableFindings(lib)));
  });
});

describe('host: indexing in the background', function () {
  this.timeout(60_000);

  it('serves messages between steps, checks the open document first, and ends as indexAll does', async () => {
    const files: Record<string, string> = {};
    for (let i = 0; i < 6; i++) {
      files[`crates/c${i}/Cargo.toml`] = `[package]\nname = "c${i}"\nversion = "0.1.0"\nedition = "2021"\n`;
      files[`crates/c${i}/src/lib.rs`] = `pub extern "C" fn f${i}(s: &str) {}\n`;
    }
    const dir = packageDir(files);
    const last = path.join(dir, 'crates', 'c5', 'src', 'lib.rs');
    const parser = await loadParser();
    const host = new AnalysisHost(parser, defaultSettings(), [dir]);
    host.noteText(last, 'pub extern "C" fn f5(c: char) {}\n');
    const order: string[] = [];
    let pauses = 0;
    const all = await host.indexInBackground(
      () => {
        pauses++;
        return new Promise((r) => setImmediate(r));
      },
      undefined,
      (checked) => order.push(...[...checked.keys()].filter((f) => f.endsWith('lib.rs'))),
    );
    assert.strictEqual(order[0], last, 'the crate of the open document is checked first');
    assert.ok(pauses >= 6, `${pauses} pauses`);
    assert.deepStrictEqual(
      (all.get(last) ?? []).map((f) => f.rule),
      ['char-type'],
      'the open text is what was checked',
    );
    const again = new AnalysisHost(parser, defaultSettings(), [dir]);
    again.noteText(last, 'pub extern "C" fn f5(c: char) {}\n');
    const sync = again.indexAll();
    const said = (m: Map<string, Finding[]>): string[] =>
      [...m]
        .sort(([a], [b]) => a.localeCompare(b))
        .flatMap(([file, list]) => list.map((f) => `${path.relative(dir, file)} ${f.rule} ${f.message}`));
    assert.deepStrictEqual(said(all), said(sync));
  });
});
