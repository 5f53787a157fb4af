import { escapeHtml } from '../../protocol/html';
import type { ReportSymbol, ReportType } from '../../protocol/report';
import type { ExportFormat, SurfaceResult } from '../../protocol/surface-requests';

/**
 * The ABI report panel's page, built without VS Code so that it can be tested: a summary, a filterable,
 * sortable symbol table, the type table, and export buttons. It follows the webview rules: one
 * Content-Security-Policy allowing only this page's nonce'd style and script, no remote or local
 * resources, VS Code's theme colours, and every string that comes from the code escaped. The page
 * talks to the extension only through `postMessage` (`PanelMessage`).
 */

/** What the user set in the panel, kept across refreshes. */
export interface PanelState {
  filter: string;
  verdict: 'all' | 'safe' | 'unsafe';
  direction: 'all' | 'export' | 'import';
  /** Per table id (`symbols`, `types`): the column index sorted by and its direction. */
  sort: Record<string, { column: number; ascending: boolean }>;
}

export const INITIAL_STATE: PanelState = { filter: '', verdict: 'all', direction: 'all', sort: {} };

/** A message from the page. Anything else is ignored: the page is not trusted more than it must be. */
export type PanelMessage =
  | { type: 'open'; file: string; line: number }
  | { type: 'export'; format: ExportFormat }
  | { type: 'state'; state: PanelState }
  | { type: 'refresh' };

export const EXPORT_FORMATS: readonly { format: ExportFormat; label: string; extension: string }[] = [
  { format: 'markdown', label: 'Markdown', extension: 'md' },
  { format: 'json', label: 'JSON', extension: 'json' },
  { format: 'sarif', label: 'SARIF', extension: 'sarif' },
];

/** A message from the page, checked field by field; null when it is not one we know. */
export function parsePanelMessage(raw: unknown): PanelMessage | null {
  if (typeof raw !== 'object' || raw === null) return null;
  const m = raw as Record<string, unknown>;
  switch (m.type) {
    case 'open':
      return typeof m.file === 'string' && Number.isInteger(m.line) && (m.line as number) > 0
        ? { type: 'open', file: m.file, line: m.line as number }
        : null;
    case 'export':
      return EXPORT_FORMATS.some((f) => f.format === m.format)
        ? { type: 'export', format: m.format as ExportFormat }
        : null;
    case 'state':
      return { type: 'state', state: parseState(m.state) };
    case 'refresh':
      return { type: 'refresh' };
    default:
      return null;
  }
}

/** A state from the page, with anything unexpected replaced by the initial value. */
export function parseState(raw: unknown): PanelState {
  const s = (typeof raw === 'object' && raw !== null ? raw : {}) as Record<string, unknown>;
  const sort: PanelState['sort'] = {};
  if (typeof s.sort === 'object' && s.sort !== null) {
    for (const [table, v] of Object.entries(s.sort as Record<string, unknown>)) {
      const o = v as { column?: unknown; ascending?: unknown } | null;
      if (
        (table === 'symbols' || table === 'types') &&
        o &&
        Number.isInteger(o.column) &&
        typeof o.ascending === 'boolean'
      )
        sort[table] = { column: o.column as number, ascending: o.ascending };
    }
  }
  return {
    filter: typeof s.filter === 'string' ? s.filter.slice(0, 200) : '',
    verdict: s.verdict === 'safe' || s.verdict === 'unsafe' ? s.verdict : 'all',
    direction: s.direction === 'export' || s.direction === 'import' ? s.direction : 'all',
    sort,
  };
}

export interface PanelPage {
  data: SurfaceResult;
  /** A fresh random value for each page. */
  nonce: string;
  /** `webview.cspSource`. */
  cspSource: string;
  state?: PanelState;
}

