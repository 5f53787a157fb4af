#!/usr/bin/env node
'use strict';
// Bundles the extension into dist/, which is all the .vsix runs (see .vscodeignore):
//   dist/extension.js          the VS Code client (client/src/extension.ts; `vscode` is provided by VS Code)
//   dist/server.js             the language server (server/src/server.ts) with the analysis core
//   dist/cli.js                the command line (server/src/cli.ts), for the npm package (bin/ffi-guard.js;
//                              `ffi-guard lsp` loads dist/server.js)
//   dist/web-tree-sitter.cjs   tree-sitter's JavaScript, beside the scripts and not in them: after a
//                              WebAssembly abort the parser loads a fresh copy (server/src/core/syntax/parse.ts)
//   dist/web-tree-sitter.wasm  tree-sitter's runtime      } found beside the running script by
//   dist/tree-sitter-*.wasm    the grammars (grammars/)   } server/src/core/syntax/parse.ts
//                                C for `check --against FILE.h` (server/src/core/abi/c-header-reader.ts)
//   dist/THIRD_PARTY_NOTICES.txt  the licenses of the packages bundled into the two scripts
// Both scripts are CommonJS for Node 20, minified, without source maps.
// Usage: node scripts/bundle.js [--dev]   (--dev: not minified, with source maps, for debugging)
const fs = require('fs');
const path = require('path');
const esbuild = require('esbuild');

const ROOT = path.resolve(__dirname, '..');

// `forbidden`: source folders that must not end up in that script. The client talks to the server over
// LSP and shares only protocol/ with it: the analysis core in the client would be dead weight, and a
// sign that an import crossed the line the linter draws.
const ENTRIES = [
  { entry: 'client/src/extension.ts', outfile: 'extension.js', external: ['vscode'], forbidden: ['server/src/'] },
  { entry: 'server/src/server.ts', outfile: 'server.js', external: [], forbidden: ['client/src/'] },
  { entry: 'server/src/cli.ts', outfile: 'cli.js', external: [], forbidden: ['client/src/', 'server/src/lsp/'] },
];

/** tree-sitter's runtime, and every grammar in grammars/ (whichever the parsers load). */
const ASSETS = [
  { from: 'node_modules/web-tree-sitter/web-tree-sitter.wasm', license: 'node_modules/web-tree-sitter' },
  ...fs
    .readdirSync(path.join(ROOT, 'grammars'))
    .filter((f) => f.endsWith('.wasm'))
    .sort()
    .map((f) => ({ from: `grammars/${f}`, license: f === 'tree-sitter-c.wasm' ? 'node_modules/tree-sitter-c' : null })),
];

/**
 * `server/src/core/version.ts` requires `../../../../package.json`, a path relative to the compiled file
 * in `out/server/src/core/`. In a bundle it means the repository's package.json, of which only the name
 * and version are needed (the manifest's `contributes` would otherwise be bundled into the server).
 */
const packageVersionPlugin = {
  name: 'package-version',
  setup(build) {
    build.onResolve({ filter: /(^|[\\/])package\.json$/ }, (args) => {
      if (!args.importer.startsWith(path.join(ROOT, 'server', 'src') + path.sep)) return undefined;
      return { path: path.join(ROOT, 'package.json'), namespace: 'package-version' };
    });
    build.onLoad({ filter: /.*/, namespace: 'package-version' }, (args) => {
      const { name, version } = JSON.parse(fs.readFileSync(args.path, 'utf8'));
      return { contents: JSON.stringify({ name, version }), loader: 'json' };
    });
  },
};

/** web-tree-sitter's CommonJS build, as Node's `require` finds it (it finds its own files through `__dirname`). */
const TREE_SITTER_JS = require.resolve('web-tree-sitter', { paths: [ROOT] });

/**
 * `import { Parser } from 'web-tree-sitter'` is left to a `require` of `./web-tree-sitter.cjs`, a copy of
 * the package's CommonJS build beside the script: a parser whose WebAssembly instance aborted cannot be
 * used again, and only a second copy of that module gives a second instance (syntax/parse.ts). (The
 * package's ES module build would not do either: it finds its files through `import.meta.url`, empty in
 * a CommonJS bundle.)
 */
const commonJsTreeSitterPlugin = {
  name: 'web-tree-sitter-cjs',
  setup(build) {
    build.onResolve({ filter: /^web-tree-sitter$/ }, () => ({ path: './web-tree-sitter.cjs', external: true }));
  },
};

/** The package directory (`node_modules/x` or `node_modules/@s/x`) a bundled input file belongs to, if any. */
function packageDirOf(input) {
  const m = /^(.*node_modules\/(?:@[^/]+\/)?[^/]+)\//.exec(input.replace(/\\/g, '/'));
  return m ? m[1] : null;
}

function licenseText(packageDir) {
  const file = fs.readdirSync(packageDir).find((f) => /^(licen[cs]e|copying)(\.|-|$)/i.test(f));
  return file ? fs.readFileSync(path.join(packageDir, file), 'utf8').trim() : null;
}

