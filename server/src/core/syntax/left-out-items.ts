import { mayWrapCatchUnwind } from './body-facts';
import { bracketStep } from './brackets';
import { BodyMacroTest, mayDeclareItems } from './item-words';
import { plainAttribute } from './plain-attributes';
import { PlainConst, plainConst } from './plain-consts';
import { PlainForeignFn, plainForeignFn } from './plain-foreign-fns';
import { isSpace } from './plain-text';
import { plainTokenTreeEnd } from './plain-tokens';
import { codeOnly } from './scan';

/**
 * What the parser is not given. A plain constant or a plain foreign function (`plain-text.ts`) is read from
 * its text whatever the tree says of it: the tree is asked only where it starts and ends. Generated
 * bindings are largely such items (libc's and linux-raw-sys's constants, the `-sys` crates' `extern`
 * blocks), and tree-sitter parses their tokens as it parses any others. The body of a function is read only
 * for a C function, one that may wrap `catch_unwind`, or one that may declare items (`bodyIsRead`): most
 * bodies of a crate are none of these. The arguments of an item-level macro call are read as tokens, from
 * the text when they lex plainly (`plain-tokens.ts`), as most of libc's `s! { … }` and of the bindings' own
 * macro calls do, and a plain attribute is read from its text (`plain-attributes.ts`). Found here from the
 * text (13.1 of the 20.9 M characters of the FFI-dense benchmark workspace, 5.7 of bindings' 16.4 M, by
 * `node out/test/bench/left-out-agreement.js`), they are left out of the parse
 * (its included ranges skip them), and the syntax tree puts the items back where the whole parse has them,
 * with the parts their text gives, and answers for an empty body's or token tree's children from a whole
 * parse, should anything ask (`SyntaxTree`).
 *
 * Only places whose every item the scan can delimit are searched: the top level of a file, the bodies of
 * inline modules, of `extern` blocks, of `impl`s and of traits. A scan that meets what it cannot delimit
 * (brackets that do not balance) stops searching that list; what it found before stays right, since every
 * item is delimited by its own brackets and `;`.
 */

export type LeftOutItem =
  | { kind: 'const'; start: number; end: number; plain: PlainConst }
  | { kind: 'foreign-fn'; start: number; end: number; plain: PlainForeignFn }
  /** What a function's braces hold, when nothing reads it (`bodyIsRead`): its block is parsed empty. */
  | { kind: 'body'; start: number; end: number }
  /**
   * What the delimiters of an item-level macro call or of an attribute's arguments hold, when its token tree
   * is plain (`plain-tokens.ts`, `plain-attributes.ts`): its tokens are read from the text whatever the tree
   * says, and the grammar would lex and parse each of them (libc's `s! { … }` and the like are much of what
   * an FFI-dense workspace parses).
   */
  | { kind: 'tokens'; start: number; end: number };

/**
 * What to leave out between `from` and `to` (whole top-level items: a file, or a piece of one), in order.
 * `minContents`: the shortest body or token tree left out (`MIN_LEFT_OUT_CONTENTS`). `bodyMacros`: which
 * macros called in a body may write items there, as the extraction of the tree will be told (`ParsedFile`).
 */
export function itemsToLeaveOut(
  text: string,
  from = 0,
  to = text.length,
  minContents = MIN_LEFT_OUT_CONTENTS,
  bodyMacros?: BodyMacroTest,
): LeftOutItem[] {
  const found: LeftOutItem[] = [];
  new ItemScan(text, codeOnly(text.slice(from, to)), from, found, minContents, bodyMacros).list(from, to, 'items');
  return found;
}

/**
 * Whether the extractors read a function's body (`items.ts`): for its facts when the function has a C ABI
 * or may wrap `catch_unwind`, for the items it may declare (`mayDeclareItems`). `body` is the text of its
 * block, braces included.
 */
export function bodyIsRead(body: string, hasAbi: boolean, bodyMacros?: BodyMacroTest): boolean {
  return hasAbi || mayWrapCatchUnwind(body) || mayDeclareItems(body, bodyMacros);
}

/**
 * What a list of items may hold that is left out: constants and the bodies of functions (of a file, a module,
 * an `impl` or a trait), or (in an `extern` block) foreign functions.
 */
type ListKind = 'items' | 'foreign';

/** The longest plain constant or foreign function left out (longer ones are parsed). */
const MAX_PLAIN_ITEM = 4096;

/**
 * The shortest body or token tree left out, in characters between its delimiters. Each item left out splits
 * the parse's included ranges, and each range costs tree-sitter's lexer more than parsing a few characters:
 * bindgen's `mach_sys.rs` (407 kB), whose `#[repr(C)]`, `#[derive(Copy, Clone)]` and one-line `Default`
 * bodies were left out one by one, parsed in 52 ms leaving them out and in 40 ms whole; with these kept (and
 * the white space between items left out with them: `rangesBetween` in parse.ts), in 43 ms (`node
 * out/test/bench/left-out-ranges.js FILE…`). A longer threshold parses faster still but reads more from the
 * tree than from the text, which costs more than it saves (gtk's bindings crate).
 */
