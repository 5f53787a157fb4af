#!/usr/bin/env node
'use strict';
const { main } = require('../out/server/src/cli.js');
main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (e) => {
    process.stderr.write(`ffi-guard: internal error: ${(e && e.stack) || e}\n`);
    process.exitCode = 2;
  },
);
