/**
 * "Do these two C signatures agree?" — the one answer `abi-mismatch` (an import against an export, a
 * workspace against a baseline or a C header) and `ffi-guard diff` (a baseline against the code) share.
 *
 * Both sides are first reduced to what a C caller sees (`CType`): an integer of a size and signedness,
 * a float, `bool`, a pointer to something, a function pointer, a struct or union with its fields at
 * their offsets, an array, `void`. The Rust spelling is gone by then: `*mut T`, `&mut T`,
 * `Option<&mut T>` and `Option<NonNull<T>>` are one pointer; `const` against `mut` is no ABI
 * difference; names of parameters, fields and structs are not either. What is left is compared
 * recursively (through pointers, into structs), and each difference is said in words.
 *
 * Layouts are those of x86_64 Linux (System V), as abi/../analysis/layout.ts computes them.
 */

import type { CRecord, CSignature, CType } from '../../../../protocol/c-signature';

export type { CField, CRecord, CSignature, CType } from '../../../../protocol/c-signature';

/**
 * The calling convention an ABI string means on x86_64 Linux: `C`, `system`, `cdecl`, `sysv64`, `efiapi`'s
 * neighbours… are one convention; `-unwind` changes what a panic does, not how arguments travel.
 */
export function callingConvention(abi: string): string {
  const base = abi.replace(/-unwind$/, '');
  switch (base) {
    case 'C':
    case 'system':
    case 'cdecl':
    case 'sysv64':
      return 'sysv64';
    case 'win64':
    case 'efiapi':
      return 'win64';
    default:
      return base;
  }
}

/** The C spelling of a type for messages: its own text where the side gave one. */
export function cTypeText(t: CType): string {
  if (t.text) return t.text;
  switch (t.k) {
    case 'void':
      return 'void';
    case 'int':
      return `${t.signed ? '' : 'u'}int${t.size * 8}_t`;
    case 'bool':
      return 'bool';
    case 'float':
      return t.size === 4 ? 'float' : t.size === 8 ? 'double' : `float${t.size * 8}`;
    case 'ptr':
      return `${cTypeText(t.to)} *`;
    case 'fn':
      return `${cTypeText(t.sig.ret)} (*)(${t.sig.params.map(cTypeText).join(', ') || 'void'}${t.sig.variadic ? ', ...' : ''})`;
    case 'array':
      return `${cTypeText(t.elem)}[${t.len}]`;
    case 'record':
      return `${t.tag} ${t.name}`;
    case 'opaque':
      return t.name;
    case 'unknown':
      return t.text;
  }
}

/** Size in bytes as a C caller passes the value, or null (void, unknown, opaque). */
export function cSizeOf(t: CType): number | null {
  switch (t.k) {
    case 'int':
    case 'float':
      return t.size;
    case 'bool':
      return 1;
    case 'ptr':
    case 'fn':
      return 8;
    case 'array': {
      const e = cSizeOf(t.elem);
      return e === null ? null : e * t.len;
    }
    case 'record':
      return t.size;
    default:
      return null;
  }
}

/** `` `u32` (4 bytes) `` — a type as a message names it. */
function described(t: CType): string {
  const size = cSizeOf(t);
  return `\`${cTypeText(t)}\`${size !== null && t.k !== 'ptr' && t.k !== 'fn' ? ` (${size} byte${size === 1 ? '' : 's'})` : ''}`;
}

/** One way two signatures differ: where (`parameter 2`, `the return type`), and what each side has. */
export interface CDifference {
  /** `parameter 2`, `the return type`, `parameter 1 → field 2 (\`len\`) of \`struct Info\``… */
  where: string;
  /** What this side has there, in words. */
  here: string;
  /** What the other side has there, in words. */
  there: string;
}

/** `parameter 2 is \`u32\` (4 bytes) here, \`usize\` (8 bytes) there`. */
export function differenceText(d: CDifference, there = 'there'): string {
  return `${d.where} is ${d.here} here, ${d.there} ${there}`;
}

/**
 * Every difference a C caller would see between `here` and `there`, most significant first: the kind
 * (function or static), the calling convention, variadic, the number of parameters, each parameter
 * and the return type. Empty when they agree. Parameters of a type neither side can lay out are skipped.
 */
