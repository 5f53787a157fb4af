import * as fs from 'fs';
import * as path from 'path';
import { defaultSettings } from '../../server/src/core/config';
import { loadParser } from '../../server/src/core/syntax/parse';
import { runFixes } from '../../server/src/core/fix-all';
import { checkPaths } from '../../server/src/core/project';

/**
 * `npm run bench`: the cost of a full `ffi-guard check` against merely parsing the same files with
 * tree-sitter, on a generated corpus, with the ratio taken in one run. Later work must not raise it.
 * Usage: node out/test/bench/bench.js [--crates N] [--rounds N]
 */

const ROOT = path.resolve(__dirname, '..', '..', '..');
const CORPUS = path.join(ROOT, '.bench', 'corpus');

/** A small deterministic PRNG, so every run measures the same corpus. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

const PARAM_TYPES = [
  'u32',
  'i64',
  '*const c_char',
  '&str',
  'String',
  '&[u8]',
  'Option<&Handle>',
  'Option<u32>',
  'char',
  'Handle',
  'Plain',
  '*mut Plain',
  'Vec<u8>',
  'Cb',
  'f64',
  'bool',
  'Wrapper<u32>',
  'Wrapper<String>',
  '(u8, u8)',
  'Box<Handle>',
];

function generateCrate(dir: string, index: number, random: () => number): void {
  const pick = <T>(xs: T[]): T => xs[Math.floor(random() * xs.length)];
  fs.mkdirSync(path.join(dir, 'src'), { recursive: true });
  fs.writeFileSync(
    path.join(dir, 'Cargo.toml'),
    `[package]\nname = "bench_${index}"\nversion = "0.1.0"\nedition = "2021"\n`,
  );
  const types = `use std::ffi::c_char;\n\n#[repr(C)]\npub struct Handle { pub id: u64, pub flags: u32 }\n\npub struct Plain { pub name: String }\n\n#[repr(C)]\npub struct Wrapper<T> { pub value: T }\n\npub type Cb = extern "C" fn(*const c_char, u32) -> i32;\n`;
  fs.writeFileSync(path.join(dir, 'src', 'types.rs'), types);
  const modules = 6;
  let lib = '#![allow(dead_code, unused)]\nuse std::ffi::c_char;\npub mod types;\n';
  for (let m = 0; m < modules; m++) lib += `pub mod api${m};\n`;
  fs.writeFileSync(path.join(dir, 'src', 'lib.rs'), lib);
  for (let m = 0; m < modules; m++) {
    let text = `//! Generated module ${m}.\nuse crate::types::*;\nuse std::ffi::c_char;\n\n`;
    for (let f = 0; f < 60; f++) {
      const params = Array.from({ length: 1 + Math.floor(random() * 4) }, (_, i) => `p${i}: ${pick(PARAM_TYPES)}`).join(
        ', ',
      );
      const body = Array.from(
        { length: 3 + Math.floor(random() * 12) },
        (_, i) => `    let v${i} = ${i} + ${Math.floor(random() * 100)};`,
      ).join('\n');
      text += `/// Function ${f} of module ${m}.\n#[no_mangle]\npub extern "C" fn m${m}_f${f}(${params}) -> ${pick(['u32', 'i32', '()', 'String', 'Option<u32>'])} {\n${body}\n    todo!()\n}\n\n`;
    }
    text += `extern "C" {\n${Array.from({ length: 20 }, (_, i) => `    fn import_${m}_${i}(x: ${pick(PARAM_TYPES)}) -> i32;`).join('\n')}\n}\n`;
    fs.writeFileSync(path.join(dir, 'src', `api${m}.rs`), text);
  }
}

function generateCorpus(crates: number): string[] {
  fs.rmSync(CORPUS, { recursive: true, force: true });
  const random = rng(42);
  for (let i = 0; i < crates; i++) generateCrate(path.join(CORPUS, `crate${i}`), i, random);
  const files: string[] = [];
  const walk = (d: string): void => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const full = path.join(d, e.name);
      if (e.isDirectory()) walk(full);
      else if (e.name.endsWith('.rs')) files.push(full);
    }
  };
  walk(CORPUS);
  return files;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

async function main(): Promise<void> {
  const arg = (name: string, fallback: number): number => {
    const i = process.argv.indexOf(name);
    return i >= 0 ? Number(process.argv[i + 1]) : fallback;
  };
  const crates = arg('--crates', 20);
  const rounds = arg('--rounds', 3);
  const files = generateCorpus(crates);
  const texts = files.map((f) => fs.readFileSync(f, 'utf8'));
  const bytes = texts.reduce((n, t) => n + Buffer.byteLength(t), 0);
  const parser = await loadParser();
  const parseTimes: number[] = [];
  const checkTimes: number[] = [];
  let findings = 0;
  for (let r = 0; r < rounds; r++) {
    let t = process.hrtime.bigint();
    for (const text of texts) parser.parse(text)?.delete();
    parseTimes.push(Number(process.hrtime.bigint() - t) / 1e6);
    t = process.hrtime.bigint();
    const result = await checkPaths([CORPUS], ROOT, defaultSettings());
    checkTimes.push(Number(process.hrtime.bigint() - t) / 1e6);
    findings = result.findings.length;
    result.cache.dispose();
  }
  const parseMs = median(parseTimes);
  const checkMs = median(checkTimes);
  console.log(
    `corpus: ${crates} crates, ${files.length} files, ${(bytes / 1024 / 1024).toFixed(2)} MB; ${findings} findings`,
  );
  console.log(
    `tree-sitter parse only:  ${parseMs.toFixed(0)} ms (${(bytes / 1024 / 1024 / (parseMs / 1000)).toFixed(1)} MB/s)`,
  );
  console.log(
    `ffi-guard check (full):  ${checkMs.toFixed(0)} ms (${(bytes / 1024 / 1024 / (checkMs / 1000)).toFixed(1)} MB/s)`,
  );
  console.log(`ratio check / parse:     ${(checkMs / parseMs).toFixed(2)}x  (median of ${rounds} rounds, same run)`);
  // `ffi-guard fix` checks again after each round of fixes: its cost in checks of the same crate.
  const crate = path.join(CORPUS, 'crate0');
  let t = process.hrtime.bigint();
  (await checkPaths([crate], ROOT, defaultSettings())).cache.dispose();
  const oneCheckMs = Number(process.hrtime.bigint() - t) / 1e6;
  t = process.hrtime.bigint();
  const run = await runFixes([crate], ROOT, defaultSettings());
  const fixMs = Number(process.hrtime.bigint() - t) / 1e6;
  console.log(`ffi-guard fix (crate0):  ${fixMs.toFixed(0)} ms for ${run.applied.length} fixes, not written`);
  console.log(`ratio fix / check:       ${(fixMs / oneCheckMs).toFixed(1)}x  (same crate, same run)`);
}

main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
