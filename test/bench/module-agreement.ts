import * as path from 'path';
import { loadSettings } from '../../server/src/core/config';
import { DiskSource, loadCrates } from '../../server/src/core/project';
import { loadParser } from '../../server/src/core/syntax/parse';
import { SourceCache } from '../../server/src/core/workspace/crates';
import { discover } from '../../server/src/core/workspace/discover';

/**
 * The real-crate agreement on which files make up a crate: the `.rs` files rustc read for the targets
 * cargo built (its dep-info) against those we load for them, every module loaded, with the same features
 * and build-script cfgs. Findings agree only where both read the same code: a file we load and rustc does
 * not is code a `#[cfg]` or a macro left out (our findings there are false), one rustc reads and we do not
 * is code we never check. A finding-free crate shows neither in the findings' agreement.
 */

/** Targets `cargo check` does not build, whose files rustc's dep-info cannot list. */
const UNBUILT_TARGETS = new Set(['test', 'example', 'bench']);

export interface ModuleAgreement {
  /** Files (relative to the crate's folder) rustc read and we did not load. */
  onlyRustc: string[];
  /** Files we loaded and rustc did not read. */
  onlyOurs: string[];
}

/**
 * `compiled`: the files rustc read (absolute). Only `.rs` files in the crate's folder count (rustc also
 * reads generated files in `OUT_DIR`, which we do not build), and not those read as data (`include_str!`).
 */
export async function moduleAgreement(dir: string, config: string, compiled: Set<string>): Promise<ModuleAgreement> {
  const settings = loadSettings(dir, config);
  const found = discover(['.'], dir, settings.exclude);
  const cache = new SourceCache(await loadParser(), new DiskSource(settings.maxFileSize), () => false);
  const ours = new Set<string>();
  // A package nested in the crate's folder (ureq's `examples/mbedtls`, not a member of any workspace) is
  // another package, which building the crate does not build.
  const manifest = path.join(dir, 'Cargo.toml');
  for (const { crate, description } of loadCrates(found, cache, settings, { loadEveryModule: true })) {
    if (UNBUILT_TARGETS.has(description.target) || description.manifest !== manifest) continue;
    for (const f of crate.files) ours.add(f);
    for (const f of crate.included.keys()) ours.add(f);
  }
  const readAsText = textIncludes(ours, (file) => cache.text(file));
  cache.dispose();
  const inCrate = (file: string): boolean => file.endsWith('.rs') && file.startsWith(dir + path.sep);
  const relative = (files: Iterable<string>): string[] => [...files].map((f) => path.relative(dir, f)).sort();
  return {
    onlyRustc: relative([...compiled].filter((f) => inCrate(f) && !ours.has(f) && !readAsText.has(f))),
    onlyOurs: relative([...ours].filter((f) => inCrate(f) && !compiled.has(f))),
  };
}

/** `include_str!("…")`, `include_bytes!("…")`: a file rustc reads as data (clap's docs are its examples). */
const TEXT_INCLUDE = /\binclude_(?:str|bytes)!\s*\(\s*"([^"\\]+)"\s*\)/g;

/** The files `files` read as data, resolved from the folder of the file that names them. */
function textIncludes(files: Iterable<string>, textOf: (file: string) => string | null): Set<string> {
  const out = new Set<string>();
  for (const file of files)
    for (const m of (textOf(file) ?? '').matchAll(TEXT_INCLUDE)) out.add(path.resolve(path.dirname(file), m[1]));
  return out;
}
