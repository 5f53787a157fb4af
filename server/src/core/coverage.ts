import * as fs from 'fs';
import * as path from 'path';
import type { Finding } from './analysis/findings';
import { CbindgenConfig, parseCbindgenConfig } from './abi/cbindgen-config';
import { buildSurface } from './abi/report';
import type { LoadedCrate } from './workspace/loaded-crate';

/**
 * Which crates a command covers, decided here once for the command line and the language server.
 * `report`, `snapshot` and `diff` cover every crate they are given; a C header is different: it declares
 * what one library exports, as cbindgen writes one header per crate, so `header` picks one crate.
 */

/**
 * Targets that are not a package's surface: its tests, examples, benches and build script are checked
 * like any crate, but nothing links against what they export, so reports, baselines and headers leave
 * them out. A package that lives in a folder named `examples/` has a library like any other: this is
 * decided by the target Cargo gives a file, never by where the file is.
 */
const NOT_A_SURFACE = new Set(['test', 'example', 'bench', 'build-script']);

/** The crates whose exports and imports are an ABI surface (reports, baselines, `diff`). */
export function surfaceCrates(crates: LoadedCrate[]): LoadedCrate[] {
  return crates.filter((c) => !NOT_A_SURFACE.has(c.description.target));
}

/**
 * The `cbindgen.toml` beside the header's crate (in its package directory), or null when there is none.
 * Throws a `CbindgenConfigError` when it is not valid.
 */
export function headerConfig(coverage: HeaderCoverage, rel: (file: string) => string): CbindgenConfig | null {
  const file = path.join(coverage.directory, 'cbindgen.toml');
  let text: string;
  try {
    if (!fs.statSync(file).isFile()) return null;
    text = fs.readFileSync(file, 'utf8');
  } catch {
    return null;
  }
  return parseCbindgenConfig(text, rel(file));
}

/** The crate a C header is written for. */
export interface HeaderCoverage {
  /** The crate's name: the include guard's default stem and the header's default file name. */
  name: string;
  crate: LoadedCrate;
  /** The crate's package directory (where its `Cargo.toml` is), or its root file's for a lone file. */
  directory: string;
}

/** What a command asks a header for. */
export interface HeaderRequest {
  /** A crate's name, or null to let the crates decide. */
  crate: string | null;
  /** Where the crates were found, as messages name it (a folder, the paths given). */
  where: string;
  /** A file as messages show it. */
  rel: (file: string) => string;
}

/** Why no crate could be chosen; the message is a sentence for the user, the adapter says how to choose. */
export class CoverageError extends Error {
  constructor(
    message: string,
    /** The crates the user can choose among, when the request was ambiguous. */
    readonly candidates: string[] = [],
  ) {
    super(message);
  }
}

/**
 * Targets whose C symbols a C program links against: a package's library (`cdylib`, `staticlib`, `rlib`,
 * `lib`) and a lone file (built as `rustc --crate-type=cdylib FILE`). Binaries, examples, tests,
 * benches and build scripts are not linked by C, so their `#[no_mangle]` functions are not a header's.
 */
const LIBRARY_TARGETS = new Set(['lib', 'file']);

/**
 * The one library crate a C header covers, among `crates` (the crates under the paths or the folder a
 * command was given):
 * - `request.crate` names it: that library, whether it exports anything yet or not;
 * - otherwise the one library that exports C symbols (an exported function or static of a non-Rust ABI);
 * - when no library exports any, the only library there is (its header declares nothing yet).
 * Throws a `CoverageError` when the name matches no library or several, when several libraries export C
 * symbols (`candidates` lists them), or when there is no library, or several and none exports.
 */
export function headerCoverage(crates: LoadedCrate[], findings: Finding[], request: HeaderRequest): HeaderCoverage {
  const libraries = crates.filter(isLibrary);
  if (request.crate !== null) {
    const named = libraries.filter((c) => c.crate.name === request.crate);
    if (!named.length)
      throw new CoverageError(
        `There is no crate named \`${request.crate}\` with a library target in ${request.where}.`,
      );
    if (named.length > 1)
      throw ambiguous(named, request, `${named.length} library crates are named \`${request.crate}\``);
    return coverageOf(named[0]);
  }
  const exporting = exportingCrates(libraries, findings);
  if (exporting.length === 1) return coverageOf(exporting[0]);
  if (exporting.length > 1) throw ambiguous(exporting, request, `${exporting.length} crates export C symbols`);
  if (libraries.length === 1) return coverageOf(libraries[0]);
  throw new CoverageError(
    `No library crate in ${request.where} exports a C function or static (\`#[no_mangle]\` or \`#[export_name]\` with a C ABI).`,
  );
}

/** The names of the library crates that export C symbols, sorted and once each: what a header can be asked for. */
export function exportingLibraries(crates: LoadedCrate[], findings: Finding[]): string[] {
  return [...new Set(exportingCrates(crates.filter(isLibrary), findings).map((c) => c.crate.name))].sort();
}

function isLibrary(c: LoadedCrate): boolean {
  return LIBRARY_TARGETS.has(c.description.target);
}

/** The crates among `libraries` with an exported function or static of a C ABI, in their order. */
function exportingCrates(libraries: LoadedCrate[], findings: Finding[]): LoadedCrate[] {
  return libraries.filter((library) =>
    buildSurface([library], findings, (file) => file).symbols.some(
      (s) => s.direction === 'export' && s.exported && s.abi !== 'Rust',
    ),
  );
}

/** Several crates fit: each named, with its root file when names repeat (lone files are all `lib`…). */
function ambiguous(crates: LoadedCrate[], request: HeaderRequest, what: string): CoverageError {
  const names = crates.map((c) => c.crate.name);
  const labels = crates
    .map((c) =>
      names.filter((n) => n === c.crate.name).length > 1
        ? `${c.crate.name} (${request.rel(c.crate.rootFile)})`
        : c.crate.name,
    )
    .sort();
  return new CoverageError(`${what} (${labels.join(', ')}), and a header is for one of them.`, labels);
}

function coverageOf(library: LoadedCrate): HeaderCoverage {
  const { manifest, rootFile } = library.description;
  return { name: library.crate.name, crate: library, directory: path.dirname(manifest ?? rootFile) };
}
