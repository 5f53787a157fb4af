import type { Span } from './model';
import { PlainScanner } from './plain-text';
import { plainTokenTreeEnd } from './plain-tokens';

/**
 * An attribute written plainly (see `plain-text.ts`), read from its text: `#[path]`, `#[path(tokens)]`
 * with a plain token tree (`plain-tokens.ts`), or `#[path = "text"]` with a string without escapes,
 * inner (`#![…]`) or outer; the path a word or words joined by `::`, none of them a keyword (so never
 * `#[unsafe(…)]`). Anything else is read from the tree.
 */

/** Where the parts of a plain attribute are, as offsets into its text. */
export interface PlainAttribute {
  name: string;
  /** The token tree of the arguments, delimiters included. */
  args: Span | null;
  /** The string's content, quotes excluded. */
  value: Span | null;
}

/** The parts of an `attribute_item` (`inner`: an `inner_attribute_item`) when plain; null when the tree must be read. */
export function plainAttribute(text: string, inner: boolean): PlainAttribute | null {
  const scan = new PlainScanner(text);
  if (!scan.punct('#')) return null;
  scan.space();
  if (inner) {
    if (!scan.punct('!')) return null;
    scan.space();
  }
  if (!scan.punct('[')) return null;
  scan.space();
  const pathStart = scan.at;
  do if (!scan.name()) return null;
  while (scan.punct('::'));
  const name = text.slice(pathStart, scan.at);
  scan.space();
  let args: Span | null = null;
  let value: Span | null = null;
  if (scan.punct('=')) {
    scan.space();
    value = plainString(scan);
    if (!value) return null;
  } else if ('([{'.includes(text[scan.at])) {
    const end = plainTokenTreeEnd(text, scan.at);
    if (end < 0) return null;
    args = { start: scan.at, end };
    scan.at = end;
  }
  scan.space();
  if (!scan.punct(']') || scan.at !== text.length) return null;
  return { name, args, value };
}

/** A string literal without escapes or prefix at the cursor, consumed: the span of its content. */
function plainString(scan: PlainScanner): Span | null {
  if (!scan.punct('"')) return null;
  const start = scan.at;
  const end = scan.text.indexOf('"', start);
  if (end < 0 || scan.text.slice(start, end).includes('\\')) return null;
  scan.at = end + 1;
  return { start, end };
}