/** The page's HTML. */
export function reportPanelHtml({ data, nonce, cspSource, state = INITIAL_STATE }: PanelPage): string {
  const e = escapeHtml;
  const { report } = data;
  const sum = report.summary;
  const csp = `default-src 'none'; style-src ${cspSource} 'nonce-${nonce}'; script-src 'nonce-${nonce}';`;
  const card = (n: number, label: string, cls = ''): string =>
    `<div class="card${cls ? ` ${cls}` : ''}"><span class="n">${e(String(n))}</span> ${e(label)}</div>`;
  const rules = Object.entries(sum.findingsByRule);
  const option = (value: string, label: string, current: string): string =>
    `<option value="${e(value)}"${value === current ? ' selected' : ''}>${e(label)}</option>`;
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${e(csp)}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>ABI Report</title>
<style nonce="${e(nonce)}">${STYLE}</style>
</head>
<body data-state="${e(JSON.stringify(state))}">
<header>
<h1>ABI report</h1>
<div class="actions">
${EXPORT_FORMATS.map((f) => `<button type="button" data-export="${e(f.format)}">Export ${e(f.label)}…</button>`).join('\n')}
<button type="button" class="secondary" data-refresh="1">Refresh</button>
</div>
</header>
<p class="root">${e(data.root)}</p>
<section class="summary" aria-label="Summary">
${card(sum.crates, sum.crates === 1 ? 'crate' : 'crates')}
${card(sum.exports, sum.exports === 1 ? 'export' : 'exports')}
${card(sum.imports, sum.imports === 1 ? 'import' : 'imports')}
${card(sum.safe, 'FFI-safe', 'safe')}
${card(sum.unsafe, 'not FFI-safe', sum.unsafe ? 'unsafe' : '')}
${card(sum.types, sum.types === 1 ? 'type reached' : 'types reached')}
</section>
${rules.length ? `<p class="rules">Findings by rule: ${rules.map(([r, n]) => `<code>${e(r)}</code>&nbsp;${e(String(n))}`).join(', ')}</p>` : '<p class="rules">No findings.</p>'}
<div class="filters">
<input type="search" id="filter" placeholder="Filter by name, crate, C prototype, rule, file…" aria-label="Filter" value="${e(state.filter)}">
<select id="verdict" aria-label="Verdict">${option('all', 'Any verdict', state.verdict)}${option('unsafe', 'Not FFI-safe', state.verdict)}${option('safe', 'FFI-safe', state.verdict)}</select>
<select id="direction" aria-label="Direction">${option('all', 'Exports and imports', state.direction)}${option('export', 'Exports', state.direction)}${option('import', 'Imports', state.direction)}</select>
</div>
<h2>Symbols <span class="count" id="symbols-count"></span></h2>
${table(
  'symbols',
  ['symbol', 'crate', 'direction', 'ABI', 'C prototype', 'verdict', 'findings', 'where'],
  report.symbols.map(symbolRow),
  'No exported or imported C symbols.',
)}
<h2>Types <span class="count" id="types-count"></span></h2>
${table(
  'types',
  ['type', 'crate', 'kind', 'repr', 'C name', 'size', 'align', 'by value', 'used by', 'where'],
  report.types.map(typeRow),
  'No workspace type is reached from the boundary.',
)}
<script nonce="${e(nonce)}">${SCRIPT}</script>
</body>
</html>
`;
}

/** A page that only says something (the report could not be built): the same policy, no script. */
export function messagePageHtml({
  message,
  nonce,
  cspSource,
}: {
  message: string;
  nonce: string;
  cspSource: string;
}): string {
  const e = escapeHtml;
  const csp = `default-src 'none'; style-src ${cspSource} 'nonce-${nonce}';`;
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${e(csp)}">
<title>ABI Report</title>
<style nonce="${e(nonce)}">${STYLE}</style>
</head>
<body>
<h1>ABI report</h1>
<p>${e(message)}</p>
</body>
</html>
`;
}

function table(id: string, headers: string[], rows: string[], empty: string): string {
  const e = escapeHtml;
  const head = headers
    .map((h, i) => `<th scope="col" aria-sort="none"><button type="button" data-column="${i}">${e(h)}</button></th>`)
    .join('');
  const body = rows.length
    ? rows.join('\n')
    : `<tr class="empty"><td colspan="${headers.length}">${e(empty)}</td></tr>`;
  return `<table id="${e(id)}"><thead><tr>${head}</tr></thead>\n<tbody>\n${body}\n</tbody></table>`;
}

/** A link to a source line: the extension opens it (the page cannot). */
function sourceLink(file: string, line: number, text: string, title = ''): string {
  const e = escapeHtml;
  return `<a href="#" data-file="${e(file)}" data-line="${e(String(line))}"${title ? ` title="${e(title)}"` : ''}>${text}</a>`;
}

function verdictCell(safe: boolean): string {
  return safe ? '<td class="verdict safe">✓ safe</td>' : '<td class="verdict unsafe">✗ not safe</td>';
}

const firstLine = (docs: string[]): string => docs.find((d) => d.trim())?.trim() ?? '';

function searchText(parts: (string | null | undefined)[]): string {
  return escapeHtml(parts.filter(Boolean).join(' ').toLowerCase());
}

