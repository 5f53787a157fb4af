import type { BodyExpression, BodyFacts, FnItem, Origin } from '../../syntax/model';
import { isWordPart } from '../../syntax/plain-text';
import { evalConstLength, resolvePath, resolveType, TypeScope } from '../../workspace/resolve';
import type { ModuleScope } from '../../workspace/scopes';
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
    const len = integerLiteral(ty.len);
    if (len !== null && !rebinds(body.text, p.name)) out.set(p.name, len);
  }
  return out;
}

/** The value of an integer literal (`2`, `0x1f`, `1_000usize`), or null when it is not one or not exact. */
function integerLiteral(text: string): number | null {
  const digits = text
    .trim()
    .replace(/_/g, '')
    .replace(/[iu](?:8|16|32|64|128|size)$/, '');
  const value = /^(?:\d+|0x[\da-f]+|0o[0-7]+|0b[01]+)$/i.test(digits) ? Number(digits) : NaN;
  return Number.isSafeInteger(value) ? value : null;
}

/** The value of an index or range bound: an integer literal, or `const` items of the crate combined by arithmetic. */
function constantValue(text: string, module: ModuleScope): number | null {
  const literal = integerLiteral(text);
  if (literal !== null) return literal;
  const value = evalConstLength(text, module);
  return value === null ? null : Number(value);
}

/**
 * Whether indexing cannot panic: the whole range `[..]` of anything, or constant bounds within a
 * fixed-size array's length (`a[2]`, `a[..N]`, `a[1..=2]` for `a: [T; 3]` and `const N: usize = 3`).
 */
function inBounds(
  e: Extract<BodyExpression, { kind: 'index' }>,
  len: number | undefined,
  module: ModuleScope,
): boolean {
  if (e.range && e.range.start === null && e.range.end === null) return true;
  if (len === undefined) return false;
  if (!e.range) {
    const at = e.constant ?? (e.index !== null ? constantValue(e.index, module) : null);
    return at !== null && at < len;
  }
  const start = e.range.start === null ? 0 : constantValue(e.range.start, module);
  const end = e.range.end === null ? len : constantValue(e.range.end, module);
  if (start === null || end === null) return false;
  const endExclusive = e.range.inclusive ? end + 1 : end;
  return start <= endExclusive && endExclusive <= len;
}

/**
 * Whether a wrapper's body may bind its closure parameter's name again: a `let` naming it, or a closure
 * parameter list naming it. Narrower than `rebinds` (a closure's list is taken to hold no `;`, brace,
 * `=` or line break), as a wrapper's body is small and names its parameter once or twice.
 */
function bindsAgain(text: string, name: string): boolean {
  const { text: t, name: n } = nameWritable(text, name.replace(/[^\w]/g, ''));
  return new RegExp(`\\blet\\b[^=;]*\\b${n}\\b|\\|[^|;{}=\\n]*\\b${n}\\b[^|;{}=\\n]*\\|`).test(t);
}

/**
 * The text and a name short enough to write into a regular expression: a name longer than
 * `MAX_NAME_IN_PATTERN` (a generated or hostile text's, thousands of characters) is put in the text as a
 * short one it does not contain, at each place it stands as a whole word, so that the expression built
 * from it is not past V8's size limit ("Regular expression too large") and matches where it would have.
 */
function nameWritable(text: string, name: string): { text: string; name: string } {
  if (name.length <= MAX_NAME_IN_PATTERN) return { text, name };
  let short = 'ffi_guard_name';
  while (text.includes(short)) short += '_';
  const parts: string[] = [];
  let copied = 0;
  for (let at = text.indexOf(name); at >= 0; at = text.indexOf(name, at + name.length)) {
    const end = at + name.length;
    if (isWordPart(text.charCodeAt(at - 1)) || isWordPart(text.charCodeAt(end))) continue;
    parts.push(text.slice(copied, at), short);
    copied = end;
  }
  parts.push(text.slice(copied));
  return { text: parts.join(''), name: short };
}

