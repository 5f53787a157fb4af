import { escapeHtml } from './html';

/**
 * The rules' documentation as the editor shows it, offline: a rule's section of the bundled
 * docs/rules.md (`### \`rule-id\`` up to the next heading of that level or above), and the page of
 * the "Rust FFI Guard: Rule" panel around it. Pure, so that a test can read the real file.
 */

const RULE_HEADING = /^### `([a-z0-9-]+)`\s*$/;

/** The rule ids docs/rules.md documents, in its order. */
export function documentedRules(markdown: string): string[] {
  return markdown
    .split('\n')
    .map((line) => RULE_HEADING.exec(line)?.[1])
    .filter((id): id is string => !!id);
}

/** A rule's section of docs/rules.md, heading included, or null when the file does not document it. */
export function ruleSection(markdown: string, rule: string): string | null {
  const lines = markdown.split('\n');
  const start = lines.findIndex((line) => RULE_HEADING.exec(line)?.[1] === rule);
  if (start < 0) return null;
  let end = start + 1;
  let fenced = false;
  for (; end < lines.length; end++) {
    if (/^(```|~~~)/.test(lines[end])) fenced = !fenced;
    if (!fenced && /^#{1,3} /.test(lines[end])) break;
  }
  return lines.slice(start, end).join('\n').trim() + '\n';
}

export interface RuleDocsPage {
  rule: string;
  /** The section rendered to HTML by the editor's Markdown renderer (our own text, trusted), or null. */
  sectionHtml: string | null;
  /** The section's Markdown, shown as text when it could not be rendered. */
  sectionMarkdown: string | null;
  /** What to do by hand at this site, when the finding's quick fix can only explain. */
  explanation?: string;
  nonce: string;
  cspSource: string;
}

/** The panel's page: the explanation (if any), then the rule's documentation; no script, no remote resource. */
export function ruleDocsHtml(page: RuleDocsPage): string {
  const e = escapeHtml;
  const csp = `default-src 'none'; img-src ${page.cspSource}; style-src ${page.cspSource} 'nonce-${page.nonce}';`;
  const explanation = page.explanation
    ? `<section class="explanation"><h2>How to fix this by hand</h2><p>${e(page.explanation)}</p></section>`
    : '';
  const body =
    page.sectionHtml ??
    (page.sectionMarkdown
      ? `<pre>${e(page.sectionMarkdown)}</pre>`
      : `<p>No documentation for <code>${e(page.rule)}</code> in this version of the extension.</p>`);
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${e(csp)}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${e(page.rule)}</title>
<style nonce="${e(page.nonce)}">
body { font-family: var(--vscode-font-family); color: var(--vscode-foreground); max-width: 52em; padding: 0 1em 2em; line-height: 1.5; }
code, pre { font-family: var(--vscode-editor-font-family); }
pre { background: var(--vscode-textCodeBlock-background); padding: 0.6em 0.8em; overflow-x: auto; }
.explanation { border-left: 3px solid var(--vscode-editorInfo-foreground); padding: 0 1em; margin: 1em 0; }
</style>
</head>
<body>
${explanation}
${body}
</body>
</html>
`;
}
