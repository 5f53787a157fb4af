#!/usr/bin/env node
'use strict';
// `ffi-guard lsp …` is the language server; every other command is the command line. Each side is
// loaded only when asked for, so the CLI never loads the server and the server never loads the CLI.
// In a clone, the compiled sources in out/ run (`npm ci` builds them); the npm package ships neither
// out/ nor the sources but the bundles of dist/ (scripts/bundle.js), which run on Node alone.
const fs = require('fs');
const path = require('path');

const root = path.join(__dirname, '..');
const compiled = path.join(root, 'out', 'server', 'src');
const [cli, server] = fs.existsSync(path.join(compiled, 'cli.js'))
  ? [path.join(compiled, 'cli.js'), path.join(compiled, 'server.js')]
  : [path.join(root, 'dist', 'cli.js'), path.join(root, 'dist', 'server.js')];

const args = process.argv.slice(2);
// `lsp --help` is answered by the command line, which holds every command's help.
const lsp = args[0] === 'lsp' && !args.slice(1).some((a) => a === '--help' || a === '-h');
const run = lsp ? () => require(server).lspCommand(args.slice(1)) : () => require(cli).main(args);
// A reader that stops early (`ffi-guard check | head`) closes the pipe: the rest of the output has nowhere
// to go, which is no error of ours. The run ends as it would have, with its exit status.
if (!lsp)
  process.stdout.on('error', (e) => {
    if (e.code !== 'EPIPE') throw e;
  });
run().then(
  (code) => {
    process.exitCode = code;
  },
  (e) => {
    process.stderr.write(`ffi-guard: internal error: ${(e && e.stack) || e}\n`);
    process.exitCode = 2;
  },
);
