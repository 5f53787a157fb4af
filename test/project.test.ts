import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { defaultSettings } from '../server/src/core/config';
import { discover } from '../server/src/core/workspace/discover';
import { loadParser } from '../server/src/core/syntax/parse';
import { checkCrates, crateLoads, DiskSource, loadCrates } from '../server/src/core/project';
import { FileSource, SourceCache } from '../server/src/core/workspace/crates';
import { tempTree } from './harness/cli';

describe('project: one crate the checker cannot handle', () => {
  it('is reported through onError and costs nothing to the other crates', async () => {
    const dir = tempTree({ 'a.rs': 'pub extern "C" fn a(c: char) {}\n', 'b.rs': 'pub extern "C" fn b(s: &str) {}\n' });
    const cache = new SourceCache(await loadParser(), new DiskSource(1e7));
    const crates = loadCrates(discover([dir], dir, []), cache, defaultSettings());
    assert.strictEqual(crates.length, 2);
    // Simulate an internal error while checking the first crate.
    const broken = crates[0].crate;
    Object.defineProperty(broken, 'modules', {
      get: () => {
        throw new Error('boom');
      },
    });
    const errors: string[] = [];
    const findings = checkCrates(
      crates,
      defaultSettings(),
      () => true,
      (crate, e) => errors.push(`${path.basename(crate.rootFile)}: ${e.message}`),
    );
    assert.deepStrictEqual(errors, [`${path.basename(broken.rootFile)}: boom`]);
    assert.deepStrictEqual(
      findings.map((f) => path.basename(f.origin.file)),
      [path.basename(crates[1].crate.rootFile)],
    );
  });
});

describe('project: a run that releases each crate once it is checked', () => {
  it('keeps only the files of the crate being checked, and reads a released file again when asked', async () => {
    const dir = tempTree({
      'a/Cargo.toml': '[package]\nname = "a"\nversion = "0.1.0"\nedition = "2021"\n',
      'a/src/lib.rs': 'mod ffi;\n',
      'a/src/main.rs': 'mod ffi;\n\nfn main() {}\n',
      'a/src/ffi.rs': 'pub extern "C" fn f(c: char) {}\n',
      'b/Cargo.toml': '[package]\nname = "b"\nversion = "0.1.0"\nedition = "2021"\n',
      'b/src/lib.rs': 'pub extern "C" fn g(s: &str) {}\n',
    });
    const reads = new Map<string, number>();
    const disk = new DiskSource(1e7);
    const source: FileSource = {
      read: (f) => (reads.set(f, (reads.get(f) ?? 0) + 1), disk.read(f)),
      exists: (f) => disk.exists(f),
      list: (d) => disk.list(d),
      modifiedAt: (f) => disk.modifiedAt(f),
    };
    const cache = new SourceCache(await loadParser(), source, () => false);
    const ffi = path.join(dir, 'a', 'src', 'ffi.rs');
    const cached: string[][] = [];
    for (const { crate } of crateLoads(discover([dir], dir, []), cache, defaultSettings(), { release: true }))
      cached.push(
        ['lib.rs', 'main.rs', 'ffi.rs']
          .flatMap((n) => (cache.peek(path.join(dir, 'a', 'src', n)) ? [n] : []))
          .concat(crate.name),
      );
    assert.deepStrictEqual(cached, [['lib.rs', 'ffi.rs', 'a'], ['main.rs', 'ffi.rs', 'a'], ['b']]);
    assert.ok(reads.get(ffi)! >= 2, 'the module two targets share is read again for the second');
    assert.strictEqual(cache.peek(path.join(dir, 'b', 'src', 'lib.rs')), undefined, 'the last crate is released too');
  });
});

describe('project: discovery sees whether a crate may have been built', () => {
  it('tells a target folder in the folders walked or above a path, and none, and reads .gitignore files', function () {
    const dir = tempTree({
      'Cargo.toml': '[package]\nname = "a"\nversion = "0.1.0"\nedition = "2021"\n',
      'src/lib.rs': 'pub fn f() {}\n',
      'src/gen/.gitignore': 'skipped.rs\n',
      'src/gen/skipped.rs': 'pub fn g() {}\n',
      'src/gen/kept.rs': 'pub fn h() {}\n',
    });
    for (let d = path.dirname(dir); path.dirname(d) !== d; d = path.dirname(d))
      if (fs.existsSync(path.join(d, 'target'))) this.skip(); // a build folder above the temporary one
    const unbuilt = discover([dir], dir, []);
    assert.strictEqual(unbuilt.buildFolders, false);
    assert.deepStrictEqual(
      unbuilt.files.map((f) => path.relative(dir, f)),
      ['src/gen/kept.rs', 'src/lib.rs'],
    );
    fs.mkdirSync(path.join(dir, 'target', 'debug'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'target', 'debug', 'stale.rs'), 'pub fn s() {}\n');
    const built = discover([dir], dir, []);
    assert.strictEqual(built.buildFolders, true);
    assert.deepStrictEqual(built.files, unbuilt.files, 'a target folder is never walked');
    assert.strictEqual(discover([path.join(dir, 'src')], dir, []).buildFolders, true, 'one above the path');
    assert.strictEqual(discover([path.join(dir, 'src', 'lib.rs')], dir, []).buildFolders, true, 'above a file');
  });
});
