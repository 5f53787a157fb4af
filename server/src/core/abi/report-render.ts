import type { Finding } from '../analysis/findings';
import { featuresLine, type Surface, type SurfaceSymbol, type SurfaceType } from './report';
import { HOST_MODEL, targetLine } from '../analysis/data-model';
import { escapeHtml } from '../../../../protocol/html';
import { showInvisible } from '../../../../protocol/text';
import type { ReportData, ReportSummary } from '../../../../protocol/report';

/**
 * Renderings of the ABI surface: the JSON of ../shared/CLI.md, Markdown for reviews and PR comments,
 * and a self-contained HTML page (no remote resources; every string from the code escaped).
 */

/** Counts of the surface's crates, symbols and types, and of the findings by rule. */
export function summarize(surface: Surface, findings: Finding[]): ReportSummary {
  const byRule: Record<string, number> = {};
  for (const f of findings) byRule[f.rule] = (byRule[f.rule] ?? 0) + 1;
  return {
    crates: surface.crates.length,
    symbols: surface.symbols.length,
    exports: surface.symbols.filter((s) => s.direction === 'export').length,
    imports: surface.symbols.filter((s) => s.direction === 'import').length,
    safe: surface.symbols.filter((s) => s.safe).length,
    unsafe: surface.symbols.filter((s) => !s.safe).length,
    types: surface.types.length,
    findingsByRule: Object.fromEntries(Object.entries(byRule).sort(([a], [b]) => (a < b ? -1 : 1))),
  };
}

/** `report --format json`: `{ version, crates, symbols, types, summary }`, the shape protocol/report.ts declares. */
export function reportJson(surface: Surface, findings: Finding[]): ReportData {
  return {
    version: 1,
    target: (surface.model ?? HOST_MODEL).target,
    crates: surface.crates,
    symbols: surface.symbols.map((s) => ({
      name: s.name,
      rustName: s.rustName,
      kind: s.kind,
      direction: s.direction,
      abi: s.abi,
      crate: s.crate,
      file: s.file,
      line: s.line,
      exported: s.exported,
      ...(s.kind === 'static' ? { mutable: s.mutable } : {}),
      cPrototype: s.cPrototype,
      ...(s.cPrototypeWhyNot ? { cPrototypeWhyNot: s.cPrototypeWhyNot } : {}),
      safe: s.safe,
      findings: s.findings,
      params: s.params.map((p) => ({ name: p.name, type: p.type, cType: p.cType })),
      returns: s.returns ? { type: s.returns.type, cType: s.returns.cType } : null,
      types: s.types,
      docs: s.docs,
    })),
    types: surface.types.map((t) => ({
      name: t.name,
      path: t.path,
      kind: t.kind,
      crate: t.crate,
      file: t.file,
      line: t.line,
      repr: t.repr,
      safe: t.safe,
      cName: t.cName,
      size: t.size,
      align: t.align,
      fields: t.fields,
      variants: t.variants,
      usedBy: t.usedBy,
      behindPointerOnly: t.behindPointerOnly,
      docs: t.docs,
    })),
    summary: summarize(surface, findings),
  };
}

/**
 * A code span that shows `s` verbatim (CommonMark 6.1): fenced by a run of backticks longer than any run
 * inside, padded with a space where the content starts or ends with a backtick or a space (one of which
 * the parser strips). Characters that would end a line or a table row (a newline) are shown as Rust
 * escapes, the one place where the span is not verbatim. In a table cell, wrap it in `mdCell`.
 */
export function mdCode(s: string): string {
  const content = showInvisible(s);
  if (!content) return '*(empty)*';
  const longest = longestRun(content);
  const fence = '`'.repeat(longest + 1);
  const pad = /^[` ]|[` ]$/.test(content) && /[^ ]/.test(content) ? ' ' : '';
  return `${fence}${pad}${content}${pad}${fence}`;
}

/** A fenced code block holding `code` whole: its fence is longer than any backtick run in the code. */
export function mdFence(code: string, lang = ''): string {
  const longest = Math.max(2, longestRun(code));
  const fence = '`'.repeat(longest + 1);
  return `${fence}${lang}\n${code}\n${fence}`;
}

/**
 * Markdown placed in a table cell: GitHub's tables and markdown-it split the row at every `|` not
 * written `\|`, and read `\|` as a pipe of the cell's text, also inside a code span.
 */
