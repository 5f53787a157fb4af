import * as assert from 'assert';
import * as path from 'path';
import * as vm from 'vm';
import {
  INITIAL_STATE,
  messagePageHtml,
  parsePanelMessage,
  parseState,
  reportPanelHtml,
} from '../client/src/reportHtml';
import { REPO, runCli } from './harness/cli';
import type { ReportData, ReportSymbol, ReportType } from '../protocol/report';
import type { SurfaceResult } from '../protocol/surface-requests';

/**
 * The ABI report panel's page (client/src/reportHtml.ts), built without VS Code: the webview rules
 * (a nonce'd Content-Security-Policy, nothing remote, theme colours, everything escaped) and the
 * messages the extension accepts from it.
 */

const DEMO = path.join(REPO, 'examples', 'ffi-demo');
const NONCE = 'bm9uY2Utb2YtdGhlLXRlc3Q=';
const CSP_SOURCE = 'vscode-webview-resource:';

async function demoReport(): Promise<SurfaceResult> {
  const { stdout } = await runCli(['report', DEMO, '--format', 'json'], DEMO);
  return { root: DEMO, report: JSON.parse(stdout) as ReportData };
}

const HOSTILE = '<script>alert("x")</script><img src=x onerror=alert(1)>';

function hostileReport(): SurfaceResult {
  const symbol: ReportSymbol = {
    name: HOSTILE,
    rustName: HOSTILE,
    kind: 'function',
    direction: 'export',
    abi: 'C" onclick="x',
    crate: `crate${HOSTILE}`,
    file: `src/"><script>x</script>.rs`,
    line: 3,
    exported: true,
    cPrototype: null,
    cPrototypeWhyNot: `\`${HOSTILE}\` has no C equivalent`,
    safe: false,
    findings: [`rule${HOSTILE}`],
    params: [{ name: HOSTILE, type: HOSTILE, cType: null }],
    returns: null,
    types: [HOSTILE],
    docs: [`doc " onmouseover="alert(1) ${HOSTILE}`],
  };
  const type: ReportType = {
    name: `Wrapper<${HOSTILE}>`,
    path: HOSTILE,
    kind: 'struct',
    crate: 'c',
    file: `'onload='x.rs`,
    line: 1,
    repr: `C${HOSTILE}`,
    safe: true,
    cName: `struct ${HOSTILE}`,
    size: 8,
    align: 8,
    fields: [{ name: HOSTILE, type: HOSTILE, cType: null, offset: 0, docs: [HOSTILE] }],
    variants: [],
    usedBy: [HOSTILE],
    behindPointerOnly: false,
    docs: [HOSTILE],
  };
  return {
    root: `/tmp/${HOSTILE}`,
    report: {
      version: 1,
      crates: [{ name: HOSTILE, root: 'src/lib.rs', edition: '2021', crateTypes: [], target: 'lib', features: [] }],
      symbols: [symbol],
      types: [type],
      summary: {
        crates: 1,
        symbols: 1,
        exports: 1,
        imports: 0,
        safe: 0,
        unsafe: 1,
        types: 1,
        findingsByRule: { [`rule${HOSTILE}`]: 1 },
      },
    },
  };
}

/** The opening tags of the page, as a browser would see them. */
const tags = (html: string, name: string): string[] =>
  [...html.matchAll(new RegExp(`<${name}\\b[^>]*>`, 'gi'))].map((m) => m[0]);

