import type { AbiSymbol, CheckDiagnostic, CheckSeverity, CrateAbi, ShardCrate } from '../../../../protocol/check';
import { abiMismatchCheck } from './abi-mismatch';

/**
 * The checks that span crates: a host's `extern` block against the plugin crate that exports the
 * symbol, a symbol two crates both export. A crate's own findings come from its own check; these read
 * the link-level ABI of every crate at once (abi/link-surface.ts). They run in the reduce step: over
 * the whole run in `ffi-guard check`, over the union of the shards' surfaces in `ffi-guard merge`, so
 * both print the same.
 *
 * To add one: write the rule's module in analysis/rules (its id, severity and documentation, as every
 * rule has), then a `CrossCrateCheck` for it below. Its findings are sorted among the others by file and
 * position, and the configuration's `rules` settings apply to them (`off`, another severity).
 */

/** The ABI of every crate of a run, as the cross-crate checks read it. */
export interface WorkspaceAbi {
  /** Every crate of the run, in the order they are checked. */
  crates: readonly ShardCrate[];
  /** What each crate exports and imports, in the order of `crates`; the crate's index says which. */
  surfaces: readonly CrateAbi[];
  /**
   * Libraries outside the run (`check --against`): a baseline's exports, a C header's prototypes (as
   * the imports of the C callers that include it), placed in that file.
   */
  external?: readonly ExternalAbi[];
}

/** The ABI of a library outside the run, read from its baseline or its C header. */
export interface ExternalAbi {
  /** How messages name it: `the baseline plugin.ffi-abi`. */
  name: string;
  /** A baseline (its exports and imports) or a C header (its prototypes, imported by C callers). */
  kind: 'baseline' | 'header';
  symbols: readonly AbiSymbol[];
}

/** A check over the ABI of every crate at once. */
export interface CrossCrateCheck {
  /** The id of the rule it reports. */
  rule: string;
  /** Its findings, at the rule's default severity: placed in the crates' files, with `/` paths. */
  check(abi: WorkspaceAbi): CheckDiagnostic[];
  /**
   * It reads only symbols that face another of the same link name: an import that a crate of the run
   * or a library outside it exports, an export that is imported. When every check of a run says so, an
   * unsharded `check` builds the C signatures of such symbols (and of every export) alone: on a `-sys`
   * crate, thousands of imports nothing else in the run exports are left out.
   */
  readsPairsOnly?: boolean;
}

/** Every cross-crate check, in the order they run. */
export const CROSS_CRATE_CHECKS: readonly CrossCrateCheck[] = [abiMismatchCheck];

/**
 * Run the cross-crate checks over a run's ABI, with the configuration's rule settings applied (a rule
 * set to `off` reports nothing, a severity replaces the default).
 */
export function runCrossCrateChecks(
  abi: WorkspaceAbi,
  rules: Readonly<Record<string, CheckSeverity | 'off'>>,
  checks: readonly CrossCrateCheck[] = CROSS_CRATE_CHECKS,
): CheckDiagnostic[] {
  const out: CheckDiagnostic[] = [];
  for (const c of checks) {
    const setting = rules[c.rule];
    if (setting === 'off') continue;
    for (const d of c.check(abi)) {
      if (d.rule !== c.rule) throw new Error(`cross-crate check ${c.rule} reported rule ${d.rule}`);
      out.push(setting ? { ...d, severity: setting } : d);
    }
  }
  return out;
}
