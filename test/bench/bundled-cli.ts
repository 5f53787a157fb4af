import * as path from 'path';

/**
 * `ffi-guard` as installed: the bundle `npm run bundle` writes (dist/cli.js), which the npm package's
 * bin/ffi-guard.js runs and the .vsix's server is built like. In a clone bin/ffi-guard.js runs the
 * compiled out/ instead, so `npm run bench` measures the shipped CLI through this (`--cli compiled` for out/).
 */
const bundle = path.resolve(__dirname, '..', '..', '..', 'dist', 'cli.js');
// eslint-disable-next-line @typescript-eslint/no-require-imports
const cli = require(bundle) as { main: (args: string[]) => Promise<number> };
cli.main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    process.stderr.write(`ffi-guard: internal error: ${(e as Error).stack ?? String(e)}\n`);
    process.exitCode = 2;
  },
);