const MIN_LEFT_OUT_CONTENTS = 12;

const SEMICOLON = 0x3b;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const HASH = 0x23;
const BANG = 0x21;
const OPEN_BRACKET = 0x5b;

/**
 * An `extern` block's or an inline module's opening, up to its `{` (`"…"` is an ABI, its contents blanked
 * by `codeOnly`; raw strings are left to the parse, as `unsafe extern` is).
 */
const CONTAINER =
  /(?:pub(?:\s*\([^)]*\))?\s+)?(?:(extern)\s*(?:"[^"]*"\s*)?|mod\s+(?:r#)?[A-Za-z_][A-Za-z0-9_]*\s*)\{/y;

/** How a plain constant and a plain foreign function open (`plainConst`, `plainForeignFn` read the rest). */
const CONST_OPENING = /(?:pub\s+)?const\s+[A-Za-z_][A-Za-z0-9_]*\s*:/y;
const FOREIGN_FN_OPENING = /(?:pub\s+)?fn\s+[A-Za-z_][A-Za-z0-9_]*\s*\(/y;

/** How an item-level macro call opens, up to its delimiter: group 1 is the macro's path. */
const MACRO_CALL_OPENING = /((?:::\s*)?[A-Za-z_][A-Za-z0-9_]*(?:\s*::\s*[A-Za-z_][A-Za-z0-9_]*)*)\s*!\s*[({[]/y;

/** How a function opens, its qualifiers included: with an ABI, group 1 holds `extern`. */
const FN_OPENING =
  /(?:pub(?:\s*\([^)]*\))?\s+)?(?:default\s+)?(?:const\s+)?(?:async\s+)?(?:unsafe\s+)?(?:safe\s+)?(?:(extern)\s*(?:"[^"]*"\s*)?)?fn\b/y;

/** How an `impl` or a trait opens (its list starts at the first `{` outside brackets after this). */
const IMPL_OPENING = /(?:pub(?:\s*\([^)]*\))?\s+)?(?:unsafe\s+)?(?:auto\s+)?(?:impl|trait)\b/y;

class ItemScan {
  constructor(
    private readonly text: string,
    /** `codeOnly` of the text from `offset` on: comments and the contents of literals blanked. */
    private readonly code: string,
    private readonly offset: number,
    private readonly found: LeftOutItem[],
    private readonly minContents: number,
    private readonly bodyMacros: BodyMacroTest | undefined,
  ) {}

  private at(i: number): number {
    return this.code.charCodeAt(i - this.offset);
  }

  /**
   * The items of a list from `i` on: returns where the `}` that closes the list is (`to` for a file or a
   * piece), or -1 when the scan cannot delimit an item.
   */
  list(i: number, to: number, kind: ListKind): number {
    for (;;) {
      while (i < to && isSpace(this.at(i))) i++;
      if (i >= to) return to;
      const c = this.at(i);
      if (c === CLOSE_BRACE) return i;
      if (c === SEMICOLON) {
        i++;
        continue;
      }
      const next = c === HASH ? this.attributeEnd(i, to) : this.afterItem(i, to, kind);
      if (next < 0) return -1;
      i = next;
    }
  }

  /**
   * Past the item at `start`: left out if it is plain, its list read if it is an inline module, an `extern`
   * block, an `impl` or a trait, its body left out if it is a function's that nothing reads.
   */
  private afterItem(start: number, to: number, kind: ListKind): number {
    if (kind === 'items') {
      CONTAINER.lastIndex = start - this.offset;
      const opening = CONTAINER.exec(this.code);
      if (opening) return this.afterList(start + opening[0].length, to, opening[1] ? 'foreign' : 'items');
      if (this.opens(IMPL_OPENING, start)) {
        const brace = this.openingBrace(start, to);
        if (brace >= 0) return this.afterList(brace + 1, to, 'items');
      }
      FN_OPENING.lastIndex = start - this.offset;
      const fn = FN_OPENING.exec(this.code);
      if (fn) return this.afterFunction(start, to, !!fn[1]);
      MACRO_CALL_OPENING.lastIndex = start - this.offset;
      const call = MACRO_CALL_OPENING.exec(this.code);
      if (call && call[1] !== 'macro_rules') {
        const end = this.afterMacroCall(start + call[0].length - 1, to);
        if (end >= 0) return end;
      }
    }
    // Only an item that opens as a plain one is searched for its `;`: any other could send the search to
    // the end of the file, once per item.
    if (this.opens(kind === 'foreign' ? FOREIGN_FN_OPENING : CONST_OPENING, start)) {
      const semicolon = this.semicolonAfter(start, to);
      if (semicolon >= 0 && this.leaveOut(start, semicolon + 1, kind)) return semicolon + 1;
    }
    return this.itemEnd(start, to);
  }

  private opens(opening: RegExp, at: number): boolean {
    opening.lastIndex = at - this.offset;
    return opening.test(this.code);
  }

  /** Past the `}` that closes the list read from `from`; -1 if the scan loses its way. */
  private afterList(from: number, to: number, kind: ListKind): number {
    const close = this.list(from, to, kind);
    return close < 0 || close >= to ? -1 : close + 1;
  }

  /** Past a function (with its body, or its `;`), its body left out if nothing reads it. */
  private afterFunction(start: number, to: number, hasAbi: boolean): number {
    const brace = this.openingBrace(start, to);
    if (brace < 0) return this.itemEnd(start, to);
    const end = this.itemEnd(brace, to);
    if (end < 0) return -1;
    const close = end - 1;
    if (close - brace > this.minContents && !bodyIsRead(this.text.slice(brace, end), hasAbi, this.bodyMacros))
      this.found.push({ kind: 'body', start: brace + 1, end: close });
    return end;
  }

  /**
   * Past the token tree of a macro call opening at `open`, its contents left out when it is plain; -1 when
   * it is not plain (the caller delimits the item as any other).
   */
  private afterMacroCall(open: number, to: number): number {
    const end = plainTokenTreeEnd(this.text, open);
    if (end < 0 || end > to) return -1;
    if (end - open > this.minContents + 1) this.found.push({ kind: 'tokens', start: open + 1, end: end - 1 });
    return end;
  }

  /** The first `{` outside brackets from `i`; -1 if a `;` outside brackets comes first, or a bracket closes. */
  private openingBrace(i: number, to: number): number {
    let depth = 0;
    for (; i < to; i++) {
      const c = this.at(i);
      if (depth === 0 && (c === OPEN_BRACE || c === SEMICOLON)) return c === OPEN_BRACE ? i : -1;
      depth += bracketStep(c);
      if (depth < 0) return -1;
    }
    return -1;
  }

  /** Whether the text from `start` to `end` is a plain item of the list, recorded if so. */
  private leaveOut(start: number, end: number, kind: ListKind): boolean {
    const text = this.text.slice(start, end);
    if (kind === 'foreign') {
      const plain = plainForeignFn(text);
      if (plain) this.found.push({ kind: 'foreign-fn', start, end, plain });
      return !!plain;
    }
    const plain = plainConst(text);
    if (plain) this.found.push({ kind: 'const', start, end, plain });
    return !!plain;
  }

  /** After an item: past the first `;` outside brackets, or the `}` that closes its first outermost `{`; -1 if none. */
  private itemEnd(i: number, to: number): number {
    let depth = 0;
    for (; i < to; i++) {
      const c = this.at(i);
      const step = bracketStep(c);
      depth += step;
      if (depth < 0) return -1;
      if (depth === 0 && (c === SEMICOLON || (c === CLOSE_BRACE && step < 0))) return i + 1;
    }
    return -1;
  }

  /**
   * The first `;` outside brackets (a constant's value may hold a block: only a `;` ends it); -1 if a
   * bracket closes first, or if there is none within `MAX_PLAIN_ITEM` characters: a plain item is short,
   * and without a bound, items that open as plain ones and have no `;` (`const A: S = S {}`, line after
   * line) would each search to the end of the text.
   */
  private semicolonAfter(i: number, to: number): number {
    const end = Math.min(to, i + MAX_PLAIN_ITEM);
    let depth = 0;
    for (; i < end; i++) {
      const c = this.at(i);
      if (depth === 0 && c === SEMICOLON) return i;
      depth += bracketStep(c);
      if (depth < 0) return -1;
    }
    return -1;
  }

  /**
   * After an attribute `#[…]` or `#![…]`, the contents of its arguments left out when it is plain (read from its
   * text: `plain-attributes.ts`); -1 when what starts at `#` is not one.
   */
  private attributeEnd(i: number, to: number): number {
    let j = i + 1;
    const inner = this.at(j) === BANG;
    if (inner) j++;
    while (j < to && isSpace(this.at(j))) j++;
    if (this.at(j) !== OPEN_BRACKET) return -1;
    let depth = 0;
    for (; j < to; j++) {
      depth += bracketStep(this.at(j));
      if (depth === 0) break;
    }
    if (depth !== 0) return -1;
    const args = plainAttribute(this.text.slice(i, j + 1), inner)?.args;
    if (args && args.end - args.start > this.minContents + 1)
      this.found.push({ kind: 'tokens', start: i + args.start + 1, end: i + args.end - 1 });
    return j + 1;
  }
}
