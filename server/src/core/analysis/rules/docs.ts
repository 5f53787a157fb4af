import { ALL_RULES as RULES } from './index';
import type { RuleMeta } from './meta';

/**
 * Rule documentation generated from the rules' own metadata: docs/rules.md's rule table and sections
 * (`npm run docs`), hover text and the documentation links of diagnostics all come from here.
 */

/** The anchor of a rule's section in docs/rules.md (GitHub's heading slug of `` `rule-id` ``). */
export function ruleAnchor(id: string): string {
  return id;
}

/** docs/rules.md's rule table. */
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
    useInsteadMarkdown(r.docs.useInstead),
  ].join('\n');
}

/**
 * What a "Use instead" holds: a sentence of advice (one line, starting with a capital, ending with a
 * full stop), TOML configuration (it starts with the `# ffi-guard.toml` comment), or else Rust code, which
 * test/docs.test.ts compiles with rustc.
 */
export function useInsteadLanguage(text: string): 'prose' | 'toml' | 'rust' {
  if (/^[A-Z][^\n`#{}();]*\.$/.test(text)) return 'prose';
  if (text.startsWith('# ffi-guard.toml\n')) return 'toml';
  return 'rust';
}

function useInsteadMarkdown(text: string): string {
  const language = useInsteadLanguage(text);
  return language === 'prose' ? text : ['```' + language, text, '```'].join('\n');
}