const MAX_NAME_IN_PATTERN = 256;

type CallFact = Extract<BodyExpression, { kind: 'call' }>;

/** What `caughtParams` found, per function. */
const caughtCache = new WeakMap<FnItem, Set<number>>();

/** Whether `inner` lies within `outer`. */
const within = (inner: Origin, outer: Origin): boolean =>
  inner.file === outer.file && inner.span.start >= outer.span.start && inner.span.end <= outer.span.end;

/**
 * The positions of the parameters a crate function passes to `catch_unwind` (directly or through
 * `AssertUnwindSafe(…)`): a closure given there runs under `catch_unwind` (curl's `panic::catch`, git2's
 * `panic::wrap`). Only a function whose body names `catch_unwind` has body facts besides those with an
 * `extern` ABI, so this is cheap for the rest.
 */
function caughtParams(wrapper: FnItem): Set<number> {
  const known = caughtCache.get(wrapper);
  if (known) return known;
  const caught = new Set<number>();
  const body = wrapper.bodyFacts;
  if (body) {
    const calls = body.expressions.filter((e): e is CallFact => e.kind === 'call');
    const catchers = calls.filter((c) => /(?:^|::)\s*catch_unwind$/.test(c.callee));
    const passes = (c: CallFact, name: string): boolean =>
      c.args.some((a) => a.name === name) ||
      calls.some(
        (a) =>
          /(?:^|::)\s*AssertUnwindSafe$/.test(a.callee) &&
          within(a.origin, c.argsOrigin) &&
          a.args.some((x) => x.name === name),
      );
    wrapper.params.forEach((p, i) => {
      if (!bindsAgain(body.text, p.name) && catchers.some((c) => passes(c, p.name))) caught.add(i);
    });
  }
  caughtCache.set(wrapper, caught);
  return caught;
}

/**
 * The free function of the crate a call's path names (`wrap`, `panic::wrap`, `crate::panic::catch`), seen
 * from `module`: defined there or in a block around it, or imported by `use`. Null for anything else (a
 * method, a path through a type, a function of another crate).
 */
function crateFn(callee: string, module: ModuleScope): FnItem | null {
  if (/[<\s]/.test(callee)) return null;
  const segments = callee.split('::');
  const name = segments.pop()!;
  if (!segments.length) {
    for (let m: ModuleScope | null = module; m; m = m.isBlock ? m.parent : null) {
      const found = fnIn(m, name, 0);
      if (found) return found;
    }
    return null;
  }
  if (segments[0] === '') return null; // `::a::b`: another crate
  const owner = resolvePath(module, segments);
  return owner?.kind === 'module' ? fnIn(owner.module, name, 0) : null;
}

/** A function named `name` in a module: its own, or one its `use` brings in (followed a few times). */
function fnIn(module: ModuleScope, name: string, depth: number): FnItem | null {
  for (const item of module.items) if (item.kind === 'fn' && item.name === name && item.hasBody) return item;
  const use = module.uses.get(name);
  if (!use || depth > 4 || use.length < 2) return null;
  const owner = resolvePath(module, use.slice(0, -1));
  return owner?.kind === 'module' ? fnIn(owner.module, use[use.length - 1], depth + 1) : null;
}

/** Where the closures a body passes to a crate function that runs them under `catch_unwind` are. */
function caughtClosures(body: BodyFacts, module: ModuleScope): Origin[] {
  const out: Origin[] = [];
  for (const e of body.expressions) {
    if (e.kind !== 'call' || !e.closures.length) continue;
    const wrapper = crateFn(e.callee, module);
    if (!wrapper) continue;
    const caught = caughtParams(wrapper);
    for (const c of e.closures) if (caught.has(c.index)) out.push(c.origin);
  }
  return out;
}

