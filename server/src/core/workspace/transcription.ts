import type { Origin, Token } from '../syntax/model';
import { plainTokenKind } from '../syntax/plain-tokens';

/**
 * Transcription of a `macro_rules!` rule's body (workspace/macros.ts matches the rules): what its
 * metavariables are bound to; the body written out as text with where each token came from, for the parse of
 * the expansion to map its spans back to the source; and a macro call of the body transcribed straight to the
 * tokens that text would be read back as (`transcribedTokens`).
 */

export interface Binding {
  tokens?: Token[];
  /** The fragment specifier (`ty`, `ident`…). */
  frag?: string;
  reps?: Bindings[];
  /**
   * A repetition of one `tt` and nothing else (a muncher's `$($rest:tt)*`): the tokens, one per repetition,
   * bound without a map for each (`repetitionsOf` makes them when a transcription asks for them).
   */
  ttRun?: Token[];
}

/** The repetitions a metavariable was bound to (a run of `tt`s made into them the first time). */
function repetitionsOf(name: string, binding: Binding | undefined): Bindings[] | undefined {
  if (binding && !binding.reps && binding.ttRun)
    binding.reps = binding.ttRun.map((t): Bindings => new Map([[name, { tokens: [t], frag: 'tt' }]]));
  return binding?.reps;
}

/**
 * A repetition `$( $x ) sep op` whose one metavariable is a run of `tt`s: the run (each token written as it
 * came), or undefined.
 */
function ttRunOf(inner: Token[], b: BindingScope): Token[] | undefined {
  return inner.length === 1 && inner[0].text.startsWith('$') ? b.get(inner[0].text)?.ttRun : undefined;
}

/**
 * Fragments whose substituted token takes the macro body's position in rustc's reports: an `ident` used
 * as a type is reported at the `$name` in the body. `tt`, `ty`, `path`… keep the invocation's span.
 */
const PLAIN_TOKEN_FRAGMENTS = new Set(['ident']);

/** Bindings by metavariable, `$` included (`$name`). */
export type Bindings = Map<string, Binding>;

/** Where a transcription looks its metavariables up. */
export interface BindingScope {
  get(name: string): Binding | undefined;
}

/** One repetition's bindings over those around it: no copy of the outer ones per repetition. */
class RepetitionScope implements BindingScope {
  constructor(
    private readonly own: Bindings,
    private readonly outer: BindingScope,
  ) {}

  get(name: string): Binding | undefined {
    return this.own.get(name) ?? this.outer.get(name);
  }
}

const REPETITION_OPERATORS = new Set(['*', '+', '?']);

/** The metavariables a pattern or body writes (`$name`, as bindings are keyed), nested groups included; read once per list. */
export function metavarNames(pattern: Token[]): string[] {
  let out = METAVAR_NAMES.get(pattern);
  if (out) return out;
  out = [];
  for (const t of pattern) {
    if (t.text.startsWith('$') && t.text.length > 1) out.push(t.text);
    if (t.children) for (const name of metavarNames(t.children)) out.push(name);
  }
  METAVAR_NAMES.set(pattern, out);
  return out;
}

const METAVAR_NAMES = new WeakMap<Token[], string[]>();

/**
 * The repetition `$( … ) sep op` whose `$` is at `at` in a body: what it repeats, its separator (if any), and
 * where its operator is.
 */
function repetitionAt(body: Token[], at: number): { inner: Token[]; sep: Token | null; last: number } {
  const inner = body[at + 1].children ?? [];
  const hasSep = !REPETITION_OPERATORS.has(body[at + 2]?.text ?? '');
  return { inner, sep: hasSep ? (body[at + 2] ?? null) : null, last: hasSep ? at + 3 : at + 2 };
}

/** The repetitions of a `$( … )` body: those of the first of its metavariables bound to any. */
function repeated(inner: Token[], b: BindingScope): Bindings[] {
  for (const name of metavarNames(inner)) {
    const reps = repetitionsOf(name, b.get(name));
    if (reps) return reps;
  }
  return [];
}