/** One text with the license of every package bundled into dist/, or copied there. */
function thirdPartyNotices(packageDirs) {
  const sections = [...packageDirs].sort().map((dir) => {
    const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, dir, 'package.json'), 'utf8'));
    const text = licenseText(path.join(ROOT, dir));
    if (!text) throw new Error(`${dir} has no license file: check its license before bundling it`);
    return `${pkg.name} ${pkg.version} (${pkg.license})\n\n${text}`;
  });
  sections.push(...grammarNotices());
  return `Rust FFI Guard bundles the following packages.\n\n${sections.join(`\n\n${'-'.repeat(78)}\n\n`)}\n`;
}

/** Where each grammar of grammars/ comes from and under which license (grammars/README.md says more). */
const GRAMMAR_NOTICES = {
  'tree-sitter-rust.wasm':
    'tree-sitter-rust 0.24.0 (MIT), dist/tree-sitter-rust.wasm\n\nThe Rust grammar for tree-sitter, https://github.com/tree-sitter/tree-sitter-rust; ' +
    'distributed under the MIT license found in that repository.',
};

/** The notices of the grammars copied into dist/; one without a notice here is named by its file, with a pointer. */
function grammarNotices() {
  return ASSETS.filter((a) => a.from.startsWith('grammars/')).map((a) => {
    const name = path.basename(a.from);
    return (
      GRAMMAR_NOTICES[name] ??
      `${name}, dist/${name}\n\nA tree-sitter grammar: see grammars/README.md for its source and license.`
    );
  });
}

/** The source files of the repository (not of node_modules) bundled into one script, with `/` separators. */
function sourcesOf(metafile) {
  return Object.keys(metafile.inputs)
    .map((input) => input.replace(/\\/g, '/'))
    .filter((input) => !packageDirOf(input))
    .sort();
}

/**
 * Bundle into `outDir`; returns the files written, with their sizes and, for the scripts, the repository's
 * source files bundled into each. Fails when a script holds sources of a folder it must not (`forbidden`).
 */
async function bundle({ outDir = path.join(ROOT, 'dist'), dev = false, entries = ENTRIES } = {}) {
  for (const { entry } of entries) {
    if (!fs.existsSync(path.resolve(ROOT, entry))) throw new Error(`${entry} does not exist: nothing to bundle`);
  }
  fs.rmSync(outDir, { recursive: true, force: true });
  fs.mkdirSync(outDir, { recursive: true });
  const packageDirs = new Set();
  const sources = new Map();
  for (const { entry, outfile, external, forbidden = [] } of entries) {
    const result = await esbuild.build({
      absWorkingDir: ROOT,
      entryPoints: [path.resolve(ROOT, entry)],
      outfile: path.join(outDir, outfile),
      bundle: true,
      platform: 'node',
      format: 'cjs',
      target: 'node20',
      external,
      minify: !dev,
      sourcemap: dev ? 'linked' : false,
      // The licenses are in THIRD_PARTY_NOTICES.txt, whole.
      legalComments: 'none',
      metafile: true,
      logLevel: 'warning',
      plugins: [packageVersionPlugin, commonJsTreeSitterPlugin],
    });
    for (const input of Object.keys(result.metafile.inputs)) {
      const dir = packageDirOf(input);
      if (dir) packageDirs.add(dir);
    }
    const own = sourcesOf(result.metafile);
    const stray = own.filter((file) => forbidden.some((folder) => file.startsWith(folder)));
    if (stray.length)
      throw new Error(`${outfile} must not contain ${forbidden.join(', ')}, but holds ${stray.join(', ')}`);
    sources.set(outfile, own);
  }
  await esbuild.build({
    entryPoints: [TREE_SITTER_JS],
    outfile: path.join(outDir, 'web-tree-sitter.cjs'),
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    minify: !dev,
    legalComments: 'none',
    logLevel: 'warning',
  });
  packageDirs.add(packageDirOf(path.relative(ROOT, TREE_SITTER_JS)));
  for (const asset of ASSETS) {
    fs.copyFileSync(path.join(ROOT, asset.from), path.join(outDir, path.basename(asset.from)));
    if (asset.license) packageDirs.add(asset.license);
  }
  fs.writeFileSync(path.join(outDir, 'THIRD_PARTY_NOTICES.txt'), thirdPartyNotices(packageDirs));
  return fs.readdirSync(outDir).map((name) => ({
    name,
    bytes: fs.statSync(path.join(outDir, name)).size,
    sources: sources.get(name) ?? [],
  }));
}

module.exports = { bundle, ENTRIES };

if (require.main === module) {
  bundle({ dev: process.argv.includes('--dev') }).then(
    (files) => {
      for (const f of files) console.log(`dist/${f.name}  ${(f.bytes / 1024).toFixed(0)} kB`);
    },
    (e) => {
      console.error(`bundle: ${e.message}`);
      process.exit(1);
    },
  );
}
