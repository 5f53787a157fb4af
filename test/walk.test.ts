import * as assert from 'assert';
import { checkCrate, isPlainRustFn, walkReading } from '../server/src/core/analysis/check';
import type { Finding } from '../server/src/core/analysis/findings';
import type { FnItem, Item } from '../server/src/core/syntax/model';
import { loadFixtureCrates } from './harness/fixtures';

/**
 * Most functions of a crate are Rust functions that no rule reads: the checker's walk passes them without
 * making their scopes, and walks the items their bodies declare still.
 */

const line = (f: Finding): string =>
  `${f.rule} ${f.severity} ${f.origin.file}:${f.origin.span.start}-${f.origin.span.end} ${f.message}`;

/** Every function of an item list, those of impls, traits and bodies included. */
function functionsOf(items: readonly Item[]): FnItem[] {
  return items.flatMap((item): FnItem[] => {
    if (item.kind === 'fn') return [item, ...functionsOf(item.nested)];
    if (item.kind === 'impl' || item.kind === 'trait') return functionsOf(item.items);
    if (item.kind === 'static' || item.kind === 'const') return functionsOf(item.nested);
    return [];
  });
}

describe('the functions no rule reads', function () {
  this.timeout(120_000);

  it('leave every finding of every fixture crate as a walk through every function finds it', async () => {
    const fixtures = await loadFixtureCrates();
    const passed = fixtures.flatMap((f) => f.crate.modules.flatMap((m) => functionsOf(m.items))).filter(isPlainRustFn);
    assert.ok(passed.length > 50, `the fixtures hold plain Rust functions (${passed.length})`);
    assert.ok(
      passed.some((fn) => fn.nested.some((i) => i.kind === 'fn' && !isPlainRustFn(i))),
      'and some whose bodies declare a function a rule reads',
    );
    walkReading.passPlainRustFns = false;
    try {
      for (const f of fixtures) {
        const everyFunction = checkCrate(f.crate, {}).map(line);
        walkReading.passPlainRustFns = true;
        const passing = checkCrate(f.crate, {}).map(line);
        walkReading.passPlainRustFns = false;
        assert.deepStrictEqual(passing, everyFunction, f.root);
      }
    } finally {
      walkReading.passPlainRustFns = true;
    }
  });

  it('are those of Rust ABI written by default, neither exported nor placed, without a C fn pointer', async () => {
    const fixtures = await loadFixtureCrates();
    const fns = fixtures.flatMap((f) => f.crate.modules.flatMap((m) => functionsOf(m.items)));
    const named = (pattern: RegExp): FnItem[] => fns.filter((fn) => pattern.test(fn.name));
    for (const fn of fns.filter(isPlainRustFn)) {
      assert.strictEqual(fn.abi, null, fn.name);
      assert.ok(!fn.attrs.some((a) => ['no_mangle', 'export_name', 'link_section'].includes(a.name)), fn.name);
    }
    const exportedRust = fns.filter((fn) => fn.abi === null && fn.attrs.some((a) => a.name === 'no_mangle'));
    assert.ok(exportedRust.length && exportedRust.every((fn) => !isPlainRustFn(fn)), '#[no_mangle] Rust functions');
    const withCallbacks = fns.filter(
      (fn) => fn.abi === null && fn.params.some((p) => /extern\s*"C"\s*fn/.test(JSON.stringify(p.type))),
    );
    assert.ok(
      withCallbacks.every((fn) => !isPlainRustFn(fn)),
      'Rust functions taking C callbacks',
    );
    assert.ok(
      named(/.*/).some((fn) => fn.abi !== null && !isPlainRustFn(fn)),
      'extern functions',
    );
  });
});
