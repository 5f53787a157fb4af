import * as fs from 'fs';
import * as path from 'path';
import { makeCfgEnv } from '../../server/src/core/syntax/cfg';
import { checkCrate } from '../../server/src/core/analysis/check';
import type { Finding } from '../../server/src/core/analysis/findings';
import { loadParser } from '../../server/src/core/syntax/parse';
import { DiskSource, standaloneRoots } from '../../server/src/core/project';
import { RULES } from '../../server/src/core/analysis/rules';
import { Crate, loadCrate, SourceCache } from '../../server/src/core/workspace/crates';
import { RelevanceIndex } from '../../server/src/core/workspace/relevance';
import { Directives, readDirectives } from './expectations';

/** Every fixture crate under `test/fixtures`: a root file, its directives, and our findings for it. */
export interface FixtureCrate {
  root: string;
  directives: Directives;
  crate: Crate;
  /** Every finding of every rule: the expectation test narrows them to the fixture's `//@ rules`. */
  findings: Finding[];
}

export const FIXTURES_DIR = path.resolve(__dirname, '..', '..', '..', 'test', 'fixtures');

export function listRustFiles(dir: string): string[] {
  const out: string[] = [];
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...listRustFiles(full));
    else if (e.name.endsWith('.rs')) out.push(full);
  }
  return out.sort();
}

/** Rule ids a fixture's `//@ rules:` directive names (`parity` = every parity rule). */
export function rulesOf(directives: Directives): Set<string> | null {
  if (!directives.rules) return null;
  const out = new Set<string>();
  for (const r of directives.rules) {
    if (r === 'parity') RULES.filter((x) => x.family === 'parity').forEach((x) => out.add(x.id));
    else out.add(r);
  }
  return out;
}

/**
 * Loads and checks every fixture crate. `lazy` (the default, as `ffi-guard check` and the editor run)
 * leaves the modules the relevance index does not need unloaded until something names them; `false`
 * loads every module up front, the reference the lazy loading must agree with.
 */
export async function loadFixtureCrates(dir = FIXTURES_DIR, lazy = true): Promise<FixtureCrate[]> {
  const parser = await loadParser();
  const cache = new SourceCache(parser, new DiskSource(10 * 1024 * 1024));
  const files = listRustFiles(dir);
  const relevance = new RelevanceIndex();
  for (const file of files) relevance.update(file, cache.text(file) ?? '');
  const out: FixtureCrate[] = [];
  for (const root of standaloneRoots(files, cache)) {
    const directives = readDirectives(cache.get(root)!.text);
    const crate = loadCrate(
      {
        name: path.basename(root, '.rs'),
        rootFile: root,
        edition: directives.edition,
        cfg: makeCfgEnv({ features: directives.features }),
        relevance: lazy ? relevance : undefined,
      },
      cache,
    );
    if (!crate) throw new Error(`cannot load fixture ${root}`);
    out.push({ root, directives, crate, findings: checkCrate(crate) });
  }
  return out;
}
