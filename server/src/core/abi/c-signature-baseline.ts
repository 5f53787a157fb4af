import type { AbiSymbol, AbiType } from './baseline';
import type { CField, CSignature, CType } from './c-signature';
import { primCType } from './c-signature-rust';

/**
 * What a C caller sees of a symbol of an ABI baseline (abi/c-signature.ts): its types are Rust
 * spellings with aliases resolved (`*const i8`, `Option<&mut Buf>`, `[u32; 4]`), and the types it
 * reaches are in the baseline with their layouts (`type Buf struct repr=C size=16 align=8`, its
 * `field` lines with offsets). A name the baseline does not lay out is an opaque type: only a
 * pointer to it can be compared.
 */

/** The baseline's types by name, as `snapshotSignature` reads them. */
export type BaselineTypes = ReadonlyMap<string, AbiType>;

export function baselineTypes(types: readonly AbiType[]): BaselineTypes {
  return new Map(types.map((t) => [t.name, t]));
}

/** The C signature of a baseline's function or static. */
export function snapshotSignature(s: AbiSymbol, types: BaselineTypes): CSignature {
  if (s.kind === 'static')
    return { kind: 'static', abi: s.abi, params: [], ret: rustSpellingCType(s.type ?? '()', types), variadic: false };
  const variadic = s.params[s.params.length - 1] === '...';
  return {
    kind: 'function',
    abi: s.abi,
    params: (variadic ? s.params.slice(0, -1) : s.params).map((p) => rustSpellingCType(p, types)),
    ret: s.type === null ? { k: 'void' } : rustSpellingCType(s.type, types),
    variadic,
  };
}

/** Wrappers that are their one field to C. */
const TRANSPARENT = new Set(['NonZero', 'MaybeUninit', 'ManuallyDrop', 'Cell', 'UnsafeCell', 'Wrapping']);

/** The C type of a type as a baseline spells it. */
export function rustSpellingCType(spelling: string, types: BaselineTypes, stack: readonly string[] = []): CType {
  const text = spelling.trim();
  const unknown: CType = { k: 'unknown', text };
  if (stack.length > 24) return unknown;
  const sub = (t: string, s = stack): CType => rustSpellingCType(t, types, s);
  if (text === '()' || text === '!') return { k: 'void', text };
  const prim = primCType(text);
  if (prim) return prim;
  let m: RegExpExecArray | null;
  if ((m = /^\*(const|mut)\s+([\s\S]+)$/.exec(text)) || (m = /^&(?:'\w+\s+)?(mut\s+)?([\s\S]+)$/.exec(text))) {
    const mutable = m[1] === 'mut' || m[1]?.trim() === 'mut';
    return pointer(m[2], mutable, text, types, stack);
  }
  if ((m = /^\[([\s\S]+);\s*(\d+)\]$/.exec(text))) return { k: 'array', elem: sub(m[1]), len: Number(m[2]), text };
  if (/^(for<[^>]*>\s*)?(unsafe\s+)?(extern\s+"([^"]+)"\s+)?fn\s*\(/.test(text)) return fnPointer(text, types, stack);
  const named = types.get(text);
  if (named) return namedType(named, text, types, stack);
  if ((m = /^(?:[\w:]+::)?(\w+)<([\s\S]+)>$/.exec(text))) {
    const [, head, arg] = m;
    if (head === 'Box' || head === 'NonNull') return pointer(arg, true, text, types, stack);
    if (head === 'Option') {
      const inner = sub(arg);
      return inner.k === 'ptr' || inner.k === 'fn' || (/^(NonZero)</.test(arg.trim()) && inner.k === 'int')
        ? { ...inner, text }
        : unknown;
    }
    if (TRANSPARENT.has(head)) return { ...sub(arg), text };
    return unknown;
  }
  if (/^(?:[\w:]+::)?c_void$/.test(text)) return { k: 'void', text };
  return unknown;
}

function pointer(
  pointee: string,
  mutable: boolean,
  text: string,
  types: BaselineTypes,
  stack: readonly string[],
): CType {
  const p = pointee.trim();
  if (p === 'str' || /^\[[^;]*\]$/.test(p) || /^dyn\b/.test(p)) return { k: 'unknown', text };
  let to = rustSpellingCType(p, types, stack);
  if (to.k === 'fn') return { ...to, text };
  if (to.k === 'unknown') to = { k: 'opaque', name: p };
  return { k: 'ptr', to, mutable, text };
}

/** `unsafe extern "C" fn(A, B) -> R`: the parameters split at the top level. */
function fnPointer(text: string, types: BaselineTypes, stack: readonly string[]): CType {
  const m = /^(?:for<[^>]*>\s*)?(?:unsafe\s+)?(?:extern\s+"([^"]+)"\s+)?fn\s*\(/.exec(text)!;
  const abi = m[1];
  if (!abi || abi === 'Rust') return { k: 'unknown', text };
  const split = splitParams(text.slice(m[0].length));
  if (!split) return { k: 'unknown', text };
  const ret = /^\s*->\s*([\s\S]+)$/.exec(split.rest);
  const variadic = split.params[split.params.length - 1] === '...';
  const params = variadic ? split.params.slice(0, -1) : split.params;
  return {
    k: 'fn',
    sig: {
      kind: 'function',
      abi,
      params: params.map((p) => rustSpellingCType(p, types, stack)),
      ret: ret ? rustSpellingCType(ret[1], types, stack) : { k: 'void' },
      variadic,
    },
    text,
  };
}

/** `A, fn(B, C) -> D, [E; 2])…` → the top-level parameters and what follows the closing parenthesis. */
export function splitParams(text: string): { params: string[]; rest: string } | null {
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

function namedType(t: AbiType, text: string, types: BaselineTypes, stack: readonly string[]): CType {
  const repr = t.repr.split(',');
  if (t.kind === 'enum') {
    if (t.variants.some((v) => v.fields > 0)) return { k: 'unknown', text };
    const int = repr.map((r) => primCType(r)).find((c) => c?.k === 'int');
    if (int) return { ...int, text };
    return repr.includes('C') ? { k: 'int', size: 4, signed: true, text } : { k: 'opaque', name: t.name, text };
  }
  if (repr.includes('transparent')) {
    const field = t.fields.find((f) => {
      const c = rustSpellingCType(f.type, types, [...stack, t.name]);
      return !(c.k === 'void' || (c.k === 'array' && c.len === 0));
    });
    return field ? { ...rustSpellingCType(field.type, types, [...stack, t.name]), text } : { k: 'unknown', text };
  }
  if (!repr.includes('C') || t.size === null || t.align === null) return { k: 'opaque', name: t.name, text };
  if (stack.includes(t.name)) return { k: 'opaque', name: t.name, text };
  const inner = [...stack, t.name];
  const fields: CField[] = [];
  for (const f of [...t.fields].sort((a, b) => a.index - b.index)) {
    if (f.offset === null) return { k: 'unknown', text };
    const type = rustSpellingCType(f.type, types, inner);
    // Zero-sized fields take no place: C has none.
    if (/^(?:[\w:]+::)?PhantomData\b/.test(f.type) || (type.k === 'array' && type.len === 0)) continue;
    fields.push({ name: f.name, offset: f.offset, type });
  }
  return {
    k: 'record',
    tag: t.kind === 'union' ? 'union' : 'struct',
    name: t.name,
    size: t.size,
    align: t.align,
    fields,
    text,
  };
}
