import * as fs from 'fs';
import * as path from 'path';
import { ruleSectionsMarkdown, ruleTableMarkdown } from '../../server/src/core/analysis/rules/docs';

/**
 * Regenerates the generated parts of docs/rules.md (the rule table and the rule sections) from the rules'
 * metadata: `npm run docs`. The docs test fails when docs/rules.md is out of date.
 */

export const RULES_MD = path.resolve(__dirname, '..', '..', '..', 'docs', 'rules.md');

export function renderRules(text: string): string {
  return replaceBetween(
    replaceBetween(text, 'rule-table', ruleTableMarkdown()),
    'rule-sections',
    ruleSectionsMarkdown(),
  );
}

function replaceBetween(text: string, name: string, content: string): string {
  const start = `<!-- generated:${name} -->`;
  const end = `<!-- /generated:${name} -->`;
  const i = text.indexOf(start);
  const j = text.indexOf(end);
  if (i < 0 || j < i) throw new Error(`docs/rules.md lacks the ${start} … ${end} markers`);
  return `${text.slice(0, i + start.length)}\n${content}\n${text.slice(j)}`;
}

if (require.main === module) {
  fs.writeFileSync(RULES_MD, renderRules(fs.readFileSync(RULES_MD, 'utf8')));
  console.log('docs/rules.md updated');
}
