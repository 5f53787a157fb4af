import { adtShape } from './ffi';
import { typeArg } from '../workspace/std-types';
import type { Ty } from '../workspace/types';
import { DataModel, HOST_MODEL } from './data-model';

/**
 * Sizes and alignments of C-compatible types for a target's data model (x86_64 Linux by default), where they are defined:
 * primitives, pointers, arrays, and `repr(C)` / `repr(transparent)` / integer-repr types of those.
 * Anything else (a Rust layout, an unknown type) has none: we never guess.
 */

export interface Layout {
  size: number;
  align: number;
}

const PRIMS: Record<string, Layout> = {
  i8: { size: 1, align: 1 },
  u8: { size: 1, align: 1 },
  bool: { size: 1, align: 1 },
  i16: { size: 2, align: 2 },
  u16: { size: 2, align: 2 },
  i32: { size: 4, align: 4 },
  u32: { size: 4, align: 4 },
  f32: { size: 4, align: 4 },
  char: { size: 4, align: 4 },
  i64: { size: 8, align: 8 },
  u64: { size: 8, align: 8 },
  f64: { size: 8, align: 8 },
  isize: { size: 8, align: 8 },
  usize: { size: 8, align: 8 },
  i128: { size: 16, align: 16 },
  u128: { size: 16, align: 16 },
};

/** A primitive's layout under a data model: pointer-sized integers, `c_long`, 64-bit alignment. */
function primLayout(ty: Ty & { k: 'prim' }, model: DataModel): Layout | null {
  if (ty.cAlias === 'long' || ty.cAlias === 'unsigned long') return { size: model.cLong, align: model.cLong };
  if (ty.name === 'isize' || ty.name === 'usize') return { size: model.pointer, align: model.pointer };
  if (ty.name === 'i64' || ty.name === 'u64' || ty.name === 'f64') return { size: 8, align: model.align64 };
  if (ty.name === 'i128' || ty.name === 'u128') return { size: 16, align: model.align128 };
  return PRIMS[ty.name] ?? null;
}

export function layoutOf(ty: Ty, model: DataModel = HOST_MODEL, depth = 0): Layout | null {
  if (depth > 32) return null;
  const POINTER: Layout = { size: model.pointer, align: model.pointer };
  switch (ty.k) {
    case 'prim':
      return primLayout(ty, model);
    case 'ptr':
    case 'ref':
    case 'fnptr':
      return POINTER;
    case 'array': {
      const n = Number(ty.len);
      const el = layoutOf(ty.inner, model, depth + 1);
      return el && Number.isInteger(n) ? { size: el.size * n, align: el.align } : null;
    }
    case 'tuple':
      return ty.elems.length === 0 ? { size: 0, align: 1 } : null;
    case 'adt':
      return adtLayout(ty, model, depth);
    default:
      return null;
  }
}

function roundUp(n: number, align: number): number {
  return Math.ceil(n / align) * align;
}

function adtLayout(ty: Ty & { k: 'adt' }, model: DataModel, depth: number): Layout | null {
  const def = ty.def;
  const POINTER: Layout = { size: model.pointer, align: model.pointer };
  if (def.source === 'std') {
    if (def.category === 'phantom') return { size: 0, align: 1 };
    if (def.name === 'Box' || def.name === 'NonNull') return POINTER;
    if (def.name === 'Option') {
      const inner = ty.args[0];
      if (
        inner &&
        (inner.k === 'ref' ||
          inner.k === 'fnptr' ||
          (inner.k === 'adt' && inner.def.source === 'std' && ['Box', 'NonNull'].includes(inner.def.name)))
      )
        return POINTER;
      if (inner && inner.k === 'adt' && inner.def.source === 'std' && inner.def.name === 'NonZero')
        return layoutOf(typeArg(inner.args, 0), model, depth + 1);
      return null;
    }
    if (def.category === 'transparent' || def.category === 'repr-c') {
      const fields = adtShape(ty).variants[0] ?? [];
      return structLayout(
        fields.map((f) => f.ty),
        false,
        model,
        depth,
      );
    }
    if (def.category === 'repr-int') return { size: 1, align: 1 };
    return null;
  }
  const repr = def.repr;
  const shape = adtShape(ty);
  let layout: Layout | null;
  if (def.item.kind === 'enum') {
    if (!shape.variants.every((v) => v.length === 0)) return null; // tagged unions: not computed
    if (repr.int) layout = primLayout({ k: 'prim', name: repr.int }, model);
    else if (repr.c) layout = { size: 4, align: 4 };
    else return null;
  } else if (repr.transparent) {
    layout = structLayout(
      (shape.variants[0] ?? []).map((f) => f.ty),
      false,
      model,
      depth,
    );
  } else if (repr.c) {
    const fields = (shape.variants[0] ?? []).map((f) => f.ty);
    layout =
      def.item.kind === 'union' ? unionLayout(fields, model, depth) : structLayout(fields, repr.packed, model, depth);
  } else return null;
  if (layout && repr.align) {
    const a = Number(repr.align);
    if (Number.isInteger(a) && a > layout.align) layout = { size: roundUp(layout.size, a), align: a };
  }
  return layout;
}