/** An attribute value as the browser reads it. */
const unescape = (s: string): string =>
  s.replace(/&(quot|#39|lt|gt|amp);/g, (_, c: string) => ({ quot: '"', '#39': "'", lt: '<', gt: '>', amp: '&' })[c]!);

/** The attributes of an opening tag, read as a browser would; throws if the tag is not all `name="value"` pairs. */
function attributes(tag: string): Map<string, string> {
  const out = new Map<string, string>();
  let rest = tag.replace(/^<[a-z]+/i, '');
  for (let m; (m = /^\s+([a-z-]+)(?:="([^"]*)")?/i.exec(rest)); rest = rest.slice(m[0].length))
    out.set(m[1], unescape(m[2] ?? ''));
  assert.strictEqual(rest, '>', `the whole tag is attributes: ${tag}`);
  return out;
}

describe('report panel: the webview page', () => {
  it('declares a strict Content-Security-Policy with the nonce, and nonces its only style and script', async () => {
    const html = reportPanelHtml({ data: await demoReport(), nonce: NONCE, cspSource: CSP_SOURCE });
    const meta = tags(html, 'meta').filter((t) => /http-equiv="Content-Security-Policy"/.test(t));
    assert.deepStrictEqual(
      meta.map((t) => attributes(t).get('content')),
      [`default-src 'none'; style-src ${CSP_SOURCE} 'nonce-${NONCE}'; script-src 'nonce-${NONCE}';`],
    );
    assert.deepStrictEqual(tags(html, 'script'), [`<script nonce="${NONCE}">`]);
    assert.deepStrictEqual(tags(html, 'style'), [`<style nonce="${NONCE}">`]);
    assert.ok(
      html.indexOf('Content-Security-Policy') < html.indexOf('<style'),
      'the policy comes before anything it governs',
    );
    const script = html.slice(
      html.indexOf(`<script nonce="${NONCE}">`) + `<script nonce="${NONCE}">`.length,
      html.indexOf('</script>'),
    );
    assert.doesNotThrow(() => new vm.Script(script), 'the script is valid JavaScript');
  });

  it('loads nothing: no URL, no src, no link, no inline handler or style attribute', async () => {
    const html = reportPanelHtml({ data: await demoReport(), nonce: NONCE, cspSource: CSP_SOURCE });
    assert.doesNotMatch(html, /https?:|\/\/[a-z]/i);
    assert.doesNotMatch(html, /\s(src|srcset|style|on[a-z]+)=/i);
    assert.deepStrictEqual(tags(html, 'link'), []);
    assert.ok(
      tags(html, 'a').every((a) => /^<a href="#" data-file="[^"]*" data-line="\d+"/.test(a)),
      'links go through the extension',
    );
  });

  it('uses the theme’s colours, never its own', async () => {
    const html = reportPanelHtml({ data: await demoReport(), nonce: NONCE, cspSource: CSP_SOURCE });
    const style = html.slice(html.indexOf('<style'), html.indexOf('</style>'));
    for (const v of [
      '--vscode-foreground',
      '--vscode-editor-background',
      '--vscode-textLink-foreground',
      '--vscode-errorForeground',
      '--vscode-button-background',
    ])
      assert.ok(style.includes(`var(${v})`), v);
    assert.doesNotMatch(style, /#[0-9a-f]{3,8}\b|rgba?\(|hsla?\(/i);
  });

  it('shows the summary, every symbol and type with a link to its line, and the export buttons', async () => {
    const data = await demoReport();
    const html = reportPanelHtml({ data, nonce: NONCE, cspSource: CSP_SOURCE });
    const sum = data.report.summary;
    assert.match(html, new RegExp(`<span class="n">${sum.exports}</span> exports`));
    assert.match(html, new RegExp(`<span class="n">${sum.unsafe}</span> not FFI-safe`));
    for (const s of data.report.symbols)
      assert.ok(html.includes(`data-file="${s.file}" data-line="${s.line}"`), s.name);
    const kvGet = tags(html, 'tr').find((t) => t.includes('data-search="kv_get '))!;
    assert.match(kvGet, /data-verdict="unsafe" data-direction="export"/);
    assert.strictEqual(
      tags(html, 'tr').filter((t) => t.includes('data-search=')).length,
      data.report.symbols.length + data.report.types.length,
    );
    assert.strictEqual(tags(html, 'a').length, 2 * (data.report.symbols.length + data.report.types.length));
    assert.deepStrictEqual(
      tags(html, 'button')
        .filter((b) => b.includes('data-export'))
        .map((b) => /data-export="(\w+)"/.exec(b)![1]),
      ['markdown', 'json', 'sarif'],
    );
    assert.match(html, /<th scope="col" aria-sort="none"><button type="button" data-column="0">symbol<\/button><\/th>/);
  });

  it('escapes every string from the code: names, types, paths, docs, rules', () => {
    const html = reportPanelHtml({ data: hostileReport(), nonce: NONCE, cspSource: CSP_SOURCE });
    assert.deepStrictEqual(tags(html, 'script'), [`<script nonce="${NONCE}">`], 'no script but ours');
    assert.deepStrictEqual(tags(html, 'img'), []);
    assert.ok(html.includes('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&lt;img src=x onerror=alert(1)&gt;'));
    // No attribute was broken out of: every tag's attributes are ones we wrote, holding the text as it was.
    const known = [
      'href',
      'data-file',
      'data-line',
      'title',
      'data-verdict',
      'data-direction',
      'data-search',
      'class',
      'colspan',
    ];
    for (const tag of [...tags(html, 'a'), ...tags(html, 'tr'), ...tags(html, 'td')])
      for (const name of attributes(tag).keys()) assert.ok(known.includes(name), `${name} in ${tag}`);
    const links = tags(html, 'a').map(attributes);
    assert.ok(links.some((a) => a.get('data-file') === `src/"><script>x</script>.rs`));
    assert.ok(links.some((a) => a.get('data-file') === `'onload='x.rs`));
    assert.ok(links.some((a) => a.get('title') === `doc " onmouseover="alert(1) ${HOSTILE}`));
  });

  it('renders the saved filter, verdict, direction and sort, escaped', async () => {
    const state = {
      filter: '"><script>',
      verdict: 'unsafe' as const,
      direction: 'import' as const,
      sort: { symbols: { column: 2, ascending: false } },
    };
    const html = reportPanelHtml({ data: await demoReport(), nonce: NONCE, cspSource: CSP_SOURCE, state });
    assert.ok(html.includes('value="&quot;&gt;&lt;script&gt;"'));
    assert.ok(html.includes('<option value="unsafe" selected>'));
    assert.ok(html.includes('<option value="import" selected>'));
    assert.deepStrictEqual(JSON.parse(attributes(tags(html, 'body')[0]).get('data-state')!), state);
  });

  it('says why when there is no report, under the same policy', () => {
    const html = messagePageHtml({ message: `server stopped ${HOSTILE}`, nonce: NONCE, cspSource: CSP_SOURCE });
    assert.deepStrictEqual(tags(html, 'script'), []);
    const meta = tags(html, 'meta').find((t) => t.includes('Content-Security-Policy'))!;
    assert.strictEqual(
      attributes(meta).get('content'),
      `default-src 'none'; style-src ${CSP_SOURCE} 'nonce-${NONCE}';`,
    );
    assert.ok(html.includes('server stopped &lt;script&gt;'));
  });
});

describe('report panel: messages from the page', () => {
  it('accepts the messages it knows, field by field', () => {
    assert.deepStrictEqual(parsePanelMessage({ type: 'open', file: 'src/lib.rs', line: 12 }), {
      type: 'open',
      file: 'src/lib.rs',
      line: 12,
    });
    assert.deepStrictEqual(parsePanelMessage({ type: 'export', format: 'sarif' }), { type: 'export', format: 'sarif' });
    assert.deepStrictEqual(parsePanelMessage({ type: 'refresh' }), { type: 'refresh' });
  });

  it('ignores anything else', () => {
    for (const m of [
      null,
      'open',
      { type: 'open', file: 'src/lib.rs', line: 0 },
      { type: 'open', file: 'src/lib.rs', line: 1.5 },
      { type: 'open', file: 3, line: 1 },
      { type: 'export', format: 'exe' },
      { type: 'export', format: 'html' },
      { type: 'run', command: 'rm' },
    ])
      assert.strictEqual(parsePanelMessage(m), null, JSON.stringify(m));
  });

  it('keeps only a well-formed state', () => {
    assert.deepStrictEqual(parseState(undefined), INITIAL_STATE);
    assert.deepStrictEqual(
      parseState({
        filter: 3,
        verdict: 'maybe',
        direction: 'sideways',
        sort: { symbols: { column: 'x' }, evil: { column: 1, ascending: true } },
      }),
      INITIAL_STATE,
    );
    assert.deepStrictEqual(
      parseState({
        filter: 'kv',
        verdict: 'safe',
        direction: 'export',
        sort: { types: { column: 1, ascending: true } },
      }),
      {
        filter: 'kv',
        verdict: 'safe',
        direction: 'export',
        sort: { types: { column: 1, ascending: true } },
      },
    );
  });
});
