import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { defaultSettings } from '../server/src/core/config';
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
