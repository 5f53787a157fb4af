import type { Span } from './model';
import { PlainScanner, PlainType } from './plain-text';

/**
 * A foreign function written plainly (see `plain-text.ts`), as generated bindings declare them inside
 * `extern` blocks: `pub fn name(a: *mut Type, b: Type, ...) -> Type;` — a plain `pub` or none, no
 * qualifier, parameters named by a word or `_` with plain types, an optional trailing `...`, an optional
 * plain return type.
 */

export interface PlainParam {
  name: string;
  type: PlainType;
}

/** Where the parts of a plain foreign function are, as offsets into its text. */
export interface PlainForeignFn {
  pub: boolean;
  name: Span;
  params: PlainParam[];
  variadic: boolean;
  ret: PlainType | null;
}

/** The parts of a `function_signature_item` node's text when it is plain; null when the tree must be read. */
export function plainForeignFn(text: string): PlainForeignFn | null {
  const scan = new PlainScanner(text);
  if (!scan.isPlain()) return null;
  const pub = scan.keyword('pub', true);
  if (!scan.keyword('fn', true)) return null;
  const name = scan.name();
  if (!name) return null;
  scan.space();
  if (!scan.punct('(')) return null;
  const params: PlainParam[] = [];
  let variadic = false;
  for (;;) {
    scan.space();
    if (scan.punct(')')) break;
    if (params.length || variadic) {
      // A separator, then a parameter or the closing parenthesis (a trailing comma).
      if (variadic || !scan.punct(',')) return null;
      scan.space();
      if (scan.punct(')')) break;
      if (scan.punct('...')) {
        variadic = true;
        continue;
      }
    }
    const param = plainParam(scan);
    if (!param) return null;
    params.push(param);
  }
  scan.space();
  let ret: PlainType | null = null;
  if (scan.punct('->')) {
    scan.space();
    ret = scan.type();
    if (!ret) return null;
    scan.space();
  }
  if (!scan.punct(';') || scan.at !== text.length) return null;
  return { pub, name: name.span, params, variadic, ret };
}

/** `name: Type` or `_: Type`. */
function plainParam(scan: PlainScanner): PlainParam | null {
  const name = scan.name()?.text ?? (scan.punct('_') ? '_' : null);
  if (!name) return null;
  scan.space();
  if (!scan.punct(':')) return null;
  scan.space();
  const type = scan.type();
  return type && { name, type };
}
