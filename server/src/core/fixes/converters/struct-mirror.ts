import { checkBoundaryType } from '../../analysis/ffi';
import type { WalkContext } from '../../analysis/boundary';
import type { AdtItem } from '../../syntax/model';
import { resolveType, scopeFor } from '../../workspace/resolve';
import type { ModuleScope } from '../../workspace/scopes';
import type { Ty } from '../../workspace/types';
import type { PlanEnv } from '../shim-plan';
import { crateTypeModule, pathFrom } from '../shim-types';
import type { Converter } from './converter';

/**
 * A `#[repr(C)]` struct passed by value whose only fields C cannot hold are `char`s: it crosses field by
 * field as a generated `#[repr(C)]` mirror with a `u32` for each `char`, `From` the struct and `TryFrom`
 * back (a `u32` that is not a Unicode scalar value rejects the call). A C caller can build the mirror; an
 * opaque handle to the struct it could never obtain. A `#[repr(C)]` struct with a Rust-ABI `fn` field
 * gets no shim: the fix explains what to change where the struct is defined (`extern "C" fn`). One with
 * other Rust fields (a `String`) is left to `handle`, as any Rust value. The struct may be defined in another
 * module or file, where the shim's module can name it and its fields (`crate::geo::Glyph`); the mirror is
 * generated beside the shim.
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
        `let Ok(${name}) = <${reprCStruct(ty, env.walk)} as std::convert::TryFrom<${mirror}>>::try_from(${name}) else {\n    return {ERR};\n};`,
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

/** How the shim's module names the struct. */
function reprCStruct(ty: Ty, walk: WalkContext): string {
  return ty.k === 'adt' && ty.def.source === 'local' ? pathFrom(walk, ty.def.module, ty.def.item.name) : '';
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
    // The mirror is written in the shim's module: a field's type as written there must name the same type.
    const here = resolveType(f.type, env.walk.types);
    const written =
      def.module === env.walk.module || sameType(here, fieldTy)
        ? (text?.slice(f.type.origin.span.start, f.type.origin.span.end) ?? '')
        : fieldTy.k === 'adt' && fieldTy.def.source === 'local' && !fieldTy.args.length
          ? pathFrom(env.walk, fieldTy.def.module, fieldTy.def.item.name)
          : null;
    if (written === null) return null;
    if (fieldTy.k === 'prim' && fieldTy.name === 'char') fields.push({ name: f.name ?? '', written, char: true });
    else if (fieldTy.k !== 'ref' && checkBoundaryType(fieldTy, 'definition', 'static').kind === 'safe')
      fields.push({ name: f.name ?? '', written, char: false });
    else other = true;
  }
  // Other Rust fields (a `String`): an opaque handle, as for any Rust value (`handle`).
  if (other || !fields.some((f) => f.char)) return undefined;
  // A plain struct, which the shim's module can name and whose fields it can read and set.
  if (item.generics.length || item.shape !== 'struct' || text === undefined) return null;
  if (def.module !== env.walk.module && !reachable(item, def.module, env.walk.module, text)) return null;
  if (item.fields.some((f) => f.attrs.some((a) => a.name === 'cfg' || a.name === 'cfg_attr'))) return null;
  const name = `${item.name}C`;
  const existing = crateTypeModule(env.walk, name);
  if (existing) return pathFrom(env.walk, existing, name);
  if (env.items.has(name)) return name;
  const own = pathFrom(env.walk, def.module, item.name);
  if (env.taken.has(name)) return null;
  env.taken.add(name);
  const field = (f: (typeof fields)[number]): string => `    pub ${f.name}: ${f.char ? 'u32' : f.written},`;
  env.items.set(name, {
    key: name,
    text: [
      `/// [\`${item.name}\`]${own === item.name ? '' : `(${own})`} as C builds it: the same fields in the same order, each \`char\` as a \`u32\`.`,
      '#[repr(C)]',
      `pub struct ${name} {`,
      ...fields.map(field),
      '}',
      '',
      `impl From<${own}> for ${name} {`,
      `    fn from(v: ${own}) -> Self {`,
      `        Self { ${fields.map((f) => (f.char ? `${f.name}: u32::from(v.${f.name})` : `${f.name}: v.${f.name}`)).join(', ')} }`,
      '    }',
      '}',
      '',
      `impl std::convert::TryFrom<${name}> for ${own} {`,
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

/** Whether two resolved types are the same type (the same definitions, arguments and shape). */
function sameType(a: Ty, b: Ty): boolean {
  if (a.k !== b.k) return false;
  switch (a.k) {
    case 'adt': {
      const o = b as typeof a;
      return a.def === o.def && a.args.length === o.args.length && a.args.every((x, i) => sameType(x, o.args[i]));
    }
    case 'prim':
      return a.name === (b as typeof a).name;
    case 'ptr':
    case 'ref': {
      const o = b as typeof a;
      return a.mutable === o.mutable && sameType(a.inner, o.inner);
    }
    case 'array': {
      const o = b as typeof a;
      return a.len === o.len && sameType(a.inner, o.inner);
    }
    case 'fnptr': {
      const o = b as typeof a;
      return (
        a.abi === o.abi &&
        a.params.length === o.params.length &&
        a.params.every((x, i) => sameType(x, o.params[i])) &&
        sameType(a.ret, o.ret)
      );
    }
    case 'tuple': {
      const o = b as typeof a;
      return a.elems.length === o.elems.length && a.elems.every((x, i) => sameType(x, o.elems[i]));
    }
    case 'foreign-safe':
      return a.text === (b as typeof a).text;
    default:
      return false;
  }
}

/**
 * Whether code in `from` can name a struct defined in `module` and read and set each of its fields: the
 * struct, every module on its path and every field is public, or private to a module `from` is inside.
 */
function reachable(item: AdtItem, module: ModuleScope, from: ModuleScope, text: string): boolean {
  const inside = (m: ModuleScope): boolean => {
    for (let x: ModuleScope | null = from; x; x = x.parent) if (x === m) return true;
    return false;
  };
  if (item.visibility === 'private' && !inside(module)) return false;
  for (let m: ModuleScope | null = module; m?.parent; m = m.parent) {
    if (m.isBlock) return false;
    const decl = m.parent.items.find((i) => i.kind === 'mod' && i.name === m.name);
    if (decl?.visibility === 'private' && !inside(m.parent)) return false;
  }
  // `pub` or `pub(crate)` before the field's name: visible from anywhere in the crate.
  return (
    inside(module) ||
    item.fields.every((f) =>
      /^\s*(?:#\[[^\]]*\]\s*)*pub(?:\s*\(\s*crate\s*\))?\s+[A-Za-z_]/.test(
        text.slice(f.origin.span.start, f.type.origin.span.start),
      ),
    )
  );
}
