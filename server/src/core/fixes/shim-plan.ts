import type { WalkContext } from '../analysis/boundary';
import type { CheckedType } from '../analysis/boundary-types';
import { checkBoundaryType, isSized, is1Zst } from '../analysis/ffi';
import type { FixContext } from './edits';
import type { TypeExpr } from '../syntax/model';
import { resolvePath } from '../workspace/resolve';
import { crateTypeModule, FFI_OPTION, ffiOption, ffiResult, GeneratedItem, pathFrom } from './shim-types';
import type { Ty } from '../workspace/types';

/**
 * What the conversions of a shim share: the plan of one parameter and of the return value, the
 * environment a plan is made in (options, generated items, names taken), and helpers reading written
 * types (aliases looked through, generic arguments of `Option`/`Result`/`Vec`/`Box`).
 */

export const C_CHAR = 'std::ffi::c_char';
export const C_VOID = 'std::ffi::c_void';

/** Which alternative conversions a plan uses. */
export interface ShimOptions {
  /** `&str`/`String` parameters as `*const u8` + length. */
  strAsPtrLen?: boolean;
  /** `Option`/`Result` as `FfiOption`/`FfiResult`. */
  tagged?: boolean;
}

/** What one plan needs besides itself: options it used, types it names, items to generate. */
export interface PlanEnv {
  options: ShimOptions;
  used: Set<keyof ShimOptions>;
  /** The written type of an expression, `Self` replaced by the impl's type. */
  src: (e: TypeExpr) => string;
  walk: WalkContext;
  ctx: FixContext;
  /** Items to generate after the shim, by name. */
  items: Map<string, GeneratedItem>;
  /** Names this plan has taken in the module. */
  taken: Set<string>;
  /** `MinMax`, `PointSplit`: the prefix of generated type names. */
  label: string;
  exportAttr: (name: string) => string;
  /** The converters again, for conversions that nest (an `Option` of a string, the `Ok` of a `Result`). */
  planParam: (name: string, expr: TypeExpr, checked: CheckedType) => ParamPlan | null;
  planReturn: (checked: CheckedType, expr: TypeExpr) => ReturnPlan | null;
  /** The C type an `Ok` value of this plan is written as, for a `Result` of it (null: it cannot be). */
  okCType: (plan: ReturnPlan) => string | null;
}

export interface ParamPlan {
  /** Parameters of the shim for this one (`name: *const c_char`, or pointer + length). */
  cParams: string[];
  /** Statements that bind `name` to the Rust value, returning `{ERR}` on bad input. */
  prologue: string[];
  arg: string;
  fallible: boolean;
  safety: string | null;
}

export type ReturnPlan =
  | { kind: 'none' }
  /** `wrap`: the conversion of the Rust value to `cType` (`MinMaxOutput::from(…)`). */
  | { kind: 'direct'; cType: string; wrap?: (call: string) => string }
  /** `optional`: the Rust function returns an `Option` of it, and `None` becomes null. */
  /** `utf8`: how the value becomes an `Option` of UTF-8 text (OS strings and paths), when it is not text already. */
  | { kind: 'owned-string'; free: string; boxed: boolean; optional?: boolean; utf8?: (value: string) => string }
  | { kind: 'owned-slice'; free: string; elem: string; boxed: boolean; optional?: boolean }
  /** `map`: turns the payload into `cType` (`u32::from` for a `char`). */
  | { kind: 'option'; cType: string; map?: string }
  /** A borrowed or raw slice (or `str`) returned as its first element's pointer, the length written to `out_len`. */
  | { kind: 'raw-slice'; elem: string; mutable: boolean; str: boolean; raw: boolean }
  /** A Rust value returned as an opaque `*mut T` handle from `Box::into_raw`. */
  | { kind: 'boxed'; written: string; free: string; optional?: boolean }
  /**
   * `cType`: the out-parameter's pointee. `ok`: the plan of an `Ok` value that needs converting (a string,
   * a handle, a vector), whose C form is written to `out` (and its length to `out_len`).
   */
  | { kind: 'result'; cType: string | null; ok?: ReturnPlan }
  | { kind: 'char' }
  /** An array returned by value: written to a caller's buffer. */
  | { kind: 'array-out'; elem: string; array: string; len: string; map?: string }
  | { kind: 'handle'; free: string; trait: string; dyn: string; optional?: boolean };