export function compareSignatures(here: CSignature, there: CSignature): CDifference[] {
  if (here.kind !== there.kind) return [{ where: 'the symbol', here: `a ${here.kind}`, there: `a ${there.kind}` }];
  const out: CDifference[] = [];
  if (here.kind === 'static') {
    compareTypes(here.ret, there.ret, 'the type', out, new Set());
    return out;
  }
  if (callingConvention(here.abi) !== callingConvention(there.abi))
    out.push({ where: 'the calling convention', here: `\`extern "${here.abi}"\``, there: `\`extern "${there.abi}"\`` });
  if (here.variadic !== there.variadic)
    out.push({
      where: 'the parameter list',
      here: here.variadic ? 'variadic (`...`)' : 'not variadic',
      there: there.variadic ? 'variadic (`...`)' : 'not variadic',
    });
  if (here.params.length !== there.params.length)
    out.push({
      where: 'the number of parameters',
      here: `${here.params.length} (${here.params.map((p) => `\`${cTypeText(p)}\``).join(', ') || 'none'})`,
      there: `${there.params.length} (${there.params.map((p) => `\`${cTypeText(p)}\``).join(', ') || 'none'})`,
    });
  else here.params.forEach((p, i) => compareTypes(p, there.params[i], `parameter ${i + 1}`, out, new Set()));
  compareTypes(here.ret, there.ret, 'the return type', out, new Set());
  return out;
}

/** Whether a C caller sees the same type on both sides (unknown types agree with anything). */
export function sameCType(a: CType, b: CType): boolean {
  const out: CDifference[] = [];
  compareTypes(a, b, '', out, new Set());
  return out.length === 0;
}

function compareTypes(a: CType, b: CType, where: string, out: CDifference[], seen: Set<string>): void {
  if (a.k === 'unknown' || b.k === 'unknown') return;
  const differ = (here = described(a), there = described(b)): void => {
    out.push({ where, here, there });
  };
  if (a.k !== b.k) {
    if (a.k === 'void' || b.k === 'void') {
      const what = (t: CType): string => (t.k === 'void' ? 'nothing (`void`)' : described(t));
      return differ(what(a), what(b));
    }
    // An opaque type behind a pointer is only its address: any pointee agrees with it (checked by the pointer).
    if (a.k === 'opaque' || b.k === 'opaque') return;
    return differ();
  }
  switch (a.k) {
    case 'void':
    case 'bool':
    case 'opaque':
      return;
    case 'int':
    case 'float': {
      const o = b as typeof a;
      if (a.size !== o.size || (a.k === 'int' && a.signed !== (o as typeof a).signed)) differ();
      return;
    }
    case 'ptr': {
      const o = b as typeof a;
      // `void *` takes any data pointer in C, and only the address travels.
      if (a.to.k === 'void' || o.to.k === 'void') return;
      // `const char *` against `const uint8_t *`: the same bytes, read with another sign. Strings are
      // passed both ways every day; only a different width (`u8` against `u32`) reads wrong memory.
      if (a.to.k === 'int' && o.to.k === 'int' && a.to.size === o.to.size) return;
      const before = out.length;
      compareTypes(a.to, o.to, a.to.k === 'record' ? where : `${where} (the pointee)`, out, seen);
      if (out.length > before && a.to.k !== 'record' && o.to.k !== 'record') {
        // A plain pointee mismatch reads better as the pointer itself.
        out.splice(before);
        differ();
      }
      return;
    }
    case 'fn': {
      const o = b as typeof a;
      for (const d of compareSignatures(a.sig, o.sig))
        out.push({ ...d, where: `${where} (a function pointer): ${d.where}` });
      return;
    }
    case 'array': {
      const o = b as typeof a;
      if (a.len !== o.len) return differ();
      compareTypes(a.elem, o.elem, `${where} (the element)`, out, seen);
      return;
    }
    case 'record': {
      const o = b as CRecord;
      const key = `${a.name}\u0000${o.name}`;
      if (seen.has(key)) return;
      seen.add(key);
      const name = `\`${a.tag} ${a.name}\``;
      if (a.tag !== o.tag) return differ(`a ${a.tag}`, `a ${o.tag}`);
      if (a.size !== o.size || a.align !== o.align)
        out.push({
          where: `${where} (${name})`,
          here: `${a.size} bytes aligned to ${a.align}`,
          there: `${o.size} bytes aligned to ${o.align}`,
        });
      if (a.fields.length !== o.fields.length) {
        const list = (r: CRecord): string => r.fields.map((f) => `\`${f.name}\``).join(', ') || 'none';
        out.push({
          where: `${where} (${name}): the fields`,
          here: `${a.fields.length} (${list(a)})`,
          there: `${o.fields.length} (${list(o)})`,
        });
        return;
      }
      a.fields.forEach((f, i) => {
        const g = o.fields[i];
        const at = `${where} → field ${i + 1} (\`${f.name}\`${g.name !== f.name ? ` / \`${g.name}\`` : ''}) of ${name}`;
        if (f.offset !== g.offset)
          out.push({ where: at, here: `at offset ${f.offset}`, there: `at offset ${g.offset}` });
        else compareTypes(f.type, g.type, at, out, seen);
      });
      return;
    }
  }
}
