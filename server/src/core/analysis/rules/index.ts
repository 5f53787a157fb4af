import type { Reason } from '../ffi';
import type { Ty } from '../../workspace/types';
import type { ParityRuleMeta, RuleMeta } from './meta';
import { unspecifiedLayout } from './unspecified-layout';
import { zeroSized } from './zero-sized';
import { phantomOnly } from './phantom-only';
import { strType } from './str-type';
import { sliceType } from './slice-type';
import { charType } from './char-type';
import { tupleType } from './tuple-type';
import { traitObject } from './trait-object';
import { fatBox } from './fat-box';
import { stdType } from './std-type';
import { optionNoNiche } from './option-no-niche';
import { rustFnPointer } from './rust-fn-pointer';
import { arrayByValue } from './array-by-value';
import { opaqueType } from './opaque-type';
import { nonExhaustive } from './non-exhaustive';
import { genericExport } from './generic-export';
import { rustAbiExport } from './rust-abi-export';
import { staticExport } from './static-export';
import { unresolvedType } from './unresolved-type';
import { reprCField } from './repr-c-field';
import { enumFromC } from './enum-from-c';
import { panicAcrossFfi } from './panic-across-ffi';
import { edition2024Unsafe } from './edition-2024-unsafe';
import { abiMismatch } from './abi-mismatch';
import { ptrArgDeref } from './ptr-arg-deref';
import { missingSafetyDoc } from './missing-safety-doc';
import { saferFfiNotReprC, stabbyNotIStable } from './crate-export-types';
import { abiStableRootModule } from './abi-stable-root-module';
import { abiStableNotStableAbi } from './abi-stable-not-stable-abi';

/** Every rule, in documentation order. Rule ids are stable once shipped. */
export const RULES: readonly RuleMeta[] = [
  unspecifiedLayout,
  zeroSized,
  phantomOnly,
  strType,
  sliceType,
  charType,
  tupleType,
  traitObject,
  fatBox,
  stdType,
  optionNoNiche,
  rustFnPointer,
  arrayByValue,
  opaqueType,
  nonExhaustive,
  genericExport,
  rustAbiExport,
  staticExport,
  unresolvedType,
  reprCField,
  enumFromC,
  panicAcrossFfi,
  edition2024Unsafe,
  ptrArgDeref,
  missingSafetyDoc,
  saferFfiNotReprC,
  stabbyNotIStable,
  abiStableRootModule,
  abiStableNotStableAbi,
];

/**
 * The rules the cross-crate checks report (core/abi/cross-crate.ts): they read every crate at once, so
 * no crate's own check runs them. Kept apart from `RULES` until the README's rule table lists them.
 */
export const CROSS_CRATE_RULES: readonly RuleMeta[] = [abiMismatch];

/** Every rule: those of a crate's own check, then the cross-crate ones. */
export const ALL_RULES: readonly RuleMeta[] = [...RULES, ...CROSS_CRATE_RULES];

const byId = new Map(ALL_RULES.map((r) => [r.id, r]));

/** The rule with this id; throws for an unknown id (an internal error). */
export function ruleById(id: string): RuleMeta {
  const r = byId.get(id);
  if (!r) throw new Error(`unknown rule id ${id}`);
  return r;
}

/** The parity rule that reports a verdict of this reason about this type. */
export function parityRuleFor(reason: Reason, ty: Ty): ParityRuleMeta {
  for (const r of RULES)
    if (r.family === 'parity' && (r as ParityRuleMeta).claims(reason, ty)) return r as ParityRuleMeta;
  throw new Error(`no parity rule claims reason ${reason}`);
}

export function isRuleId(id: string): boolean {
  return byId.has(id);
}

export type { Certainty, ParityRuleMeta, RuleMeta, Severity } from './meta';
