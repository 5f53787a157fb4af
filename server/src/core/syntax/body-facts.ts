import type { ExtractContext } from './extract-context';
import type { BodyExpression, BodyFacts, ClosureArg, IndexRange, PlainName } from './model';
import type { Node } from 'web-tree-sitter';
import type { SyntaxNode } from './syntax-tree';
import { field } from './tree';

/**
 * Whether a function's body may wrap `catch_unwind`: `panic-across-ffi` reads such a body for the closures
 * boundaries pass it, wherever they are written. So its facts are read (`items.ts`), it is kept in the parse
 * (`bodyIsRead`), typing in it is not inert (`inert-edit.ts`), and an edit of it re-checks the whole crate
 * (`file-recheck.ts`).
 */
export function mayWrapCatchUnwind(body: string): boolean {
  return body.includes('catch_unwind');
}

/**
 * A function body's facts: its text, and its macro calls, calls, dereferences, index expressions and `let`
 * statements in source order. Neutral data: what any of them means (a panic, say) is for the rule that
 * reads them to decide.
 */
export function bodyFacts(cx: ExtractContext, body: SyntaxNode, options: { lets: boolean }): BodyFacts {
  const text = body.text;
  const expressions: BodyExpression[] = [];
  // Each recorded expression has its `!`, `.`, `[`, `(`, `*` or `let`: a body with none of them needs no walk.
  if (!/[!.[(*]|\blet\b/.test(text)) return { text, expressions };
  // Reading nodes is what costs: closures are looked for only where a `|` is, `let`s only when asked.
  const mayHaveClosures = text.includes('|');
  const kinds = ['macro_invocation', 'call_expression', 'index_expression', 'unary_expression'];
  if (options.lets && /\blet\b/.test(text)) kinds.push('let_declaration');
  const plain = (n: Node | null): PlainName | null => {
    while (n?.type === 'parenthesized_expression') n = n.namedChild(0);
    return n?.type === 'identifier' ? { name: cx.text(n), origin: cx.origin(n) } : null;
  };
  const argsOf = (call: Node): PlainName[] =>
    (field(call, 'arguments')?.namedChildren ?? []).map(plain).filter((a): a is PlainName => a !== null);
  const closuresOf = (call: Node): ClosureArg[] => {
    const out: ClosureArg[] = [];
    if (!mayHaveClosures) return out;
    (field(call, 'arguments')?.namedChildren ?? []).forEach((a, index) => {
      let n: Node | null = a;
      while (n?.type === 'parenthesized_expression') n = n.namedChild(0);
      if (n?.type === 'closure_expression') out.push({ index, origin: cx.origin(n) });
    });
    return out;
  };
  // Searched by tree-sitter itself, in one call: a body is not read as syntax nodes.
  for (const n of body.realNode().descendantsOfType(kinds)) {
    switch (n.type) {
      case 'macro_invocation': {
        const path = field(n, 'macro');
        expressions.push({ kind: 'macro-call', path: path ? cx.text(path) : '', origin: cx.origin(n) });
        break;
      }
      case 'call_expression': {
        const fn = field(n, 'function');
        if (fn?.type === 'field_expression') {
          const method = field(fn, 'field');
          const value = field(fn, 'value');
          expressions.push({
            kind: 'method-call',
            method: method ? cx.text(method) : '',
            origin: cx.origin(method ?? n),
            receiver: plain(value),
            receiverText: cx.text(value ?? fn),
            args: argsOf(n),
          });
        } else if (fn) {
          const args = field(n, 'arguments');
          expressions.push({
            kind: 'call',
            callee: cx.text(fn),
            origin: cx.origin(fn),
            args: argsOf(n),
            argsOrigin: cx.origin(args ?? n),
            closures: closuresOf(n),
          });
        }
        break;
      }
      case 'let_declaration': {
        const pattern = field(n, 'pattern');
        const type = field(n, 'type');
        const value = field(n, 'value');
        expressions.push({
          kind: 'let',
          name: pattern?.type === 'identifier' ? cx.text(pattern) : null,
          type: type ? cx.text(type) : null,
          value: value ? cx.text(value) : null,
          origin: cx.origin(n),
        });
        break;
      }
      case 'unary_expression': {
        const operand = plain(n.namedChild(0));
        if (operand && n.firstChild?.type === '*') expressions.push({ kind: 'deref', operand, origin: cx.origin(n) });
        break;
      }
      case 'index_expression': {
        const place = n.namedChild(0);
        let index = n.namedChild(1);
        while (index?.type === 'parenthesized_expression') index = index.namedChild(0);
        expressions.push({
          kind: 'index',
          origin: cx.origin(n),
          place: place?.type === 'identifier' ? cx.text(place) : null,
          constant: index?.type === 'integer_literal' ? integerLiteral(cx.text(index)) : null,
          index: index && index.type !== 'range_expression' ? cx.text(index) : null,
          range: index?.type === 'range_expression' ? rangeOf(cx, index) : null,
        });
        break;
      }
    }
  }
  return { text, expressions };
}

/** The bounds of a range expression as written (`..N`, `1..=3`, `..`). */
function rangeOf(cx: ExtractContext, range: Node): IndexRange {
  let start: string | null = null;
  let end: string | null = null;
  let inclusive = false;
  let seenOperator = false;
  for (const c of range.children) {
    if (!c) continue;
    if (c.type === '..' || c.type === '..=' || c.type === '...') {
      seenOperator = true;
      inclusive = c.type !== '..';
    } else if (c.isNamed) {
      if (seenOperator) end = cx.text(c);
      else start = cx.text(c);
    }
  }
  return { start, end, inclusive };
}

/** The value of an integer literal (`2`, `0x1f`, `1_000usize`), or null when it does not fit exactly. */
function integerLiteral(text: string): number | null {
  const digits = text.replace(/_/g, '').replace(/(?:[iu](?:8|16|32|64|128|size))$/, '');
  const value = /^0[xob]/i.test(digits) ? Number(digits) : /^\d+$/.test(digits) ? Number(digits) : NaN;
  return Number.isSafeInteger(value) ? value : null;
}
