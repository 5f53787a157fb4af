import * as fs from 'fs';
import * as path from 'path';
import { ruleSectionsMarkdown, ruleTableMarkdown } from '../../server/src/core/analysis/rules/docs';

/**
 * Regenerates the generated parts of README.md (the rule table and the rule sections) from the rules'
 * metadata: `npm run docs`. The docs test fails when README.md is out of date.
 */

export const README = path.resolve(__dirname, '..', '..', '..', 'README.md');

export function renderReadme(text: string): string {
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
  if (i < 0 || j < i) throw new Error(`README.md lacks the ${start} … ${end} markers`);
  return `${text.slice(0, i + start.length)}\n${content}\n${text.slice(j)}`;
}

if (require.main === module) {
  fs.writeFileSync(README, renderReadme(fs.readFileSync(README, 'utf8')));
  console.log('README.md updated');
}
