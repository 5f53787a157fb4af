import { scanFile } from '../../server/src/core/syntax/scan';

/**
 * `node out/test/bench/scan-worst-cases.js`: the scan of every file must stay linear in its text, whatever the
 * text holds. Each case is a text no one writes, shaped to defeat one part of the scan; each prints its size
 * and the time of one scan. At e2a637c, 200,000 inline modules after a `#[path]` took 97 s (each module
 * searched back to the start of the text for the end of the item before it), 50,000 paths among 50,000
 * inline modules 9.7 s, and 999 nested macro calls around 100,000 boundary words 1.3 s.
 */

const CASES: Record<string, () => string> = {
  'inline modules after a #[path]': () => `#[path = "x.rs"] mod x;\n${'mod a { fn f() {} }\n'.repeat(200_000)}`,
  'paths among inline modules': () =>
    `${'#[path = "x.rs"] mod x;\n'.repeat(50_000)}${'mod a { fn f() {} }\n'.repeat(50_000)}`,
  'modules nested 999 deep around 3 MB': () =>
    `#[path = "x.rs"] mod x;\n${'mod a {\n'.repeat(999)}${'fn f() {}\n'.repeat(300_000)}${'}\n'.repeat(999)}`,
  'boundary words in 999 nested calls': () =>
    `${'q! {'.repeat(999)}${' extern "C" fn f(); '.repeat(100_000)}${'}'.repeat(999)}`,
  'boundary words in 200,000 calls': () => 'q! { extern "C" fn f(); }\n'.repeat(200_000),
  'long names before calls': () => `${`${'a'.repeat(100_000)}!(x) `.repeat(50)}extern "C" {}`,
  'paths set by cfg_attr': () => `${'#[cfg_attr(unix, path = "a.rs")]\n'.repeat(100_000)}mod x;`,
};

for (const [name, make] of Object.entries(CASES)) {
  const text = make();
  const started = process.hrtime.bigint();
  scanFile(text);
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  console.log(`${name.padEnd(40)} ${(text.length / 1e6).toFixed(1).padStart(5)} MB  ${ms.toFixed(0).padStart(6)} ms`);
}
