import * as assert from 'assert';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { ALL_RULES, RULES } from '../server/src/core/analysis/rules';
import { useInsteadLanguage } from '../server/src/core/analysis/rules/docs';
import { documentedRules, ruleDocsHtml, ruleSection } from '../protocol/rule-docs';
import { REPO, runCli } from './harness/cli';
import { tempDir } from './harness/tmp';
import { RULES_MD, renderRules } from './tools/update-docs';

/** README.md is a front page, the reference is under docs/, and what the docs show is true. */

const README = path.join(REPO, 'README.md');
const MAX_README_BYTES = 15 * 1024;

/** The Markdown files of the documentation: README.md, CHANGELOG.md and docs/**.md. */
function markdownFiles(): string[] {
  const files = [README, path.join(REPO, 'CHANGELOG.md')];
  const walk = (dir: string): void => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, e.name);
      if (e.isDirectory()) walk(full);
      else if (e.name.endsWith('.md')) files.push(full);
    }
  };
  walk(path.join(REPO, 'docs'));
  return files;
}

/** GitHub's anchors of a Markdown file's headings (lower case, punctuation dropped, spaces to dashes). */
function anchors(text: string): Set<string> {
  const out = new Set<string>();
  const seen = new Map<string, number>();
  let fenced = false;
  for (const line of text.split('\n')) {
    if (/^(```|~~~)/.test(line)) fenced = !fenced;
    const m = !fenced && /^#{1,6} (.*)$/.exec(line);
    if (!m) continue;
    const slug = m[1]
      .trim()
      .toLowerCase()
      .replace(/[^\p{L}\p{N} _-]/gu, '')
      .replace(/ /g, '-');
    const n = seen.get(slug) ?? 0;
    seen.set(slug, n + 1);
    out.add(n ? `${slug}-${n}` : slug);
  }
  return out;
}

/** The relative links of a Markdown text outside code: `[text](target)` and `<img src="target">`. */
function relativeLinks(text: string): string[] {
  const prose = text.replace(/^(```|~~~)[\s\S]*?^\1/gm, '').replace(/`[^`\n]*`/g, '');
  const links = [...prose.matchAll(/\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g), ...prose.matchAll(/\bsrc="([^"]+)"/g)].map(
    (m) => m[1],
  );
  return links.filter((l) => !/^[a-z][a-z0-9+.-]*:/i.test(l));
}

describe('docs: README.md, docs/', () => {
  it(`README.md is a front page of at most ${MAX_README_BYTES / 1024} kB`, () => {
    const bytes = fs.statSync(README).size;
    assert.ok(bytes <= MAX_README_BYTES, `README.md is ${bytes} bytes`);
  });

  it('every relative link of the documentation resolves, to a file and to a heading in it', () => {
    const problems: string[] = [];
    for (const file of markdownFiles()) {
      const text = fs.readFileSync(file, 'utf8');
      for (const link of relativeLinks(text)) {
        const [target, anchor] = link.split('#');
        const resolved = target ? path.resolve(path.dirname(file), decodeURI(target)) : file;
        const where = `${path.relative(REPO, file)}: ${link}`;
        if (!fs.existsSync(resolved)) {
          problems.push(`${where}: no such file`);
          continue;
        }
        if (anchor && resolved.endsWith('.md') && !anchors(fs.readFileSync(resolved, 'utf8')).has(anchor))
          problems.push(`${where}: no heading #${anchor}`);
      }
    }
    assert.deepStrictEqual(problems, []);
  });

  it('the README and docs/README.md link every page of docs/', () => {
    const pages = fs
      .readdirSync(path.join(REPO, 'docs'))
      .filter((f) => f.endsWith('.md') && f !== 'README.md')
      .map((f) => `docs/${f}`);
    for (const index of ['README.md', 'docs/README.md']) {
      const links = new Set(
        relativeLinks(fs.readFileSync(path.join(REPO, index), 'utf8')).map((l) =>
          path
            .relative(REPO, path.resolve(path.dirname(path.join(REPO, index)), l.split('#')[0]))
            .split(path.sep)
            .join('/'),
        ),
      );
      for (const page of pages) assert.ok(links.has(page), `${index} links ${page}`);
    }
  });
});

