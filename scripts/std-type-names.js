#!/usr/bin/env node
'use strict';
// Regenerates server/src/core/workspace/std-type-names.json from the rust-docs component of the installed
// toolchain: every public type-namespace item of std (structs, enums and their variants, unions, traits;
// not type aliases, which rustc's trimmed-path search skips in other crates) and how many distinct items
// share each name. rustc prints a type by its bare name only when the
// name is unique across the crate graph, so this is what "ambiguous" means for std names.
// Usage: node scripts/std-type-names.js   (needs `rustup component add rust-docs`)
const fs = require('fs');
const path = require('path');
const { execFileSync } = require('child_process');

const sysroot = execFileSync('rustc', ['--print', 'sysroot'], { encoding: 'utf8' }).trim();
const version = execFileSync('rustc', ['--version'], { encoding: 'utf8' }).trim();
const docs = path.join(sysroot, 'share', 'doc', 'rust', 'html', 'std');
const all = fs.readFileSync(path.join(docs, 'all.html'), 'utf8');
const items = new Map();
for (const [, href] of all.matchAll(/href="([^"]+\.html)"/g)) {
  const file = href.split('/').pop();
  const m = /^(struct|enum|trait|union|traitalias)\.(.+)\.html$/.exec(file);
  if (!m) continue;
  const page = fs.readFileSync(path.join(docs, href), 'utf8');
  // A re-export has its own page with the same source location: count each item once.
  const src = /href="[^"]*src\/([^"#]+)#(\d+)/.exec(page);
  const id = `${m[1]}:${src ? `${src[1]}#${src[2]}` : href}`;
  if (!items.has(m[2])) items.set(m[2], new Set());
  items.get(m[2]).add(id);
  // rustc's search walks into enums: their variants are type-namespace names too (`Some`, `L1`…).
  if (m[1] === 'enum') {
    for (const [, variant] of page.matchAll(/id="variant\.([A-Za-z0-9_]+)"/g)) {
      if (!items.has(variant)) items.set(variant, new Set());
      items.get(variant).add(`${id}::${variant}`);
    }
  }
}
const names = Object.fromEntries([...items].sort(([a], [b]) => (a < b ? -1 : 1)).map(([n, ids]) => [n, ids.size]));
const out = { generatedFrom: `${version}, rust-docs std/all.html`, names };
fs.writeFileSync(
  path.join(__dirname, '..', 'server', 'src', 'core', 'workspace', 'std-type-names.json'),
  JSON.stringify(out, null, 1) + '\n',
);
console.log(`${Object.keys(names).length} names`);
