import type { Span } from './model';
import { mayDeclareItems } from './item-words';
import { PlainScanner, PlainType } from './plain-text';

/**
 * A constant written plainly (see `plain-text.ts`): `pub const NAME: Type = value;`, as generated
 * bindings write a quarter of their lines. Besides a plain `pub` or none, a plain name and a plain type,
 * its value must declare no item (the value is kept as text, and searched only when it may).
 */

/** Where the parts of a plain constant are, as offsets into its text. */
export interface PlainConst {
  pub: boolean;
  name: Span;
  type: PlainType;
  value: Span;
}

/** The parts of a `const_item` node's text when it is a plain constant; null when the tree must be read. */
export function plainConst(text: string): PlainConst | null {
  const scan = new PlainScanner(text);
  if (!scan.isPlain()) return null;
  const pub = scan.keyword('pub', true);
  if (!scan.keyword('const', true)) return null;
  const name = scan.name();
  if (!name) return null;
  scan.space();
  if (!scan.punct(':')) return null;
  scan.space();
  const type = scan.type();
  if (!type) return null;
  scan.space();
  if (!scan.punct('=')) return null;
  scan.space();
  const valueStart = scan.at;
  const valueEnd = scan.trimmedEnd(text.length - 1);
  if (!text.endsWith(';') || valueEnd <= valueStart) return null;
  if (mayDeclareItems(text.slice(valueStart, valueEnd))) return null;
  return { pub, name: name.span, type, value: { start: valueStart, end: valueEnd } };
}
