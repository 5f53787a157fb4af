import type { Surface, SurfaceParam, SurfaceSymbol, SurfaceType } from './report';
import { isUnit } from '../workspace/types';
import type { AbiChange } from '../../../../protocol/abi-changes';
import { INVISIBLE, showInvisible } from '../../../../protocol/text';
import { sameCType } from './c-signature';
import { baselineTypes, BaselineTypes, rustSpellingCType } from './c-signature-baseline';
import { spellsAliasesOwnWay } from '../analysis/data-model';

/**
 * The ABI baseline: a text snapshot of the surface (`ffi-guard snapshot`) and the classified
 * differences between two of them (`ffi-guard diff`). One fact a line, in a stable order, so that a
 * baseline checked into a repository reviews like code and `git diff` shows what moved:
 *
 *     ffi-abi 1
 *     fn kv_put(*mut KvStore, *const i8, Value) -> KvStatus  abi=C doc=5d41402a
 *     static KV_VERSION: u32  abi=C
 *     import fn strlen(*const i8) -> usize  abi=C
 *     type Value struct  repr=C size=16 align=8
 *     field Value.kind: ValueKind  index=0 offset=0
 *     variant ValueKind.Int = 1
 *
 * Types are spelled as rustc prints them after aliases are resolved (`c_char` is `i8`), so a change of
 * spelling that C cannot see is no change. Attributes follow two spaces, which no type contains. A
 * name that cannot be written bare (an `export_name` with a newline or a space) is a JSON string literal,
 * which version 2 of the format added (see `Tokens`). An import is named by its link name.
 */

export const SNAPSHOT_FORMAT = 'ffi-abi';
/** The newest format version this ffi-guard reads and writes (it reads every older one too). */
export const SNAPSHOT_VERSION = 3;
/**
 * Version 3: a baseline may record several targets, each `target T` line starting that target's
 * facts; and types are spelled as rustc spells them for their target (`c_char` is `u8` on ARM Linux,
 * `c_long` is `i32` on Windows), where versions 1 and 2 spelled them as on x86_64 Linux everywhere. A
 * baseline that needs neither (one target whose C aliases spell as on x86_64 Linux) is written with
 * the lowest version that reads it, so older ffi-guards keep reading it.
 */
export const TARGETS_SINCE = 3;

export interface AbiSymbol {
  kind: 'fn' | 'static';
  direction: 'export' | 'import';
  name: string;
  /** Parameter types; `...` last for a variadic import. */
  params: string[];
  /** The return type (null for `()`), or a static's type. */
  type: string | null;
  mutable: boolean;
  abi: string;
  doc: string | null;
}

export interface AbiField {
  name: string;
  index: number;
  type: string;
  offset: number | null;
}

export interface AbiVariant {
  name: string;
  /** The discriminant in decimal, or `?` when it could not be evaluated. */
  value: string;
  fields: number;
}

export interface AbiType {
  name: string;
  kind: 'struct' | 'enum' | 'union';
  /** `C`, `u8`, `C,packed`, `transparent`, or `Rust`. */
  repr: string;
  size: number | null;
  align: number | null;
  fields: AbiField[];
  variants: AbiVariant[];
  doc: string | null;
}

export interface AbiSnapshot {
  symbols: AbiSymbol[];
  types: AbiType[];
  /** The target triple its layouts are for (a `target T` line); absent in a baseline written before targets: x86_64 Linux. */
  target?: string;
}

/** A baseline file: the format version it was written in, and one snapshot per target it records. */
export interface AbiBaseline {
  version: number;
  /** In the order written; a baseline older than targets has one, with no `target`. */
  sections: AbiSnapshot[];
}

/** The snapshot of a surface: the exported and imported C-ABI symbols and the types they reach. */
export function snapshotOf(surface: Surface): AbiSnapshot {
  const symbols = surface.symbols
    .filter((s) => s.abi !== 'Rust' && (s.direction === 'import' || s.exported))
    .map(abiSymbol);
  const types = surface.types.map(abiType);
  return {
    symbols: symbols.sort(bySymbol),
    types: dedupeTypes(types).sort((a, b) => compare(a.name, b.name)),
    ...(surface.model ? { target: surface.model.target } : {}),
  };
}

/** `ffi-guard snapshot`'s text for a surface. */
export function snapshotText(surface: Surface): string {
  return formatSnapshot(snapshotOf(surface));
}

