import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { tempDir } from './harness/tmp';
import * as oniguruma from 'vscode-oniguruma';
import * as textmate from 'vscode-textmate';
import { main } from '../server/src/cli';

/**
 * The TextMate grammar of the ABI baseline (`syntaxes/ffi-abi.tmLanguage.json`), run by the same
 * engine VS Code uses: keywords, names, types, numbers and comments get their scopes.
 */

const REPO = path.resolve(__dirname, '..', '..');
const GRAMMAR = path.join(REPO, 'syntaxes', 'ffi-abi.tmLanguage.json');

interface Token {
  text: string;
  scopes: string[];
}

let grammar: textmate.IGrammar;

async function loadGrammar(): Promise<textmate.IGrammar> {
  const wasm = fs.readFileSync(path.join(REPO, 'node_modules', 'vscode-oniguruma', 'release', 'onig.wasm'));
  await oniguruma.loadWASM(wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength));
  const registry = new textmate.Registry({
    onigLib: Promise.resolve({
      createOnigScanner: (patterns: string[]) => new oniguruma.OnigScanner(patterns),
      createOnigString: (s: string) => new oniguruma.OnigString(s),
    }),
    loadGrammar: (scopeName) =>
      Promise.resolve(
        scopeName === 'source.ffi-abi' ? textmate.parseRawGrammar(fs.readFileSync(GRAMMAR, 'utf8'), GRAMMAR) : null,
      ),
  });
  const g = await registry.loadGrammar('source.ffi-abi');
  assert.ok(g, 'the grammar loads');
  return g;
}

/** Every line's tokens, with their text. */
function tokenize(text: string): Token[][] {
  let state = textmate.INITIAL;
  return text.split('\n').map((line) => {
    const r = grammar.tokenizeLine(line, state);
    state = r.ruleStack;
    return r.tokens.map((t) => ({ text: line.slice(t.startIndex, t.endIndex), scopes: t.scopes }));
  });
}

/** The innermost scope of the first token on `line` whose text is `text`. */
function scopeOf(lines: Token[][], lineStart: string, text: string, nth = 0): string {
  const line = lines.find((l) =>
    l
      .map((t) => t.text)
      .join('')
      .startsWith(lineStart),
  );
  assert.ok(line, `a line starting \`${lineStart}\``);
  const hits = line.filter((t) => t.text === text);
  assert.ok(
    hits[nth],
    `a token \`${text}\` in \`${line.map((t) => t.text).join('')}\`: ${JSON.stringify(line.map((t) => t.text))}`,
  );
  return hits[nth].scopes[hits[nth].scopes.length - 1];
}

const SAMPLE = [
  'ffi-abi 1',
  '# ABI baseline written by `ffi-guard snapshot`',
  'fn kv_put(*mut KvStore, *const i8, Value) -> KvStatus  abi=C doc=172f02a8',
  'fn kv_visit(*const KvStore, extern "C" fn(*const i8) -> i32, &mut [u8; 4]) -> usize  abi=C-unwind',
  'static mut COUNTER: u64  abi=C',
  'import static environ: *mut *mut i8  abi=C',
  'import fn printf(*const i8, ...) -> i32  abi=C',
  'type geo::Point struct  repr=C,packed size=8 align=?',
  'field geo::Point.x: i32  index=0 offset=0',
  'type Status enum  repr=u8 size=1 align=1',
  'variant Status.Failed = -1',
  'variant Status.Later = ?  fields=2',
].join('\n');

