import * as assert from 'assert';
import * as path from 'path';
import { defaultSettings } from '../server/src/core/config';
import { CoverageError, exportingLibraries, headerCoverage, HeaderCoverage } from '../server/src/core/coverage';
import { checkPaths } from '../server/src/core/project';
import { runCli, tempTree } from './harness/cli';

/**
 * Which crates `header` covers (core/coverage.ts), the same for `ffi-guard header` and `ffiGuard/header`:
 * one library crate, the one that exports C symbols, never a binary, example, test or build script.
 */

const EXPORT = (name: string): string => `#[no_mangle]\npub extern "C" fn ${name}(x: u32) -> u32 {\n    x\n}\n`;
const manifest = (name: string): string => `[package]\nname = "${name}"\nversion = "0.1.0"\nedition = "2021"\n`;

/** The header coverage of the crates under `dir`, or the error's message and candidates. */
async function coverageIn(dir: string, crate: string | null = null): Promise<HeaderCoverage | CoverageError> {
  const result = await checkPaths([dir], dir, defaultSettings());
  try {
    return headerCoverage(result.crates, result.findings, {
      crate,
      where: 'the folder',
      rel: (f) => path.relative(dir, f),
    });
  } catch (e) {
    if (e instanceof CoverageError) return e;
    throw e;
  }
}

/** The coverage, failing the test with the error's message when there is none. */
function covered(coverage: HeaderCoverage | CoverageError): HeaderCoverage {
  if (coverage instanceof CoverageError) assert.fail(coverage.message);
  return coverage;
}

describe('coverage: the crate a C header is for', function () {
  this.timeout(30_000);

  it("is the package's library, not its binaries, examples, tests or build script", async () => {
    const dir = tempTree({
      'Cargo.toml': manifest('plugin-host'),
      'src/lib.rs': EXPORT('host_api'),
      'src/main.rs': EXPORT('from_main'),
      'examples/demo.rs': EXPORT('from_example'),
      'tests/it.rs': EXPORT('from_test'),
      'build.rs': EXPORT('from_build'),
    });
    const coverage = covered(await coverageIn(dir));
    assert.strictEqual(coverage.name, 'plugin_host');
    assert.strictEqual(coverage.directory, dir);
    assert.strictEqual(coverage.crate.description.target, 'lib');
    const r = await runCli(['header', '.'], dir);
    assert.strictEqual(r.code, 0, r.stderr);
    assert.match(r.stdout, /#ifndef PLUGIN_HOST_H/);
    assert.match(r.stdout, /uint32_t host_api\(uint32_t x\);/);
    assert.doesNotMatch(r.stdout, /from_(main|example|test|build)/);
  });

  it('is the one library that exports C symbols, among several', async () => {
    const dir = tempTree({
      'Cargo.toml': '[workspace]\nmembers = ["core", "ffi"]\n',
      'core/Cargo.toml': manifest('core-lib'),
      'core/src/lib.rs': 'pub fn add(a: u32, b: u32) -> u32 {\n    a + b\n}\n',
      'ffi/Cargo.toml': manifest('ffi-lib'),
      'ffi/src/lib.rs': EXPORT('ffi_add'),
    });
    const coverage = covered(await coverageIn(dir));
    assert.strictEqual(coverage.name, 'ffi_lib');
    assert.strictEqual(coverage.directory, path.join(dir, 'ffi'));
    // A library asked for by name is covered even when it exports nothing yet.
    const named = covered(await coverageIn(dir, 'core_lib'));
    assert.strictEqual(named.name, 'core_lib');
  });

  it('is asked for when several libraries export: the error names them, and the CLI says how to choose', async () => {
    const dir = tempTree({
      'a/Cargo.toml': manifest('alpha'),
      'a/src/lib.rs': EXPORT('alpha_f'),
      'b/Cargo.toml': manifest('beta'),
      'b/src/lib.rs': EXPORT('beta_f'),
      'c/Cargo.toml': manifest('gamma'),
      'c/src/main.rs': EXPORT('gamma_f'),
    });
    const error = await coverageIn(dir);
    assert.ok(error instanceof CoverageError);
    assert.deepStrictEqual(error.candidates, ['alpha', 'beta']);
    const result = await checkPaths([dir], dir, defaultSettings());
    assert.deepStrictEqual(exportingLibraries(result.crates, result.findings), ['alpha', 'beta']);
    const r = await runCli(['header', '.'], dir);
    assert.strictEqual(r.code, 2);
    assert.strictEqual(r.stdout, '');
    assert.match(
      r.stderr,
      /^error: 2 crates export C symbols \(alpha, beta\).*Give that crate's directory as PATH\.\n$/,
    );
    // Narrowed by PATH, the same command writes beta's header.
    const beta = await runCli(['header', 'b'], dir);
    assert.strictEqual(beta.code, 0, beta.stderr);
    assert.match(beta.stdout, /#ifndef BETA_H/);
    assert.doesNotMatch(beta.stdout, /alpha_f/);
    const unknown = await coverageIn(dir, 'gamma');
    assert.ok(unknown instanceof CoverageError);
    assert.match(unknown.message, /no crate named `gamma` with a library target/);
  });

  it('tells lone files apart by their path, since each is a crate named after its file', async () => {
    const dir = tempTree({ 'x/lib.rs': EXPORT('x_f'), 'y/lib.rs': EXPORT('y_f') });
    const error = await coverageIn(dir);
    assert.ok(error instanceof CoverageError);
    assert.deepStrictEqual(error.candidates, [
      `lib (${path.join('x', 'lib.rs')})`,
      `lib (${path.join('y', 'lib.rs')})`,
    ]);
  });

  it('is the only library when none exports yet, and an error when there is none', async () => {
    const quiet = covered(
      await coverageIn(tempTree({ 'Cargo.toml': manifest('quiet'), 'src/lib.rs': 'pub fn f() {}\n' })),
    );
    assert.strictEqual(quiet.name, 'quiet');
    const binOnly = await coverageIn(tempTree({ 'Cargo.toml': manifest('tool'), 'src/main.rs': EXPORT('f') }));
    assert.ok(binOnly instanceof CoverageError);
    assert.match(binOnly.message, /No library crate in the folder exports a C function or static/);
  });
});
