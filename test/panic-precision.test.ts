import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import {
  Classification,
  CLASSIFICATION_FILE,
  classificationProblems,
  drawSample,
  findingKey,
  measure,
  PanicFinding,
} from './bench/panic-precision';
import type { CargoOracleRun } from './bench/cargo-oracle';
import { inUnbuiltTarget } from './bench/parity-real';

/**
 * The hand-read verdicts behind panic-across-ffi's measured precision (test/bench/panic-precision.json,
 * `npm run precision:panic`): well-formed, each with its reason. No real crate is checked here.
 */

const finding = (crate: string, line: number): PanicFinding => ({
  crate,
  version: '1.0.0',
  file: 'src/lib.rs',
  line,
  symbol: `f${line}`,
  what: '.unwrap()',
  related: [],
});

describe('panic-across-ffi precision', () => {
  const classification = JSON.parse(fs.readFileSync(CLASSIFICATION_FILE, 'utf8')) as Classification;

  it('the classification file is well-formed: every entry identified, with a verdict and a reason', () => {
    assert.deepStrictEqual(classificationProblems(classification), []);
    assert.ok(classification.entries.length > 0, 'no verdicts');
  });

  it('classifies the whole sample it was drawn for', () => {
    assert.strictEqual(classification.entries.length, classification.sample);
  });

  it('finds an entry without a reason, without a verdict, or classified twice', () => {
    const good = {
      crate: 'a',
      file: 'src/lib.rs',
      line: 3,
      symbol: 'f',
      verdict: true,
      reason: 'unwrap on a C string',
    };
    const base = { truePositive: 'x', seed: 1, sample: 2, measuredAt: 'abc 2026-11-29' };
    assert.deepStrictEqual(classificationProblems({ ...base, entries: [good] }), []);
    const problems = classificationProblems({
      ...base,
      entries: [{ ...good, reason: '' }, { ...good, line: 4, verdict: 'yes' }, good],
    });
    assert.deepStrictEqual(problems, [
      'entry 1: no reason for the verdict',
      'entry 2: the verdict is not true or false',
      'entry 3: a|src/lib.rs|3|f is classified twice',
    ]);
  });

  it('draws the same sample for the same seed whatever the order of the findings', () => {
    const all = Array.from({ length: 30 }, (_, i) => finding(`c${i % 4}`, i + 1));
    const a = drawSample(all, 7, 42).map(findingKey);
    const b = drawSample([...all].reverse(), 7, 42).map(findingKey);
    assert.deepStrictEqual(a, b);
    assert.strictEqual(new Set(a).size, 7);
    assert.notDeepStrictEqual(drawSample(all, 7, 43).map(findingKey), a);
    assert.strictEqual(drawSample(all, 100, 1).length, 30);
  });

  it('measures precision over the classified part of the sample and lists the rest', () => {
    const sample = [finding('a', 1), finding('a', 2), finding('b', 3)];
    const verdict = (f: PanicFinding, v: boolean): Classification['entries'][number] => ({
      ...f,
      verdict: v,
      reason: 'read by hand',
    });
    const m = measure(sample, [verdict(sample[0], true), verdict(sample[1], false)]);
    assert.deepStrictEqual([m.truePositives, m.falsePositives, m.precision], [1, 1, 0.5]);
    assert.deepStrictEqual(m.unclassified.map(findingKey), [findingKey(sample[2])]);
  });

  it('takes the folder of a `[[test]]` target for unbuilt code, not one that holds the library', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ffi-guard-unbuilt-'));
    try {
      const write = (file: string, text = ''): void => {
        fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
        fs.writeFileSync(path.join(dir, file), text);
      };
      write(
        'Cargo.toml',
        '[package]\nname = "n"\nversion = "1.0.0"\n\n[[test]]\nname = "test"\npath = "test/test.rs"\n\n' +
          '[[example]]\nname = "top"\npath = "top.rs"\n',
      );
      for (const f of ['src/lib.rs', 'src/off.rs', 'test/test.rs', 'test/sys/signal.rs', 'tests/it.rs', 'top.rs'])
        write(f);
      const oracle = { compiledFiles: new Set([path.join(dir, 'src', 'lib.rs')]) } as CargoOracleRun;
      const unbuilt = (f: string): boolean => inUnbuiltTarget(dir, path.join(dir, f), oracle);
      assert.deepStrictEqual(
        ['src/lib.rs', 'src/off.rs', 'test/test.rs', 'test/sys/signal.rs', 'tests/it.rs', 'top.rs'].map(unbuilt),
        [false, false, true, true, true, false],
      );
      // A file cargo compiled is built wherever it lies.
      oracle.compiledFiles.add(path.join(dir, 'test', 'test.rs'));
      assert.strictEqual(unbuilt('test/test.rs'), false);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
