import type { Origin, Token } from '../syntax/model';

/**
 * Transcription of a `macro_rules!` rule's body (workspace/macros.ts matches the rules): what its
 * metavariables are bound to, and the body written out as text with where each token came from, for the
 * parse of the expansion to map its spans back to the source.
 */

export interface Binding {
  tokens?: Token[];
  /** The fragment specifier (`ty`, `ident`…). */
  frag?: string;
  reps?: Bindings[];
}

/**
 * Fragments whose substituted token takes the macro body's position in rustc's reports: an `ident` used
 * as a type is reported at the `$name` in the body. `tt`, `ty`, `path`… keep the invocation's span.
 */
export const PLAIN_TOKEN_FRAGMENTS = new Set(['ident']);

/** Bindings by metavariable, `$` included (`$name`). */
export type Bindings = Map<string, Binding>;

/** Where a transcription looks its metavariables up. */
export interface BindingScope {
  get(name: string): Binding | undefined;
}

/** One repetition's bindings over those around it: no copy of the outer ones per repetition. */
export class RepetitionScope implements BindingScope {
  constructor(
    private readonly own: Bindings,
    private readonly outer: BindingScope,
  ) {}

  get(name: string): Binding | undefined {
    return this.own.get(name) ?? this.outer.get(name);
  }
}

export const REPETITION_OPERATORS = new Set(['*', '+', '?']);

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

export function closerOf(t: Token): string {
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
        const inner = body[i + 1].children ?? [];
        let j = i + 2;
        let sep: Token | null = null;
        if (!REPETITION_OPERATORS.has(body[j]?.text ?? '')) {
          sep = body[j] ?? null;
          j++;
        }
        let reps: Bindings[] = [];
        for (const name of metavarNames(inner)) {
          const bound = b.get(name)?.reps;
          if (bound) {
            reps = bound;
            break;
          }
        }
        for (let k = 0; k < reps.length; k++) {
          if (k > 0 && sep) this.emitToken(sep);
          this.emitAll(inner, new RepetitionScope(reps[k], b));
        }
        i = j;
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
