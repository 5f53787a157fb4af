#!/usr/bin/env node
'use strict';
// `ffi-guard lsp …` is the language server; every other command is the command line. Each side is
// loaded only when asked for, so the CLI never loads the server and the server never loads the CLI.
const args = process.argv.slice(2);
const run =
  args[0] === 'lsp'
    ? () => require('../out/server/src/server.js').lspCommand(args.slice(1))
    : () => require('../out/server/src/cli.js').main(args);
run().then(
  (code) => {
    process.exitCode = code;
  },
  (e) => {
    process.stderr.write(`ffi-guard: internal error: ${(e && e.stack) || e}\n`);
    process.exitCode = 2;
  },
);