/** Where a group's delimiters were written, kept per group: a macro's body is transcribed once per call. */
export function delimitersOf(t: Token): { open: Origin; close: Origin } {
  let known = DELIMITERS.get(t);
  if (!known) {
    const { file, span } = t.origin;
    known = {
      open: { file, span: { start: span.start, end: span.start + 1 } },
      close: { file, span: { start: span.end - 1, end: span.end } },
    };
    DELIMITERS.set(t, known);
  }
  return known;
}

const DELIMITERS = new WeakMap<Token, { open: Origin; close: Origin }>();

function closerOf(t: Token): string {
  return t.delimiter === '(' ? ')' : t.delimiter === '[' ? ']' : '}';
}

export class Emitter {
  /** Where each token emitted starts and ends in the text, and where it was written (one entry per token). */
  private readonly starts: number[] = [];
  private readonly ends: number[] = [];
  private readonly origins: Origin[] = [];
  /**
   * The last token emitted on its own (not glued to the one before), or null. Looking at it, not at the
   * text's end, keeps each emission constant-time: the text grows with every token.
   */
  private lastToken: string | null = null;

  /** `prefix`: text before the expansion that maps to nothing (a wrapper to parse it in). */
  constructor(public text = '') {}

  emit(text: string, origin: Origin): void {
    // `macro_rules!` and `$name` are single tokens to the grammar: no space inside them.
    const glued =
      (text === '!' && this.lastToken === 'macro_rules') || (this.lastToken === '$' && /^[A-Za-z_]/.test(text));
    if (this.text.length && !glued) this.text += ' ';
    const start = this.text.length;
    this.text += text;
    this.lastToken = glued ? null : text;
    this.starts.push(start);
    this.ends.push(this.text.length);
    this.origins.push(origin);
  }

  emitToken(t: Token): void {
    if (t.kind === 'group') {
      const { open, close } = delimitersOf(t);
      this.emit(t.delimiter ?? '(', open);
      for (const c of t.children ?? []) this.emitToken(c);
      this.emit(closerOf(t), close);
      return;
    }
    this.emit(t.text, t.origin);
  }

  emitAll(body: Token[], b: BindingScope): void {
    for (let i = 0; i < body.length; i++) {
      const t = body[i];
      if (t.text === '$crate') {
        this.emit('crate', t.origin);
        continue;
      }
      if (t.text.startsWith('$') && t.text.length > 1) {
        const bound = b.get(t.text);
        if (bound?.tokens) {
          const plain = PLAIN_TOKEN_FRAGMENTS.has(bound.frag ?? '');
          for (const x of bound.tokens)
            if (!plain) this.emitToken(x);
            else if (!x.children) this.emit(x.text, t.origin);
            else
              this.emitToken({ ...x, origin: t.origin, children: x.children.map((c) => ({ ...c, origin: t.origin })) });
          continue;
        }
      }
      if (t.text === '$' && body[i + 1]?.kind === 'group') {
        const { inner, sep, last } = repetitionAt(body, i);
        const run = ttRunOf(inner, b);
        if (run) {
          run.forEach((x, k) => {
            if (k > 0 && sep) this.emitToken(sep);
            this.emitToken(x);
          });
          i = last;
          continue;
        }
        const reps = repeated(inner, b);
        for (let k = 0; k < reps.length; k++) {
          if (k > 0 && sep) this.emitToken(sep);
          this.emitAll(inner, new RepetitionScope(reps[k], b));
        }
        i = last;
        continue;
      }
      if (t.kind === 'group') {
        const { open, close } = delimitersOf(t);
        this.emit(t.delimiter ?? '(', open);
        this.emitAll(t.children ?? [], b);
        this.emit(closerOf(t), close);
        continue;
      }
      this.emit(t.text, t.origin);
    }
  }