export function mdCell(markdown: string): string {
  return markdown.replace(/\|/g, '\\|');
}

/** A code span in a table cell. */
const cellCode = (s: string): string => mdCell(mdCode(s));

/**
 * Text from the code (doc comments, paths) outside code spans: Markdown renderers pass raw HTML through
 * and read `*`, `_`, `[…](…)`, `` ` ``, `~`, `$` as markup, so those are escaped (HTML's three with
 * entities, the others with a backslash) and invisible characters shown as Rust escapes.
 */
export function mdText(s: string): string {
  return showInvisible(s).replace(
    /[\\`*_[\]~$|&<>]/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;' })[c] ?? `\\${c}`,
  );
}

/**
 * A message that quotes code in backticks, as the tool's messages do (`` renamed to `x` ``): the code
 * spans are kept, paired as CommonMark pairs them (a backtick run closes at the next run of the same
 * length), and the text outside them is escaped by `mdText`, an unpaired run included. So a name that
 * holds backticks cannot move the parser's idea of where code ends away from the escaping's.
 */
export function mdMessage(s: string): string {
  let out = '';
  let at = 0;
  const runs = [...s.matchAll(/`+/g)];
  for (let i = 0; i < runs.length; i++) {
    const open = runs[i];
    const close = runs.findIndex((r, j) => j > i && r[0].length === open[0].length);
    if (close < 0) continue;
    const end = runs[close].index + runs[close][0].length;
    out += mdText(s.slice(at, open.index)) + showInvisible(s.slice(open.index, end));
    at = end;
    i = close;
  }
  return out + mdText(s.slice(at));
}

/** The first line of a doc comment, the summary a table has room for. */
const summaryOf = (docs: string[]): string => docs.find((d) => d.trim())?.trim() ?? '';

/** The C prototype's cell: the prototype, or which type C has no equivalent for. */
function whyNoPrototype(s: SurfaceSymbol): string {
  if (s.cPrototype) return cellCode(s.cPrototype);
  return s.cPrototypeMissing === null ? '—' : `— (${cellCode(s.cPrototypeMissing)} has no C equivalent)`;
}

/** The report as Markdown, for reviews and pull-request comments: the summary, the symbol table and the type table. */
export function reportMarkdown(surface: Surface, findings: Finding[]): string {
  const sum = summarize(surface, findings);
  const lines = [
    '# ABI report',
    '',
    `${sum.crates} crate${sum.crates === 1 ? '' : 's'}, ${sum.exports} export${sum.exports === 1 ? '' : 's'}, ${sum.imports} import${sum.imports === 1 ? '' : 's'}: ${sum.safe} FFI-safe, ${sum.unsafe} not; ${sum.types} type${sum.types === 1 ? '' : 's'} reached from the boundary.`,
    '',
    mdText(featuresLine(surface)),
    '',
    mdText(targetLine(surface.model ?? HOST_MODEL)),
    '',
    '## Symbols',
    '',
    '| symbol | direction | ABI | C prototype | verdict | findings | where | doc |',
    '| --- | --- | --- | --- | --- | --- | --- | --- |',
    ...surface.symbols.map(
      (s) =>
        `| ${cellCode(s.name)} | ${s.direction} | ${mdText(s.abi)} | ${whyNoPrototype(s)} | ${s.safe ? '✓ safe' : '✗ not safe'} | ${s.findings.map(cellCode).join(', ') || '—'} | ${mdText(`${s.file}:${s.line}`)} | ${mdText(summaryOf(s.docs))} |`,
    ),
    '',
    '## Types',
    '',
    '| type | repr | size | align | by value | used by | where | doc |',
    '| --- | --- | --- | --- | --- | --- | --- | --- |',
    ...surface.types.map(
      (t) =>
        `| ${cellCode(t.name)} | ${mdText(t.repr)} | ${t.size ?? '—'} | ${t.align ?? '—'} | ${t.safe ? '✓ safe' : '✗ not safe'} | ${t.usedBy.map(cellCode).join(', ')} | ${mdText(`${t.file}:${t.line}`)} | ${mdText(summaryOf(t.docs))} |`,
    ),
  ];
  if (Object.keys(sum.findingsByRule).length) {
    lines.push('', '## Findings by rule', '', '| rule | count |', '| --- | --- |');
    for (const [r, n] of Object.entries(sum.findingsByRule)) lines.push(`| ${cellCode(r)} | ${n} |`);
  }
  return lines.join('\n') + '\n';
}

