import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { checkCrate } from '../server/src/core/analysis/check';
import { defaultSettings } from '../server/src/core/config';
import { AnalysisHost } from '../server/src/core/host';
import { makeCfgEnv } from '../server/src/core/syntax/cfg';
import { loadParser } from '../server/src/core/syntax/parse';
import { FileSource, loadCrate, SourceCache } from '../server/src/core/workspace/crates';
import { tempTree } from './harness/cli';

/** Files that exist only in memory, each with the time it was last changed. */
class MemorySource implements FileSource {
  constructor(private readonly files: Map<string, { text: string; modifiedAt: number }>) {}

  read(file: string): string | null {
    return this.files.get(file)?.text ?? null;
  }

  exists(file: string): boolean {
    return this.files.has(file) || this.list(file).length > 0;
  }

  list(dir: string): string[] {
    const names = new Set<string>();
    for (const file of this.files.keys()) {
      const relative = path.relative(dir, file);
      if (relative && !relative.startsWith('..') && !path.isAbsolute(relative)) names.add(relative.split(path.sep)[0]);
    }
    return [...names];
  }

  modifiedAt(file: string): number | null {
    return this.files.get(file)?.modifiedAt ?? null;
  }
}

const BINDINGS = (name: string): string => `pub struct ${name}(u8);\nextern "C" { pub fn f(p: *const ${name}); }\n`;

describe('macro expansion reads files through the FileSource, never the disk itself', () => {
  it('finds include! files, Cargo.toml and the newest OUT_DIR build output in the source', async () => {
    const root = path.resolve(path.sep, 'ffi-guard-memory-only', 'demo');
    const at = (...parts: string[]): string => path.join(root, ...parts);
    const files = new Map([
      [at('Cargo.toml'), { text: '[package]\nname = "demo"\n', modifiedAt: 1 }],
      [
        at('src', 'lib.rs'),
        {
          text: 'include!(concat!(env!("OUT_DIR"), "/bindings.rs"));\ninclude!("gen/more.rs");\n',
          modifiedAt: 1,
        },
      ],
      [at('src', 'gen', 'more.rs'), { text: BINDINGS('More'), modifiedAt: 1 }],
      [at('target', 'debug', 'build', 'demo-old', 'out', 'bindings.rs'), { text: BINDINGS('Old'), modifiedAt: 2 }],
      [at('target', 'debug', 'build', 'demo-new', 'out', 'bindings.rs'), { text: BINDINGS('New'), modifiedAt: 3 }],
    ]);
    assert.ok(!fs.existsSync(root), 'nothing of this crate is on disk');
    const targetDir = process.env.CARGO_TARGET_DIR;
    delete process.env.CARGO_TARGET_DIR;
    try {
      const cache = new SourceCache(await loadParser(), new MemorySource(files));
      const crate = loadCrate(
        { name: 'demo', rootFile: at('src', 'lib.rs'), edition: '2021', cfg: makeCfgEnv({ features: [] }) },
        cache,
      );
      assert.ok(crate);
      assert.deepStrictEqual(crate.unexpandedMacros, []);
      const newest = at('target', 'debug', 'build', 'demo-new', 'out', 'bindings.rs');
      assert.deepStrictEqual([...crate.included.keys()].sort(), [at('src', 'gen', 'more.rs'), newest].sort());
      assert.deepStrictEqual(
        checkCrate(crate)
          .map((f) => `${path.relative(root, f.origin.file)} ${f.rule}`)
          .sort(),
        [
          `${path.join('src', 'gen', 'more.rs')} unspecified-layout`,
          `${path.relative(root, newest)} unspecified-layout`,
        ].sort(),
      );
      cache.dispose();
    } finally {
      if (targetDir !== undefined) process.env.CARGO_TARGET_DIR = targetDir;
    }
  });

  it('sees an open document that was never saved, as the editor holds it', async () => {
    const dir = tempTree({ 'lib.rs': 'include!("gen/bindings.rs");\n' });
    const generated = path.join(dir, 'gen', 'bindings.rs');
    const host = new AnalysisHost(await loadParser(), defaultSettings(), [dir]);
    host.indexAll();
    assert.deepStrictEqual(host.findingsFor(generated), []);
    host.update(generated, BINDINGS('Plain'));
    assert.ok(!fs.existsSync(generated), 'the included file exists only in the editor');
    assert.deepStrictEqual(
      host.findingsFor(generated).map((f) => f.rule),
      ['unspecified-layout'],
    );
  });
});
