import type { FixId } from '../analysis/rules/meta';
import type { FixImplementation } from './edits';
import { catchUnwindFixes, cUnwindFixes, externCFixes, externRustFixes } from './abi';
import { allowLintFixes, suppressCommentFixes } from './allow';
import { shimFixes } from './c-shim';
import { unsafeAttributeFixes, unsafeExternFixes } from './edition';
import { explanationFixes } from './explain';
import { externCFieldFixes } from './fn-field';
import { deriveReprCFixes, elementReprFixes, reprFixes } from './layout';

/**
 * The implementation of every fix id a rule can declare (`RuleMeta.fixes`). The rules name the fixes they
 * offer; this table is the one place that knows how each is made, so the analysis stage never imports
 * the fixes stage.
 */
export const FIX_IMPLEMENTATIONS: { readonly [id in FixId]: FixImplementation } = {
  repr: reprFixes,
  'derive-repr-c': deriveReprCFixes,
  'c-shim': shimFixes,
  'element-repr': elementReprFixes,
  explain: explanationFixes,
  'allow-lint': allowLintFixes,
  'suppress-comment': suppressCommentFixes,
  'extern-c': externCFixes,
  'extern-c-field': externCFieldFixes,
  'extern-rust': externRustFixes,
  'c-unwind': cUnwindFixes,
  'catch-unwind': catchUnwindFixes,
  'unsafe-attribute': unsafeAttributeFixes,
  'unsafe-extern': unsafeExternFixes,
};
