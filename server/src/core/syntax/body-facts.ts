import type { Node } from 'web-tree-sitter';
import type { ExtractContext } from './extract-context';
import type { BodyExpression, BodyFacts } from './model';
import { field } from './tree';

/**
 * A function body's facts: its text, and its macro calls, method calls and index expressions in source
 * order. Neutral data: what any of them means (a panic, say) is for the rule that reads them to decide.
 */
export function bodyFacts(cx: ExtractContext, body: Node): BodyFacts {
  const text = body.text;
  const expressions: BodyExpression[] = [];
  // Each recorded expression has its `!`, `.` or `[`: a body with none of them needs no walk.
  if (!/[!.[]/.test(text)) return { text, expressions };
  for (const n of body.descendantsOfType(['macro_invocation', 'call_expression', 'index_expression'])) {
    switch (n.type) {
      case 'macro_invocation':
        expressions.push({ kind: 'macro-call', path: field(n, 'macro')?.text ?? '', origin: cx.origin(n) });
        break;
      case 'call_expression': {
        const fn = field(n, 'function');
        if (fn?.type === 'field_expression') {
          const method = field(fn, 'field');
          expressions.push({ kind: 'method-call', method: method?.text ?? '', origin: cx.origin(method ?? n) });
        }
        break;
      }
      case 'index_expression':
        expressions.push({ kind: 'index', origin: cx.origin(n) });
        break;
    }
  }
  return { text, expressions };
}
