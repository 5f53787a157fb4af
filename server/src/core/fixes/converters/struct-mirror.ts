import { checkBoundaryType } from '../../analysis/ffi';
import { resolveType, scopeFor } from '../../workspace/resolve';
import type { Ty } from '../../workspace/types';
import type { PlanEnv } from '../shim-plan';
import { crateTypeModule } from '../shim-types';
import type { Converter } from './converter';

/**
 * A `#[repr(C)]` struct passed by value whose only fields C cannot hold are `char`s: it crosses field by
 * field as a generated `#[repr(C)]` mirror with a `u32` for each `char`, `From` the struct and `TryFrom`
 * back (a `u32` that is not a Unicode scalar value rejects the call). A C caller can build the mirror; an
 * opaque handle to the struct it could never obtain. A `#[repr(C)]` struct with a Rust-ABI `fn` field
 * gets no shim: the fix explains what to change where the struct is defined (`extern "C" fn`). One with
 * other Rust fields (a `String`) is left to `handle`, as any Rust value.
 *
 * ```text
 * pub extern "C" fn glyph_width(g: Glyph) -> u32  →  pub unsafe extern "C" fn glyph_width_ffi(g: GlyphC, out: *mut u32) -> i32
 * ```
 */
export const structMirror: Converter = {
  name: 'struct-mirror',
  param({ name, ty }, env) {
    const mirror = mirrorOf(ty, env);
    if (mirror === null || mirror === undefined) return mirror;
    return {
      cParams: [`${name}: ${mirror}`],
      // Spelled out: `TryFrom` is in the prelude from edition 2021 only.
      prologue: [
        `let Ok(${name}) = <${reprCStruct(ty)} as std::convert::TryFrom<${mirror}>>::try_from(${name}) else {\n    return {ERR};\n};`,
      ],
      arg: name,
      fallible: true,
      safety: null,
    };
  },
  ret({ ty }, env) {
    const mirror = mirrorOf(ty, env);
    if (mirror === null || mirror === undefined) return mirror;
    return { kind: 'direct', cType: mirror, wrap: (call) => `${mirror}::from(${call})` };
  },
};

function reprCStruct(ty: Ty): string {
  return ty.k === 'adt' && ty.def.source === 'local' ? ty.def.item.name : '';
}

/**
 * The mirror's name, generated into the plan's items unless the crate has it already. `undefined` for a
 * type that is not a local `#[repr(C)]` struct; null for one that cannot be mirrored here.
 */
function mirrorOf(ty: Ty, env: PlanEnv): string | null | undefined {
  if (ty.k !== 'adt' || ty.def.source !== 'local' || !ty.def.repr.c || ty.def.item.kind !== 'struct') return undefined;
  const def = ty.def;
  const item = def.item;
  const text = env.ctx.textOf(item.origin.file);
  const scope = scopeFor(def.module);
  const fields: { name: string; written: string; char: boolean }[] = [];
  let other = false;
  for (const f of item.fields) {
    const fieldTy = resolveType(f.type, scope);
    // A Rust-ABI fn pointer: C can neither build the struct nor call it; the fix explains instead.
    if (fieldTy.k === 'fnptr' && (fieldTy.abi === null || fieldTy.abi === 'Rust')) return null;
    const written = text?.slice(f.type.origin.span.start, f.type.origin.span.end) ?? '';
    if (fieldTy.k === 'prim' && fieldTy.name === 'char') fields.push({ name: f.name ?? '', written, char: true });
    else if (fieldTy.k !== 'ref' && checkBoundaryType(fieldTy, 'definition', 'static').kind === 'safe')
      fields.push({ name: f.name ?? '', written, char: false });
    else other = true;
  }
  // Other Rust fields (a `String`): an opaque handle, as for any Rust value (`handle`).
  if (other || !fields.some((f) => f.char)) return undefined;
  // The mirror names its fields' types as written, from the shim's module: only a struct defined there, plainly.
  if (def.module !== env.walk.module || item.generics.length || item.shape !== 'struct' || text === undefined)
    return null;
  if (item.fields.some((f) => f.attrs.some((a) => a.name === 'cfg' || a.name === 'cfg_attr'))) return null;
  const name = `${item.name}C`;
  if (crateTypeModule(env.walk, name) || env.items.has(name)) return name;
  if (env.taken.has(name)) return null;
  env.taken.add(name);
  const field = (f: (typeof fields)[number]): string => `    pub ${f.name}: ${f.char ? 'u32' : f.written},`;
  env.items.set(name, {
    key: name,
    text: [
      `/// [\`${item.name}\`] as C builds it: the same fields in the same order, each \`char\` as a \`u32\`.`,
      '#[repr(C)]',
      `pub struct ${name} {`,
      ...fields.map(field),
      '}',
      '',
      `impl From<${item.name}> for ${name} {`,
      `    fn from(v: ${item.name}) -> Self {`,
      `        Self { ${fields.map((f) => (f.char ? `${f.name}: u32::from(v.${f.name})` : `${f.name}: v.${f.name}`)).join(', ')} }`,
      '    }',
      '}',
      '',
      `impl std::convert::TryFrom<${name}> for ${item.name} {`,
      '    type Error = ();',
      '',
      '    /// Fails when a `char` field is not a Unicode scalar value.',
      `    fn try_from(v: ${name}) -> Result<Self, ()> {`,
      `        Ok(Self { ${fields.map((f) => (f.char ? `${f.name}: std::primitive::char::from_u32(v.${f.name}).ok_or(())?` : `${f.name}: v.${f.name}`)).join(', ')} })`,
      '    }',
      '}',
    ].join('\n'),
  });
  return name;
}
