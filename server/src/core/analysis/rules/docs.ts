import { RULES } from './index';
import type { RuleMeta } from './meta';

/**
 * Rule documentation generated from the rules' own metadata: the README's rule table and sections,
 * hover text and the documentation links of diagnostics all come from here.
 */

/** The anchor of a rule's section in the README (GitHub's heading slug of `` `rule-id` ``). */
export function ruleAnchor(id: string): string {
  return id;
}

/** The README's rule table. */
export function ruleTableMarkdown(): string {
  const rows = RULES.map(
    (r) =>
      `| [\`${r.id}\`](#${ruleAnchor(r.id)}) | ${r.family === 'parity' ? 'parity' : 'beyond rustc'} | ${r.rustcLint ? `\`${r.rustcLint}\`` : '—'} | ${r.defaultSeverity} | ${r.summary} |`,
  );
  return [
    '| rule | family | rustc / clippy lint | default | what it flags |',
    '| --- | --- | --- | --- | --- |',
    ...rows,
  ].join('\n');
}

/** One section per rule, with the four headings every rule carries. */
export function ruleSectionsMarkdown(): string {
  return RULES.map(ruleSection).join('\n\n');
}

function ruleSection(r: RuleMeta): string {
  return [
    `### \`${r.id}\``,
    '',
    `${r.summary} ${r.rustcLint ? `Corresponds to \`${r.rustcLint}\`.` : 'rustc has no lint for this.'} Default severity: ${r.defaultSeverity}.`,
    '',
    `**What it does.** ${r.docs.whatItDoes}`,
    '',
    `**Why is this bad?** ${r.docs.whyIsThisBad}`,
    '',
    '**Example**',
    '',
    '```rust',
    r.docs.example,
    '```',
    '',
    '**Use instead**',
    '',
    r.docs.useInstead.startsWith('#') || (/^[A-Z]/.test(r.docs.useInstead) && !r.docs.useInstead.includes('\n'))
      ? r.docs.useInstead
      : ['```rust', r.docs.useInstead, '```'].join('\n'),
  ].join('\n');
}
