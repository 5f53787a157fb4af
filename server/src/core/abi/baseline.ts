import type { Surface, SurfaceParam, SurfaceSymbol, SurfaceType } from './report';
import { isUnit } from '../workspace/types';
import type { AbiChange } from '../../../../protocol/abi-changes';

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
 * spelling that C cannot see is no change. Attributes follow two spaces, which no type contains.
 */

export const SNAPSHOT_FORMAT = 'ffi-abi';
export const SNAPSHOT_VERSION = 1;

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
}

/** The snapshot of a surface: the exported and imported C-ABI symbols and the types they reach. */
export function snapshotOf(surface: Surface): AbiSnapshot {
  const symbols = surface.symbols
    .filter((s) => s.abi !== 'Rust' && (s.direction === 'import' || s.exported))
    .map(abiSymbol);
  const types = surface.types.map(abiType);
  return { symbols: symbols.sort(bySymbol), types: dedupeTypes(types).sort((a, b) => compare(a.name, b.name)) };
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

/** The baseline text of a snapshot: the header line, then one line per fact. */
export function formatSnapshot(snap: AbiSnapshot): string {
  const lines = [
    `${SNAPSHOT_FORMAT} ${SNAPSHOT_VERSION}`,
    '# ABI baseline written by `ffi-guard snapshot`; compare with `ffi-guard diff --baseline FILE`.',
  ];
  for (const s of snap.symbols) lines.push(symbolLine(s));
  for (const t of snap.types) {
    lines.push(
      `type ${t.name} ${t.kind}${attrs({ repr: t.repr, size: t.size ?? '?', align: t.align ?? '?', doc: t.doc })}`,
    );
    for (const f of t.fields)
      lines.push(`field ${t.name}.${f.name}: ${f.type}${attrs({ index: f.index, offset: f.offset ?? '?' })}`);
    for (const v of t.variants)
      lines.push(`variant ${t.name}.${v.name} = ${v.value}${attrs({ fields: v.fields || null })}`);
  }
  return lines.join('\n') + '\n';
}

function symbolLine(s: AbiSymbol): string {
  const head = s.direction === 'import' ? 'import ' : '';
  const tail = attrs({ abi: s.abi, doc: s.doc });
  if (s.kind === 'static') return `${head}static ${s.mutable ? 'mut ' : ''}${s.name}: ${s.type ?? '()'}${tail}`;
  return `${head}fn ${s.name}(${s.params.join(', ')})${s.type !== null ? ` -> ${s.type}` : ''}${tail}`;
}

function attrs(values: Record<string, string | number | null>): string {
  const parts = Object.entries(values)
    .filter(([, v]) => v !== null)
    .map(([k, v]) => `${k}=${v}`);
  return parts.length ? `  ${parts.join(' ')}` : '';
}

export class SnapshotError extends Error {
  constructor(
    message: string,
    readonly line: number,
  ) {
    super(`line ${line}: ${message}`);
  }
}

/** Reads a baseline back. Throws `SnapshotError` (naming the line) on anything it does not understand. */
export function parseSnapshot(text: string): AbiSnapshot {
  const lines = text.split(/\r?\n/);
  const header = /^ffi-abi (\d+)\s*$/.exec(lines[0] ?? '');
  if (!header)
    throw new SnapshotError(`expected \`${SNAPSHOT_FORMAT} ${SNAPSHOT_VERSION}\`, the header of an ABI baseline`, 1);
  if (Number(header[1]) !== SNAPSHOT_VERSION)
    throw new SnapshotError(
      `format version ${header[1]} is not supported (this ffi-guard reads version ${SNAPSHOT_VERSION})`,
      1,
    );
  const snap: AbiSnapshot = { symbols: [], types: [] };
  const types = new Map<string, AbiType>();
  lines.forEach((raw, i) => {
    if (i === 0 || !raw.trim() || raw.startsWith('#')) return;
    const fail = (what: string): never => {
      throw new SnapshotError(`${what}: \`${raw}\``, i + 1);
    };
    const [body, attrText = ''] = splitAttrs(raw);
    const a = parseAttrs(attrText);
    const typeNamed = (name: string): AbiType => types.get(name) ?? fail(`no \`type ${name}\` line before this one`);
    let m: RegExpExecArray | null;
    if ((m = /^(import )?fn (\S+)\((.*)$/.exec(body))) {
      const { params, rest } = splitParams(m[3]) ?? fail('unbalanced parentheses');
      const ret = /^(?: -> (.+))?$/.exec(rest) ?? fail('expected `-> TYPE` or nothing after the parameters');
      snap.symbols.push({
        kind: 'fn',
        direction: m[1] ? 'import' : 'export',
        name: m[2],
        params,
        type: ret[1] ?? null,
        mutable: false,
        abi: a.abi ?? 'C',
        doc: a.doc ?? null,
      });
    } else if ((m = /^(import )?static (mut )?(\S+): (.+)$/.exec(body))) {
      snap.symbols.push({
        kind: 'static',
        direction: m[1] ? 'import' : 'export',
        name: m[3],
        params: [],
        type: m[4],
        mutable: !!m[2],
        abi: a.abi ?? 'C',
        doc: a.doc ?? null,
      });
    } else if ((m = /^type (.+) (struct|enum|union)$/.exec(body))) {
      const t: AbiType = {
        name: m[1],
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
    } else if ((m = /^field (.+)\.(\w+): (.+)$/.exec(body))) {
      const t = typeNamed(m[1]);
      t.fields.push({ name: m[2], index: num(a.index) ?? t.fields.length, type: m[3], offset: num(a.offset) });
    } else if ((m = /^variant (.+)\.(\w+) = (\S+)$/.exec(body))) {
      typeNamed(m[1]).variants.push({ name: m[2], value: m[3], fields: num(a.fields) ?? 0 });
    } else fail('not a line of an ABI baseline');
  });
  return snap;
}

function splitAttrs(line: string): [string, string?] {
  const at = line.indexOf('  ');
  return at < 0 ? [line.trimEnd()] : [line.slice(0, at), line.slice(at + 2)];
}

function parseAttrs(text: string): Record<string, string> {
  return Object.fromEntries(
    text
      .split(/\s+/)
      .filter(Boolean)
      .map((kv) => {
        const eq = kv.indexOf('=');
        return eq < 0 ? [kv, ''] : [kv.slice(0, eq), kv.slice(eq + 1)];
      }),
  );
}

function num(v: string | undefined): number | null {
  return v === undefined || v === '?' || !/^\d+$/.test(v) ? null : Number(v);
}

/** `A, fn(B, C) -> D, [E; 2])…` → the top-level parameters and what follows the closing parenthesis. */
function splitParams(text: string): { params: string[]; rest: string } | null {
  const params: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if ('([<'.includes(c)) depth++;
    else if (c === '>' && text[i - 1] === '-') continue;
    else if (')]>'.includes(c)) {
      if (depth === 0 && c === ')') {
        const last = text.slice(start, i).trim();
        if (last) params.push(last);
        return { params, rest: text.slice(i + 1) };
      }
      depth--;
    } else if (c === ',' && depth === 0) {
      params.push(text.slice(start, i).trim());
      start = i + 1;
    }
  }
  return null;
}

// ---- Diff ----

/**
 * Every difference between two snapshots, classified: breaking where a C program built against `old`
 * can misbehave with `new` (a symbol gone or renamed, a signature or ABI changed, a `repr(C)` layout
 * changed, an enum discriminant or repr changed), compatible otherwise (additions, doc changes).
 */
export function diffSurfaces(old: AbiSnapshot, now: AbiSnapshot): AbiChange[] {
  return [...diffSymbols(old.symbols, now.symbols), ...diffTypes(old.types, now.types)];
}

const breaking = (subject: string, message: string): AbiChange => ({ severity: 'breaking', subject, message });
const compatible = (subject: string, message: string): AbiChange => ({ severity: 'compatible', subject, message });

function symbolKey(s: AbiSymbol): string {
  return `${s.direction} ${s.name}`;
}

function subjectOf(s: AbiSymbol): string {
  return `${s.direction === 'import' ? 'import ' : ''}${s.kind} ${s.name}`;
}

function signature(s: AbiSymbol): string {
  return `${s.kind} ${s.direction} ${s.abi} ${s.mutable} (${s.params.join(', ')}) ${s.type}`;
}

function diffSymbols(old: AbiSymbol[], now: AbiSymbol[]): AbiChange[] {
  const before = new Map(old.map((s) => [symbolKey(s), s]));
  const after = new Map(now.map((s) => [symbolKey(s), s]));
  const added = now.filter((s) => !before.has(symbolKey(s)));
  const changes: AbiChange[] = [];
  for (const s of old) {
    const next = after.get(symbolKey(s));
    if (next) {
      for (const c of symbolChanges(s, next)) changes.push(c);
      continue;
    }
    // A removal and an addition with the same signature read as a rename; C still links to the old name.
    const renamed = added.find((a) => signature(a) === signature(s));
    if (renamed) added.splice(added.indexOf(renamed), 1);
    if (s.direction === 'import')
      changes.push(
        compatible(subjectOf(s), renamed ? `now imported as \`${renamed.name}\`` : 'no longer imported from C'),
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

function symbolChanges(a: AbiSymbol, b: AbiSymbol): AbiChange[] {
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
      if (p !== b.params[i])
        out.push(breaking(subject, `parameter ${i + 1} changed from \`${p}\` to \`${b.params[i]}\``));
    });
  if (a.type !== b.type) {
    const what = a.kind === 'static' ? 'type' : 'return type';
    out.push(breaking(subject, `${what} changed from \`${a.type ?? '()'}\` to \`${b.type ?? '()'}\``));
  }
  if (a.mutable !== b.mutable)
    out.push(breaking(subject, b.mutable ? 'became `static mut`' : 'is no longer `static mut`: C may not write it'));
  if (a.doc !== b.doc) out.push(compatible(subject, 'documentation changed'));
  return out;
}

function diffTypes(old: AbiType[], now: AbiType[]): AbiChange[] {
  const after = new Map(now.map((t) => [t.name, t]));
  const before = new Set(old.map((t) => t.name));
  const changes: AbiChange[] = [];
  for (const t of old) {
    const next = after.get(t.name);
    // The symbols that used it changed too, and report it; a type alone breaks nobody by leaving.
    if (!next) changes.push(compatible(`type ${t.name}`, 'no longer reached from the C surface'));
    else for (const c of typeChanges(t, next)) changes.push(c);
  }
  for (const t of now) if (!before.has(t.name)) changes.push(compatible(`type ${t.name}`, 'added to the C surface'));
  return changes;
}

function typeChanges(a: AbiType, b: AbiType): AbiChange[] {
  const subject = `type ${b.name}`;
  const out: AbiChange[] = [];
  if (a.kind !== b.kind) return [breaking(subject, `was a ${a.kind}, now a ${b.kind}`)];
  if (a.repr !== b.repr) out.push(breaking(subject, `repr changed from \`${a.repr}\` to \`${b.repr}\``));
  if (a.size !== null && b.size !== null && a.size !== b.size)
    out.push(breaking(subject, `size changed from ${a.size} to ${b.size} bytes`));
  if (a.align !== null && b.align !== null && a.align !== b.align)
    out.push(breaking(subject, `alignment changed from ${a.align} to ${b.align}`));
  for (const c of fieldChanges(a, b)) out.push(c);
  for (const c of variantChanges(a, b)) out.push(c);
  if (a.doc !== b.doc) out.push(compatible(subject, 'documentation changed'));
  return out;
}

/** For a type with a C layout: every field added, removed, moved or retyped changes what C reads. */
function fieldChanges(a: AbiType, b: AbiType): AbiChange[] {
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
          ? compatible(
              subject,
              `renamed to \`${renamed.name}\`: the layout is the same, C sources naming it must change`,
            )
          : breaking(subject, 'removed'),
      );
      continue;
    }
    if (next.type !== f.type) out.push(breaking(subject, `type changed from \`${f.type}\` to \`${next.type}\``));
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

/** `ffi-guard diff`'s text: one change a line, breaking ones first, then a count. */
export function formatChanges(changes: AbiChange[]): string {
  const sorted = [
    ...changes.filter((c) => c.severity === 'breaking'),
    ...changes.filter((c) => c.severity === 'compatible'),
  ];
  const lines = sorted.map((c) => `${c.severity}: ${c.subject}: ${c.message}`);
  const nBreaking = sorted.filter((c) => c.severity === 'breaking').length;
  lines.push(
    changes.length
      ? `${changes.length} change${changes.length === 1 ? '' : 's'}: ${nBreaking} breaking, ${changes.length - nBreaking} compatible`
      : 'no ABI changes',
  );
  return lines.join('\n') + '\n';
}
