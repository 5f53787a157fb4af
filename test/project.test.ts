import * as assert from 'assert';
import * as path from 'path';
import { defaultSettings } from '../server/src/core/config';
import { discover } from '../server/src/core/workspace/discover';
import { loadParser } from '../server/src/core/syntax/parse';
import { checkCrates, DiskSource, loadCrates } from '../server/src/core/project';
import { SourceCache } from '../server/src/core/workspace/crates';
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