/** A standalone HTML page: the summary, a sortable symbol table and the type table. */
export function reportHtml(surface: Surface, findings: Finding[], nonce: string | null = null): string {
  const e = escapeHtml;
  const sum = summarize(surface, findings);
  const symbolRow = (s: SurfaceSymbol): string =>
    `<tr class="${s.safe ? 'safe' : 'unsafe'}"><td><code>${e(s.name)}</code></td><td>${e(s.direction)}</td><td>${e(s.abi)}</td><td>${s.cPrototype ? `<code>${e(s.cPrototype)}</code>` : `<em>${e(s.cPrototypeWhyNot ?? '')}</em>`}</td><td>${s.safe ? '✓ safe' : '✗ not safe'}</td><td>${e(s.findings.join(', '))}</td><td>${e(`${s.file}:${s.line}`)}</td><td>${e(summaryOf(s.docs))}</td></tr>`;
  const typeRow = (t: SurfaceType): string =>
    `<tr class="${t.safe ? 'safe' : 'unsafe'}"><td><code>${e(t.name)}</code></td><td>${e(t.repr)}</td><td>${t.size ?? '—'}</td><td>${t.align ?? '—'}</td><td>${t.safe ? '✓ safe' : '✗ not safe'}</td><td>${e(t.usedBy.join(', '))}</td><td>${e(`${t.file}:${t.line}`)}</td><td>${e(summaryOf(t.docs))}</td></tr>`;
  const script = `document.querySelectorAll('th').forEach(function (th) { th.addEventListener('click', function () { var table = th.closest('table'); var i = Array.prototype.indexOf.call(th.parentNode.children, th); var rows = Array.prototype.slice.call(table.tBodies[0].rows); var asc = th.dataset.asc !== '1'; th.dataset.asc = asc ? '1' : '0'; rows.sort(function (a, b) { var x = a.cells[i].textContent, y = b.cells[i].textContent; return (asc ? 1 : -1) * x.localeCompare(y, undefined, { numeric: true }); }); rows.forEach(function (r) { table.tBodies[0].appendChild(r); }); }); });`;
  const csp = `default-src 'none'; style-src 'unsafe-inline'; script-src ${nonce ? `'nonce-${nonce}'` : "'unsafe-inline'"};`;
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${e(csp)}">
<title>ABI report</title>
<style>
body { font-family: system-ui, sans-serif; margin: 1.5rem; }
table { border-collapse: collapse; width: 100%; margin-bottom: 2rem; }
th, td { text-align: left; padding: 0.3rem 0.5rem; border-bottom: 1px solid #8884; vertical-align: top; }
th { cursor: pointer; user-select: none; }
tr.unsafe td:nth-child(5) { color: #c33; }
tr.safe td:nth-child(5) { color: #393; }
code { font-family: ui-monospace, monospace; }
</style>
</head>
<body>
<h1>ABI report</h1>
<p>${sum.crates} crate(s), ${sum.exports} export(s), ${sum.imports} import(s): ${sum.safe} FFI-safe, ${sum.unsafe} not; ${sum.types} type(s) reached from the boundary.</p>
<p>${escapeHtml(featuresLine(surface))}</p>
<p>${escapeHtml(targetLine(surface.model ?? HOST_MODEL))}</p>
<h2>Symbols</h2>
<table><thead><tr><th>symbol</th><th>direction</th><th>ABI</th><th>C prototype</th><th>verdict</th><th>findings</th><th>where</th><th>doc</th></tr></thead>
<tbody>${surface.symbols.map(symbolRow).join('\n')}</tbody></table>
<h2>Types</h2>
<table><thead><tr><th>type</th><th>repr</th><th>size</th><th>align</th><th>by value</th><th>used by</th><th>where</th><th>doc</th></tr></thead>
<tbody>${surface.types.map(typeRow).join('\n')}</tbody></table>
<script${nonce ? ` nonce="${e(nonce)}"` : ''}>${script}</script>
</body>
</html>
`;
}

/** The length of the longest run of backticks in a text (0 for none); a loop, as a text may hold many. */
function longestRun(text: string): number {
  let longest = 0;
  for (const run of text.match(/`+/g) ?? []) longest = Math.max(longest, run.length);
  return longest;
}