function abiSymbol(s: SurfaceSymbol): AbiSymbol {
  const typeOf = (p: SurfaceParam | null): string | null => (p && !isUnit(p.ty) ? oneLine(p.type) : null);
  return {
    kind: s.kind === 'function' ? 'fn' : 'static',
    direction: s.direction,
    name: s.name,
    params: s.kind === 'function' ? [...s.params.map((p) => oneLine(p.type)), ...(s.variadic ? ['...'] : [])] : [],
    type: typeOf(s.returns),
    mutable: s.mutable,
    abi: s.abi,
    doc: docHash(s.docs),
  };
}

function abiType(t: SurfaceType): AbiType {
  const hasLayout = t.repr !== 'Rust';
  return {
    name: oneLine(t.name),
    kind: t.kind,
    repr: t.repr.replace(/\s+/g, ''),
    size: t.size,
    align: t.align,
    // The fields of a Rust-layout type are private to Rust: changing them changes nothing C can see.
    fields: hasLayout
      ? t.fields.map((f, index) => ({ name: f.name, index, type: oneLine(f.type), offset: f.offset }))
      : [],
    variants: t.variants.map((v) => ({ name: v.name, value: v.value ?? '?', fields: v.fields })),
    doc: docHash(t.docs),
  };
}

/** Two crates of a workspace may reach one type name: keep the first, the order is already stable. */
function dedupeTypes(types: AbiType[]): AbiType[] {
  const seen = new Set<string>();
  return types.filter((t) => !seen.has(t.name) && seen.add(t.name));
}

function oneLine(s: string): string {
  return s.replace(/\s+/g, ' ');
}

