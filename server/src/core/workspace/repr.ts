import type { Attribute } from '../syntax/model';
import type { ReprInfo } from './types';

const INT_REPRS = new Set(['u8', 'u16', 'u32', 'u64', 'u128', 'usize', 'i8', 'i16', 'i32', 'i64', 'i128', 'isize']);

/** The layout a type's `#[repr(…)]` attributes ask for; several attributes combine, as in rustc. */
export function parseRepr(attrs: Attribute[]): ReprInfo {
  const info: ReprInfo = { c: false, transparent: false, int: null, packed: false, align: null, origin: null };
  for (const a of attrs) {
    if (a.name !== 'repr' || !a.args) continue;
    info.origin ??= a.origin;
    for (let i = 0; i < a.args.length; i++) {
      const t = a.args[i];
      if (t.kind !== 'ident') continue;
      const group = a.args[i + 1]?.kind === 'group' ? a.args[i + 1] : null;
      if (t.text === 'C') info.c = true;
      else if (t.text === 'transparent') info.transparent = true;
      else if (INT_REPRS.has(t.text)) info.int = t.text;
      else if (t.text === 'packed') info.packed = true;
      else if (t.text === 'align') info.align = group?.children?.map((c) => c.text).join('') ?? null;
    }
  }
  return info;
}