  /**
   * A span of the expansion (in `file`'s expansion) back to source: where its first token was written,
   * through its last when they share a file; the span itself where no token was emitted yet.
   */
  spanBack(file: string, spanStart: number, spanEnd: number): Origin {
    const first = this.entryAt(spanStart);
    const last = this.entryAt(Math.max(spanStart, spanEnd - 1));
    if (first < 0) return { file, span: { start: spanStart, end: spanEnd } };
    const from = this.origins[first];
    const to = last >= 0 ? this.origins[last] : null;
    const start = from.span.start;
    const end = to && to.file === from.file && to.span.end >= start ? to.span.end : from.span.end;
    return { file: from.file, span: { start, end } };
  }

  /** The last token emitted at or before `offset`; -1 when none. */
  private entryAt(offset: number): number {
    let lo = 0;
    let hi = this.starts.length - 1;
    let best = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (this.starts[mid] <= offset) {
        best = mid;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    return best;
  }
}

/**
 * The tokens `Emitter.emitAll` writes for `body`, as the lexer reads them back from that text
 * (syntax/plain-tokens.ts, each span mapped back by `spanBack`), without writing it: a muncher
 * (`intrinsics! { $($rest)* }`) hands the rest of its input to the call that ends its expansion, and writing
 * and reading that back cost the whole rest at every level of its recursion. A token read back already is
 * itself (each token of the rest is read back once, at the level that first writes it). Null when some token
 * would not read back as one plain token (a lifetime, a float, a `$`…): the caller then writes the text.
 */
export function transcribedTokens(body: Token[], b: BindingScope): Token[] | null {
  const out: Token[] = [];
  return transcribeInto(body, b, out) && !quotesTogether(out) ? out : null;
}

/**
 * Whether two `'` stand next to each other in a list of tokens or a group in it: written `' '`, they are a
 * character to the parse, not the two tokens (a lifetime's quote is a token of its own in a macro's input).
 */
function quotesTogether(tokens: Token[]): boolean {
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i];
    if (t.children ? quotesTogether(t.children) : t.text === "'" && tokens[i + 1]?.text === "'") return true;
  }
  return false;
}

function transcribeInto(body: Token[], b: BindingScope, out: Token[]): boolean {
  const push = (t: Token | null): boolean => !!t && out.push(t) > 0;
  for (let i = 0; i < body.length; i++) {
    const t = body[i];
    if (t.text === '$crate') {
      if (!push(readLeaf('crate', t.origin))) return false;
      continue;
    }
    if (t.text.startsWith('$') && t.text.length > 1) {
      const bound = b.get(t.text);
      if (bound?.tokens) {
        const plain = PLAIN_TOKEN_FRAGMENTS.has(bound.frag ?? '');
        for (const x of bound.tokens) {
          // An `ident` is written at the `$name` of the body (a group is no `ident`: left to the text).
          const read = !plain ? readBack(x) : x.children ? null : readLeaf(x.text, t.origin);
          if (!push(read)) return false;
        }
        continue;
      }
    }
    if (t.text === '$' && body[i + 1]?.kind === 'group') {
      const { inner, sep, last } = repetitionAt(body, i);
      const run = ttRunOf(inner, b);
      const reps = run ? null : repeated(inner, b);
      const count = run ? run.length : reps!.length;
      for (let k = 0; k < count; k++) {
        if (k > 0 && sep && !push(readBack(sep))) return false;
        if (run ? !push(readBack(run[k])) : !transcribeInto(inner, new RepetitionScope(reps![k], b), out)) return false;
      }
      i = last;
      continue;
    }
    if (t.kind === 'group') {
      const children: Token[] = [];
      if (!transcribeInto(t.children ?? [], b, children)) return false;
      out.push(readGroup(t, children));
      continue;
    }
    if (!push(readLeaf(t.text, t.origin))) return false;
  }
  return true;
}

