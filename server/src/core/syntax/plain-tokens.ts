import type { Token } from './model';
import { docTokens, lineDocComment } from './plain-docs';
import { isSpace, isWordPart, isWordStart } from './plain-text';
import type { SpanOrigin } from './tree';

/**
 * The tokens of a token tree written plainly, lexed from its text instead of read from its nodes: macro
 * arguments and attribute arguments are most of a generated crate's syntax nodes. Plain means lexed
 * exactly as the grammar lexes a token tree, with nothing left to doubt: ASCII words (not `r#…`, not
 * `macro_rules`), decimal, hex, octal and binary integers with an optional type suffix (not followed by
 * `.`), strings without a backslash (not `b"…"` or `r"…"`), the grammar's punctuation taken longest
 * first, nested groups, and line comments (a doc comment is the tokens of its `#[doc = "…"]`, as the tree
 * path gives them; generated bindings document what their macro calls declare). A block comment, a `/`, a
 * `'`, a `$`, anything else: the tree is read. The caller
 * makes sure the file parsed without errors, so the delimiters balance as the tree's do.
 */

/** Whether a token tree's text (delimiters included) is plain: `plainTokens` will read it. */
export function isPlainTokenTree(text: string): boolean {
  return lexTokenTree(text, null, 0, NO_ORIGIN) !== null;
}

/**
 * The tokens inside a plain token tree (its own delimiters excluded), as the tree would give them;
 * `offset` is where its text starts in the parsed text.
 */
export function plainTokens(text: string, offset: number, origin: SpanOrigin): Token[] {
  const tokens = lexTokenTree(text, [], offset, origin);
  if (!tokens) throw new Error('plain token tree: the text is not plain');
  return tokens;
}

/** Where the plain token tree opening at `start` of `text` ends (past its closer); -1 when not plain. */
export function plainTokenTreeEnd(text: string, start: number): number {
  const close = CLOSERS[text[start]];
  if (!close) return -1;
  const lexer = new Lexer(text, 0, NO_ORIGIN);
  lexer.at = start + 1;
  return lexer.group(close, null) ? lexer.at : -1;
}

const NO_ORIGIN: SpanOrigin = (start, end) => ({ file: '', span: { start, end } });

const CLOSERS: Record<string, string> = { '(': ')', '[': ']', '{': '}' };

/** The grammar's punctuation in token trees (but `/`, `/=` and `_`), by first character, longest first. */
const PUNCTUATION = new Map<string, string[]>();
for (const p of [
  ...['<<=', '>>=', '...', '..='],
  ...['&&', '||', '<<', '>>', '+=', '-=', '*=', '%=', '^=', '&=', '|=', '==', '!=', '>=', '<=', '..', '::', '->', '=>'],
  ...['+', '-', '*', '%', '^', '!', '&', '|', '=', '>', '<', '@', '.', ',', ';', ':', '#', '?'],
]) {
  const list = PUNCTUATION.get(p[0]) ?? [];
  PUNCTUATION.set(p[0], [...list, p]);
}

const INTEGER = /^(?:[0-9][0-9_]*|0x[0-9a-fA-F_]+|0o[0-7_]+|0b[01_]+)(?:[iu](?:8|16|32|64|128|size)|f32|f64)?$/;

const MACRO_RULES = 'macro_rules';
const QUOTE = 0x22;
const APOSTROPHE = 0x27;
const HASH = 0x23;
const BACKSLASH = 0x5c;
const DOT = 0x2e;
const SLASH = 0x2f;

/** Lexes a token tree; with `out` null only checks. Null when the text is not plain. */
function lexTokenTree(text: string, out: Token[] | null, offset: number, origin: SpanOrigin): Token[] | null {
  const close = CLOSERS[text[0]];
  if (!close || !text.endsWith(close)) return null;
  const lexer = new Lexer(text, offset, origin);
  lexer.at = 1;
  const tokens = lexer.group(close, out);
  return tokens && lexer.at === text.length ? (tokens ?? []) : null;
}

class Lexer {
  at = 0;

  constructor(
    private readonly text: string,
    private readonly offset: number,
    private readonly origin: SpanOrigin,
  ) {}

