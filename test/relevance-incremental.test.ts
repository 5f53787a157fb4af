import * as assert from 'assert';
import { RelevanceIndex } from '../server/src/core/workspace/relevance';

/**
 * The relevance index kept up to date edit by edit (the editor's case) says what an index built from
 * scratch over the same texts says: an edit that leaves every macro definition alone decides only its
 * own file again, and one that changes a definition decides every file again.
 */
describe('relevance: updated edit by edit as built from scratch', () => {
  const FILES: Record<string, string> = {
    '/w/src/lib.rs': 'mod a;\nmod b;\nmod gen;\npub fn plain() {}\n',
    '/w/src/a.rs': 'macro_rules! export { ($n:ident) => { #[no_mangle] pub extern "C" fn $n() {} } }\n',
    '/w/src/b.rs': 'pub struct Point { x: f64 }\nfn f() { println!("hi"); }\n',
    '/w/src/c.rs': 'macro_rules! wrap { ($m:ident) => { $m!(x); } }\nfn g() {}\n',
    '/w/src/d.rs': 'use crate::plain as p;\nfn h() { p(); }\n',
    '/w/src/e.rs': 'fn e() {}\n',
    '/w/src/gen.rs': 'include!("gen/bindings.rs");\n',
    '/w/src/gen/bindings.rs': 'pub type Handle = u32;\n',
  };

  /** Edits that change a file's standing, a macro definition, a type, an include. */
  const EDITS: [string, string][] = [
    ['/w/src/b.rs', 'export!(from_b);\n'],
    ['/w/src/b.rs', '// extern "C" in a comment\n'],
    ['/w/src/d.rs', 'use crate::export as e;\n'],
    ['/w/src/c.rs', 'fn k() { wrap!(export); }\n'],
    ['/w/src/a.rs', 'macro_rules! quiet { () => {} }\n'],
    ['/w/src/e.rs', 'fn q() { quiet!(); }\n'],
    // e.rs does not change, but what it invokes now writes a boundary item.
    ['/w/src/c.rs', 'macro_rules! quiet { () => { extern "C" fn q() {} } }\n'],
    ['/w/src/b.rs', 'pub enum Mode { A }\n'],
    ['/w/src/gen/bindings.rs', 'extern "C" { fn ext(); }\n'],
    ['/w/src/lib.rs', 'include!(concat!(env!("OUT_DIR"), "/x.rs"));\n'],
    ['/w/src/a.rs', 'macro_rules! export { ($n:ident) => { pub fn $n() {} } }\n'],
    ['/w/src/c.rs', 'macro_rules! more { () => { export!(m); } }\n'],
    ['/w/src/d.rs', 'fn z() { more!(); }\n'],
  ];

  const fresh = (texts: Map<string, string>): RelevanceIndex => {
    const index = new RelevanceIndex();
    for (const [file, text] of texts) index.update(file, text);
    return index;
  };

  const views = (index: RelevanceIndex, files: string[]): unknown => ({
    needed: [...index.needed()].sort(),
    point: [...index.filesDefiningType('Point')].sort(),
    mode: [...index.filesDefiningType('Mode')].sort(),
    exportDefiners: [...index.filesDefiningMacro('export')].sort(),
    sources: files.map((f) => index.macroSourcesOf(f).sort()),
  });

  it('after every edit, appended or undone, and after a file is removed', () => {
    const texts = new Map(Object.entries(FILES));
    const files = [...texts.keys()];
    const live = fresh(texts);
    live.needed();
    for (const [step, [file, line]] of EDITS.entries()) {
      texts.set(file, `${texts.get(file) ?? ''}${line}`);
      live.update(file, texts.get(file)!);
      assert.deepStrictEqual(views(live, files), views(fresh(texts), files), `after edit ${step + 1}`);
    }
    for (const [step, [file, line]] of [...EDITS.entries()].reverse()) {
      texts.set(file, texts.get(file)!.replace(line, ''));
      live.update(file, texts.get(file)!);
      assert.deepStrictEqual(views(live, files), views(fresh(texts), files), `after undoing edit ${step + 1}`);
    }
    texts.delete('/w/src/a.rs');
    live.remove('/w/src/a.rs');
    assert.deepStrictEqual(views(live, files), views(fresh(texts), files), 'after removing a.rs');
  });

  it('changes who is needed when an edit makes a file invoke a producing macro', () => {
    const index = fresh(new Map(Object.entries(FILES)));
    assert.ok(!index.isNeeded('/w/src/b.rs'));
    index.update('/w/src/b.rs', `${FILES['/w/src/b.rs']}export!(now);\n`);
    assert.ok(index.isNeeded('/w/src/b.rs'));
    index.update('/w/src/b.rs', FILES['/w/src/b.rs']);
    assert.ok(!index.isNeeded('/w/src/b.rs'));
  });
});
