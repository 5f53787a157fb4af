import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { tempDir } from './harness/tmp';
import MarkdownIt from 'markdown-it';
import { runCli as run, tempTree } from './harness/cli';
import { mdCell, mdCode, mdMessage, mdText } from '../server/src/core/abi/report-render';

/** `ffi-guard report`: the JSON of ../shared/CLI.md, and Markdown and HTML that escape what the code says. */

interface ReportSymbol {
  name: string;
  kind: string;
  direction: string;
  abi: string;
  file: string;
  line: number;
  exported: boolean;
  cPrototype: string | null;
  safe: boolean;
  findings: string[];
}

interface ReportType {
  name: string;
  file: string;
  line: number;
  repr: string;
  safe: boolean;
  size: number | null;
  align: number | null;
  fields: { name: string; type: string; cType: string | null; offset: number | null }[];
}

interface Report {
  version: number;
  symbols: ReportSymbol[];
  types: ReportType[];
  summary: Record<string, unknown>;
}

async function jsonReport(crate: string): Promise<Report> {
  const r = await run(['report', crate, '--format', 'json']);
  assert.strictEqual(r.code, 0, r.stderr);
  return JSON.parse(r.stdout) as Report;
}

describe('report: ffi-guard report', function () {
  this.timeout(60_000);

  it('prints the JSON of CLI.md', async () => {
    const report = await jsonReport('examples/ffi-demo');
    assert.strictEqual(report.version, 1);
    assert.ok(report.summary && typeof report.summary === 'object');
    const symbolKeys = [
      'name',
      'kind',
      'direction',
      'abi',
      'file',
      'line',
      'exported',
      'cPrototype',
      'safe',
      'findings',
    ];
    for (const s of report.symbols) {
      for (const k of symbolKeys) assert.ok(k in s, `symbol ${s.name} has ${k}`);
      assert.ok(['function', 'static'].includes(s.kind));
      assert.ok(['export', 'import'].includes(s.direction));
      assert.strictEqual(typeof s.exported, 'boolean');
      assert.strictEqual(typeof s.safe, 'boolean');
      assert.ok(s.cPrototype === null || typeof s.cPrototype === 'string');
      assert.ok(Number.isInteger(s.line) && s.line > 0);
    }
    for (const t of report.types)
      for (const k of ['name', 'file', 'line', 'repr', 'safe']) assert.ok(k in t, `type ${t.name} has ${k}`);
    const byName = new Map(report.symbols.map((s) => [s.name, s]));
    assert.deepStrictEqual(byName.get('kv_put'), {
      ...byName.get('kv_put'),
      kind: 'function',
      direction: 'export',
      abi: 'C',
      file: 'examples/ffi-demo/src/lib.rs',
      line: 33,
      exported: true,
      cPrototype: 'enum ErrorCode kv_put(struct Store *store, const char *key, int64_t value);',
      safe: true,
      findings: [],
    });
    assert.deepStrictEqual(
      [byName.get('kv_get')?.safe, byName.get('kv_get')?.cPrototype, byName.get('kv_get')?.findings],
      [false, null, ['str-type']],
    );
    assert.deepStrictEqual([byName.get('kv_len')?.abi, byName.get('kv_len')?.findings], ['Rust', ['rust-abi-export']]);
    assert.deepStrictEqual(
      [byName.get('strlen')?.direction, byName.get('strlen')?.exported, byName.get('strlen')?.cPrototype],
      ['import', false, 'size_t strlen(const char *s);'],
    );
    assert.deepStrictEqual([byName.get('log_lines')?.direction, byName.get('log_lines')?.safe], ['import', false]);
    const stats = report.types.find((t) => t.name === 'Stats')!;
    assert.deepStrictEqual(
      [stats.file, stats.line, stats.repr, stats.safe, stats.size, stats.align],
      ['examples/ffi-demo/src/types.rs', 15, 'C', true, 16, 8],
    );
    assert.deepStrictEqual(
      stats.fields.map((f) => [f.name, f.type, f.cType, f.offset]),
      [
        ['entries', 'u64', 'uint64_t', 0],
        ['bytes', 'u64', 'uint64_t', 8],
      ],
    );
    const entry = report.types.find((t) => t.name === 'types::Entry' || t.name === 'Entry')!;
    assert.deepStrictEqual([entry.repr, entry.safe, entry.size], ['Rust', false, null]);
  });

  it('gives statics, mutability and C layouts in the JSON', async () => {
    const report = await jsonReport('test/fixtures-abi/escape');
    const counter = report.symbols.find((s) => s.name === 'COUNTER') as ReportSymbol & { mutable: boolean };
    assert.deepStrictEqual(
      [counter.kind, counter.mutable, counter.cPrototype],
      ['static', true, 'extern uint64_t COUNTER;'],
    );
    const holder = report.types.find((t) => t.name === 'Holder<script>') as ReportType & { cName: string };
    assert.deepStrictEqual([holder.cName, holder.size, holder.repr], ['struct Holder_script', 1, 'C']);
  });

  it('escapes every string from the code in Markdown', async () => {
    const r = await run(['report', 'test/fixtures-abi/escape', '--format', 'markdown']);
    assert.strictEqual(r.code, 0, r.stderr);
    const prose = r.stdout.replace(/`[^`\n]*`/g, '');
    assert.doesNotMatch(prose, /<script|<img|<\/script/i, 'no raw markup outside code spans');
    assert.ok(
      r.stdout.includes(
        'Holds one value. &lt;script&gt;alert("doc")&lt;/script&gt; &amp; &lt;img src=x onerror=alert(1)&gt; \\| a pipe',
      ),
    );
    assert.ok(r.stdout.includes('| `Holder<script>` |'), 'type names stay in code spans, where markup is inert');
    // Every table row has as many cells as its header.
    for (const table of r.stdout.split('\n\n').filter((b) => b.startsWith('|'))) {
      const cells = (line: string): number => line.replace(/\\\|/g, '').split('|').length;
      const rows = table.trim().split('\n');
      for (const row of rows) assert.strictEqual(cells(row), cells(rows[0]), row);
    }
  });

  it('writes self-contained HTML with every string escaped', async () => {
    const out = path.join(tempDir('ffi-guard-report-'), 'abi.html');
    const r = await run(['report', 'test/fixtures-abi/escape', '--format', 'html', '--out', out]);
    assert.strictEqual(r.code, 0, r.stderr);
    const html = fs.readFileSync(out, 'utf8');
    // The only <script> is the page's own sorting script.
    assert.strictEqual((html.match(/<script/g) ?? []).length, 1);
    assert.doesNotMatch(html, /<img/);
    assert.ok(html.includes('<code>Holder&lt;script&gt;</code>'));
    assert.ok(
      html.includes(
        'Holds one value. &lt;script&gt;alert(&quot;doc&quot;)&lt;/script&gt; &amp; &lt;img src=x onerror=alert(1)&gt; | a pipe',
      ),
    );
    assert.ok(html.includes('Unwraps a holder. &lt;script&gt;alert(&#39;fn&#39;)&lt;/script&gt;'));
    // No remote resources: nothing is fetched, and the CSP forbids it anyway.
    assert.doesNotMatch(html, /<[^>]*\b(src|href)\s*=|url\(|@import|https?:\/\//i);
    assert.match(html, /<meta http-equiv="Content-Security-Policy" content="default-src &#39;none&#39;;/);
  });

  it('rejects an unknown format', async () => {
    const r = await run(['report', 'examples/ffi-demo', '--format', 'pdf']);
    assert.strictEqual(r.code, 2);
  });
});

describe('report: Markdown escaping', () => {
  const md = new MarkdownIt({ html: true });
  /** The inline tokens of `cell` as the one cell of a table body row. */
  type Token = ReturnType<MarkdownIt['parse']>[number];
  const cellTokens = (cell: string): Token[] => {
    const tokens = md.parse(`| h |\n| --- |\n| ${cell} |\n`, {});
    const body = tokens.findIndex((t) => t.type === 'tbody_open');
    assert.ok(body > 0, `a table with a body row: ${cell}`);
    return tokens.slice(body).find((t) => t.type === 'inline')?.children ?? [];
  };
  const NAMES = [
    'plain',
    'evil`name',
    '``triple```tick`',
    '`leading',
    'trailing`',
    ' spaced ',
    ' one side',
    '&str',
    '&amp;',
    'a|b\\|c',
    '<script>alert(1)</script>',
    '*/ $1 %s [x](y) _u_ *s*',
  ];

  it('shows any name verbatim in a code span: backticks, spaces, pipes, entities', () => {
    for (const name of NAMES) {
      const inCell = cellTokens(mdCell(mdCode(name)));
      assert.deepStrictEqual(
        inCell.map((t) => [t.type, t.content]),
        [['code_inline', name]],
        `${JSON.stringify(name)} as ${mdCell(mdCode(name))}`,
      );
      const inParagraph = md.parseInline(mdCode(name), {})[0].children ?? [];
      assert.deepStrictEqual(
        inParagraph.map((t) => [t.type, t.content]),
        [['code_inline', name]],
        `${JSON.stringify(name)} as ${mdCode(name)}`,
      );
    }
  });

  it('shows a newline or a control character in a name as its Rust escape, on the same row', () => {
    assert.deepStrictEqual(
      cellTokens(mdCell(mdCode('a\nb\u001b'))).map((t) => [t.type, t.content]),
      [['code_inline', 'a\\nb\\u{1b}']],
    );
  });

  it('escapes Markdown and HTML outside code spans: the text renders as written', () => {
    for (const text of [...NAMES, '<img src=x onerror=alert(1)>', '![i](x) ~~s~~ $x$ \\*']) {
      const tokens = cellTokens(mdText(text));
      assert.deepStrictEqual(
        tokens.map((t) => t.type),
        ['text'],
        `${JSON.stringify(text)} as ${mdText(text)}`,
      );
      assert.strictEqual(tokens[0].content, text.trim());
    }
  });

  it('keeps the code spans of a message where the parser sees them, and escapes the rest', () => {
    const cases: [string, [string, string][]][] = [
      [
        'renamed to `x`',
        [
          ['text', 'renamed to '],
          ['code_inline', 'x'],
        ],
      ],
      // A name of three backticks and markup: the run of three never closes, so nothing after it is code.
      ['renamed to ```<img src=x onerror=alert(1)>``', [['text', 'renamed to ```<img src=x onerror=alert(1)>``']]],
      [
        'was `a`b` & <b>*x*</b>',
        [
          ['text', 'was '],
          ['code_inline', 'a'],
          ['text', 'b` & <b>*x*</b>'],
        ],
      ],
      [
        '``a`b`` then `<i>`',
        [
          ['code_inline', 'a`b'],
          ['text', ' then '],
          ['code_inline', '<i>'],
        ],
      ],
    ];
    for (const [message, expected] of cases) {
      const tokens = md.parseInline(mdMessage(message), {})[0].children ?? [];
      const merged: [string, string][] = [];
      for (const t of tokens) {
        const last = merged[merged.length - 1];
        if (t.type === 'text' && last?.[0] === 'text') last[1] += t.content;
        else merged.push([t.type, t.content]);
      }
      assert.deepStrictEqual(merged, expected, `${message} as ${mdMessage(message)}`);
    }
  });

  it('lists every rule of a symbol in the findings column, panic-across-ffi too', async () => {
    const root = tempTree({
      'lib.rs': '#[no_mangle]\npub extern "C" fn first(s: &str) -> u8 {\n    s.as_bytes()[0]\n}\n',
    });
    const r = await run(['report', root, '--format', 'markdown']);
    const row = r.stdout.split('\n').find((l) => l.startsWith('| `first` |'))!;
    assert.strictEqual(row.split(' | ')[5], '`panic-across-ffi`, `str-type`');
  });

  it('names an import by its #[link_name], the symbol it links to', async () => {
    const root = tempTree({
      'lib.rs': 'extern "C" {\n    #[link_name = "c_abs"]\n    pub fn abs(x: i32) -> i32;\n}\n',
    });
    const report = await jsonReport(root);
    assert.deepStrictEqual(
      report.symbols.map((s) => [s.name, s.direction, s.cPrototype]),
      [['c_abs', 'import', 'int32_t c_abs(int32_t x);']],
    );
  });
});