  /** The tokens up to `close`, which is consumed; null when something is not plain. */
  group(close: string, out: Token[] | null): Token[] | null {
    const tokens = out ?? CHECK_ONLY;
    for (;;) {
      while (this.at < this.text.length && isSpace(this.text.charCodeAt(this.at))) this.at++;
      if (this.at >= this.text.length) return null;
      const start = this.at;
      const c = this.text[start];
      const code = this.text.charCodeAt(start);
      if (c === ')' || c === ']' || c === '}') {
        if (c !== close) return null;
        this.at++;
        return tokens;
      }
      if (CLOSERS[c]) {
        this.at++;
        const children = this.group(CLOSERS[c], out && []);
        if (!children) return null;
        if (out) out.push(this.groupToken(start, c as '(' | '[' | '{', children));
      } else if (isWordStart(code)) {
        if (!this.word()) return null;
        if (out) out.push(this.leaf(start, 'ident'));
      } else if (code >= 0x30 && code <= 0x39) {
        if (!this.number()) return null;
        if (out) out.push(this.leaf(start, 'number'));
      } else if (code === QUOTE) {
        if (!this.string()) return null;
        if (out) out.push(this.leaf(start, 'string'));
      } else if (code === SLASH && this.text.charCodeAt(start + 1) === SLASH) {
        if (!this.lineComment(out)) return null;
      } else {
        const length = this.punctuation(c, start);
        if (!length) return null;
        this.at += length;
        if (out) out.push(this.leaf(start, 'punct'));
      }
    }
  }

  /** The length of the punctuation at `start` (first character `c`), longest first; 0 when none. */
  private punctuation(c: string, start: number): number {
    const candidates = PUNCTUATION.get(c);
    if (candidates) for (const p of candidates) if (this.text.startsWith(p, start)) return p.length;
    return 0;
  }

  private word(): boolean {
    const start = this.at;
    while (this.at < this.text.length && isWordPart(this.text.charCodeAt(this.at))) this.at++;
    // `r#raw`, `b"…"`, `c"…"`, `b'x'`: one token to the grammar; `macro_rules!` may be one too.
    const next = this.text.charCodeAt(this.at);
    if (next === HASH || next === QUOTE || next === APOSTROPHE) return false;
    return !(this.at - start === MACRO_RULES.length && this.text.startsWith(MACRO_RULES, start));
  }

  private number(): boolean {
    const start = this.at;
    let digitsOnly = true;
    for (; this.at < this.text.length; this.at++) {
      const c = this.text.charCodeAt(this.at);
      if (!isWordPart(c)) break;
      if (c < 0x30 || c > 0x39) digitsOnly = false;
    }
    // `1.0`, `1.`, `1..2`, `1e5`: floats and ranges are lexed by rules not repeated here.
    if (this.text.charCodeAt(this.at) === DOT) return false;
    return digitsOnly || INTEGER.test(this.text.slice(start, this.at));
  }

  /**
   * A line comment, from the `//` at `at`. To the grammar a plain one ends before its line's end and a doc
   * comment after it (the span of its tokens); a comment the text ends in never closes a group.
   */
  private lineComment(out: Token[] | null): boolean {
    const start = this.at;
    const newLine = this.text.indexOf('\n', start);
    if (newLine < 0) return false;
    const doc = lineDocComment(this.text.slice(start, newLine + 1));
    this.at = doc ? newLine + 1 : newLine;
    if (doc && out) {
      const from = this.offset + start;
      const to = this.offset + this.at;
      for (const t of docTokens(doc, () => this.origin(from, to))) out.push(t);
    }
    return true;
  }

  private string(): boolean {
    for (this.at++; this.at < this.text.length; this.at++) {
      const c = this.text.charCodeAt(this.at);
      if (c === BACKSLASH) return false;
      if (c === QUOTE) {
        this.at++;
        return true;
      }
    }
    return false;
  }

  private leaf(start: number, kind: Token['kind']): Token {
    return {
      text: this.text.slice(start, this.at),
      kind,
      origin: this.origin(this.offset + start, this.offset + this.at),
    };
  }

  private groupToken(start: number, delimiter: '(' | '[' | '{', children: Token[]): Token {
    return {
      text: this.text.slice(start, this.at),
      kind: 'group',
      delimiter,
      children,
      origin: this.origin(this.offset + start, this.offset + this.at),
    };
  }
}

/** What `group` returns when only checking: any non-null list. */
const CHECK_ONLY: Token[] = [];

/**
 * The kind the lexer gives `text` read alone between spaces (as `Emitter` writes every token of an
 * expansion), or null when it does not read it as that one plain token.
 */
export function plainTokenKind(text: string): Token['kind'] | null {
  const tokens = lexTokenTree(`( ${text} )`, [], 0, NO_ORIGIN);
  return tokens?.length === 1 && tokens[0].kind !== 'group' && tokens[0].text === text ? tokens[0].kind : null;
}
