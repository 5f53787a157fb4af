import * as assert from 'assert';
import * as fs from 'fs';
import { ALL_RULES } from '../server/src/core/analysis/rules';
import { README, renderReadme } from './tools/update-readme';

describe('docs', () => {
  it('README.md carries the rule table and sections generated from the rules (run `npm run docs`)', () => {
    const text = fs.readFileSync(README, 'utf8');
    assert.strictEqual(text, renderReadme(text), 'README.md is out of date: run `npm run docs`');
  });

  it('every rule, the cross-crate ones too, documents the four sections and has a unique id', () => {
    const ids = new Set<string>();
    for (const r of ALL_RULES) {
      assert.ok(!ids.has(r.id), `duplicate rule id ${r.id}`);
      ids.add(r.id);
      for (const k of ['whatItDoes', 'whyIsThisBad', 'example', 'useInstead'] as const)
        assert.ok(r.docs[k].trim().length > 10, `${r.id}: ${k} is empty`);
    }
  });
});