/** A short fingerprint of a doc comment: enough to say it changed without copying prose into the baseline. */
function docHash(docs: string[]): string | null {
  if (!docs.length) return null;
  let h = 0x811c9dc5;
  for (const ch of docs.join('\n')) {
    h ^= ch.codePointAt(0)!;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h.toString(16).padStart(8, '0');
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function bySymbol(a: AbiSymbol, b: AbiSymbol): number {
  return compare(a.direction, b.direction) || compare(a.name, b.name) || compare(a.kind, b.kind);
}

// ---- Text ----

/**
 * Names and types are written bare where they can be read back so; otherwise (an `export_name` with a
 * space, a newline or a parenthesis, a type with a control character) as a JSON string literal, with
 * every `INVISIBLE` character escaped, so that one fact stays one line. Quoting came with version 2: a
 * baseline that needs none is written as version 1, as before, and version 1 is still read.
 */
const QUOTED_SINCE = 2;
const ESCAPED = new RegExp(`[\\\\"]|${INVISIBLE.source}`, 'gu');
const HAS_INVISIBLE = new RegExp(INVISIBLE.source, 'u');

/** A writer's tokens, and whether any of them needed quoting (and so version 2). */
class Tokens {
  quoted = false;

  private token(s: string, bare: boolean): string {
    if (bare && s && !HAS_INVISIBLE.test(s) && !s.startsWith('"')) return s;
    this.quoted = true;
    return `"${s.replace(ESCAPED, (c) => (c === '\\' || c === '"' ? `\\${c}` : `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`))}"`;
  }

  /** A link name: anything but a run of characters with no space, quote, parenthesis, comma or colon is quoted. */
  symbol(s: string): string {
    return this.token(s, /^[^\s"\\(),:]+$/u.test(s));
  }

  /**
   * A type or a type's name, already on one line: bare when the reader reads it back as one parameter,
   * which a type with a lone quote or parenthesis in a literal (`[u8; '(' as usize]`) is not.
   */
  type(s: string): string {
    return this.token(s, !/ {2}|^\s|\s$|^"/.test(s) && readsAsOneParam(s));
  }

  /** A field's or a variant's name: bare when it has no space, dot, colon or quote, as identifiers have none. */
  member(s: string): string {
    return this.token(s, /^[^\s.:"\\]+$/u.test(s));
  }

  /** An attribute's value: bare when it has no space, quote or `=`. */
  value(v: string | number): string {
    return typeof v === 'number' ? String(v) : this.token(v, /^[^\s"\\=]+$/u.test(v));
  }
}

function readsAsOneParam(type: string): boolean {
  const never = (): never => {
    throw new Error('unreachable: a bare type is read whole');
  };
  const read = splitParams(`${type})`, true, never);
  return read !== null && read.rest === '' && read.params.length === 1 && read.params[0] === type;
}

/** The baseline text of a snapshot: the header line, then one line per fact. */
export function formatSnapshot(snap: AbiSnapshot): string {
  return formatBaseline([snap]);
}

/**
 * The baseline text of several targets' snapshots (`snapshot --target A --target B`): the header line,
 * then each target's `target` line and facts.
 */
export function formatBaseline(snaps: AbiSnapshot[]): string {
  const w = new Tokens();
  const lines: string[] = [];
  const attrs = (values: Record<string, string | number | null>): string => {
    const parts = Object.entries(values)
      .filter(([, v]) => v !== null)
      .map(([k, v]) => `${k}=${w.value(v!)}`);
    return parts.length ? `  ${parts.join(' ')}` : '';
  };
  for (const snap of snaps) {
    if (snap.target) lines.push(`target ${snap.target}`);
    for (const s of snap.symbols) {
      const head = s.direction === 'import' ? 'import ' : '';
      const tail = attrs({ abi: s.abi, doc: s.doc });
      const type = s.type === null ? null : w.type(s.type);
      if (s.kind === 'static')
        lines.push(`${head}static ${s.mutable ? 'mut ' : ''}${w.symbol(s.name)}: ${type ?? '()'}${tail}`);
      else
        lines.push(
          `${head}fn ${w.symbol(s.name)}(${s.params.map((p) => w.type(p)).join(', ')})${type !== null ? ` -> ${type}` : ''}${tail}`,
        );
    }
    for (const t of snap.types) {
      const name = w.type(t.name);
      lines.push(
        `type ${name} ${t.kind}${attrs({ repr: t.repr, size: t.size ?? '?', align: t.align ?? '?', doc: t.doc })}`,
      );
      for (const f of t.fields)
        lines.push(
          `field ${name}.${w.member(f.name)}: ${w.type(f.type)}${attrs({ index: f.index, offset: f.offset ?? '?' })}`,
        );
      for (const v of t.variants)
        lines.push(`variant ${name}.${w.member(v.name)} = ${w.value(v.value)}${attrs({ fields: v.fields || null })}`);
    }
  }
  const needsTargets = snaps.length > 1 || snaps.some((s) => s.target !== undefined && spellsAliasesOwnWay(s.target));
  const version = needsTargets ? TARGETS_SINCE : w.quoted ? QUOTED_SINCE : 1;
  return (
    [
      `${SNAPSHOT_FORMAT} ${version}`,
      '# ABI baseline written by `ffi-guard snapshot`; compare with `ffi-guard diff --baseline FILE`.',
      ...lines,
    ].join('\n') + '\n'
  );
}

export class SnapshotError extends Error {
  constructor(
    message: string,
    readonly line: number,
  ) {
    super(`line ${line}: ${message}`);
  }
}

/**
 * Reads a baseline back and gives the snapshot of one target: the only one it records, or (when it
 * records several) the one for `target`, by default the first. Throws `SnapshotError` when it has
 * several and none for `target`.
 */
export function parseSnapshot(text: string, target?: string): AbiSnapshot {
  const { sections } = parseBaseline(text);
  if (sections.length === 1 || target === undefined) return sections[0];
  const section = sections.find((s) => s.target === target);
  if (section) return section;
  throw new SnapshotError(
    `it records no ABI for ${target} (it records ${sections.map((s) => s.target ?? '?').join(', ')})`,
    1,
  );
}

/** Reads a baseline back (any version up to `SNAPSHOT_VERSION`). Throws `SnapshotError` (naming the line) on anything it does not understand. */
export function parseBaseline(text: string): AbiBaseline {
  const lines = text.split(/\r?\n/);
  const header = /^ffi-abi (\d+)\s*$/.exec(lines[0] ?? '');
  if (!header)
    throw new SnapshotError(
      `expected \`${SNAPSHOT_FORMAT} 1\` … \`${SNAPSHOT_FORMAT} ${SNAPSHOT_VERSION}\`, the header of an ABI baseline`,
      1,
    );
  const version = Number(header[1]);
  if (version < 1 || version > SNAPSHOT_VERSION)
    throw new SnapshotError(
      `format version ${header[1]} is not supported (this ffi-guard reads versions 1 to ${SNAPSHOT_VERSION})`,
      1,
    );
  const quoting = version >= QUOTED_SINCE;
  let snap: AbiSnapshot = { symbols: [], types: [] };
  const sections = [snap];
  let types = new Map<string, AbiType>();
  const seen = new Set<string>();
  lines.forEach((raw, i) => {
    if (i === 0 || !raw.trim() || raw.startsWith('#')) return;
    const fail = (what: string): never => {
      throw new SnapshotError(`${what}: \`${showInvisible(raw)}\``, i + 1);
    };
    const [body, attrText = ''] = splitAttrs(raw, quoting);
    const a = parseAttrs(attrText, quoting, fail);
    const r = new Reader(body, quoting, fail);
    const typeNamed = (name: string): AbiType =>
      types.get(name) ?? fail(`no \`type ${showInvisible(name)}\` line before this one`);
    if (r.word('import fn ') || r.word('fn ')) {
      const name = r.token('(');
      r.expect('(');
      const { params, rest } = splitParams(r.rest(), quoting, fail) ?? fail('unbalanced parentheses');
      const ret = /^(?: -> (.+))?$/.exec(rest) ?? fail('expected `-> TYPE` or nothing after the parameters');
      snap.symbols.push({
        kind: 'fn',
        direction: body.startsWith('import ') ? 'import' : 'export',
        name,
        params,
        type: ret[1] === undefined ? null : new Reader(ret[1], quoting, fail).whole(),
        mutable: false,
        abi: a.abi ?? 'C',
        doc: a.doc ?? null,
      });
    } else if (r.word('import static ') || r.word('static ')) {
      const mutable = r.word('mut ');
      const name = r.token(': ');
      r.expect(': ');
      snap.symbols.push({
        kind: 'static',
        direction: body.startsWith('import ') ? 'import' : 'export',
        name,
        params: [],
        type: r.whole(),
        mutable,
        abi: a.abi ?? 'C',
        doc: a.doc ?? null,
      });
    } else if (r.word('type ')) {
      const m = /^(.+) (struct|enum|union)$/.exec(r.rest()) ?? fail('expected `type NAME struct|enum|union`');
      const t: AbiType = {
        name: new Reader(m[1], quoting, fail).whole(),
        kind: m[2] as AbiType['kind'],
        repr: a.repr ?? 'Rust',
        size: num(a.size),
        align: num(a.align),
        fields: [],
        variants: [],
        doc: a.doc ?? null,
      };
      types.set(t.name, t);
      snap.types.push(t);
    } else if (r.word('field ')) {
      const [owner, name, type] = r.member(': ') ?? fail('expected `field TYPE.NAME: TYPE`');
      const t = typeNamed(owner);
      t.fields.push({ name, index: num(a.index) ?? t.fields.length, type, offset: num(a.offset) });
    } else if (r.word('variant ')) {
      const [owner, name, value] = r.member(' = ') ?? fail('expected `variant TYPE.NAME = VALUE`');
      typeNamed(owner).variants.push({ name, value, fields: num(a.fields) ?? 0 });
    } else if (r.word('target ')) {
      const target = /^\S+$/.exec(r.rest())?.[0] ?? fail('expected `target TRIPLE`');
      if (seen.has(target)) fail(`a second section for ${target}`);
      if (seen.size) {
        // The next target's section (version 3): the facts that follow are that target's.
        if (version < TARGETS_SINCE)
          fail(`a second \`target\` line, which format version ${TARGETS_SINCE} brought (this file says ${version})`);
        snap = { symbols: [], types: [] };
        sections.push(snap);
        types = new Map<string, AbiType>();
      }
      seen.add(target);
      snap.target = target;
      return;
    } else fail('not a line of an ABI baseline');
  });
  return { version, sections };
}

/** Reads the tokens of one line's facts, left to right. */
class Reader {
  private at = 0;

  constructor(
    private readonly text: string,
    private readonly quoting: boolean,
    private readonly fail: (what: string) => never,
  ) {}

  /** Consumes `w` if the text goes on with it. */
  word(w: string): boolean {
    if (!this.text.startsWith(w, this.at)) return false;
    this.at += w.length;
    return true;
  }

  expect(w: string): void {
    if (!this.word(w)) this.fail(`expected \`${w.trim()}\``);
  }

  rest(): string {
    return this.text.slice(this.at);
  }

  /** Consumes what `re` (anchored with `^`) matches here; null when it does not. */
  match(re: RegExp): string | null {
    const m = re.exec(this.rest());
    if (m) this.at += m[0].length;
    return m ? m[0] : null;
  }

  /** An attribute's value: quoted, or bare up to the next space. */
  value(): string {
    return this.quoted() ?? this.match(/^\S*/)!;
  }

  /** A quoted token, or a bare one that ends before `stop`. */
  token(stop: string): string {
    const q = this.quoted();
    if (q !== null) return q;
    const end = this.text.indexOf(stop, this.at);
    if (end <= this.at) this.fail(`expected a name before \`${stop}\``);
    const bare = this.text.slice(this.at, end);
    this.at = end;
    return bare;
  }

  /** The rest of the text as one token. */
  whole(): string {
    const q = this.quoted();
    if (q !== null) {
      if (this.at < this.text.length) this.fail('text after a quoted name');
      return q;
    }
    return this.rest();
  }

  /** `OWNER.NAME<sep>VALUE`, each part bare or quoted; a bare owner ends at the first `.` that a name and `sep` follow. */
  member(sep: string): [string, string, string] | null {
    let owner = this.quoted();
    if (owner === null) {
      const name = this.quoting ? `(?:"|[^\\s.:"]+${sep})` : `[^\\s.:"]+${sep}`;
      const m = new RegExp(`^(.+?)\\.(?=${name})`, 'u').exec(this.rest());
      if (!m) return null;
      owner = m[1];
      this.at += m[1].length;
    }
    this.expect('.');
    const name = this.token(sep);
    this.expect(sep);
    return [owner, name, this.whole()];
  }

  private quoted(): string | null {
    if (!this.quoting || this.text[this.at] !== '"') return null;
    const end = quoteEnd(this.text, this.at);
    if (end < 0) this.fail('an unterminated quoted name');
    const literal = this.text.slice(this.at, end + 1);
    this.at = end + 1;
    try {
      return JSON.parse(literal) as string;
    } catch {
      return this.fail('a malformed quoted name');
    }
  }
}

/** The index of the `"` that closes the string literal opening at `start`, or -1. */
function quoteEnd(text: string, start: number): number {
  for (let i = start + 1; i < text.length; i++) {
    if (text[i] === '\\') i++;
    else if (text[i] === '"') return i;
  }
  return -1;
}

/** The line's facts and its attributes, which follow the first two spaces outside a quoted token. */
function splitAttrs(line: string, quoting: boolean): [string, string?] {
  let at = -1;
  for (let i = 0; i < line.length && at < 0; i++) {
    if (quoting && line[i] === '"') {
      const end = quoteEnd(line, i);
      if (end < 0) break;
      i = end;
    } else if (line.startsWith('  ', i)) at = i;
  }
  return at < 0 ? [line.trimEnd()] : [line.slice(0, at), line.slice(at + 2)];
}

/** `key=value key="quoted value"…`. */
function parseAttrs(text: string, quoting: boolean, fail: (what: string) => never): Record<string, string> {
  const out: Record<string, string> = {};
  const r = new Reader(text.trim(), quoting, fail);
  for (let key; (key = r.match(/^[^\s=]+/)) !== null; r.match(/^\s*/)) out[key] = r.word('=') ? r.value() : '';
  return out;
}

function num(v: string | undefined): number | null {
  return v === undefined || v === '?' || !/^\d+$/.test(v) ? null : Number(v);
}

/**
 * `A, fn(B, C) -> D, [E; 2])…` → the top-level parameters and what follows the closing parenthesis.
 * String literals inside a type (`extern "C" fn(…)`) are skipped over; a parameter that starts with a
 * quote is a quoted type.
 */
function splitParams(
  text: string,
  quoting: boolean,
  fail: (what: string) => never,
): { params: string[]; rest: string } | null {
  const params: string[] = [];
  let depth = 0;
  let start = 0;
  const push = (end: number): void => {
    const raw = text.slice(start, end).trim();
    if (raw) params.push(new Reader(raw, quoting, fail).whole());
  };
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '"') {
      const end = quoteEnd(text, i);
      if (end < 0) return null;
      i = end;
    } else if ('([<'.includes(c)) depth++;
    else if (c === '>' && text[i - 1] === '-') continue;
    else if (')]>'.includes(c)) {
      if (depth === 0 && c === ')') {
        push(i);
        return { params, rest: text.slice(i + 1) };
      }
      depth--;
    } else if (c === ',' && depth === 0) {
      push(i);
      start = i + 1;
    }
  }
  return null;
}

// ---- Diff ----

/**
 * Every difference between two snapshots, classified by what a C caller sees (abi/c-signature.ts, the
 * module `abi-mismatch` uses): breaking where a C program built against `old` can misbehave or stop
 * building with `new` (a symbol gone or renamed, a signature or ABI changed, a `repr(C)` layout
 * changed, an enum discriminant or repr changed, a `const` pointer parameter now `mut`); compatible
 * for additions (and what the library no longer needs); cosmetic where only the Rust spelling moved
 * (`*mut T` → `Option<&mut T>`, a struct renamed with its layout kept, a field renamed, docs).
 */
export function diffSurfaces(old: AbiSnapshot, now: AbiSnapshot): AbiChange[] {
  const types: Spellings = { old: baselineTypes(old.types), now: baselineTypes(now.types) };
  return [...diffSymbols(old.symbols, now.symbols, types), ...diffTypes(old.types, now.types, types)];
}

/** The types each side's spellings name. */
interface Spellings {
  old: BaselineTypes;
  now: BaselineTypes;
}

const breaking = (subject: string, message: string): AbiChange => ({ severity: 'breaking', subject, message });
const compatible = (subject: string, message: string): AbiChange => ({ severity: 'compatible', subject, message });
const cosmetic = (subject: string, message: string): AbiChange => ({ severity: 'cosmetic', subject, message });

/**
 * A type spelled `a` in the old snapshot and `b` in the new one: null when a C caller sees no
 * difference at all, `cosmetic` when only the spelling moved, `const-to-mut` when a pointer lost its
 * `const` (the same ABI, but a C caller passing a `const` pointer no longer compiles), `mut-to-const`
 * for the reverse, `breaking` otherwise.
 */
function spellingChange(
  a: string,
  b: string,
  types: Spellings,
): 'cosmetic' | 'const-to-mut' | 'mut-to-const' | 'breaking' | null {
  if (a === b) return null;
  const ca = rustSpellingCType(a, types.old);
  const cb = rustSpellingCType(b, types.now);
  if (ca.k === 'unknown' || cb.k === 'unknown' || !sameCType(ca, cb)) return 'breaking';
  if (ca.k === 'ptr' && cb.k === 'ptr' && ca.mutable !== cb.mutable)
    return cb.mutable ? 'const-to-mut' : 'mut-to-const';
  return 'cosmetic';
}

function sameCText(a: string, b: string): string {
  return `\`${a}\` is now spelled \`${b}\`: a C caller sees the same type`;
}

function symbolKey(s: AbiSymbol): string {
  return `${s.direction} ${s.name}`;
}

function subjectOf(s: AbiSymbol): string {
  return `${s.direction === 'import' ? 'import ' : ''}${s.kind} ${s.name}`;
}

function signature(s: AbiSymbol): string {
  return `${s.kind} ${s.direction} ${s.abi} ${s.mutable} (${s.params.join(', ')}) ${s.type}`;
}

function diffSymbols(old: AbiSymbol[], now: AbiSymbol[], types: Spellings): AbiChange[] {
  const before = new Map(old.map((s) => [symbolKey(s), s]));
  const after = new Map(now.map((s) => [symbolKey(s), s]));
  const added = now.filter((s) => !before.has(symbolKey(s)));
  const changes: AbiChange[] = [];
  for (const s of old) {
    const next = after.get(symbolKey(s));
    if (next) {
      for (const c of symbolChanges(s, next, types)) changes.push(c);
      continue;
    }
    // A removal and an addition with the same signature read as a rename; C still links to the old name.
    const renamed = added.find((a) => signature(a) === signature(s));
    if (renamed) added.splice(added.indexOf(renamed), 1);
    // An import's name is its link name (`#[link_name]`): a new one is a symbol the C side must now provide.
    if (s.direction === 'import')
      changes.push(
        renamed
          ? breaking(
              subjectOf(s),
              `now linked as \`${renamed.name}\`: the C side must provide that symbol instead of \`${s.name}\``,
            )
          : compatible(subjectOf(s), 'no longer imported from C'),
      );
    else
      changes.push(
        breaking(
          subjectOf(s),
          renamed
            ? `renamed to \`${renamed.name}\`: C code linking to \`${s.name}\` no longer links`
            : 'removed: C code linking to it no longer links',
        ),
      );
  }
  for (const s of added)
    changes.push(
      s.direction === 'import'
        ? breaking(subjectOf(s), 'added: the library now needs this symbol from the C side at link time')
        : compatible(subjectOf(s), 'added'),
    );
  return changes;
}

function symbolChanges(a: AbiSymbol, b: AbiSymbol, types: Spellings): AbiChange[] {
  const subject = subjectOf(b);
  const out: AbiChange[] = [];
  if (a.kind !== b.kind)
    return [
      breaking(
        subject,
        `was a ${a.kind === 'fn' ? 'function' : 'static'}, now a ${b.kind === 'fn' ? 'function' : 'static'}`,
      ),
    ];
  if (a.abi !== b.abi) out.push(breaking(subject, `ABI changed from "${a.abi}" to "${b.abi}"`));
  if (a.params.length !== b.params.length)
    out.push(
      breaking(
        subject,
        `takes ${b.params.length} parameter${b.params.length === 1 ? '' : 's'} instead of ${a.params.length}: (${a.params.join(', ')}) → (${b.params.join(', ')})`,
      ),
    );
  else
    a.params.forEach((p, i) => {
      const change = spellingChange(p, b.params[i], types);
      if (change === null) return;
      const what = `parameter ${i + 1} changed from \`${p}\` to \`${b.params[i]}\``;
      if (change === 'breaking') out.push(breaking(subject, what));
      else if (change === 'const-to-mut')
        out.push(breaking(subject, `${what}: the same ABI, but C code passing a \`const\` pointer no longer compiles`));
      else out.push(cosmetic(subject, `parameter ${i + 1}: ${sameCText(p, b.params[i])}`));
    });
  if (a.type !== b.type) {
    const what = a.kind === 'static' ? 'type' : 'return type';
    const change = a.type === null || b.type === null ? 'breaking' : spellingChange(a.type, b.type, types);
    const changed = `${what} changed from \`${a.type ?? '()'}\` to \`${b.type ?? '()'}\``;
    // A returned pointer that became `const` no longer fits C code storing it in a non-`const` one.
    if (change === 'breaking' || (change === 'mut-to-const' && a.kind === 'fn')) out.push(breaking(subject, changed));
    else if (change === 'const-to-mut' && a.kind === 'static')
      out.push(breaking(subject, `${changed}: C code reading it through a \`const\` pointer no longer compiles`));
    else out.push(cosmetic(subject, `${what}: ${sameCText(a.type!, b.type!)}`));
  }
  if (a.mutable !== b.mutable)
    out.push(breaking(subject, b.mutable ? 'became `static mut`' : 'is no longer `static mut`: C may not write it'));
  if (a.doc !== b.doc) out.push(cosmetic(subject, 'documentation changed'));
  return out;
}

function diffTypes(old: AbiType[], now: AbiType[], types: Spellings): AbiChange[] {
  const after = new Map(now.map((t) => [t.name, t]));
  const before = new Set(old.map((t) => t.name));
  const changes: AbiChange[] = [];
  for (const t of old) {
    const next = after.get(t.name);
    // The symbols that used it changed too, and report it; a type alone breaks nobody by leaving.
    if (!next) changes.push(cosmetic(`type ${t.name}`, 'no longer reached from the C surface'));
    else for (const c of typeChanges(t, next, types)) changes.push(c);
  }
  for (const t of now) if (!before.has(t.name)) changes.push(compatible(`type ${t.name}`, 'added to the C surface'));
  return changes;
}

function typeChanges(a: AbiType, b: AbiType, types: Spellings): AbiChange[] {
  const subject = `type ${b.name}`;
  const out: AbiChange[] = [];
  if (a.kind !== b.kind) return [breaking(subject, `was a ${a.kind}, now a ${b.kind}`)];
  if (a.repr !== b.repr) out.push(breaking(subject, `repr changed from \`${a.repr}\` to \`${b.repr}\``));
  if (a.size !== null && b.size !== null && a.size !== b.size)
    out.push(breaking(subject, `size changed from ${a.size} to ${b.size} bytes`));
  if (a.align !== null && b.align !== null && a.align !== b.align)
    out.push(breaking(subject, `alignment changed from ${a.align} to ${b.align}`));
  for (const c of fieldChanges(a, b, types)) out.push(c);
  for (const c of variantChanges(a, b)) out.push(c);
  if (a.doc !== b.doc) out.push(cosmetic(subject, 'documentation changed'));
  return out;
}

/** For a type with a C layout: every field added, removed, moved or retyped changes what C reads. */
function fieldChanges(a: AbiType, b: AbiType, types: Spellings): AbiChange[] {
  if (b.repr === 'Rust' || a.repr === 'Rust') return [];
  const out: AbiChange[] = [];
  const after = new Map(b.fields.map((f) => [f.name, f]));
  const before = new Map(a.fields.map((f) => [f.name, f]));
  for (const f of a.fields) {
    const subject = `field ${b.name}.${f.name}`;
    const next = after.get(f.name);
    if (!next) {
      const renamed = b.fields.find((g) => g.index === f.index && g.type === f.type && !before.has(g.name));
      out.push(
        renamed
          ? cosmetic(subject, `renamed to \`${renamed.name}\`: the layout is the same, C sources naming it must change`)
          : breaking(subject, 'removed'),
      );
      continue;
    }
    const retyped = spellingChange(f.type, next.type, types);
    if (retyped === 'breaking') out.push(breaking(subject, `type changed from \`${f.type}\` to \`${next.type}\``));
    else if (retyped !== null) out.push(cosmetic(subject, sameCText(f.type, next.type)));
    // A union's fields all sit at offset 0: their order is not layout.
    if (next.index !== f.index && b.kind !== 'union')
      out.push(breaking(subject, `moved from position ${f.index + 1} to ${next.index + 1}`));
    else if (f.offset !== null && next.offset !== null && f.offset !== next.offset)
      out.push(breaking(subject, `offset changed from ${f.offset} to ${next.offset}`));
  }
  for (const f of b.fields) {
    if (before.has(f.name) || a.fields.some((g) => g.index === f.index && g.type === f.type && !after.has(g.name)))
      continue;
    out.push(breaking(`field ${b.name}.${f.name}`, 'added: the layout C was built against changed'));
  }
  return out;
}

function variantChanges(a: AbiType, b: AbiType): AbiChange[] {
  const out: AbiChange[] = [];
  const after = new Map(b.variants.map((v) => [v.name, v]));
  const before = new Set(a.variants.map((v) => v.name));
  for (const v of a.variants) {
    const subject = `variant ${b.name}.${v.name}`;
    const next = after.get(v.name);
    if (!next) out.push(breaking(subject, `removed: C code may still pass or expect ${v.value}`));
    else if (next.value !== v.value)
      out.push(breaking(subject, `discriminant changed from ${v.value} to ${next.value}`));
    else if (next.fields !== v.fields)
      out.push(breaking(subject, `now has ${next.fields} field${next.fields === 1 ? '' : 's'} instead of ${v.fields}`));
  }
  for (const v of b.variants)
    if (!before.has(v.name)) out.push(compatible(`variant ${b.name}.${v.name}`, `added (= ${v.value})`));
  return out;
}

/** `ffi-guard diff`'s text: one change a line, breaking ones first, then compatible, then cosmetic, then a count. */
export function formatChanges(changes: AbiChange[]): string {
  const of = (severity: AbiChange['severity']): AbiChange[] => changes.filter((c) => c.severity === severity);
  const sorted = [...of('breaking'), ...of('compatible'), ...of('cosmetic')];
  // A name may hold a newline: each change stays on its line.
  const lines = sorted.map((c) => showInvisible(`${c.severity}: ${c.subject}: ${c.message}`));
  const nCosmetic = of('cosmetic').length;
  lines.push(
    changes.length
      ? `${changes.length} change${changes.length === 1 ? '' : 's'}: ${of('breaking').length} breaking, ${of('compatible').length} compatible${nCosmetic ? `, ${nCosmetic} cosmetic` : ''}`
      : 'no ABI changes',
  );
  return lines.join('\n') + '\n';
}