/**
 * The locals of a generic `extern` function that hold the payload the crate handed to C with it: bound
 * from one of the function's parameters by a pointer cast (`Box::from_raw(p as *mut _)`, `&*(p as *const
 * _)`, `&mut *(p as *mut Option<F>)`, `p as *mut Option<F>`), as an `Option` of a type made of the
 * function's own type parameters (written on the `let` or in the cast). A generic function has no symbol
 * of its own: C gets it only as a pointer the crate instantiated and handed over with its payload, and
 * only that code can build a value of a type of the function's own parameters. Whether such an `Option`
 * is `Some` is the crate's invariant, not something C decides.
 */
function payloadOptions(fn: FnItem, body: BodyFacts): PayloadLet[] {
  // Read from the function alone, which is never changed once read: kept while it lives (an edit elsewhere
  // in its crate re-checks it).
  let known = PAYLOADS.get(fn);
  if (!known) PAYLOADS.set(fn, (known = readPayloadOptions(fn, body)));
  return known;
}

const PAYLOADS = new WeakMap<FnItem, PayloadLet[]>();

function readPayloadOptions(fn: FnItem, body: BodyFacts): PayloadLet[] {
  const typeParams = fn.generics.filter((g) => g.kind === 'type').map((g) => g.name);
  if (!typeParams.length) return [];
  const params = new Set(fn.params.map((p) => p.name));
  const ofOwnParams = (type: string): boolean => {
    const inner = optionArgument(type);
    return inner !== null && typeParams.some((t) => new RegExp(`\\b${t}\\b`).test(inner));
  };
  const lets: PayloadLet[] = [];
  for (const e of body.expressions) {
    if (e.kind !== 'let' || e.name === null) continue;
    const cast = e.value !== null ? pointerCast(e.value) : null;
    const payload = cast !== null && params.has(cast.from) && ofOwnParams(e.type ?? cast.to);
    lets.push({ name: e.name, payload, origin: e.origin });
  }
  return lets.some((l) => l.payload) ? lets : [];
}

/** A `let` of a plain name, and whether it binds the payload (see `payloadOptions`). */
interface PayloadLet {
  name: string;
  payload: boolean;
  origin: Origin;
}

/** `p` and the type cast to in `Box::from_raw(p as *mut T)`, `&*(p as *const T)`, `&mut *(p as … as *mut T)`, `p as *mut T`. */
function pointerCast(value: string): { from: string; to: string } | null {
  let v = value.replace(/\s+/g, ' ').trim();
  const boxed = /^(?:(?:std|alloc)::boxed::)?Box_?::from_raw\((.*)\)$/.exec(v);
  const reborrowed = /^&(?: ?mut\b)? ?\*(.*)$/.exec(v);
  if (boxed) v = boxed[1].trim();
  else if (reborrowed) v = reborrowed[1].trim();
  while (v.startsWith('(') && v.endsWith(')')) v = v.slice(1, -1).trim();
  const parts = v.split(/ as /);
  if (parts.length < 2 || !/^\w+$/.test(parts[0])) return null;
  const last = parts[parts.length - 1];
  const pointee = /^\* ?(?:mut|const) (.+)$/.exec(last);
  if (!pointee) return null;
  // What a raw pointer to the payload is, for a `let` without a type: `*mut T` read as `&mut T` would be.
  return { from: parts[0], to: boxed ? `Box<${pointee[1]}>` : `&${pointee[1]}` };
}