/** A name for a generated type, free in the module and in this plan. */
export function typeName(base: string, env: PlanEnv): string {
  let name = base;
  for (let n = 2; env.taken.has(name); n++) name = `${base}${n}`;
  env.taken.add(name);
  return name;
}

/** `FfiOption` / `FfiResult` as the shim's module names it, generated here when the crate has none. */
export function taggedType(name: string, env: PlanEnv): string {
  env.used.add('tagged');
  const module = crateTypeModule(env.walk, name);
  if (module) return pathFrom(env.walk, module, name);
  const item = name === FFI_OPTION ? ffiOption() : ffiResult();
  env.items.set(item.key, item);
  return name;
}

export function isStd(ty: Ty, name: string): boolean {
  return ty.k === 'adt' && ty.def.source === 'std' && ty.def.name === name;
}

export const NOT_HANDLES = new Set(['Option', 'Result', 'Box', 'Vec', 'String', 'CString']);

/** Sized Rust types without a C conversion: they cross as `*mut T` from `Box::into_raw`. */
export function isHandleType(ty: Ty): boolean {
  if (ty.k !== 'adt' || !isSized(ty) || is1Zst(ty)) return false;
  return ty.def.source === 'local' || (ty.def.category !== 'phantom' && !NOT_HANDLES.has(ty.def.name));
}

/**
 * The type a local alias stands for (`type Bytes<'a> = &'a [u8]`), so conversions see its shape. Only
 * aliases of the shim's module without type parameters: their text names the same types there.
 */
export function expandAlias(expr: TypeExpr, env: PlanEnv, depth = 0): TypeExpr {
  if (depth > 8 || expr.kind !== 'path' || expr.path.qualified) return expr;
  const resolved = resolvePath(
    env.walk.module,
    expr.path.segments.map((s) => s.name),
    expr.path.global,
  );
  if (resolved?.kind !== 'type' || resolved.entry.kind !== 'alias' || resolved.entry.module !== env.walk.module)
    return expr;
  const alias = resolved.entry.item;
  if (!alias.type || alias.generics.some((g) => g.kind === 'const')) return expr;
  // `type Pair<A, B = A> = (A, B)` written `Pair<u8>`: `(u8, u8)`, its parts written where the alias is used.
  const params = alias.generics.filter((g) => g.kind === 'type');
  const args = expr.path.segments[expr.path.segments.length - 1].args?.types ?? [];
  const map = new Map<string, TypeExpr>();
  for (const [i, g] of params.entries()) {
    const arg = args[i] ?? (g.defaultType ? substitute(g.defaultType, map) : null);
    if (!arg) return expr;
    map.set(g.name, arg);
  }
  return expandAlias(map.size ? substitute(alias.type, map) : alias.type, env, depth + 1);
}

/** Type expressions built by substituting an alias's parameters: their text is rebuilt, not read from one place. */
export const SYNTHESIZED = new WeakSet<TypeExpr>();

