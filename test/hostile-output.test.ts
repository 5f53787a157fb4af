import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import MarkdownIt from 'markdown-it';
import { parse as parseHtml } from 'parse5';
import { runCli } from './harness/cli';
import { hostileCrate, HOSTILE_FILE, HOSTILE_NAMES, NEWLINE_FILE } from './harness/hostile';
import { sarifValidator } from './harness/sarif-schema';
import { reportPanelHtml } from '../client/src/reportHtml';
import { diffSurfaces, parseSnapshot } from '../server/src/core/abi/baseline';
import { changesMarkdown } from '../server/src/lsp/surface';
import { artifactPath } from '../server/src/core/abi/sarif';
import { INVISIBLE, showInvisible } from '../protocol/text';
import type { CheckJson } from '../protocol/check';
import type { ReportData, ReportSymbol } from '../protocol/report';

/**
 * Every output of the tool, fed a crate whose names, docs, paths and strings carry another format's
 * syntax (test/harness/hostile.ts), still parses in its own format and says what the code says: no
 * element or attribute an input put there, no line split by a name, no Markdown link or raw HTML.
 */

interface HtmlNode {
  nodeName: string;
  tagName?: string;
  value?: string;
  attrs?: { name: string; value: string }[];
  childNodes?: HtmlNode[];
  content?: HtmlNode;
}

/** Every element of a parsed page, in document order. */
function elements(node: HtmlNode): HtmlNode[] {
  const kids = [...(node.childNodes ?? []), ...(node.content ? [node.content] : [])];
  return [...(node.tagName ? [node] : []), ...kids.flatMap(elements)];
}

/** The text a browser shows for a node. */
function textOf(node: HtmlNode): string {
  return node.nodeName === '#text' ? node.value! : (node.childNodes ?? []).map(textOf).join('');
}

const attr = (node: HtmlNode, name: string): string | undefined => node.attrs?.find((a) => a.name === name)?.value;

/** The rows of the body of the `index`th table, each as its cells. */
function tableRows(page: HtmlNode, index: number): HtmlNode[][] {
  const table = elements(page).filter((e) => e.tagName === 'table')[index];
  const body = elements(table).find((e) => e.tagName === 'tbody')!;
  return elements(body)
    .filter((e) => e.tagName === 'tr')
    .map((tr) => (tr.childNodes ?? []).filter((c) => c.tagName === 'td'));
}

/** Only these elements and attributes, as the renderer writes them: anything else came from the input. */
function assertOnly(page: HtmlNode, tags: string[], attributes: string[]): void {
  for (const e of elements(page)) {
    assert.ok(tags.includes(e.tagName!), `an element <${e.tagName}> that the renderer does not write`);
    for (const a of e.attrs ?? []) assert.ok(attributes.includes(a.name), `an attribute ${a.name} on <${e.tagName}>`);
  }
}

const exportNames = Object.values(HOSTILE_NAMES);
const md = new MarkdownIt({ html: true });

/** Markdown in which the input made no raw HTML, link, image, emphasis or strikethrough. */
function assertNoMarkup(markdown: string, allowed: string[] = []): void {
  const inline = md.parse(markdown, {}).flatMap((t) => [t, ...(t.children ?? [])]);
  for (const t of inline)
    assert.ok(
      allowed.includes(t.type) ||
        !['html_inline', 'html_block', 'link_open', 'image', 'em_open', 'strong_open', 's_open'].includes(t.type),
      `a ${t.type} token: ${t.content}`,
    );
}

