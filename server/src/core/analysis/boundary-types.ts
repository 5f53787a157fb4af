import { isRustAbi, isUnsupportedAbi, WalkContext } from './boundary';
import { CItemKind, checkBoundaryType, FfiVerdict, Position } from './ffi';
import type { ExternBlockItem, FnItem, ForeignFnItem, ForeignStaticItem, TypeExpr } from '../syntax/model';
import { resolveParamType, resolveType } from '../workspace/resolve';
import { displayTy, Ty, UNIT } from '../workspace/types';
import type { ModuleScope } from '../workspace/scopes';

/** One type at the C boundary that rustc checks in full, with its verdict. */
export interface CheckedType {
  expr: TypeExpr;
  ty: Ty;
  position: Position;
  mode: CItemKind;
  verdict: FfiVerdict;
}

// Several rules look at the same signatures in one walk: check each item once in each module it stands in. An
// item of a file the editor did not change is shared by every load of its crate (`applyCfg`), and by the
// modules that read one file twice: its types are resolved in each load's module.
const memo = new WeakMap<object, { module: ModuleScope; types: CheckedType[] }>();

function memoised(item: object, module: ModuleScope, compute: () => CheckedType[]): CheckedType[] {
  let known = memo.get(item);
  if (!known || known.module !== module) {
    known = { module, types: compute() };
    memo.set(item, known);
  }
  return known.types;
}

/** The fully checked types of a C-ABI function definition (parameters, then the return type). */
export function checkedTypesOfFn(fn: FnItem, ctx: WalkContext): CheckedType[] {
  // Most functions of a crate have Rust's ABI: nothing to check, and nothing worth a memo entry each.
  if (!fn.hasBody || isRustAbi(fn.abi) || isUnsupportedAbi(fn.abi)) return NONE;
  return memoised(fn, ctx.module, () => computeFnTypes(fn, ctx));
}

/** Shared by every function with nothing to check: read, never changed. */
const NONE: CheckedType[] = [];

function computeFnTypes(fn: FnItem, ctx: WalkContext): CheckedType[] {
  const out: CheckedType[] = [];
  for (const p of fn.params) out.push(checked(p.type, ctx, 'param', 'definition'));
  if (fn.isAsync) out.push(asyncReturn(fn, ctx));
  else if (fn.ret) out.push(checked(fn.ret, ctx, 'return', 'definition'));
  return out;
}

/** The fully checked types of an `extern` block item. */
export function checkedTypesOfForeign(
  item: ForeignFnItem | ForeignStaticItem,
  block: ExternBlockItem,
  ctx: WalkContext,
): CheckedType[] {
  return memoised(item, ctx.module, () => computeForeignTypes(item, block, ctx));
}

function computeForeignTypes(
  item: ForeignFnItem | ForeignStaticItem,
  block: ExternBlockItem,
  ctx: WalkContext,
): CheckedType[] {
  if (isRustAbi(block.abi) || isUnsupportedAbi(block.abi)) return [];
  if (item.kind === 'foreign-static') return item.type ? [checked(item.type, ctx, 'static', 'declaration')] : [];
  const out = item.params.map((p) => checked(p.type, ctx, 'param', 'declaration'));
  if (item.ret) out.push(checked(item.ret, ctx, 'return', 'declaration'));
  return out;
}

/**
 * An `async fn` returns `impl Future<Output = T>`: an opaque type, reported at the written return type,
 * or just after the parameters when there is none (rustc's synthesised return type).
 */
function asyncReturn(fn: FnItem, ctx: WalkContext): CheckedType {
  const output = fn.ret ? resolveType(fn.ret, ctx.types) : UNIT;
  const ty: Ty = { k: 'opaque', text: `impl Future<Output = ${displayTy(output)}>` };
  const end = fn.paramsOrigin.span.end;
  const expr: TypeExpr = fn.ret ?? {
    kind: 'opaque-syntax',
    origin: { file: fn.paramsOrigin.file, span: { start: end, end } },
    text: '',
  };
  return { expr, ty, position: 'return', mode: 'definition', verdict: checkBoundaryType(ty, 'definition', 'return') };
}

function checked(expr: TypeExpr, ctx: WalkContext, position: Position, mode: CItemKind): CheckedType {
  const ty = position === 'param' ? resolveParamType(expr, ctx.types) : resolveType(expr, ctx.types);
  return { expr, ty, position, mode, verdict: checkBoundaryType(ty, mode, position) };
}