function structLayout(fields: Ty[], packed: boolean, model: DataModel, depth: number): Layout | null {
  let offset = 0;
  let align = 1;
  for (const f of fields) {
    const l = layoutOf(f, model, depth + 1);
    if (!l) return null;
    const a = packed ? 1 : l.align;
    offset = roundUp(offset, a) + l.size;
    align = Math.max(align, a);
  }
  return { size: roundUp(offset, align), align };
}

function unionLayout(fields: Ty[], model: DataModel, depth: number): Layout | null {
  let size = 0;
  let align = 1;
  for (const f of fields) {
    const l = layoutOf(f, model, depth + 1);
    if (!l) return null;
    size = Math.max(size, l.size);
    align = Math.max(align, l.align);
  }
  return { size: roundUp(size, align), align };
}

/**
 * The discriminant of each variant of a fieldless enum, as rustc assigns them: the written value, or
 * one more than the previous variant's (0 for the first). A written value we cannot evaluate (a
 * `const`, a call) is null, and so is every implicit one after it: we never guess a value C would see.
 */
export function enumDiscriminants(variants: { discriminant: string | null }[]): (bigint | null)[] {
  let next: bigint | null = 0n;
  return variants.map((v) => {
    const value = v.discriminant === null ? next : evalIntExpr(v.discriminant);
    next = value === null ? null : value + 1n;
    return value;
  });
}

/** Integer literals (`0x10`, `0b1`, `0o7`, `1_000u32`) combined with `+ - * << >> | & ^`, `!` and parentheses. */
export function evalIntExpr(text: string): bigint | null {
  const tokens = text.match(/0x[0-9a-fA-F_]+|0o[0-7_]+|0b[01_]+|\d[\d_]*|<<|>>|[-+*|&^!()]|\S/g) ?? [];
  let pos = 0;
  const literal = (t: string): bigint | null => {
    const clean = t.replace(/_/g, '');
    try {
      return clean.startsWith('0o') ? BigInt(`0o${clean.slice(2)}`) : BigInt(clean);
    } catch {
      return null;
    }
  };
  const primary = (): bigint | null => {
    const t = tokens[pos++];
    if (t === undefined) return null;
    if (t === '-') {
      const v = primary();
      return v === null ? null : -v;
    }
    if (t === '!') {
      const v = primary();
      return v === null ? null : ~v;
    }
    if (t === '(') {
      const v = binary(0);
      return tokens[pos++] === ')' ? v : null;
    }
    if (!/^\d/.test(t)) return null;
    // A type suffix (`1u8`) tokenises as a literal followed by an identifier: skip it.
    if (tokens[pos] !== undefined && /^[iu]$/.test(tokens[pos]) && /^\d/.test(tokens[pos + 1] ?? '')) pos += 2;
    else if (tokens[pos] !== undefined && /^[iu]/.test(tokens[pos])) return null;
    return literal(t);
  };
  // Rust's precedence, loosest first.
  const levels = [['|'], ['^'], ['&'], ['<<', '>>'], ['+', '-'], ['*']];
  const apply = (op: string, a: bigint, b: bigint): bigint =>
    op === '|'
      ? a | b
      : op === '^'
        ? a ^ b
        : op === '&'
          ? a & b
          : op === '<<'
            ? a << b
            : op === '>>'
              ? a >> b
              : op === '+'
                ? a + b
                : op === '-'
                  ? a - b
                  : a * b;
  const binary = (level: number): bigint | null => {
    if (level === levels.length) return primary();
    let left = binary(level + 1);
    while (left !== null && levels[level].includes(tokens[pos])) {
      const op = tokens[pos++];
      const right = binary(level + 1);
      left = right === null ? null : apply(op, left, right);
    }
    return left;
  };
  const value = binary(0);
  return pos === tokens.length ? value : null;
}