function symbolRow(s: ReportSymbol): string {
  const e = escapeHtml;
  const where = `${s.file}:${s.line}`;
  const proto = s.cPrototype
    ? `<code>${e(s.cPrototype)}</code>`
    : `<em>${e(s.cPrototypeWhyNot ?? 'no C prototype')}</em>`;
  const search = searchText([
    s.name,
    s.rustName,
    s.crate,
    s.direction,
    s.abi,
    s.cPrototype,
    s.cPrototypeWhyNot,
    ...s.findings,
    where,
    firstLine(s.docs),
  ]);
  return `<tr data-verdict="${s.safe ? 'safe' : 'unsafe'}" data-direction="${e(s.direction)}" data-search="${search}"><td>${sourceLink(s.file, s.line, `<code>${e(s.name)}</code>`, firstLine(s.docs))}</td><td>${e(s.crate)}</td><td>${e(s.direction)}</td><td>${e(s.abi)}</td><td>${proto}</td>${verdictCell(s.safe)}<td>${s.findings.map((f) => `<code>${e(f)}</code>`).join(' ')}</td><td>${sourceLink(s.file, s.line, e(where))}</td></tr>`;
}

function typeRow(t: ReportType): string {
  const e = escapeHtml;
  const where = `${t.file}:${t.line}`;
  const search = searchText([t.name, t.path, t.crate, t.kind, t.repr, t.cName, ...t.usedBy, where, firstLine(t.docs)]);
  const n = (x: number | null): string => (x === null ? '—' : e(String(x)));
  return `<tr data-verdict="${t.safe ? 'safe' : 'unsafe'}" data-direction="any" data-search="${search}"><td>${sourceLink(t.file, t.line, `<code>${e(t.name)}</code>`, firstLine(t.docs))}</td><td>${e(t.crate)}</td><td>${e(t.kind)}</td><td>${e(t.repr)}</td><td>${t.cName ? `<code>${e(t.cName)}</code>` : '—'}</td><td class="num">${n(t.size)}</td><td class="num">${n(t.align)}</td>${verdictCell(t.safe)}<td>${t.usedBy.map((u) => `<code>${e(u)}</code>`).join(' ')}</td><td>${sourceLink(t.file, t.line, e(where))}</td></tr>`;
}

/** Theme colours only: the page looks like the rest of VS Code in every theme, high contrast included. */
const STYLE = `
body { color: var(--vscode-foreground); background: var(--vscode-editor-background); font-family: var(--vscode-font-family); font-size: var(--vscode-font-size); padding: 0 1.5rem 2rem; }
header { display: flex; flex-wrap: wrap; align-items: center; justify-content: space-between; gap: 0.5rem; }
h1 { font-size: 1.5em; margin: 1rem 0 0.25rem; }
h2 { font-size: 1.15em; margin: 1.5rem 0 0.5rem; }
.root, .count { color: var(--vscode-descriptionForeground); font-weight: normal; }
.actions { display: flex; flex-wrap: wrap; gap: 0.4rem; }
button { font: inherit; }
.actions button { color: var(--vscode-button-foreground); background: var(--vscode-button-background); border: 1px solid var(--vscode-button-border, transparent); padding: 0.25rem 0.75rem; cursor: pointer; }
.actions button:hover { background: var(--vscode-button-hoverBackground); }
.actions button.secondary { color: var(--vscode-button-secondaryForeground); background: var(--vscode-button-secondaryBackground); }
.actions button.secondary:hover { background: var(--vscode-button-secondaryHoverBackground); }
button:focus-visible, input:focus, select:focus, a:focus-visible { outline: 1px solid var(--vscode-focusBorder); outline-offset: 1px; }
.summary { display: flex; flex-wrap: wrap; gap: 0.5rem; margin: 0.75rem 0; }
.card { background: var(--vscode-editorWidget-background); border: 1px solid var(--vscode-editorWidget-border, transparent); padding: 0.4rem 0.8rem; }
.card .n { font-size: 1.3em; font-weight: 600; }
.card.safe .n { color: var(--vscode-testing-iconPassed); }
.card.unsafe .n { color: var(--vscode-errorForeground); }
.filters { display: flex; flex-wrap: wrap; gap: 0.5rem; margin: 0.75rem 0; }
input, select { font: inherit; color: var(--vscode-input-foreground); background: var(--vscode-input-background); border: 1px solid var(--vscode-input-border, transparent); padding: 0.2rem 0.4rem; }
select { color: var(--vscode-dropdown-foreground); background: var(--vscode-dropdown-background); border-color: var(--vscode-dropdown-border, transparent); }
input { flex: 1 1 20rem; }
input::placeholder { color: var(--vscode-input-placeholderForeground); }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; padding: 0.25rem 0.5rem; border-bottom: 1px solid var(--vscode-editorWidget-border, var(--vscode-panel-border)); vertical-align: top; }
th button { color: inherit; background: none; border: none; padding: 0; font-weight: 600; cursor: pointer; }
th[aria-sort="ascending"] button::after { content: " ▲"; }
th[aria-sort="descending"] button::after { content: " ▼"; }
tbody tr:hover { background: var(--vscode-list-hoverBackground); }
td.num { text-align: right; }
.verdict.safe { color: var(--vscode-testing-iconPassed); }
.verdict.unsafe { color: var(--vscode-errorForeground); }
code { font-family: var(--vscode-editor-font-family); font-size: 0.95em; }
td em { color: var(--vscode-descriptionForeground); }
a { color: var(--vscode-textLink-foreground); text-decoration: none; }
a:hover { color: var(--vscode-textLink-activeForeground); text-decoration: underline; }
tr.hidden { display: none; }
tr.empty td { color: var(--vscode-descriptionForeground); }
`;