export function substitute(e: TypeExpr, map: Map<string, TypeExpr>): TypeExpr {
  const made = (x: TypeExpr): TypeExpr => {
    SYNTHESIZED.add(x);
    return x;
  };
  switch (e.kind) {
    case 'path': {
      const [only] = e.path.segments;
      if (!e.path.global && e.path.segments.length === 1 && !only.args && map.has(only.name))
        return map.get(only.name)!;
      const segments = e.path.segments.map((seg) =>
        seg.args ? { ...seg, args: { ...seg.args, types: seg.args.types.map((t) => substitute(t, map)) } } : seg,
      );
      return made({ ...e, path: { ...e.path, segments } });
    }
    case 'ref':
    case 'ptr':
    case 'slice':
    case 'array':
      return made({ ...e, inner: substitute(e.inner, map) });
    case 'tuple':
      return made({ ...e, elems: e.elems.map((t) => substitute(t, map)) });
    case 'fnptr':
      return made({
        ...e,
        fn: {
          ...e.fn,
          params: e.fn.params.map((t) => substitute(t, map)),
          ret: e.fn.ret ? substitute(e.fn.ret, map) : e.fn.ret,
        },
      });
    default:
      return e;
  }
}

/**
 * A type written over several lines, on one (it goes into doc comments). Each run of white space is matched
 * once, whole: a pattern that may start anywhere in a run and fail at its end is quadratic in its length.
 */
export function oneLine(written: string): string {
  return written
    .replace(/\/\/[^\n]*/g, '')
    .replace(/\s+/g, (run) => (run.includes('\n') ? ' ' : run))
    .replace(/<\s+/g, '<')
    .replace(/,?\s+(?=(>)?)/g, (run, closing?: string) => (closing ? '' : run));
}

/** The pointee of a written pointer or reference type. */
export function pointee(expr: TypeExpr): TypeExpr | null {
  return expr.kind === 'ptr' || expr.kind === 'ref' ? expr.inner : null;
}

export function sliceElem(expr: TypeExpr | null): TypeExpr | null {
  return expr?.kind === 'slice' ? expr.inner : null;
}

/** Rust source naming `ty` in the shim's module: the written text when there is one, else built for simple types. */
export function rustText(ty: Ty, expr: TypeExpr | null, env: PlanEnv): string | null {
  if (expr) return env.src(expr);
  if (ty.k === 'prim') return ty.name;
  if (ty.k === 'adt' && ty.def.source === 'local' && !ty.args.length)
    return pathFrom(env.walk, ty.def.module, ty.def.item.name);
  return null;
}

export function boxArg(expr: TypeExpr): TypeExpr | null {
  return stdArgs(expr)?.[0] ?? null;
}

/** A value C can hold by value (the element of a slice, the payload of an Option). */
export function elementIsSafe(ty: Ty): boolean {
  return checkBoundaryType(ty, 'definition', 'static').kind === 'safe' && ty.k !== 'ref';
}

export function genericArg(expr: TypeExpr, index: number, env: PlanEnv): string | null {
  const arg = stdArgs(expr)?.[index];
  return arg ? env.src(arg) : null;
}

/**
 * The generic arguments written on `Option<…>`, `Result<…>`, `Vec<…>` or `Box<…>`. Not on a generic alias
 * (`Nested<&u8>` for `Option<Result<&u8, ()>>`), whose arguments are not those of the type it stands for.
 */
export function stdArgs(expr: TypeExpr): TypeExpr[] | null {
  if (expr.kind !== 'path') return null;
  const last = expr.path.segments[expr.path.segments.length - 1];
  return ['Option', 'Result', 'Vec', 'Box'].includes(last.name) ? (last.args?.types ?? null) : null;
}

/** Writes `expr` to the out-parameter `out`, unless C passed null. */
export function writeOut(expr: string): string {
  return `if !out.is_null() {\n    unsafe { out.write(${expr}) };\n}`;
}

/** `let result = …;`, unless `…` is `result` already (an unwrapped `Option`). */
export function bindResult(expr: string): string[] {
  return expr === 'result' ? [] : [`let result = ${expr};`];
}

/** Whether the crate defines a function of this name (a free function generated by an earlier fix). */
export function crateHasFn(walk: WalkContext, name: string): boolean {
  return walk.crate.modules.some((m) => m.items.some((i) => i.kind === 'fn' && i.name === name));
}
