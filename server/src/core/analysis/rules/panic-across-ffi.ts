import type { BodyFacts, FnItem, Origin } from '../../syntax/model';
import { resolveType, TypeScope } from '../../workspace/resolve';
import type { BeyondRuleMeta } from './meta';

/** ABIs where an unwinding panic aborts: the `-unwind` variants let it through. */
function abortsOnUnwind(abi: string | null): boolean {
  return abi !== null && abi !== 'Rust' && !abi.endsWith('-unwind') && !abi.startsWith('rust');
}

/** A body without any of these cannot obviously panic. */
const MAY_PANIC = /unwrap|expect|\[|panic!|unreachable!|todo!|unimplemented!|assert/;

const PANIC_MACROS = new Set(['panic', 'unreachable', 'todo', 'unimplemented', 'assert', 'assert_eq', 'assert_ne']);

/** A place where a body can obviously panic, and what panics there (`.unwrap()`, `indexing`, `panic!`…). */
interface PanicSite {
  what: string;
  origin: Origin;
}

/**
 * The length of each parameter that is a fixed-size array (`[T; N]`, `&[T; N]`, `&mut [T; N]`, through
 * aliases) of a known length, by name, unless the body may bind the name again (`let`, a closure, a
 * pattern): indexing it with a constant below its length cannot panic.
 */
function arrayParams(fn: FnItem, types: TypeScope, body: BodyFacts): Map<string, number> {
  const out = new Map<string, number>();
  for (const p of fn.params) {
    let ty = resolveType(p.type, types);
    if (ty.k === 'ref') ty = ty.inner;
    if (ty.k !== 'array') continue;
    const digits = ty.len.replace(/_/g, '').replace(/usize$/, '');
    const len = /^(?:\d+|0x[\da-f]+|0o[0-7]+|0b[01]+)$/i.test(digits) ? Number(digits) : NaN;
    if (Number.isSafeInteger(len) && !rebinds(body.text, p.name)) out.set(p.name, len);
  }
  return out;
}

/** Whether a body may bind `name` again, shadowing the parameter (conservatively: any pattern naming it). */
export function rebinds(text: string, name: string): boolean {
  const n = name.replace(/[^\w]/g, '');
  return [
    `\\blet\\b[^=;]*\\b${n}\\b`,
    `\\bfor\\b[^{]*?\\b${n}\\b[^{]*?\\bin\\b`,
    `\\|[^|]*\\b${n}\\b[^|]*\\|`,
    `\\b${n}\\s*@`,
    `\\b${n}\\b[^=;{}]*=>`,
  ].some((re) => new RegExp(re).test(text));
}

/** Where a body can obviously panic, in source order; nowhere when it catches unwinding itself. */
function panicSites(body: BodyFacts, arrays: Map<string, number>): PanicSite[] {
  if (/\bcatch_unwind\b/.test(body.text) || !MAY_PANIC.test(body.text)) return [];
  const sites: PanicSite[] = [];
  for (const e of body.expressions) {
    switch (e.kind) {
      case 'macro-call': {
        const name = e.path.split('::').pop() ?? '';
        if (PANIC_MACROS.has(name)) sites.push({ what: `${name}!`, origin: e.origin });
        break;
      }
      case 'method-call':
        if (e.method === 'unwrap' || e.method === 'expect') sites.push({ what: `.${e.method}()`, origin: e.origin });
        break;
      case 'index': {
        const len = e.place !== null ? arrays.get(e.place) : undefined;
        if (len !== undefined && e.constant !== null && e.constant < len) break; // in bounds: cannot panic
        sites.push({ what: 'indexing', origin: e.origin });
        break;
      }
    }
  }
  return sites;
}

export const panicAcrossFfi: BeyondRuleMeta = {
  id: 'panic-across-ffi',
  family: 'beyond',
  rustcLint: null,
  defaultSeverity: 'warning',
  certainty: 'caution',
  summary: 'An `extern "C"` function can obviously panic.',
  fixes: ['catch-unwind', 'c-unwind', 'explain', 'suppress-comment'],
  docs: {
    whatItDoes:
      'Flags `extern "C"` function bodies that call `unwrap`/`expect`, index, or use `panic!`-family macros, without `catch_unwind`. What cannot panic is not flagged: `get`, `checked_*` and `unwrap_or*`, and a constant index below the length of a fixed-size array parameter (`a[2]` for `a: &[u32; 3]`).',
    whyIsThisBad:
      'Since Rust 1.81 a panic that reaches an `extern "C"` boundary aborts the whole host process. Catch it and turn it into an error code, or declare the function `extern "C-unwind"` if the caller can unwind.',
    example:
      'pub extern "C" fn parse(s: *const c_char) -> i32 {\n    unsafe { CStr::from_ptr(s) }.to_str().unwrap().parse().unwrap()\n}',
    useInstead:
      '#[no_mangle]\npub extern "C" fn first_byte(p: *const u8, n: usize) -> i32 {\n    std::panic::catch_unwind(|| {\n        let bytes = unsafe { std::slice::from_raw_parts(p, n) };\n        i32::from(bytes[0])\n    })\n    .unwrap_or(-1)\n}',
  },
  check: (ctx) => ({
    fn: (fn, w) => {
      if (!abortsOnUnwind(fn.abi) || !fn.bodyFacts) return;
      const [first, ...rest] = panicSites(fn.bodyFacts, arrayParams(fn, w.types, fn.bodyFacts));
      if (!first) return;
      const more = rest.length ? ` (and ${rest.length} more place${rest.length > 1 ? 's' : ''} in the body)` : '';
      ctx.report({
        rule: 'panic-across-ffi',
        message: `\`${fn.name}\` is \`extern "${fn.abi}"\` and can panic here (${first.what})${more}: since Rust 1.81 a panic reaching an \`extern "${fn.abi}"\` boundary aborts the whole host process. Wrap the body in \`std::panic::catch_unwind\` and return an error code, or declare the function \`extern "${fn.abi}-unwind"\` if its callers can unwind.`,
        rustcLint: null,
        origin: first.origin,
        symbol: fn.name,
        related: rest.map((p) => ({ origin: p.origin, message: `can also panic here (${p.what})` })),
        target: { ctx: w, site: { kind: 'unwind', fn } },
      });
    },
  }),
};
