import type { Node } from 'web-tree-sitter';
import type { ExtractContext } from './extract-context';
import type { BodyFacts } from './model';
import { field } from './tree';

/** A body without any of these cannot obviously panic. */
const MAY_PANIC = /unwrap|expect|\[|panic!|unreachable!|todo!|unimplemented!|assert/;

const PANIC_MACROS = new Set(['panic', 'unreachable', 'todo', 'unimplemented', 'assert', 'assert_eq', 'assert_ne']);

/** What is read from a function body. */
export function bodyFacts(cx: ExtractContext, body: Node): BodyFacts {
  const panics: BodyFacts['panics'] = [];
  const text = body.text;
  const catchesUnwind = /\bcatch_unwind\b/.test(text);
  if (catchesUnwind || !MAY_PANIC.test(text)) return { panics, catchesUnwind };
  for (const n of body.descendantsOfType(['macro_invocation', 'call_expression', 'index_expression'])) {
    switch (n.type) {
      case 'macro_invocation': {
        const name = field(n, 'macro')?.text.split('::').pop() ?? '';
        if (PANIC_MACROS.has(name)) panics.push({ what: `${name}!`, origin: cx.origin(n) });
        break;
      }
      case 'call_expression': {
        const fn = field(n, 'function');
        if (fn?.type === 'field_expression') {
          const method = field(fn, 'field')?.text ?? '';
          if (method === 'unwrap' || method === 'expect')
            panics.push({ what: `.${method}()`, origin: cx.origin(field(fn, 'field') ?? n) });
        }
        break;
      }
      case 'index_expression':
        panics.push({ what: 'indexing', origin: cx.origin(n) });
        break;
    }
  }
  return { panics, catchesUnwind };
}
