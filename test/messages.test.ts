import * as assert from 'assert';
import * as path from 'path';
import { ruleById } from '../server/src/core/analysis/rules';
import type { Finding } from '../server/src/core/analysis/findings';
import { FIXTURES_DIR, FixtureCrate, loadFixtureCrates } from './harness/fixtures';

/**
 * Messages exactly right for the type they name: rustc's main sentence kept, an explanation that speaks
 * of this type (not of `String` when the type is `Vec<u32>`), advice that can be followed, and the
 * finding's certainty.
 */
describe('messages: exactly right for the type they name', function () {
  this.timeout(120_000);
  let crates: FixtureCrate[] = [];
  let all: Finding[] = [];
  const bySymbol = (symbol: string, typeName?: string): Finding => {
    const f = all.find(
      (x) => x.rustcLint !== null && x.symbol === symbol && (typeName === undefined || x.typeName === typeName),
    );
    assert.ok(f, `no finding for ${symbol} ${typeName ?? ''}`);
    return f;
  };
  /** The message after rustc's main sentence and note: our explanation and help. */
  const explanation = (f: Finding): string => f.message.slice(f.message.indexOf('. ') + 2);

  before(async () => {
    crates = await loadFixtureCrates();
    all = crates.flatMap((c) => c.findings);
  });

  it('every finding carries its rule’s certainty, fact or caution', () => {
    assert.ok(all.length > 100);
    for (const f of all) {
      assert.ok(f.certainty === 'fact' || f.certainty === 'caution', `${f.rule}: ${f.certainty}`);
      assert.strictEqual(f.certainty, ruleById(f.rule).certainty, f.rule);
    }
  });

  it('cautions are the risky-but-defined rules; layouts C cannot have are facts', () => {
    for (const id of ['enum-from-c', 'panic-across-ffi', 'unresolved-type', 'non-exhaustive'])
      assert.strictEqual(ruleById(id).certainty, 'caution', id);
    for (const id of ['str-type', 'std-type', 'tuple-type', 'option-no-niche', 'unspecified-layout', 'static-export'])
      assert.strictEqual(ruleById(id).certainty, 'fact', id);
  });

  it('enum-from-c is information by default, unresolved-type a hint', () => {
    assert.strictEqual(ruleById('enum-from-c').defaultSeverity, 'info');
    assert.strictEqual(ruleById('unresolved-type').defaultSeverity, 'hint');
  });

  it('keeps rustc’s main sentence and note', () => {
    assert.ok(
      bySymbol('msg_vec').message.startsWith(
        '`extern` fn `msg_vec` uses type `Vec<u32>`, which is not FFI-safe: this struct has unspecified layout.',
      ),
    );
    assert.ok(
      bySymbol('msg_option_ret').message.startsWith(
        '`extern` fn `msg_option_ret` uses type `Option<i64>`, which is not FFI-safe: enum has no representation hint.',
      ),
    );
  });

  it('explains `Vec<u32>` as a `Vec<u32>`, not as a `String`', () => {
    const m = explanation(bySymbol('msg_vec'));
    assert.match(m, /A `Vec<u32>` is three words/);
    assert.doesNotMatch(m, /String/);
    assert.match(m, /`\*const u32` and `usize`/);
  });

  it('explains `Option<i64>` as an `Option<i64>`, not as an `Option<u32>`', () => {
    const ret = explanation(bySymbol('msg_option_ret'));
    assert.match(ret, /An `Option<i64>` is a tag plus an `i64`/);
    assert.doesNotMatch(ret, /u32/);
    assert.match(ret, /out: \*mut i64/);
    assert.match(
      explanation(bySymbol('msg_option_param')),
      /An `Option<f32>` is a tag plus an `f32`.*take a `\*const f32` that is null for `None`/,
    );
  });

  it('a `Result<(), E>` is told to return an error code, with no `()` to write', () => {
    const m = explanation(bySymbol('msg_result'));
    assert.match(m, /A `Result<\(\), i32>` is a tag/);
    assert.match(m, /return an error code/);
    assert.doesNotMatch(m, /\*mut \(\)/);
  });

  it('never advises `#[repr(C)]` or a new member for a std type', () => {
    const std = all.filter((f) => f.rule === 'std-type' || f.rule === 'option-no-niche');
    assert.ok(std.length > 20, `${std.length}`);
    for (const f of std) {
      assert.doesNotMatch(f.message, /consider adding a `#\[repr|consider adding a member/, f.message);
      // Every one names its own type in the explanation, not only in rustc's sentence.
      assert.ok(explanation(f).includes(`\`${f.typeName}\``) || f.rule === 'std-type', f.message);
    }
  });

  it('names the type it explains, for std types, options and workspace types', () => {
    for (const [symbol, typeName] of [
      ['msg_string', 'String'],
      ['msg_cstring', 'CString'],
      ['msg_misc', 'Duration'],
      ['msg_misc', 'Arc<u8>'],
      ['msg_misc', 'HashMap<u32, u8>'],
      ['msg_local', 'Plain'],
      ['msg_local', 'Mode'],
    ])
      assert.ok(explanation(bySymbol(symbol, typeName)).includes(`\`${typeName}\``), `${symbol} ${typeName}`);
  });

  it('gives definitions an opaque pointer and `extern` blocks an opaque struct', () => {
    assert.match(explanation(bySymbol('msg_misc', 'HashMap<u32, u8>')), /Box::into_raw\(Box::new\(value\)\)/);
    assert.match(explanation(bySymbol('msg_import', 'HashMap<u32, u8>')), /opaque struct/);
  });

  it('keeps rustc’s `#[repr(C)]` help where it can be followed: a workspace type', () => {
    assert.match(bySymbol('msg_local', 'Plain').message, /Help: consider adding a `#\[repr\(C\)\]`/);
    assert.match(bySymbol('msg_local', 'Mode').message, /discriminant/);
  });

  it('reads its fixture', () => {
    assert.ok(crates.some((c) => path.relative(FIXTURES_DIR, c.root) === path.join('parity-extra', 'std_messages.rs')));
  });
});