/**
 * The page's behaviour: filtering and sorting the rows it already has, and asking the extension to
 * open a source line or export. It reads no data but the page's own attributes.
 */
const SCRIPT = `
(function () {
  'use strict';
  const vscode = acquireVsCodeApi();
  let state = vscode.getState() || JSON.parse(document.body.dataset.state || '{}');
  state.sort = state.sort || {};
  const filter = document.getElementById('filter');
  const verdict = document.getElementById('verdict');
  const direction = document.getElementById('direction');
  filter.value = state.filter || '';
  verdict.value = state.verdict || 'all';
  direction.value = state.direction || 'all';

  function save() {
    vscode.setState(state);
    vscode.postMessage({ type: 'state', state: state });
  }

  function applyFilter() {
    const terms = filter.value.toLowerCase().split(/\\s+/).filter(Boolean);
    for (const id of ['symbols', 'types']) {
      const rows = Array.from(document.querySelectorAll('#' + id + ' tbody tr:not(.empty)'));
      let shown = 0;
      for (const row of rows) {
        const text = row.dataset.search || '';
        const visible =
          terms.every(function (t) { return text.includes(t); }) &&
          (verdict.value === 'all' || row.dataset.verdict === verdict.value) &&
          (direction.value === 'all' || row.dataset.direction === 'any' || row.dataset.direction === direction.value);
        row.classList.toggle('hidden', !visible);
        if (visible) shown++;
      }
      const count = document.getElementById(id + '-count');
      if (count) count.textContent = shown === rows.length ? '(' + rows.length + ')' : '(' + shown + ' of ' + rows.length + ')';
    }
  }

  function applySort(id) {
    const table = document.getElementById(id);
    const sort = state.sort[id];
    if (!table || !sort) return;
    const headers = table.querySelectorAll('th');
    headers.forEach(function (th, i) { th.setAttribute('aria-sort', i === sort.column ? (sort.ascending ? 'ascending' : 'descending') : 'none'); });
    const body = table.tBodies[0];
    const rows = Array.from(body.rows).filter(function (r) { return !r.classList.contains('empty'); });
    rows.sort(function (a, b) {
      const x = a.cells[sort.column] ? a.cells[sort.column].textContent : '';
      const y = b.cells[sort.column] ? b.cells[sort.column].textContent : '';
      return (sort.ascending ? 1 : -1) * x.localeCompare(y, undefined, { numeric: true, sensitivity: 'base' });
    });
    rows.forEach(function (r) { body.appendChild(r); });
  }

  document.addEventListener('click', function (event) {
    const target = event.target instanceof Element ? event.target : null;
    if (!target) return;
    const link = target.closest('a[data-file]');
    if (link) {
      event.preventDefault();
      vscode.postMessage({ type: 'open', file: link.dataset.file, line: Number(link.dataset.line) });
      return;
    }
    const exportButton = target.closest('button[data-export]');
    if (exportButton) {
      vscode.postMessage({ type: 'export', format: exportButton.dataset.export });
      return;
    }
    if (target.closest('button[data-refresh]')) {
      vscode.postMessage({ type: 'refresh' });
      return;
    }
    const sortButton = target.closest('th button[data-column]');
    if (sortButton) {
      const id = sortButton.closest('table').id;
      const column = Number(sortButton.dataset.column);
      const current = state.sort[id];
      state.sort[id] = { column: column, ascending: !(current && current.column === column && current.ascending) };
      applySort(id);
      save();
    }
  });

  for (const control of [filter, verdict, direction]) {
    control.addEventListener('input', function () {
      state.filter = filter.value;
      state.verdict = verdict.value;
      state.direction = direction.value;
      applyFilter();
      save();
    });
  }

  applySort('symbols');
  applySort('types');
  applyFilter();
})();
`;
