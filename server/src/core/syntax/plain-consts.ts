import { mayDeclareItems } from './nested-items';
import type { Span } from './model';

/**
 * A constant written plainly, `pub const NAME: Type = value;` with a one-word type or a plain path
 * (`::std::os::raw::c_int`), as generated bindings write it by the thousand: read from its text, it is
 * the same item without a walk of its nodes. Only a text whose syntax leaves no choice is read so: ASCII,
 * no comment, a plain `pub` or none, a name and path segments that are not keywords, a value that
 * declares no item. Anything else is read from the tree as usual.
 */

/** Where the parts of a plain constant are, as offsets into its text. */
export interface PlainConst {
  pub: boolean;
  name: Span;
  /** The whole type, and the words of its path (`::`-separated, nothing between). */
  type: Span;
  typeSegments: string[];
  /** Written with a leading `::`. */
  typeGlobal: boolean;
  value: Span;
}

/** Rust's keywords and reserved words, `_` among them: never a plain name or type. */
const KEYWORDS = new Set(
  (
    '_ as async await break const continue crate default dyn else enum extern false fn for gen if impl in let ' +
    'loop match mod move mut pub ref return self Self static struct super trait true type union unsafe use ' +
    'where while abstract become box do final macro override priv try typeof unsized virtual yield'
  ).split(' '),
);

/** The parts of a `const_item` node's text when it is a plain constant; null when the tree must be read. */
export function plainConst(text: string): PlainConst | null {
  const scan = new Scanner(text);
  const pub = scan.word() === 'pub';
  if (pub && !scan.space()) return null;
  if (!pub) scan.at = 0;
  if (scan.word() !== 'const' || !scan.space()) return null;
  const nameStart = scan.at;
  const name = scan.word();
  const nameEnd = scan.at;
  scan.space();
  if (!scan.char(COLON)) return null;
  scan.space();
  const typeStart = scan.at;
  const typeGlobal = scan.pathSeparator();
  const typeSegments = [scan.word()];
  while (scan.pathSeparator()) typeSegments.push(scan.word());
  const typeEnd = scan.at;
  scan.space();
  if (!scan.char(EQUALS)) return null;
  scan.space();
  const valueStart = scan.at;
  const valueEnd = scan.lastWordEndBefore(text.length - 1);
  if (text.charCodeAt(text.length - 1) !== SEMICOLON || valueEnd <= valueStart || !scan.plain()) return null;
  if (!name || KEYWORDS.has(name) || typeSegments.some((w) => !w || KEYWORDS.has(w))) return null;
  if (mayDeclareItems(text.slice(valueStart, valueEnd))) return null;
  return {
    pub,
    name: { start: nameStart, end: nameEnd },
    type: { start: typeStart, end: typeEnd },
    typeSegments,
    typeGlobal,
    value: { start: valueStart, end: valueEnd },
  };
}

const COLON = 0x3a;
const EQUALS = 0x3d;
const SEMICOLON = 0x3b;
const SLASH = 0x2f;

/** A cursor over ASCII text: words (`[A-Za-z_][A-Za-z0-9_]*`), whitespace and single characters. */
class Scanner {
  at = 0;

  constructor(private readonly text: string) {}

  /** The word at the cursor, consumed; '' when none starts there. */
  word(): string {
    const start = this.at;
    if (start < this.text.length && isWordStart(this.text.charCodeAt(start))) {
      this.at++;
      while (this.at < this.text.length && isWordPart(this.text.charCodeAt(this.at))) this.at++;
    }
    return this.text.slice(start, this.at);
  }

  /** Consumes `::` if it is next. */
  pathSeparator(): boolean {
    if (this.text.charCodeAt(this.at) !== COLON || this.text.charCodeAt(this.at + 1) !== COLON) return false;
    this.at += 2;
    return true;
  }

  /** Skips whitespace; whether there was any. */
  space(): boolean {
    const start = this.at;
    while (this.at < this.text.length && isSpace(this.text.charCodeAt(this.at))) this.at++;
    return this.at > start;
  }

  /** Consumes `code` if it is next. */
  char(code: number): boolean {
    if (this.text.charCodeAt(this.at) !== code) return false;
    this.at++;
    return true;
  }

  /** Where the text before `end` stops, trailing whitespace left out. */
  lastWordEndBefore(end: number): number {
    let e = end;
    while (e > this.at && isSpace(this.text.charCodeAt(e - 1))) e--;
    return e;
  }

  /** Whether the whole text is ASCII without a `/` (so without a comment). */
  plain(): boolean {
    for (let i = 0; i < this.text.length; i++) {
      const c = this.text.charCodeAt(i);
      if (c > 0x7f || c === SLASH) return false;
    }
    return true;
  }
}

function isWordStart(c: number): boolean {
  return (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || c === 0x5f;
}

function isWordPart(c: number): boolean {
  return isWordStart(c) || (c >= 0x30 && c <= 0x39);
}

/** ASCII whitespace, as both JavaScript's `\s` and the grammar's extras read it. */
function isSpace(c: number): boolean {
  return c === 0x20 || (c >= 0x09 && c <= 0x0d);
}
