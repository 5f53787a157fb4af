import type { AbiSymbol, CheckDiagnostic, CheckRelated } from '../../../../protocol/check';
import { abiMismatch } from '../analysis/rules/abi-mismatch';
import { CDifference, compareSignatures, differenceText } from './c-signature';
import type { CrossCrateCheck, WorkspaceAbi } from './cross-crate';

/**
 * `abi-mismatch`: every import matched to the exports of the same link symbol, in the other crates of
 * the run and in the libraries given with `check --against` (a baseline's exports; a C header's
 * prototypes, which C callers import), compared as a C caller sees them (abi/c-signature.ts).
 * Between two crates of the run, both sides are reported, each pointing at the other; against a
 * baseline or a header, the workspace's side is, pointing at the line of that file.
 */

/** A symbol and who declares it, as the messages name them. */
interface Side {
  symbol: AbiSymbol;
  /** `the crate \`plugin\``, `the baseline plugin.ffi-abi`, `the header mylib.h`. */
  owner: string;
  /** Whether it is in the run's files (and gets a finding of its own). */
  inRun: boolean;
  /** A C header's prototype: C callers import it, the header declares it. */
  declares?: boolean;
  /**
   * Of a file no `Cargo.toml` covers: a program of its own (`rustc FILE`). A folder of them (snippets,
   * test inputs) shares symbol names without ever being linked together, so such a crate is paired with
   * a baseline or a header given with `--against`, never with another crate of the run.
   */
  loose?: boolean;
}

export const abiMismatchCheck: CrossCrateCheck = {
  rule: abiMismatch.id,
  check: (abi) => abiMismatchFindings(abi),
  // An import is compared with the exports of its link name, an export with the imports of its own.
  readsPairsOnly: true,
};

function sidesOf(abi: WorkspaceAbi): Side[] {
  const sides: Side[] = [];
  // Two targets of one root file are one crate to the linker: count its symbols once.
  const roots = new Set<string>();
  for (const surface of abi.surfaces) {
    const crate = abi.crates[surface.crate];
    if (!crate || roots.has(crate.root)) continue;
    roots.add(crate.root);
    const loose = crate.target === 'file';
    for (const symbol of surface.symbols) sides.push({ symbol, owner: `\`${crate.name}\``, inRun: true, loose });
  }
  for (const lib of abi.external ?? [])
    for (const symbol of lib.symbols)
      sides.push({ symbol, owner: lib.name, inRun: false, declares: lib.kind === 'header' });
  return sides;
}

function abiMismatchFindings(abi: WorkspaceAbi): CheckDiagnostic[] {
  const sides = sidesOf(abi);
  const exports = new Map<string, Side[]>();
  for (const s of sides)
    if (s.symbol.direction === 'export') exports.set(s.symbol.name, [...(exports.get(s.symbol.name) ?? []), s]);
  const out: CheckDiagnostic[] = [];
  for (const imp of sides) {
    if (imp.symbol.direction !== 'import') continue;
    for (const exp of exports.get(imp.symbol.name) ?? []) {
      if (!imp.inRun && !exp.inRun) continue;
      if (imp.inRun && exp.inRun && (imp.loose || exp.loose)) continue;
      const differences = [
        ...noCType(imp.symbol, exp.symbol),
        ...compareSignatures(imp.symbol.signature, exp.symbol.signature),
      ];
      if (!differences.length) continue;
      if (imp.inRun) out.push(finding(imp, exp, differences, 'import'));
      if (exp.inRun)
        out.push(
          finding(
            exp,
            imp,
            differences.map((d) => ({ ...d, here: d.there, there: d.here })),
            'export',
          ),
        );
    }
  }
  return out;
}

/**
 * A parameter or return type with no C equivalent on one side (`&str`, `String`) where the other side
 * has a C type: the comparison cannot lay it out, yet no call through it can be right.
 */
function noCType(here: AbiSymbol, there: AbiSymbol): CDifference[] {
  const out: CDifference[] = [];
  const say = (
    a: { type: string; cType: string | null },
    b: { type: string; cType: string | null },
    where: string,
  ): void => {
    if ((a.cType === null) === (b.cType === null)) return;
    const side = (x: typeof a): string => (x.cType === null ? `\`${x.type}\`, which has no C type,` : `\`${x.type}\``);
    out.push({ where, here: side(a), there: side(b) });
  };
  if (here.params.length && here.params.length === there.params.length)
    here.params.forEach((p, i) => say(p, there.params[i], `parameter ${i + 1}`));
  if (here.returns && there.returns && here.kind === 'function') say(here.returns, there.returns, 'the return type');
  return out;
}

function place(s: AbiSymbol): Omit<CheckRelated, 'message'> {
  return { file: s.file, line: s.line, column: s.column, endLine: s.endLine, endColumn: s.endColumn };
}

function finding(here: Side, there: Side, differences: CDifference[], role: 'import' | 'export'): CheckDiagnostic {
  const s = here.symbol;
  const other = there.symbol;
  const at = `${other.file}:${other.line}`;
  const otherRole = role === 'import' ? 'export' : there.declares ? 'prototype' : 'import';
  const otherVerb = role === 'import' ? 'exports' : there.declares ? 'declares' : 'imports';
  const what = differences.map((d) => differenceText(d, `in ${there.owner}'s ${otherRole}`)).join('; ');
  const head =
    role === 'import'
      ? `\`${s.name}\` is imported here with another C signature than ${there.owner} exports at ${at}: ${what}.`
      : `\`${s.name}\` is exported here with another C signature than ${there.owner} ${otherVerb} at ${at}: ${what}.`;
  const advice =
    role === 'import'
      ? ` Every call through this declaration is undefined behaviour: declare it as the export is${other.cPrototype ? ` (\`${other.cPrototype}\`)` : ''}.`
      : there.declares
        ? ` C code built against ${there.owner} calls it with undefined behaviour: update the header or the function.`
        : ` Calls from ${there.owner} are undefined behaviour until the two sides agree.`;
  return {
    ...place(s),
    rule: abiMismatch.id,
    severity: abiMismatch.defaultSeverity,
    certainty: abiMismatch.certainty,
    message: head + advice,
    rustcLint: null,
    symbol: s.rustName,
    fixes: [],
    related: [
      {
        ...place(other),
        message: `${role === 'import' ? 'exported' : there.declares ? 'declared' : 'imported'} here by ${there.owner}${other.cPrototype ? `: \`${other.cPrototype}\`` : ''}`,
      },
    ],
  };
}
