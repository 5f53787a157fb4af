import type { Span } from './model';

/**
 * Reading plainly written syntax from its text. Generated bindings declare constants and foreign
 * functions by the thousand in a few fixed shapes (`pub const NAME: Type = value;`,
 * `pub fn name(arg: *mut Type) -> Type;`); such a text leaves the grammar no choice, and reading it
 * gives the item the tree would give, without walking its nodes. Only text whose syntax is certain is
 * read so: ASCII without a comment (no `/`), words that are not keywords, types that are paths or raw
 * pointers to them. Anything else is read from the tree. The callers make sure the file parsed without
 * errors, so the text is what the tree holds.
 */

/** A type written plainly: a path of words joined by `::` (nothing between), or a raw pointer to one. */
export type PlainType =
  | { kind: 'path'; span: Span; global: boolean; segments: string[] }
  | { kind: 'ptr'; span: Span; mutable: boolean; inner: PlainType };

/** Rust's keywords and reserved words, `_` among them: never a plain name or path segment. */
export const KEYWORDS: ReadonlySet<string> = new Set(
  (
    '_ as async await break const continue crate default dyn else enum extern false fn for gen if impl in let ' +
    'loop match mod move mut pub ref return self Self static struct super trait true type union unsafe use ' +
    'where while abstract become box do final macro override priv try typeof unsized virtual yield'
  ).split(' '),
);

const STAR = 0x2a;
const COLON = 0x3a;
const SLASH = 0x2f;

/** A cursor over ASCII text: words (`[A-Za-z_][A-Za-z0-9_]*`), whitespace, punctuation and plain types. */
export class PlainScanner {
  at = 0;

  constructor(readonly text: string) {}

  /** Whether the whole text is ASCII without a `/` (so without a comment). */
  isPlain(): boolean {
    for (let i = 0; i < this.text.length; i++) {
      const c = this.text.charCodeAt(i);
      if (c > 0x7f || c === SLASH) return false;
    }
    return true;
  }

  /** The word at the cursor, consumed; '' when none starts there. */
  word(): string {
    const start = this.at;
    if (start < this.text.length && isWordStart(this.text.charCodeAt(start))) {
      this.at++;
      while (this.at < this.text.length && isWordPart(this.text.charCodeAt(this.at))) this.at++;
    }
    return this.text.slice(start, this.at);
  }

  /** A word that is not a keyword, consumed, with its span; null (the cursor unmoved) when none is next. */
  name(): { text: string; span: Span } | null {
    const start = this.at;
    const text = this.word();
    if (text && !KEYWORDS.has(text)) return { text, span: { start, end: this.at } };
    this.at = start;
    return null;
  }

  /** Consumes `word` if it is the next word, and whitespace after it if `thenSpace` (which must be there). */
  keyword(word: string, thenSpace = false): boolean {
    const start = this.at;
    const end = start + word.length;
    if (!this.text.startsWith(word, start) || isWordPart(this.text.charCodeAt(end))) return false;
    this.at = end;
    if (!thenSpace || this.space()) return true;
    this.at = start;
    return false;
  }

  /** Skips whitespace; whether there was any. */
  space(): boolean {
    const start = this.at;
    while (this.at < this.text.length && isSpace(this.text.charCodeAt(this.at))) this.at++;
    return this.at > start;
  }

  /** Consumes `punct` (one or more characters) if it is next. */
  punct(punct: string): boolean {
    if (!this.text.startsWith(punct, this.at)) return false;
    this.at += punct.length;
    return true;
  }

  /** A plain type at the cursor, consumed; null when what follows is not one. */
  type(): PlainType | null {
    const start = this.at;
    if (this.text.charCodeAt(start) === STAR) {
      this.at++;
      this.space();
      const kind = this.word();
      if (kind !== 'const' && kind !== 'mut') return null;
      this.space();
      const inner = this.type();
      return inner && { kind: 'ptr', span: { start, end: inner.span.end }, mutable: kind === 'mut', inner };
    }
    const global = this.pathSeparator();
    const segments: string[] = [];
    do {
      const segment = this.name();
      if (!segment) return null;
      segments.push(segment.text);
    } while (this.pathSeparator());
    return { kind: 'path', span: { start, end: this.at }, global, segments };
  }

  /** Where the text before `end` stops, trailing whitespace left out (but not before the cursor). */
  trimmedEnd(end: number): number {
    let e = end;
    while (e > this.at && isSpace(this.text.charCodeAt(e - 1))) e--;
    return e;
  }

  private pathSeparator(): boolean {
    if (this.text.charCodeAt(this.at) !== COLON || this.text.charCodeAt(this.at + 1) !== COLON) return false;
    this.at += 2;
    return true;
  }
}

export function isWordStart(c: number): boolean {
  return (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || c === 0x5f;
}

export function isWordPart(c: number): boolean {
  return isWordStart(c) || (c >= 0x30 && c <= 0x39);
}

/** ASCII whitespace, as both JavaScript's `\s` and the grammar's extras read it. */
export function isSpace(c: number): boolean {
  return c === 0x20 || (c >= 0x09 && c <= 0x0d);
}
