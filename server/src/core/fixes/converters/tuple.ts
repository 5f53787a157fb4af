import type { TypeExpr } from '../../syntax/model';
import type { Ty } from '../../workspace/types';
import { camel, convertingTupleStruct, ElemConv, tupleStruct } from '../shim-types';
import { elementIsSafe, PlanEnv, typeName } from '../shim-plan';
import type { Converter } from './converter';

/**
 * Tuples, which have no C layout: a generated `#[repr(C)]` struct with one field per element and `From`
 * both ways stands for the tuple, as a parameter and as a return value. Elements that are `char`s cross as
 * `u32` (checked coming in), nested tuples as their own structs.
 *
 * ```text
 * pub extern "C" fn min_max(a: i32, b: i32) -> (i32, i32)  →  #[repr(C)] pub struct MinMaxOutput { pub _0: i32, pub _1: i32 }
 *                                                             pub unsafe extern "C" fn min_max_ffi(a: i32, b: i32) -> MinMaxOutput
 * ```
 */
export const tuple: Converter = {
  name: 'tuple',
  param({ name, ty, expr, written }, env) {
    if (ty.k !== 'tuple' || expr.kind !== 'tuple' || !ty.elems.length) return undefined;
    if (ty.elems.every(elementIsSafe)) {
      const struct = typeName(`${env.label}${camel(name)}`, env);
      const item = tupleStruct(struct, expr.elems.map(env.src), `Parameter \`${name}\``);
      env.items.set(item.key, item);
      return {
        cParams: [`${name}: ${struct}`],
        prologue: [`let ${name}: ${written} = ${name}.into();`],
        arg: name,
        fallible: false,
        safety: null,
      };
    }
    const converted = tupleConv(ty, expr, `${env.label}${camel(name)}`, `Parameter \`${name}\``, env);
    if (!converted) return undefined;
    return {
      cParams: [`${name}: ${converted.c}`],
      prologue: [
        converted.fallible
          ? `let Ok(${name}) = <${converted.rust} as std::convert::TryFrom<_>>::try_from(${name}) else {\n    return {ERR};\n};`
          : `let ${name}: ${converted.rust} = ${name}.into();`,
      ],
      arg: name,
      fallible: converted.fallible,
      safety: converted.fallible
        ? `Every \`char\` in \`${name}\` must be a Unicode scalar value (else the call is rejected).`
        : null,
    };
  },
  ret({ ty, expr }, env) {
    if (ty.k !== 'tuple' || expr.kind !== 'tuple') return undefined;
    if (ty.elems.every(elementIsSafe)) {
      const struct = typeName(`${env.label}Output`, env);
      const item = tupleStruct(struct, expr.elems.map(env.src), 'The return value');
      env.items.set(item.key, item);
      return { kind: 'direct', cType: struct, wrap: (call) => `${struct}::from(${call})` };
    }
    if (!ty.elems.length) return undefined;
    const converted = tupleConv(ty, expr, `${env.label}Output`, 'The return value', env);
    return converted ? { kind: 'direct', cType: converted.c, wrap: (call) => converted.toC(call) } : undefined;
  },
};

/**
 * A tuple whose elements are C values, `char`s or such tuples, as a generated struct (one per nested
 * tuple). Null when an element is anything else.
 */
function tupleConv(
  ty: Ty & { k: 'tuple' },
  expr: TypeExpr & { kind: 'tuple' },
  base: string,
  what: string,
  env: PlanEnv,
  depth = 0,
): ElemConv | null {
  if (depth > 4) return null;
  const elems: ElemConv[] = [];
  for (const [i, t] of ty.elems.entries()) {
    const e = expr.elems[i];
    const rust = env.src(e);
    if (t.k === 'prim' && t.name === 'char') {
      elems.push({
        rust,
        c: 'u32',
        toC: (v) => `u32::from(${v})`,
        fromC: (v) => `std::primitive::char::from_u32(${v})`,
        fallible: true,
      });
    } else if (t.k === 'tuple' && e.kind === 'tuple' && t.elems.length) {
      const inner = tupleConv(t, e, `${base}${i}`, `Element ${i} of ${what.toLowerCase()}`, env, depth + 1);
      if (!inner) return null;
      elems.push(inner);
    } else if (elementIsSafe(t)) {
      elems.push({ rust, c: rust, toC: (v) => v, fromC: (v) => v, fallible: false });
    } else return null;
  }
  const name = typeName(base, env);
  const item = elems.every((e) => e.c === e.rust)
    ? tupleStruct(
        name,
        elems.map((e) => e.rust),
        what,
      )
    : convertingTupleStruct(name, elems, what);
  env.items.set(item.key, item);
  const rust = env.src(expr);
  const fallible = elems.some((e) => e.fallible);
  return {
    rust,
    c: name,
    toC: (v) => `${name}::from(${v})`,
    fromC: (v) => (fallible ? `<${rust} as std::convert::TryFrom<_>>::try_from(${v}).ok()` : `${v}.into()`),
    fallible,
  };
}
