import * as path from 'path';
import type { CheckDiagnostic, CheckRelated, CrateAbi, ShardCrate } from '../../../protocol/check';
import type { Finding } from './analysis/findings';
import type { Settings } from './config';
import { ExternalAbi, runCrossCrateChecks } from './abi/cross-crate';
import { crateAbi } from './abi/link-surface';
import type { Origin } from './syntax/model';
import type { LoadedCrate } from './workspace/loaded-crate';

/**
 * The cross-crate checks (abi/cross-crate.ts: `abi-mismatch`) over the crates an editor session has
 * loaded, as findings in their files: what the language server shows beside each crate's own, each
 * with the other side as related information. `ffi-guard check` runs the same checks in its reduce step.
 */
export function crossCrateFindings(
  crates: readonly LoadedCrate[],
  settings: Settings,
  textOf: (file: string) => string | undefined,
  external: readonly ExternalAbi[] = [],
  root: string = process.cwd(),
): Finding[] {
  // Messages name files as the command line does, relative to the workspace; origins are absolute.
  const rel = (f: string): string => path.relative(root, f).split(path.sep).join('/');
  const abs = (f: string): string => path.resolve(root, f);
  const described: ShardCrate[] = crates.map((c) => ({
    name: c.crate.name,
    target: c.description.target,
    root: c.crate.rootFile,
    size: 0,
  }));
  const surfaces = crates.map((c, i) => surfaceOf(c, i, rel, root));
  const diagnostics = runCrossCrateChecks({ crates: described, surfaces, external }, settings.rules);
  const out: Finding[] = [];
  for (const d of diagnostics) {
    const origin = originOf({ ...d, file: abs(d.file) }, textOf);
    if (!origin) continue;
    out.push({
      rule: d.rule,
      severity: d.severity,
      certainty: d.certainty,
      message: d.message,
      rustcLint: d.rustcLint,
      origin,
      symbol: d.symbol,
      typeName: null,
      chain: [],
      fixes: [],
      related: (d.related ?? []).flatMap((r) => {
        const at = originOf({ ...r, file: abs(r.file) }, textOf);
        return at ? [{ origin: at, message: r.message }] : [];
      }),
    });
  }
  return out;
}

/**
 * A crate's surface, built once per loaded crate: the editor runs these checks a moment after every edit
 * settles, and a crate the edit did not load again is the same object, with the same surface (built from
 * the crate alone: `crateAbi`). Building every crate's took 66 to 78 ms of the bindings workspace
 * (`node out/test/bench/cross-crate-time.js bindings`), and an edit made meanwhile waited for it.
 */
function surfaceOf(loaded: LoadedCrate, index: number, rel: (file: string) => string, root: string): CrateAbi {
  let known = SURFACES.get(loaded);
  if (!known || known.root !== root) SURFACES.set(loaded, (known = { root, abi: crateAbi(loaded, index, rel) }));
  return known.abi.crate === index ? known.abi : { ...known.abi, crate: index };
}

const SURFACES = new WeakMap<LoadedCrate, { root: string; abi: CrateAbi }>();

/** A place given as rustc counts it (1-based lines, columns in Unicode scalar values) as an offset range. */
function originOf(
  place: Pick<CheckDiagnostic | CheckRelated, 'file' | 'line' | 'column' | 'endLine' | 'endColumn'>,
  textOf: (file: string) => string | undefined,
): Origin | null {
  const text = textOf(place.file);
  if (text === undefined) return null;
  const lineStarts = [0];
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) lineStarts.push(i + 1);
  const offset = (line: number, column: number): number => {
    let at = lineStarts[Math.min(line - 1, lineStarts.length - 1)] ?? 0;
    for (let n = 1; n < column && at < text.length && text[at] !== '\n'; n++) {
      const c = text.charCodeAt(at);
      at += c >= 0xd800 && c <= 0xdbff ? 2 : 1;
    }
    return at;
  };
  return {
    file: place.file,
    span: { start: offset(place.line, place.column), end: offset(place.endLine, place.endColumn) },
  };
}