describe('hostile input: every output stays in its format', function () {
  this.timeout(120_000);
  let root: string;
  let report: ReportData;

  before(async () => {
    root = hostileCrate();
    const r = await runCli(['report', '.', '--format', 'json'], root);
    assert.strictEqual(r.code, 0, r.stderr);
    report = JSON.parse(r.stdout) as ReportData;
  });

  const symbol = (name: string): ReportSymbol => report.symbols.find((s) => s.name === name)!;

  it('report JSON parses and holds every name and path exactly', () => {
    for (const name of exportNames) assert.ok(symbol(name), JSON.stringify(name));
    assert.strictEqual(symbol(HOSTILE_NAMES.import).direction, 'import', 'an import is named by its #[link_name]');
    assert.strictEqual(symbol('in_evil_file').file, HOSTILE_FILE);
    assert.strictEqual(symbol('in_newline_file').file, NEWLINE_FILE);
    assert.deepStrictEqual(symbol(HOSTILE_NAMES.export).findings, ['panic-across-ffi', 'str-type']);
  });

  it('check --format json parses and names the hostile files exactly', async () => {
    const r = await runCli(['check', '.', '--format', 'json'], root);
    const json = JSON.parse(r.stdout) as CheckJson;
    const files = new Set(json.diagnostics.map((d) => d.file));
    assert.ok(files.has(HOSTILE_FILE) && files.has(NEWLINE_FILE), [...files].join(', '));
  });

  it('check text: one line per finding, no control character reaches the terminal', async () => {
    const r = await runCli(['check', '.'], root);
    const json = JSON.parse((await runCli(['check', '.', '--format', 'json'], root)).stdout) as CheckJson;
    const lines = r.stdout.split('\n');
    assert.strictEqual(lines.pop(), '', 'ends with a newline');
    assert.strictEqual(lines.length, json.diagnostics.length + 1, r.stdout);
    for (const line of lines) assert.doesNotMatch(line, INVISIBLE, JSON.stringify(line));
    json.diagnostics.forEach((d, i) =>
      assert.ok(lines[i].startsWith(`${showInvisible(d.file)}:${d.line}:${d.column}: ${d.severity}[${d.rule}]: `)),
    );
  });

  it('Markdown: no raw HTML, link, image or emphasis survives; code spans and cells hold the text exactly', async () => {
    const r = await runCli(['report', '.', '--format', 'markdown'], root);
    assertNoMarkup(r.stdout);
    const page = parseHtml(md.render(r.stdout)) as unknown as HtmlNode;
    assertOnly(
      page,
      ['html', 'head', 'body', 'h1', 'h2', 'p', 'table', 'thead', 'tbody', 'tr', 'th', 'td', 'code'],
      [],
    );
    const rows = tableRows(page, 0);
    assert.strictEqual(rows.length, report.symbols.length);
    rows.forEach((cells, i) => {
      const s = report.symbols[i];
      assert.strictEqual(cells.length, 8, `row of ${JSON.stringify(s.name)}`);
      assert.strictEqual(textOf(cells[0]), showInvisible(s.name), 'the symbol, verbatim in its code span');
      if (s.cPrototype) assert.strictEqual(textOf(cells[3]), showInvisible(s.cPrototype));
      else assert.match(textOf(cells[3]), /^— \((&str|char) has no C equivalent\)$/, 'its type verbatim: no &amp;');
      assert.strictEqual(textOf(cells[5]), s.findings.join(', ') || '—', 'every rule, panic-across-ffi too');
      assert.strictEqual(textOf(cells[6]), showInvisible(`${s.file}:${s.line}`), 'the file and folder names');
      const doc = s.docs.find((d) => d.trim())?.trim() ?? '';
      assert.strictEqual(textOf(cells[7]).trim(), showInvisible(doc));
    });
    const [type] = tableRows(page, 1);
    assert.strictEqual(textOf(type[7]).trim(), showInvisible(report.types[0].docs[0].trim()));
  });

  it('HTML report: one script, no element or attribute from the input, text escaped exactly once', async () => {
    const r = await runCli(['report', '.', '--format', 'html'], root);
    const page = parseHtml(r.stdout) as unknown as HtmlNode;
    assertOnly(
      page,
      ['html', 'head', 'body', 'meta', 'title', 'style', 'h1', 'h2', 'p', 'table', 'thead', 'tbody', 'tr', 'th'].concat(
        ['td', 'code', 'em', 'script'],
      ),
      ['lang', 'charset', 'http-equiv', 'content', 'class'],
    );
    assert.strictEqual(elements(page).filter((e) => e.tagName === 'script').length, 1);
    const rows = tableRows(page, 0);
    rows.forEach((cells, i) => {
      const s = report.symbols[i];
      assert.strictEqual(textOf(cells[0]), s.name);
      assert.strictEqual(textOf(cells[3]), s.cPrototype ?? s.cPrototypeWhyNot);
      assert.strictEqual(textOf(cells[6]), `${s.file}:${s.line}`);
    });
  });

  it('the report webview: only its own elements and attributes; links carry the paths exactly', () => {
    const html = reportPanelHtml({ data: { root, report }, nonce: 'bm9uY2U=', cspSource: 'vscode-webview:' });
    const page = parseHtml(html) as unknown as HtmlNode;
    assertOnly(
      page,
      ['html', 'head', 'body', 'meta', 'title', 'style', 'header', 'h1', 'h2', 'div', 'button', 'p', 'section']
        .concat(['span', 'input', 'select', 'option', 'table', 'thead', 'tbody', 'tr', 'th', 'td', 'a', 'code', 'em'])
        .concat(['script']),
      ['lang', 'charset', 'http-equiv', 'content', 'name', 'nonce', 'data-state', 'class', 'type', 'data-export']
        .concat(['data-refresh', 'aria-label', 'id', 'placeholder', 'value', 'selected', 'scope', 'aria-sort'])
        .concat(['data-column', 'data-verdict', 'data-direction', 'data-search', 'href', 'data-file', 'data-line'])
        .concat(['title', 'colspan']),
    );
    assert.strictEqual(elements(page).filter((e) => e.tagName === 'script').length, 1);
    const links = elements(page).filter((e) => e.tagName === 'a');
    assert.deepStrictEqual(
      new Set(links.map((a) => attr(a, 'data-file'))),
      new Set([...report.symbols, ...report.types].map((s) => s.file)),
    );
    const rows = tableRows(page, 0);
    assert.deepStrictEqual(
      rows.map((cells) => textOf(cells[0])),
      report.symbols.map((s) => s.name),
    );
  });

  it('SARIF: valid against the 2.1.0 schema, every URI percent-encoded and naming its file', async () => {
    const sarif = JSON.parse((await runCli(['check', '.', '--format', 'sarif'], root)).stdout) as {
      runs: { results: { locations: { physicalLocation: { artifactLocation: { uri: string } } }[] }[] }[];
    };
    const json = JSON.parse((await runCli(['check', '.', '--format', 'json'], root)).stdout) as CheckJson;
    const validate = sarifValidator();
    assert.ok(validate(sarif), JSON.stringify(validate.errors, null, 2));
    const uris = sarif.runs[0].results.map((r) => r.locations[0].physicalLocation.artifactLocation.uri);
    assert.deepStrictEqual(
      uris.map(artifactPath),
      json.diagnostics.map((d) => d.file),
    );
    for (const [i, uri] of uris.entries()) {
      assert.match(uri, /^[A-Za-z0-9\-._~!$&'()*+,;=:@/%]+$/, 'only characters RFC 3986 allows in a path');
      const resolved = new URL(uri, 'file:///work/');
      assert.strictEqual(decodeURIComponent(resolved.pathname), `/work/${json.diagnostics[i].file}`);
    }
    assert.ok(
      uris.includes(
        'src/%3Cb%3Edir%20*x*%20%24HOME%20%25s%20%5Ba%5D(b)/%3Cimg%20src%3Dx%20onerror%3Dalert(1)%3E%20a%20b%23c%3F%25.rs',
      ),
    );
  });

  it('ABI baseline: one fact a line, read back as written; diff against it finds no change', async () => {
    const file = path.join(root, 'abi.ffi-abi');
    assert.strictEqual((await runCli(['snapshot', '.', '--out', file], root)).code, 0);
    const text = fs.readFileSync(file, 'utf8');
    for (const line of text.split('\n')) assert.doesNotMatch(line, INVISIBLE, JSON.stringify(line));
    const snap = parseSnapshot(text);
    assert.deepStrictEqual(snap.symbols.map((s) => s.name).sort(), report.symbols.map((s) => s.name).sort());
    const diff = await runCli(['diff', '.', '--baseline', file], root);
    assert.deepStrictEqual([diff.code, diff.stdout, diff.stderr], [0, 'no ABI changes\n', '']);
  });

  it('the ABI changes page: every change on its line, no markup from a name', async () => {
    const file = path.join(root, 'changes.ffi-abi');
    await runCli(['snapshot', '.', '--out', file], root);
    const snap = parseSnapshot(fs.readFileSync(file, 'utf8'));
    const gone = diffSurfaces(snap, { symbols: [], types: [] });
    const renamed = diffSurfaces(snap, {
      symbols: snap.symbols.map((s) => ({ ...s, name: `${s.name}\`\`\`<img src=x onerror=alert(9)>` })),
      types: snap.types,
    });
    for (const changes of [gone, renamed]) {
      assert.ok(changes.length >= snap.symbols.length);
      const markdown = changesMarkdown(changes, 'a`b <i>.ffi-abi');
      assertNoMarkup(markdown, ['strong_open']);
      const items = md.parse(markdown, {}).filter((t) => t.type === 'list_item_open');
      assert.strictEqual(items.length, changes.length, 'one list item per change');
    }
  });
});
