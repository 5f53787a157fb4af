import type { FnItem } from '../syntax/model';
import { RETURN_RENDERERS } from './converters';
import type { ReturnPart, ReturnRenderer, ReturnRendering } from './converters/converter';
import { ParamPlan, PlanEnv, ReturnPlan, writeOut } from './shim-plan';

/**
 * The text of a shim from its plans: the parameters' C side and prologues, and the return part as the
 * converter owning the return plan's kind renders it (a value that needs no conversion, or none, here).
 */

export interface ShimSpec {
  fn: FnItem;
  /** How the shim calls it: `name` or `Type::name`. */
  qualified: string;
  params: ParamPlan[];
  ret: ReturnPlan;
  fallible: boolean;
  symbol: string | null;
  shimName: string;
  lifetimes: string[];
  edition: string;
  /** The shim's ABI: `C`, or the function's own (`system`, `C-unwind`). */
  abi: string;
}

/**
 * The shim: doc comment with its `# Safety` section, export attribute, signature and body; and the
 * parameters its return part adds (`out`, `out_len`); every C parameter (`name: type`) and the return type
 * as the signature writes them (`''` for none).
 */
export function renderShim(s: ShimSpec): { text: string; cParams: string[]; allParams: string[]; cRet: string } {
  const call = `${s.fn.isUnsafe ? 'unsafe { ' : ''}${s.qualified}(${s.params.map((p) => p.arg).join(', ')})${s.fn.isUnsafe ? ' }' : ''}`;
  // A return that is an `Option` of a pointer-like value: `None` is null, and `result` is the value.
  const optional = 'optional' in s.ret && !!s.ret.optional;
  const rendering: ReturnRendering = {
    call,
    value: optional ? 'result' : call,
    unwrap: optional ? [`let Some(result) = ${call} else {\n    return std::ptr::null_mut();\n};`] : [],
    fallible: s.fallible,
    writeOk: (plan) => rendererOf(plan).writeOk?.(plan, rendering) ?? [writeOut('value')],
    okOwnership: (plan) => rendererOf(plan).okOwnership?.(plan) ?? '',
  };
  const ret = rendererOf(s.ret).render(s.ret, rendering);
  const cParams = [...s.params.flatMap((p) => p.cParams), ...ret.cParams];
  const safety = [...s.params.map((p) => p.safety).filter((x): x is string => !!x), ...ret.safety];
  const prologue = s.params
    .flatMap((p) => p.prologue)
    .map((line) => line.replace(/\{ERR\}/g, ret.err).replace(/return ;/g, 'return;'));
  const attr = s.symbol
    ? s.edition === '2024'
      ? `#[unsafe(export_name = "${s.symbol}")]`
      : `#[export_name = "${s.symbol}"]`
    : null;
  const generics = s.lifetimes.length ? `<${s.lifetimes.join(', ')}>` : '';
  const docs = [
    `/// C entry point for [\`${s.qualified}\`]: the same function with C types at the boundary.`,
    '///',
    '/// # Safety',
    '///',
    ...(safety.length ? safety : ['Every pointer argument must be valid as its type says.']).map((l) => `/// ${l}`),
  ];
  const body = [...prologue, ...ret.epilogue]
    .join('\n')
    .split('\n')
    .map((l) => (l ? `    ${l}` : l));
  const text = [
    ...docs,
    ...(attr ? [attr] : []),
    `pub unsafe extern "${s.abi}" fn ${s.shimName}${generics}(${cParams.join(', ')})${ret.cRet} {`,
    ...body,
    '}',
  ].join('\n');
  return { text, cParams: ret.cParams, allParams: cParams, cRet: ret.cRet.replace(/^\s*->\s*/, '') };
}

/** The C type an `Ok` value of this plan is written as, when it is a single value (not a flag, not an array). */
export function okCType(plan: ReturnPlan): string | null {
  return rendererOf(plan).okCType?.(plan) ?? null;
}

/** Functions the shim's return value needs, generated once per crate, added to the plan's items. */
export function helperFunctions(ret: ReturnPlan, env: PlanEnv): void {
  rendererOf(ret).helpers?.(ret, env, (nested) => helperFunctions(nested, env));
}

/** No return value: the call is the last statement. */
const NONE: ReturnRenderer<ReturnPlan & { kind: 'none' }> = {
  render: (_plan, r) => ({ cParams: [], cRet: '', err: '', epilogue: [`${r.call};`], safety: [] }),
};

/**
 * A value C holds as it is, possibly after a conversion (`wrap`): returned directly, or written to `out`
 * when an argument can be rejected and the shim returns a status instead.
 */
const DIRECT: ReturnRenderer<ReturnPlan & { kind: 'direct' }> = {
  render: (plan, r): ReturnPart => {
    const value = plan.wrap ? plan.wrap(r.call) : r.call;
    if (!r.fallible) return { cParams: [], cRet: ` -> ${plan.cType}`, err: '', epilogue: [value], safety: [] };
    return {
      cParams: [`out: *mut ${plan.cType}`],
      cRet: ' -> i32',
      err: '-1',
      epilogue: [`let result = ${value};`, `if !out.is_null() {\n    unsafe { out.write(result) };\n}`, '0'],
      safety: [
        '`out` must be null or valid for a write. Returns 0, or -1 when an argument is invalid (nothing is written).',
      ],
    };
  },
  okCType: (plan) => (plan.wrap ? plan.cType : null),
  writeOk: (plan) => [writeOut(plan.wrap ? plan.wrap('value') : 'value')],
};

/** The renderer of a plan's kind. */
function rendererOf(plan: ReturnPlan): ReturnRenderer {
  const renderer = plan.kind === 'none' ? NONE : plan.kind === 'direct' ? DIRECT : RETURN_RENDERERS[plan.kind];
  if (!renderer) throw new Error(`no converter renders return plans of kind ${plan.kind}`);
  return renderer;
}
