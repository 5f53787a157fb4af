import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { defaultSettings } from '../server/src/core/config';
import type { Finding } from '../server/src/core/analysis/findings';
import { AnalysisHost } from '../server/src/core/host';
import { checkPaths } from '../server/src/core/project';
import { loadParser } from '../server/src/core/syntax/parse';
import { LineIndex } from '../server/src/core/syntax/positions';
import { inputText, ParseInput } from './harness/parse-input';
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

/** Findings as the tests compare them: rule, file, span and message. */
function said(findings: Finding[]): string[] {
  return findings.map(
    (f) => `${f.rule} ${path.basename(f.origin.file)}:${f.origin.span.start}-${f.origin.span.end} ${f.message}`,
  );
}

/**
 * The findings of each `src/` file as the command line's core checks the texts from scratch, written to a
 * folder of their own: no earlier load has seen them, and it keeps no expansion.
 */
async function fromScratch(texts: Record<string, string>): Promise<Map<string, string[]>> {
  const scratch = packageDir(Object.fromEntries(Object.entries(texts).map(([f, t]) => [`src/${f}`, t])));
  const { findings } = await checkPaths([scratch], scratch, defaultSettings());
  return new Map(Object.keys(texts).map((f) => [f, said(findings.filter((x) => path.basename(x.origin.file) === f))]));
}

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

  it('opening or closing a file with the text the indexing checked re-checks nothing', async () => {
    const dir = packageDir({
      'src/lib.rs': 'mod api;\npub extern "C" fn ok(x: u32) -> u32 { x }\n',
      'src/api.rs': 'pub extern "C" fn bad(s: &str) {}\n',
    });
    const api = path.join(dir, 'src', 'api.rs');
    const host = new AnalysisHost(await loadParser(), defaultSettings(), [dir]);
    host.indexAll();
    const before = host.editsHandled.rechecked;
    const opened = host.update(api, fs.readFileSync(api, 'utf8'));
    assert.deepStrictEqual(
      (opened.get(api) ?? []).map((f) => f.rule),
      ['str-type'],
    );
    assert.strictEqual(host.editsHandled.rechecked, before, 'the same text is not checked again');
    const edited = host.update(api, 'pub extern "C" fn bad(s: &str, c: char) {}\n');
    assert.deepStrictEqual(
      (edited.get(api) ?? []).map((f) => f.rule),
      ['str-type', 'char-type'],
    );
    assert.strictEqual(host.editsHandled.rechecked, before + 1, 'a new text is');
    // Closed unsaved: the disk is the truth again.
    assert.deepStrictEqual(
      (host.close(api).get(api) ?? []).map((f) => f.rule),
      ['str-type'],
    );
    assert.strictEqual(host.editsHandled.rechecked, before + 2);
    // Opened and closed as saved: nothing to check.
    host.update(api, fs.readFileSync(api, 'utf8'));
    assert.deepStrictEqual(
      (host.close(api).get(api) ?? []).map((f) => f.rule),
      ['str-type'],
    );
    assert.strictEqual(host.editsHandled.rechecked, before + 2, 'closing a saved document re-checks nothing');
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
  it('checks an unchanged file against the types another file defines now, back and forth', async () => {
    const dir = packageDir({
      'src/lib.rs':
        'mod other;\n#[repr(C)]\npub struct Wrapper { pub inner: other::Inner }\n' +
        'pub extern "C" fn takes(t: other::Thing, w: Wrapper) {}\n',
      'src/other.rs': 'pub struct Thing { pub v: u32 }\npub struct Inner { pub v: u32 }\n',
    });
    const lib = path.join(dir, 'src', 'lib.rs');
    const other = path.join(dir, 'src', 'other.rs');
    const host = new AnalysisHost(await loadParser(), defaultSettings(), [dir]);
    host.indexAll();
    const said = (file: string): string[] => host.findingsFor(file).map((f) => `${f.rule}: ${f.message}`);
    const fresh = async (file: string): Promise<string[]> => {
      const again = new AnalysisHost(await loadParser(), defaultSettings(), [dir]);
      again.indexAll();
      return again.findingsFor(file).map((f) => `${f.rule}: ${f.message}`);
    };
    const first = said(lib);
    assert.ok(first.length > 0, 'a struct without #[repr(C)] by value');
    // Each text of other.rs in turn, as the editor has it (and then the disk): lib.rs never changes.
    const texts = [
      '#[repr(C)]\npub struct Thing { pub v: u32 }\npub struct Inner { pub v: u32 }\n',
      '#[repr(C)]\npub struct Thing { pub v: u32 }\n#[repr(C)]\npub struct Inner { pub v: u32 }\n',
      'pub struct Thing { pub v: u32 }\npub struct Inner { pub v: u32 }\n',
    ];
    for (const text of texts) {
      host.update(other, text);
      fs.writeFileSync(other, text);
      assert.deepStrictEqual(said(lib), await fresh(lib), text);
      assert.deepStrictEqual(said(other), await fresh(other), text);
    }
    assert.deepStrictEqual(said(lib), first);
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

describe('host: hostile editor input (issue 16 item 10)', function () {
  this.timeout(60_000);

  const at = (line: number, character: number): { line: number; character: number } => ({ line, character });

  it('clamps negative and out-of-range positions of a change, logs them, and re-parses the whole text', async () => {
    const LIB = 'pub extern "C" fn a(s: &str) {}\n// tail\n';
    const dir = packageDir({ 'src/lib.rs': LIB });
    const lib = path.join(dir, 'src', 'lib.rs');
    const parser = await loadParser();
    const host = new AnalysisHost(parser, defaultSettings(), [dir]);
    const warnings: string[] = [];
    host.onWarning = (m) => warnings.push(m);
    host.indexAll();
    host.update(lib, LIB);
    // A negative line used to slice the text at NaN and edit the tree at row -1.
    host.change(lib, [{ range: { start: at(-1, -3), end: at(-1, -3) }, text: 'pub extern "C" fn n(c: char) {}\n' }]);
    // A line past the end, and a range that ends before it starts.
    host.change(lib, [{ range: { start: at(40, 2), end: at(50, 0) }, text: '\npub extern "C" fn z(v: Vec<u8>) {}\n' }]);
    host.change(lib, [{ range: { start: at(1, 5), end: at(1, 0) }, text: '' }]);
    // Then ordinary typing: the tree must be whole again for incremental parsing to be right.
    host.change(lib, [{ range: { start: at(0, 0), end: at(0, 0) }, text: '// typed\n' }]);
    const text = host.textOf(lib) ?? '';
    assert.strictEqual(
      text,
      '// typed\npub extern "C" fn n(c: char) {}\npub extern "C" fn a(s: &str) {}\n// tail\n\npub extern "C" fn z(v: Vec<u8>) {}\n',
    );
    const fresh = new AnalysisHost(parser, defaultSettings(), [dir]);
    fresh.indexAll();
    fresh.update(lib, text);
    assert.deepStrictEqual(rules(host, lib), rules(fresh, lib));
    assert.deepStrictEqual(rules(host, lib), ['char-type', 'str-type', 'std-type']);
    assert.strictEqual(warnings.length, 5, warnings.join('\n'));
    assert.match(warnings[0], /start position \{"line":-1,"character":-3\} is not a position in the document/);
    assert.match(warnings[2], /start line 40 is past the document's last line/);
    assert.match(warnings[4], /ends before it starts/);
  });

  it('clears the findings of a text that fails to parse instead of keeping the previous text’s', async () => {
    const LIB = 'pub extern "C" fn a(s: &str) {}\n';
    const dir = packageDir({ 'src/lib.rs': LIB });
    const lib = path.join(dir, 'src', 'lib.rs');
    const real = await loadParser();
    // The parser gives up on one text (as tree-sitter does when it is cancelled or runs out of memory).
    const parser = new Proxy(real, {
      get(target, key) {
        if (key === 'parse')
          return (input: ParseInput, old?: unknown, options?: unknown) =>
            inputText(input).includes('GIVE_UP')
              ? null
              : (target.parse as (t: ParseInput, o?: unknown, p?: unknown) => unknown)(input, old, options);
        const value = Reflect.get(target, key) as unknown;
        return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
      },
    });
    const host = new AnalysisHost(parser, defaultSettings(), [dir]);
    const warnings: string[] = [];
    host.onWarning = (m) => warnings.push(m);
    host.indexAll();
    host.update(lib, LIB);
    assert.deepStrictEqual(rules(host, lib), ['str-type']);
    const failed = host.change(lib, [{ range: { start: at(1, 0), end: at(1, 0) }, text: '// GIVE_UP\n' }]);
    assert.deepStrictEqual(failed.get(lib), [], 'the old finding is not said again under the new version');
    assert.deepStrictEqual(rules(host, lib), []);
    assert.match(host.skipped().get(lib) ?? '', /could not be analysed: tree-sitter returned no tree/);
    assert.strictEqual(warnings.length, 1);
    // The next text that parses is analysed whole, and the note goes.
    host.change(lib, [{ range: { start: at(1, 0), end: at(2, 0) }, text: '' }]);
    assert.deepStrictEqual(rules(host, lib), ['str-type']);
    assert.strictEqual(host.skipped().get(lib), undefined);
  });

  it('checks a file outside the workspace folder as its own crate, without re-indexing the root', async () => {
    const dir = packageDir({ 'src/lib.rs': 'pub extern "C" fn a(s: &str) {}\n' });
    const elsewhere = tempDir('ffi-guard-outside-');
    const loose = path.join(elsewhere, 'loose.rs');
    fs.writeFileSync(path.join(elsewhere, 'helper.rs'), 'pub struct Opaque { pub v: Vec<u8> }\n');
    const text = 'mod helper;\npub extern "C" fn b(c: char, o: helper::Opaque) {}\n';
    fs.writeFileSync(loose, text);
    const host = new AnalysisHost(await loadParser(), defaultSettings(), [dir]);
    host.indexAll();
    let reindexed = 0;
    const indexAll = host.indexAll.bind(host);
    host.indexAll = (...args) => (reindexed++, indexAll(...args));
    const opened = host.update(loose, text);
    assert.deepStrictEqual(
      (opened.get(loose) ?? []).map((f) => f.rule),
      ['char-type', 'unspecified-layout'],
      'its module is read as rustc would',
    );
    for (let i = 0; i < 5; i++) host.change(loose, [{ range: { start: at(0, 0), end: at(0, 0) }, text: '//x\n' }]);
    const column = 'pub extern "C" fn b(c: '.length;
    host.change(loose, [{ range: { start: at(6, column), end: at(6, column + 4) }, text: 'u32' }]);
    assert.deepStrictEqual(rules(host, loose), ['unspecified-layout']);
    assert.strictEqual(reindexed, 0, 'no keystroke re-indexed the workspace');
    assert.deepStrictEqual(rules(host, path.join(dir, 'src', 'lib.rs')), ['str-type'], 'the workspace is as it was');
    // Closed, it is forgotten; its diagnostics are cleared.
    assert.deepStrictEqual(host.close(loose).get(loose), []);
    assert.strictEqual(host.cratesOf(loose).length, 0);
  });

  it('checks every opened file when the editor names no workspace folder', async () => {
    const elsewhere = tempDir('ffi-guard-nofolder-');
    const file = path.join(elsewhere, 'main.rs');
    fs.writeFileSync(file, 'pub extern "C" fn f(s: &str) {}\n');
    const host = new AnalysisHost(await loadParser(), defaultSettings(), []);
    host.indexAll();
    host.update(file, fs.readFileSync(file, 'utf8'));
    assert.deepStrictEqual(rules(host, file), ['str-type']);
    // A re-index (settings changed) keeps it checked.
    host.setSettings(defaultSettings());
    assert.deepStrictEqual(rules(host, file), ['str-type']);
  });

  it('skips an open document nested deeper than the nesting limit with a note, and takes it back after', async () => {
    const LIB = 'pub extern "C" fn a(s: &str) {}\n';
    const dir = packageDir({ 'src/lib.rs': LIB });
    const lib = path.join(dir, 'src', 'lib.rs');
    const host = new AnalysisHost(await loadParser(), defaultSettings(), [dir]);
    host.indexAll();
    host.update(lib, LIB);
    const deep = `const X: u8 = ${'('.repeat(1001)}0${')'.repeat(1001)};\n`;
    const skipped = host.change(lib, [{ range: { start: at(1, 0), end: at(1, 0) }, text: deep }]);
    assert.deepStrictEqual(skipped.get(lib), []);
    assert.match(host.skipped().get(lib) ?? '', /brackets nested deeper than the nesting limit \(1000\) at line 2/);
    host.change(lib, [{ range: { start: at(1, 0), end: at(2, 0) }, text: '' }]);
    assert.deepStrictEqual(rules(host, lib), ['str-type']);
    assert.strictEqual(host.skipped().get(lib), undefined);
  });

  it('typing brackets one at a time still meets the nesting limit, and typing letters is not re-measured', async () => {
    const LIB = 'pub extern "C" fn a(s: &str) {}\n';
    const dir = packageDir({ 'src/lib.rs': LIB });
    const lib = path.join(dir, 'src', 'lib.rs');
    const host = new AnalysisHost(await loadParser(), defaultSettings(), [dir]);
    host.indexAll();
    // At the limit: 1,000 brackets deep is still within it.
    host.update(lib, `${LIB}const X: u8 = ${'('.repeat(1000)}0${')'.repeat(1000)};\n`);
    assert.strictEqual(host.skipped().get(lib), undefined);
    const col = 'const X: u8 = '.length;
    // A letter typed in the middle: no bracket added or removed, still within.
    host.change(lib, [{ range: { start: at(1, col + 500), end: at(1, col + 500) }, text: 'a' }]);
    assert.strictEqual(host.skipped().get(lib), undefined);
    assert.deepStrictEqual(rules(host, lib), ['str-type']);
    // One more `(`: over it.
    host.change(lib, [{ range: { start: at(1, col), end: at(1, col) }, text: '(' }]);
    assert.match(host.skipped().get(lib) ?? '', /brackets nested deeper than the nesting limit \(1000\) at line 2/);
    // A letter typed while over: measured again, still over.
    host.change(lib, [{ range: { start: at(0, 0), end: at(0, 0) }, text: '/' }]);
    assert.match(host.skipped().get(lib) ?? '', /nesting limit/);
    // The `(` taken away again (and the letter): back within.
    host.change(lib, [{ range: { start: at(0, 0), end: at(0, 1) }, text: '' }]);
    host.change(lib, [{ range: { start: at(1, col), end: at(1, col + 1) }, text: '' }]);
    assert.strictEqual(host.skipped().get(lib), undefined);
    assert.deepStrictEqual(rules(host, lib), ['str-type']);
  });

  it('skips an open document over the open-document size limit with a note, and takes it back under it', async () => {
    const LIB = 'pub extern "C" fn a(s: &str) {}\n';
    const dir = packageDir({ 'src/lib.rs': LIB });
    const lib = path.join(dir, 'src', 'lib.rs');
    const host = new AnalysisHost(await loadParser(), defaultSettings(), [dir], { maxOpenDocumentSize: 1000 });
    host.indexAll();
    host.update(lib, LIB);
    const big = `// ${'x'.repeat(2000)}\n`;
    const skipped = host.change(lib, [{ range: { start: at(1, 0), end: at(1, 0) }, text: big }]);
    assert.deepStrictEqual(skipped.get(lib), []);
    assert.match(host.skipped().get(lib) ?? '', /larger than the size limit for open documents \(1 KB\)/);
    host.change(lib, [{ range: { start: at(1, 0), end: at(2, 0) }, text: '' }]);
    assert.deepStrictEqual(rules(host, lib), ['str-type']);
    assert.strictEqual(host.skipped().get(lib), undefined);
  });
});

describe('host: macro expansions kept between edits', function () {
  this.timeout(120_000);

  const MACROS = `// Macros the crate expands: one writes an export of the type it is given, one calls it, and one
// defines a macro when it is called.
macro_rules! export {
    ($name:ident, $t:ty) => {
        #[no_mangle]
        pub extern "C" fn $name(x: $t) -> u32 {
            0
        }
    };
}

macro_rules! twice {
    ($a:ident, $b:ident, $t:ty) => {
        export!($a, $t);
        export!($b, u32);
    };
}

macro_rules! define_single {
    () => {
        macro_rules! single {
            ($n:ident) => {
                pub extern "C" fn $n(c: char) {}
            };
        }
    };
}
`;

  const LIB = `#[macro_use]
mod macros;

define_single!();

export!(first, &str);
twice!(second, third, String);

fn helper() -> u32 {
    // typed into
    1
}

single!(fourth);
export!(fifth, u64);
`;

  it('gives after every edit, in the calls and in the macros, what checking from scratch gives', async () => {
    const dir = packageDir({ 'src/lib.rs': LIB, 'src/macros.rs': MACROS });
    const files = { lib: path.join(dir, 'src', 'lib.rs'), macros: path.join(dir, 'src', 'macros.rs') };
    const parser = await loadParser();
    const host = new AnalysisHost(parser, defaultSettings(), [dir]);
    host.indexAll();
    const texts = { lib: LIB, macros: MACROS };
    host.update(files.lib, LIB);
    host.update(files.macros, MACROS);
    // Each edit: a file, the text it replaces (its first occurrence) and the replacement.
    const edits: ['lib' | 'macros', string, string][] = [
      ['lib', '// typed into', '// typed into it'],
      ['lib', 'fifth, u64', 'fifth, (u8, u8)'],
      ['lib', 'first, &str', 'first, u8'],
      ['lib', '#[macro_use]', '// moved\n#[macro_use]'],
      ['macros', '-> u32 {\n            0', '-> char {\n            0'],
      // Two calls of one text, in two bodies: two expansions, each with the finding its macro's body writes.
      ['lib', '    1\n}', '    export!(inner, u8);\n    1\n}\nfn other() {\n    export!(inner, u8);\n}'],
      ['macros', '-> char {\n            0', '-> u32 {\n            0'],
      ['macros', '(c: char)', '(c: &[u8])'],
      ['lib', 'twice!(second, third, String);', 'twice!(second, third, Vec<u8>);'],
      ['macros', '// Macros the crate', '// The macros the crate'],
      ['lib', '1\n}', '2\n}'],
      // Calls moved by an edit before them, then the first of the two calls changed.
      ['lib', 'define_single!();', 'define_single!();\n// a line before every call'],
      ['lib', 'export!(first, u8);', 'export!(first, char);'],
      ['lib', '// a line before every call', ''],
      ['macros', '// The macros the crate', '// Macros'],
      ['lib', 'twice!(second, third, Vec<u8>);', 'fn moved() {}\ntwice!(second, third, Vec<u8>);'],
    ];
    for (const [step, [which, from, to]] of edits.entries()) {
      const file = files[which];
      const text = texts[which];
      const start = text.indexOf(from);
      assert.ok(start >= 0, `step ${step}: \`${from}\` not found`);
      const lines = new LineIndex(text);
      const at = (offset: number): { line: number; character: number } => lines.position(offset);
      host.change(file, [{ range: { start: at(start), end: at(start + from.length) }, text: to }]);
      texts[which] = text.slice(0, start) + to + text.slice(start + from.length);
      const expected = await fromScratch({ 'lib.rs': texts.lib, 'macros.rs': texts.macros });
      for (const f of ['lib.rs', 'macros.rs'])
        assert.deepStrictEqual(said(host.findingsFor(path.join(dir, 'src', f))), expected.get(f), `after step ${step}`);
    }
    const { found, moved } = host.expansionsReused;
    assert.ok(found >= 10, `${found} expansions found again`);
    assert.ok(moved >= 3, `${moved} of them moved`);
  });

  it('expands again the calls of a file left as it was once the macro their names find changes', async () => {
    // calls.rs is never edited: its lists are the same at every load, and each name its calls use must still
    // find the macro it found for their expansion to be kept.
    // Its own export keeps it loaded whatever `later!` writes.
    const calls =
      'pub extern "C" fn anchor(x: u32) {}\n\nlater!(at_item_level);\n\nfn user() {\n    later!(in_body);\n}\n';
    const lib = '#[macro_use]\nmod macros;\nmod calls;\n';
    const dir = packageDir({ 'src/lib.rs': lib, 'src/macros.rs': MACROS, 'src/calls.rs': calls });
    const macrosFile = path.join(dir, 'src', 'macros.rs');
    const host = new AnalysisHost(await loadParser(), defaultSettings(), [dir]);
    host.indexAll();
    host.update(macrosFile, MACROS);
    const later = (body: string): string => `macro_rules! later {\n    ($n:ident) => {\n        ${body}\n    };\n}\n`;
    const versions = [
      MACROS + later('#[no_mangle]\n        pub extern "C" fn $n(s: &str) {}'),
      MACROS + later('pub fn $n() {}'),
      MACROS + later('#[no_mangle]\n        pub extern "C" fn $n(v: Vec<u8>) {}'),
      MACROS,
    ];
    let text = MACROS;
    for (const [step, next] of versions.entries()) {
      const lines = new LineIndex(text);
      host.change(macrosFile, [{ range: { start: lines.position(0), end: lines.position(text.length) }, text: next }]);
      text = next;
      const expected = await fromScratch({ 'lib.rs': lib, 'macros.rs': text, 'calls.rs': calls });
      for (const f of ['lib.rs', 'macros.rs', 'calls.rs'])
        assert.deepStrictEqual(
          said(host.findingsFor(path.join(dir, 'src', f))),
          expected.get(f),
          `${f} after step ${step}`,
        );
    }
  });

  it('indexes a crate whose two expansions write the same finding as the command line does: twice', async () => {
    const lib = LIB.replace('    1\n}', '    export!(inner, u8);\n    1\n}\nfn other() {\n    export!(inner, u8);\n}');
    const macros = MACROS.replace('-> u32 {', '-> char {');
    const dir = packageDir({ 'src/lib.rs': lib, 'src/macros.rs': macros });
    const host = new AnalysisHost(await loadParser(), defaultSettings(), [dir]);
    host.indexAll();
    const expected = await fromScratch({ 'lib.rs': lib, 'macros.rs': macros });
    const inMacros = said(host.findingsFor(path.join(dir, 'src', 'macros.rs')));
    assert.deepStrictEqual(inMacros, expected.get('macros.rs'));
    assert.strictEqual(inMacros.filter((f) => f.includes('fn `inner`')).length, 2, inMacros.join('\n'));
  });

  it('gives what checking from scratch gives after lines typed anywhere in either file', async () => {
    const dir = packageDir({ 'src/lib.rs': LIB, 'src/macros.rs': MACROS });
    const parser = await loadParser();
    const host = new AnalysisHost(parser, defaultSettings(), [dir]);
    host.indexAll();
    const texts: Record<string, string> = { 'lib.rs': LIB, 'macros.rs': MACROS };
    for (const f of Object.keys(texts)) host.update(path.join(dir, 'src', f), texts[f]);
    let seed = 11;
    const next = (n: number): number => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    // Lines typed at the start of a line (below `mod macros;` in lib.rs): each moves what follows.
    const lines = (step: number): string[] => ['\n', '// c\n', `fn pad${step}() {}\n`, `export!(pad${step}, u16);\n`];
    for (let step = 0; step < 40; step++) {
      const name = next(3) === 0 ? 'macros.rs' : 'lib.rs';
      const text = texts[name];
      const starts = [...text.matchAll(/^/gm)].map((m) => m.index).filter((i) => name !== 'lib.rs' || i > 25);
      const at = starts[next(starts.length)];
      const choices = name === 'lib.rs' ? lines(step) : lines(step).slice(0, 2);
      const insert = choices[next(choices.length)];
      const lineOf = text.slice(0, at).split('\n').length - 1;
      host.change(path.join(dir, 'src', name), [
        { range: { start: { line: lineOf, character: 0 }, end: { line: lineOf, character: 0 } }, text: insert },
      ]);
      texts[name] = text.slice(0, at) + insert + text.slice(at);
      const expected = await fromScratch(texts);
      for (const f of Object.keys(texts))
        assert.deepStrictEqual(
          said(host.findingsFor(path.join(dir, 'src', f))),
          expected.get(f),
          `after step ${step} (${JSON.stringify(insert)} typed in ${name} at ${at})`,
        );
    }
    const { found, moved } = host.expansionsReused;
    assert.ok(moved >= 10, `${moved} of ${found} expansions found again had moved`);
  });
});

describe('host: a keystroke that changes functions alone re-checks its file alone', function () {
  this.timeout(120_000);

  const FILES: Record<string, string> = {
    'lib.rs': 'mod api;\nmod more;\nmod panic;\npub mod types;\npub use types::*;\ninclude!("extra.rs");\n',
    'types.rs':
      '#[repr(C)]\npub struct Pair {\n    pub name: String,\n    pub n: u32,\n}\n\n#[repr(C)]\npub struct Wrap {\n    pub p: Pair,\n}\n\npub struct Plain(pub u8);\n',
    'api.rs':
      '// The API.\nuse crate::types::*;\n\n#[no_mangle]\npub extern "C" fn make(p: Pair) -> u32 {\n    p.n\n}\n\n' +
      '#[no_mangle]\npub extern "C" fn wrap(w: *const Wrap, s: &str) -> Option<u32> {\n    None\n}\n\n' +
      'pub extern "C" fn parse(x: u32) -> u32 {\n    Some(x).unwrap()\n}\n\n' +
      'pub struct Handle;\n\nimpl Handle {\n    pub extern "C" fn get(h: *mut Handle, s: String) -> u32 {\n        0\n    }\n}\n',
    'more.rs':
      'use crate::types::Pair;\n\n#[no_mangle]\npub extern "C" fn also(p: Pair, c: char) {}\n\n' +
      '#[no_mangle]\npub extern "C" fn guarded() -> u32 {\n    crate::panic::wrap(|| Some(1).unwrap())\n}\n',
    // A function that runs what it is given under `catch_unwind`: `guarded`'s finding depends on its body.
    'panic.rs':
      'pub fn wrap<F: FnOnce() -> u32>(f: F) -> u32 {\n    std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)).unwrap_or(0)\n}\n',
    // Included: its items are walked in the module of the file that includes it.
    'extra.rs': '#[no_mangle]\npub extern "C" fn extra(s: u8) {}\n',
  };

  it('gives what checking from scratch gives after each keystroke, and after the whole re-check', async () => {
    const dir = packageDir(Object.fromEntries(Object.entries(FILES).map(([f, t]) => [`src/${f}`, t])));
    const host = new AnalysisHost(await loadParser(), defaultSettings(), [dir]);
    host.indexAll();
    const texts = { ...FILES };
    for (const f of Object.keys(texts)) host.update(path.join(dir, 'src', f), texts[f]);
    // Each edit: a file, the text it replaces (its first occurrence) and the replacement, typed a character
    // at a time where it only adds text. Some leave the crate's declarations as they were (the file's items
    // are walked alone), some do not (a type added), and some change what another file's findings read (a
    // `catch_unwind` wrapper, an included file).
    // A fourth element `true`: the next edit comes before the whole re-check (an inert one, typed meanwhile).
    const edits: [string, string, string, boolean?][] = [
      // The only other user of `Pair`'s bad field is `also`: its finding names `also` instead.
      ['api.rs', 'make(p: Pair)', 'make(p: u32)'],
      ['api.rs', 'make(p: u32) -> u32 {\n    p.n', 'make(p: u32) -> u32 {\n    p'],
      ['more.rs', 'c: char', 'c: u32'],
      ['api.rs', 's: &str', 's: &str, t: (u8, u8)'],
      ['api.rs', 'Some(x).unwrap()', 'Some(x).unwrap_or(0)', true],
      ['api.rs', '// The API', '// The API typed'],
      ['api.rs', 'h: *mut Handle, s: String', 'h: *mut Handle, s: u8'],
      ['api.rs', '#[no_mangle]\npub extern "C" fn wrap', 'pub extern "C" fn wrap'],
      ['more.rs', 'also(p: Pair', 'also(p: *const Pair'],
      ['api.rs', 'make(p: u32)', 'make(p: Wrap)'],
      ['panic.rs', 'std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)).unwrap_or(0)', 'f()'],
      ['extra.rs', 'extra(s: u8)', 'extra(s: u8, t: char)'],
      ['api.rs', 'pub struct Handle;', 'pub struct Handle;\npub struct Other(String);'],
      ['more.rs', 'use crate::types::Pair;', 'use crate::types::Pair;\n\n// a line before'],
    ];
    const keystrokes = (from: string, to: string): string[] =>
      to.startsWith(from) ? [...to.slice(from.length)].map((_, i) => to.slice(0, from.length + i + 1)) : [to];
    for (const [step, [file, original, to, typedOn]] of edits.entries()) {
      let from = original;
      for (const typed of keystrokes(original, to)) {
        const text = texts[file];
        const start = text.indexOf(from);
        assert.ok(start >= 0, `step ${step}: \`${from}\` not found`);
        const lines = new LineIndex(text);
        const at = (offset: number): { line: number; character: number } => lines.position(offset);
        // A keystroke inserts what it adds, as an editor sends it; a replacement replaces the whole text.
        const typing = typed.startsWith(from);
        const range = typing
          ? { start: at(start + from.length), end: at(start + from.length) }
          : { start: at(start), end: at(start + from.length) };
        host.change(path.join(dir, 'src', file), [{ range, text: typing ? typed.slice(from.length) : typed }]);
        texts[file] = text.slice(0, start) + typed + text.slice(start + from.length);
        from = typed;
        const expected = await fromScratch(texts);
        for (const f of Object.keys(texts))
          assert.deepStrictEqual(
            said(host.findingsFor(path.join(dir, 'src', f))),
            expected.get(f),
            `after step ${step} (${JSON.stringify(typed)} in ${file})`,
          );
      }
      if (typedOn) continue;
      const rechecked = host.recheckDeferred();
      for (const [f, list] of rechecked) assert.deepStrictEqual(list, host.findingsFor(f));
      const expected = await fromScratch(texts);
      for (const f of Object.keys(texts))
        assert.deepStrictEqual(said(host.findingsFor(path.join(dir, 'src', f))), expected.get(f), `re-checked whole`);
    }
    assert.ok(host.editsHandled.alone >= 20, `${host.editsHandled.alone} of ${host.editsHandled.rechecked} alone`);
    assert.ok(host.editsHandled.inert > 0, 'a comment typed before a whole re-check');
  });
});
