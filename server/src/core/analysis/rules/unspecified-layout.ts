import type { ExplainSubject, ParityRuleMeta } from './meta';
import type { Reason } from '../ffi';
import type { Ty } from '../../workspace/types';

/** Why this workspace type has no C layout, in its own name; rustc's `#[repr(C)]` help can be followed. */
function explainLocal({ reason, typeName }: ExplainSubject): { why: string } {
  return reason === 'enum-repr'
    ? {
        why: `Rust chooses the size of \`${typeName}\`'s discriminant and the layout of its variants (it has no \`#[repr(C)]\` or integer \`#[repr]\`): the C side cannot know them, and they may change between compiler versions.`,
      }
    : {
        why: `Rust is free to reorder, pad and pack the fields of \`${typeName}\` (it has no \`#[repr(C)]\` or \`#[repr(transparent)]\`): the C side cannot know where anything is, and the layout may change between compiler versions.`,
      };
}

export const unspecifiedLayout: ParityRuleMeta = {
  id: 'unspecified-layout',
  family: 'parity',
  rustcLint: 'improper_ctypes_definitions',
  defaultSeverity: 'warning',
  certainty: 'fact',
  summary: 'A struct, enum or union without a C layout crosses the boundary.',
  fixes: ['repr', 'c-shim', 'element-repr', 'explain', 'allow-lint'],
  docs: {
    whatItDoes:
      'Flags a struct, union or enum defined in the workspace that is passed by value (or, in `extern` blocks, behind a pointer) across the C boundary without `#[repr(C)]`, `#[repr(transparent)]` or an integer `#[repr]`.',
    whyIsThisBad:
      'Rust is free to reorder, pad and pack the fields of a type without a `repr`: the C side cannot know where anything is. The layout may even change between compiler versions.',
    example:
      'struct Point { x: f64, y: f64 }\n#[no_mangle]\npub extern "C" fn norm(p: Point) -> f64 { (p.x * p.x + p.y * p.y).sqrt() }',
    useInstead:
      '#[repr(C)]\nstruct Point { x: f64, y: f64 }\n#[no_mangle]\npub extern "C" fn norm(p: Point) -> f64 { (p.x * p.x + p.y * p.y).sqrt() }',
  },
  explain: explainLocal,
  claims: (reason: Reason, ty: Ty) =>
    ['struct-layout', 'union-layout', 'enum-repr'].includes(reason) && ty.k === 'adt' && ty.def.source === 'local',
};