/** `emitToken(t)` read back: the token itself when it was read back already. */
function readBack(t: Token): Token | null {
  let read = (t as Remembered)[READ_BACK];
  if (read !== undefined) return read;
  if (t.kind !== 'group') read = readLeaf(t.text, t.origin);
  else {
    const children: Token[] = [];
    for (const c of t.children ?? []) {
      const r = readBack(c);
      if (!r) break;
      children.push(r);
    }
    read = children.length === (t.children ?? []).length ? readGroup(t, children) : null;
  }
  remember(t, read);
  return read;
}

/**
 * Each token as read back from its transcription (itself, for a token read back), or null when it is not
 * plain, kept on the token under a symbol (which JSON and the items' comparisons leave out). A `WeakMap` held
 * them first: a muncher that hands a module's tokens through a dozen levels twenty times over (uom's
 * `storage_types!`) made millions of entries, and each took microseconds to add.
 */
const READ_BACK = Symbol('read back');

type Remembered = Token & { [READ_BACK]?: Token | null };

function remember(t: Token, read: Token | null): void {
  Object.defineProperty(t, READ_BACK, { value: read, writable: true, configurable: true });
}

/**
 * A leaf token written at `origin`, as it is read back: by the lexer when it reads it plainly, else by the
 * parse of the whole text, which the lexer leaves a lifetime, a character, a float or a string with escapes to
 * (`atomicKind`). Null for anything else (the text is then written and parsed).
 */
function readLeaf(text: string, origin: Origin): Token | null {
  const kind = plainTokenKind(text) ?? atomicKind(text);
  if (!kind) return null;
  const read: Token = {
    text,
    kind,
    origin: { file: origin.file, span: { start: origin.span.start, end: origin.span.end } },
  };
  remember(read, read);
  return read;
}

/**
 * The kind syntax/tree.ts gives a token the grammar reads as one atomic node (or a lifetime's lone quote), for
 * the shapes the parse can read no other way between spaces: `'`, `'x'` and `'\n'`, `1.5` and `2.5e-3f64`,
 * `"a\"b"`, `b"…"`, `r#"…"#`. Null otherwise: `'a` written whole is two tokens to the parse of a macro's input.
 */
function atomicKind(text: string): Token['kind'] | null {
  // A lifetime in a macro's input is its quote and its name: the quote alone is read as it is.
  if (text === "'") return 'punct';
  if (CHARACTER.test(text)) return 'char';
  if (FLOAT.test(text)) return 'number';
  return STRING.test(text) || isRawString(text) ? 'string' : null;
}

/** `r"…"`, `br#"…"#`: closed once, by the quote and as many `#`s as opened it. */
function isRawString(text: string): boolean {
  const raw = RAW_STRING.exec(text);
  if (!raw) return false;
  const closer = `"${raw[1]}`;
  const inside = text.slice(text.indexOf('"') + 1, text.length - closer.length);
  return !inside.includes(closer);
}

const CHARACTER = /^b?'(?:[^'\\\n]|\\(?:[nrt0'"\\]|x[0-7][0-9a-fA-F]|u\{[0-9a-fA-F]{1,6}\}))'$/;
const FLOAT = /^[0-9][0-9_]*\.[0-9][0-9_]*(?:[eE][+-]?[0-9_]+)?(?:f32|f64)?$/;
const STRING = /^b?"(?:[^"\\]|\\[\s\S])*"$/;
const RAW_STRING = /^b?r(#*)"[\s\S]*"\1$/;

/**
 * A group written as `emitToken` writes one (its delimiters, then each child after a space), read back: its
 * text as written, its span from its opening delimiter through its closing one.
 */
function readGroup(t: Token, children: Token[]): Token {
  const { open, close } = delimitersOf(t);
  const text = `${t.delimiter ?? '('}${children.map((c) => ` ${c.text}`).join('')} ${closerOf(t)}`;
  const end = close.file === open.file && close.span.end >= open.span.start ? close.span.end : open.span.end;
  const read: Token = {
    text,
    kind: 'group',
    delimiter: t.delimiter ?? '(',
    children,
    origin: { file: open.file, span: { start: open.span.start, end } },
  };
  remember(read, read);
  return read;
}