describe('docs: the rules, generated from the rule modules', function () {
  this.timeout(300_000);

  it('docs/rules.md carries the rule table and sections generated from the rules (run `npm run docs`)', () => {
    const text = fs.readFileSync(RULES_MD, 'utf8');
    assert.strictEqual(text, renderRules(text), 'docs/rules.md is out of date: run `npm run docs`');
  });

  it('every rule, the cross-crate ones too, documents the four sections and has a unique id', () => {
    const ids = new Set<string>();
    for (const r of ALL_RULES) {
      assert.ok(!ids.has(r.id), `duplicate rule id ${r.id}`);
      ids.add(r.id);
      for (const k of ['whatItDoes', 'whyIsThisBad', 'example', 'useInstead'] as const)
        assert.ok(r.docs[k].trim().length > 10, `${r.id}: ${k} is empty`);
    }
  });

  it('every rule has a section the editor can show, holding its example and what to use instead', () => {
    const text = fs.readFileSync(RULES_MD, 'utf8');
    assert.deepStrictEqual(
      documentedRules(text),
      ALL_RULES.map((r) => r.id),
    );
    for (const r of ALL_RULES) {
      const section = ruleSection(text, r.id)!;
      assert.ok(section.startsWith(`### \`${r.id}\`\n`), r.id);
      assert.ok(section.includes(r.docs.example) && section.includes(r.docs.useInstead), r.id);
      assert.strictEqual((section.match(/^### /gm) ?? []).length, 1, `${r.id}: one section only`);
    }
  });

  it('fences every "Use instead" that is code; only two are not Rust, and they say why', () => {
    const text = fs.readFileSync(RULES_MD, 'utf8');
    const notRust = RULES.filter((r) => useInsteadLanguage(r.docs.useInstead) !== 'rust').map((r) => [
      r.id,
      useInsteadLanguage(r.docs.useInstead),
    ]);
    // A type of another crate cannot be shown compiling alone; a TOML setting is not Rust.
    assert.deepStrictEqual(notRust, [
      ['non-exhaustive', 'prose'],
      ['unresolved-type', 'toml'],
    ]);
    for (const r of RULES) {
      const language = useInsteadLanguage(r.docs.useInstead);
      if (language === 'prose') continue;
      const section = ruleSection(text, r.id)!;
      assert.ok(section.includes(`**Use instead**\n\n\`\`\`${language}\n${r.docs.useInstead}\n\`\`\``), r.id);
    }
    assert.doesNotMatch(
      text.replace(/^```[\s\S]*?^```/gm, ''),
      /^# (ffi-guard|Cargo)\.toml/m,
      'no comment as a heading',
    );
  });

  /** Crates a "Use instead" may use that are not installed here (docs/ffi-crates.md): rustc cannot build it. */
  const NOT_INSTALLED = /\b(safer_ffi|stabby|abi_stable)\b/;

  it('compiles every Rust "Use instead" with rustc, free of the lints of its rule, and ffi-guard agrees', async () => {
    const dir = tempDir('ffi-guard-use-instead-');
    const failures: string[] = [];
    for (const r of RULES) {
      if (useInsteadLanguage(r.docs.useInstead) !== 'rust') continue;
      const file = path.join(dir, `${r.id.replace(/-/g, '_')}.rs`);
      fs.writeFileSync(file, `${r.docs.useInstead}\n`);
      const edition = r.id === 'edition-2024-unsafe' ? '2024' : '2021';
      const rustc = spawnSync(
        'rustc',
        [
          `--edition=${edition}`,
          '--crate-type=lib',
          '--emit=metadata',
          '-D',
          'improper_ctypes',
          '-D',
          'improper_ctypes_definitions',
          '-D',
          'no_mangle_generic_items',
          '--out-dir',
          dir,
          file,
        ],
        { encoding: 'utf8' },
      );
      assert.ok(!rustc.error, `rustc must be installed: ${String(rustc.error)}`);
      // The FFI crates are not installed here: their rules' snippets are checked by ffi-guard alone.
      if (rustc.status !== 0 && !NOT_INSTALLED.test(r.docs.useInstead))
        failures.push(`${r.id}: rustc says\n${rustc.stderr}`);
      const ours = await runCli(['check', '--format', 'json', path.basename(file)], dir);
      const json = JSON.parse(ours.stdout) as { diagnostics: { rule: string }[] };
      if (json.diagnostics.some((d) => d.rule === r.id)) failures.push(`${r.id}: ffi-guard still reports ${r.id}`);
    }
    assert.deepStrictEqual(failures, []);
  });

  it("the editor's rule page escapes the explanation and allows no script", () => {
    const html = ruleDocsHtml({
      rule: 'str-type',
      sectionHtml: null,
      sectionMarkdown: '### `str-type`\n<b>x</b>',
      explanation: 'use <script>alert(1)</script> & more',
      nonce: 'abc',
      cspSource: 'vscode-resource:',
    });
    assert.ok(!html.includes('<script>'), html);
    assert.ok(html.includes('use &lt;script&gt;alert(1)&lt;/script&gt; &amp; more'));
    assert.ok(html.includes('&lt;b&gt;x&lt;/b&gt;'), 'Markdown shown as text is escaped');
    assert.match(html, /default-src &#39;none&#39;/);
    assert.doesNotMatch(html, /script-src/);
  });
});