/** `U` of `Option<U>`, behind a `Box`, a reference or a raw pointer; null for any other type. */
function optionArgument(type: string): string | null {
  let t = type.replace(/\s+/g, ' ').trim();
  const boxed = /^(?:(?:std|alloc)::boxed::)?Box_?<(.*)>$/.exec(t);
  if (boxed) t = boxed[1].trim();
  else t = t.replace(/^(?:& ?(?:'\w+ )?(?:mut )?|\* ?(?:mut|const) )/, '');
  const option = /^(?:(?:std|core)::option::)?Option ?<(.*)>$/.exec(t);
  return option ? option[1] : null;
}

/**
 * Whether an `unwrap`/`expect` at `site` is on the payload `Option` itself (`x`, `(*x)`, `x.take()`,
 * `x.as_ref()`, `x.as_mut()`), `x` bound by the last `let` of that name that ends before the site.
 */
function onPayload(receiverText: string, site: Origin, lets: PayloadLet[]): boolean {
  if (!lets.length) return false;
  const m = /^\(*\*?(\w+)\)*(?:\.(?:take|as_ref|as_mut)\(\))?$/.exec(receiverText.replace(/\s+/g, ''));
  if (!m) return false;
  let binding: PayloadLet | undefined;
  for (const l of lets)
    if (l.name === m[1] && l.origin.file === site.file && l.origin.span.end <= site.span.start) binding = l;
  return binding?.payload === true;
}

/** Whether a body may bind `name` again, shadowing the parameter (conservatively: any pattern naming it). */
export function rebinds(text: string, name: string): boolean {
  const { text: t, name: n } = nameWritable(text, name.replace(/[^\w]/g, ''));
  return [
    `\\blet\\b[^=;]*\\b${n}\\b`,
    `\\bfor\\b[^{]*?\\b${n}\\b[^{]*?\\bin\\b`,
    `\\|[^|]*\\b${n}\\b[^|]*\\|`,
    `\\b${n}\\s*@`,
    `\\b${n}\\b[^=;{}]*=>`,
  ].some((re) => new RegExp(re).test(t));
}

/**
 * Where a body can obviously panic, in source order; nowhere when it catches unwinding itself, and not
 * inside a closure it hands to a crate function that runs it under `catch_unwind` (`caught`).
 */
function panicSites(
  body: BodyFacts,
  arrays: Map<string, number>,
  payload: PayloadLet[],
  module: ModuleScope,
  caught: (body: BodyFacts) => Origin[],
): PanicSite[] {
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
        if ((e.method === 'unwrap' || e.method === 'expect') && !onPayload(e.receiverText, e.origin, payload))
          sites.push({ what: `.${e.method}()`, origin: e.origin });
        break;
      case 'index': {
        const len = e.place !== null ? arrays.get(e.place) : undefined;
        if (inBounds(e, len, module)) break; // cannot panic
        sites.push({ what: 'indexing', origin: e.origin });
        break;
      }
    }
  }
  if (!sites.length) return sites;
  const closures = caught(body);
  return closures.length ? sites.filter((site) => !closures.some((c) => within(site.origin, c))) : sites;
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
      "Flags `extern \"C\"` function bodies that call `unwrap`/`expect`, index, or use `panic!`-family macros, without `catch_unwind`. What cannot panic is not flagged: `get`, `checked_*` and `unwrap_or*`, the whole range `x[..]`, and a constant index or range within the length of a fixed-size array parameter (`a[2]`, `a[..N]` for `a: &[u32; 3]` and a `const N: usize = 3`). Nor is a place inside a closure the body hands to a function of the crate that passes it to `catch_unwind` (curl's `panic::catch(|| …)`, git2's `panic::wrap(|| …)`); places outside the closure still count. Nor, in a generic function (which has no symbol: C gets it only as a pointer the crate hands over with its own payload), an `unwrap`/`expect` directly on an `Option` of the function's own type parameters that it reads from its pointer parameter (`let data: Box<Option<F>> = Box::from_raw(data as *mut _)`, `&mut *(data as *mut Option<F>)`): whether it is `Some` is the crate's invariant. A panic on what C passes is flagged, generic or not.",
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
      // In a macro's expansion every place may map to the invocation: no place is taken to be in a closure.
      const caught = (body: BodyFacts): Origin[] => (fn.fromMacro ? [] : caughtClosures(body, w.module));
      const body = fn.bodyFacts;
      const [first, ...rest] = panicSites(
        body,
        arrayParams(fn, w.types, body),
        payloadOptions(fn, body),
        w.module,
        caught,
      );
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