describe('syntax: the ffi-abi TextMate grammar', function () {
  this.timeout(30_000);
  before(async () => {
    grammar = await loadGrammar();
  });

  it('scopes the header, comments and keywords', () => {
    const lines = tokenize(SAMPLE);
    assert.strictEqual(scopeOf(lines, 'ffi-abi', 'ffi-abi'), 'keyword.other.format.ffi-abi');
    assert.strictEqual(scopeOf(lines, 'ffi-abi', '1'), 'constant.numeric.integer.version.ffi-abi');
    assert.strictEqual(lines[1][0].scopes.at(-1), 'punctuation.definition.comment.ffi-abi');
    assert.ok(lines[1].every((t) => t.scopes.includes('comment.line.number-sign.ffi-abi')));
    assert.strictEqual(scopeOf(lines, 'fn kv_put', 'fn'), 'storage.type.function.ffi-abi');
    assert.strictEqual(scopeOf(lines, 'static mut', 'static'), 'storage.type.static.ffi-abi');
    assert.strictEqual(scopeOf(lines, 'static mut', 'mut'), 'storage.modifier.mut.ffi-abi');
    assert.strictEqual(scopeOf(lines, 'import fn', 'import'), 'keyword.other.import.ffi-abi');
    assert.strictEqual(scopeOf(lines, 'type geo', 'type'), 'storage.type.type.ffi-abi');
    assert.strictEqual(scopeOf(lines, 'type geo', 'struct'), 'storage.type.struct.ffi-abi');
    assert.strictEqual(scopeOf(lines, 'type Status', 'enum'), 'storage.type.enum.ffi-abi');
    assert.strictEqual(scopeOf(lines, 'field', 'field'), 'keyword.other.field.ffi-abi');
    assert.strictEqual(scopeOf(lines, 'variant Status.Failed', 'variant'), 'keyword.other.variant.ffi-abi');
  });

  it('scopes quoted names (version 2) and non-ASCII member names whole', () => {
    const lines = tokenize(
      [
        'ffi-abi 2',
        'fn "evil\\u000aname  (x)"(u32)  abi=C',
        'import static "a: \\"b\\"": u32  abi=C',
        'field Pöint<u8>.größe: u8  index=0 offset=0',
        'variant Farbe.Grün = 1',
      ].join('\n'),
    );
    assert.strictEqual(scopeOf(lines, 'fn "evil', '"evil\\u000aname  (x)"'), 'entity.name.function.ffi-abi');
    assert.strictEqual(scopeOf(lines, 'import static', '"a: \\"b\\""'), 'variable.other.static.ffi-abi');
    assert.strictEqual(scopeOf(lines, 'field', 'größe'), 'variable.other.member.ffi-abi');
    assert.strictEqual(scopeOf(lines, 'variant', 'Grün'), 'variable.other.enummember.ffi-abi');
  });

  it('scopes names and types', () => {
    const lines = tokenize(SAMPLE);
    assert.strictEqual(scopeOf(lines, 'fn kv_put', 'kv_put'), 'entity.name.function.ffi-abi');
    assert.strictEqual(scopeOf(lines, 'fn kv_put', '*mut'), 'storage.modifier.pointer.ffi-abi');
    assert.strictEqual(scopeOf(lines, 'fn kv_put', 'KvStore'), 'entity.name.type.ffi-abi');
    assert.strictEqual(scopeOf(lines, 'fn kv_put', 'i8'), 'support.type.primitive.ffi-abi');
    assert.strictEqual(scopeOf(lines, 'fn kv_put', '->'), 'keyword.operator.arrow.ffi-abi');
    assert.strictEqual(scopeOf(lines, 'fn kv_visit', 'extern'), 'keyword.other.ffi-abi');
    assert.strictEqual(scopeOf(lines, 'fn kv_visit', '"C"'), 'string.quoted.double.abi.ffi-abi');
    assert.strictEqual(scopeOf(lines, 'fn kv_visit', 'fn', 1), 'storage.type.function.ffi-abi');
    assert.strictEqual(scopeOf(lines, 'fn kv_visit', '&mut'), 'storage.modifier.reference.ffi-abi');
    assert.strictEqual(scopeOf(lines, 'static mut', 'COUNTER'), 'variable.other.static.ffi-abi');
    assert.strictEqual(scopeOf(lines, 'import fn', '...'), 'keyword.operator.variadic.ffi-abi');
    assert.strictEqual(scopeOf(lines, 'type geo', 'geo::Point'), 'entity.name.type.ffi-abi');
    assert.strictEqual(scopeOf(lines, 'field', 'geo::Point'), 'entity.name.type.ffi-abi');
    assert.strictEqual(scopeOf(lines, 'field', 'x'), 'variable.other.member.ffi-abi');
    assert.strictEqual(scopeOf(lines, 'variant Status.Failed', 'Failed'), 'variable.other.enummember.ffi-abi');
  });

  it('scopes numbers and attributes', () => {
    const lines = tokenize(SAMPLE);
    assert.strictEqual(scopeOf(lines, 'fn kv_visit', '4'), 'constant.numeric.integer.ffi-abi');
    assert.strictEqual(scopeOf(lines, 'variant Status.Failed', '-1'), 'constant.numeric.integer.ffi-abi');
    assert.strictEqual(scopeOf(lines, 'variant Status.Later', '?'), 'constant.language.unknown.ffi-abi');
    assert.strictEqual(scopeOf(lines, 'variant Status.Later', '2'), 'constant.numeric.integer.ffi-abi');
    assert.strictEqual(scopeOf(lines, 'type geo', 'size'), 'entity.other.attribute-name.ffi-abi');
    assert.strictEqual(scopeOf(lines, 'type geo', '8'), 'constant.numeric.integer.ffi-abi');
    assert.strictEqual(scopeOf(lines, 'type geo', '?'), 'constant.language.unknown.ffi-abi');
    assert.strictEqual(scopeOf(lines, 'type geo', 'C,packed'), 'storage.modifier.repr.ffi-abi');
    assert.strictEqual(scopeOf(lines, 'fn kv_put', 'C'), 'string.unquoted.abi.ffi-abi');
    assert.strictEqual(scopeOf(lines, 'fn kv_visit', 'C-unwind'), 'string.unquoted.abi.ffi-abi');
    assert.strictEqual(scopeOf(lines, 'fn kv_put', '172f02a8'), 'constant.other.hash.ffi-abi');
    assert.strictEqual(scopeOf(lines, 'field', '0', 1), 'constant.numeric.integer.ffi-abi');
  });

  it('gives every word of a real baseline a scope', async () => {
    const file = path.join(tempDir('ffi-guard-syntax-'), 'kv.ffi-abi');
    const code = await main(
      ['snapshot', 'test/fixtures-abi/kvstore', '--out', file],
      REPO,
      () => {},
      () => {},
    );
    assert.strictEqual(code, 0);
    const text = fs.readFileSync(file, 'utf8').trimEnd();
    tokenize(text).forEach((line, i) => {
      for (const t of line)
        if (t.text.trim())
          assert.ok(
            t.scopes.length > 2 || (t.scopes.length > 1 && !t.scopes[1].startsWith('meta.')),
            `line ${i + 1}: \`${t.text}\` has only ${t.scopes.join(' ')}`,
          );
    });
  });
});
