import { exportAttribute, linkName, WalkContext } from '../analysis/boundary';
import { checkedTypesOfFn } from '../analysis/boundary-types';
import { cfgVariantsRefusal, explanation, externClause, Fix, FixContext, indentOf, TextEdit } from './edits';
import type { FnItem, ImplItem, Origin } from '../syntax/model';
import type { ModuleScope } from '../workspace/scopes';
import { camel, FFI_OPTION, FFI_RESULT, receiverOf, snake } from './shim-types';
import { ParamPlan, PlanEnv, ShimOptions, SYNTHESIZED } from './shim-plan';
import { planParam, planReturn } from './converters';
import { selfByValue } from './converters/handle';
import { helperFunctions, okCType, renderShim } from './shim-render';
import { typeText } from '../workspace/resolve';
import type { Ty } from '../workspace/types';

/**
 * Boundary conversions as a generated shim. The idiomatic function keeps its name, body and Rust
 * signature and loses its export attributes and its `extern`; a new `extern "C"` function
 * `<name>_ffi` exported under the original symbol takes C types, converts them (checking nulls, UTF-8,
 * `char` validity) and calls it. Conversions that can fail make the shim return early: nothing for a
 * `()` function, null for a pointer, `false` for a flag, -1 for a status code.
 *
 * A method of an inherent `impl` gets its shim as a free function after the impl block, named
 * `<type>_<method>_ffi` and calling `Type::method(..)`; a `&self` / `&mut self` receiver becomes a
 * `this: *const Type` / `*mut Type` parameter, null checked; `self` by value is passed as it is, or as a
 * handle when C cannot hold it. The conversions themselves: one converter per kind of type in converters/
 * (the table in converters/index.ts); the text: shim-render.ts.
 *
 * Besides the preferred shim, two alternatives are offered (not preferred) where they apply: strings as
 * pointer + length (`*const u8`, `usize`) instead of NUL-terminated, and `Option` / `Result` as the
 * generated `#[repr(C)]` tagged types `FfiOption` / `FfiResult` instead of flags and out-parameters.
 */

/** The method's impl block, when `fn` is a method of a plain inherent impl we can name. */
interface Owner {
  impl: ImplItem;
  selfText: string;
  /** `&self`, `&mut self`, `self`. */
  receiver: 'ref' | 'mut' | 'value' | null;
}

/**
 * The shim fixes for a function whose signature rustc rejects: the preferred one first, then the
 * alternatives that differ from it. Empty when we cannot convert it. The caller checks `usedAsValue` first:
 * a shim takes the function's `extern "C"` away from its uses as a pointer.
 */
export function planShims(fn: FnItem, walk: WalkContext, ctx: FixContext): Fix[] {
  const text = ctx.textOf(fn.origin.file);
  const variants = text === undefined ? null : cfgVariantsRefusal(fn, text);
  if (variants) return [explanation(variants)];
  const out: Fix[] = [];
  const planned = planShim(fn, walk, ctx, {});
  if (planned && 'refused' in planned) return [explanation(planned.refused)];
  const main = planned;
  if (main) out.push(main.fix);
  for (const options of [{ strAsPtrLen: true }, { tagged: true }] as ShimOptions[]) {
    const planned = planShim(fn, walk, ctx, options);
    const alt = planned && 'fix' in planned ? planned : null;
    const same = main && JSON.stringify(alt?.fix.edits) === JSON.stringify(main.fix.edits);
    if (alt && alt.used.size && !same)
      out.push({ ...alt.fix, preferred: !main && !out.length ? alt.fix.preferred : false });
  }
  return out;
}

/** True when the signature holds a trait object: no conversion keeps its meaning. */
export function hasTraitObject(fn: FnItem, walk: WalkContext): boolean {
  return checkedTypesOfFn(fn, walk).some((c) => c.verdict.kind === 'unsafe' && mentionsDyn(c.ty));
}

function mentionsDyn(t: Ty): boolean {
  if (t.k === 'dyn') return true;
  if (t.k === 'ref' || t.k === 'ptr' || t.k === 'slice' || t.k === 'array') return mentionsDyn(t.inner);
  if (t.k === 'adt') return t.args.some(mentionsDyn);
  if (t.k === 'tuple') return t.elems.some(mentionsDyn);
  return false;
}

function ownerOf(fn: FnItem, walk: WalkContext, text: string): Owner | null | undefined {
  if (walk.container === 'free') return null;
  if (walk.container !== 'impl') return undefined;
  const impl = walk.module.items.find((i): i is ImplItem => i.kind === 'impl' && i.items.includes(fn));
  if (!impl || impl.traitName !== null || impl.generics.length || !impl.selfType || impl.origin.file !== fn.origin.file)
    return undefined;
  const selfText = text.slice(impl.selfType.origin.span.start, impl.selfType.origin.span.end);
  // A plain path, with concrete generic arguments (`impl Wrapper<String>`) at most.
  if (!/^[A-Za-z_]\w*(::[A-Za-z_]\w*)*(<[\w\s,:<>&']*>)?$/.test(selfText)) return undefined;
  const params = text.slice(fn.paramsOrigin.span.start, fn.paramsOrigin.span.end);
  const receiver = fn.selfParam
    ? (receiverOf(fn, text) ?? (/^\(\s*(mut\s+)?self\s*[,)]/.test(params) ? 'value' : null))
    : null;
  if (fn.selfParam && !receiver) return undefined;
  return { impl, selfText, receiver };
}

function planShim(
  fn: FnItem,
  walk: WalkContext,
  ctx: FixContext,
  options: ShimOptions,
): { fix: Fix; used: Set<keyof ShimOptions> } | { refused: string } | null {
  if (fn.fromMacro || fn.generics.some((g) => g.kind !== 'lifetime') || fn.hasImplTraitArg) return null;
  const text = ctx.textOf(fn.origin.file);
  if (text === undefined) return null;
  const owner = ownerOf(fn, walk, text);
  if (owner === undefined) return null;
  const typeName = owner ? owner.selfText.replace(/<.*$/s, '').split('::').pop()! : null;
  // `Wrapper<String>::f` is not an expression; `<Wrapper<String>>::f` is.
  const qualified = owner
    ? owner.selfText.includes('<')
      ? `<${owner.selfText}>::${fn.name}`
      : `${owner.selfText}::${fn.name}`
    : fn.name;
  // `Counter::new` → `counter_new`; `Counter::counter_new` stays `counter_new`.
  const bare = fn.name.replace(/^r#/, ''); // `r#loop` → `loop_ffi`
  const base = owner && !bare.startsWith(`${snake(typeName!)}_`) ? `${snake(typeName!)}_${bare}` : bare;
  const env: PlanEnv = {
    options,
    used: new Set(),
    src: (e) => {
      // An alias's definition may be in another file of the module (`include!`); a substituted alias has no single text.
      const written = SYNTHESIZED.has(e)
        ? typeText(e)
        : (ctx.textOf(e.origin.file) ?? text).slice(e.origin.span.start, e.origin.span.end);
      return owner ? written.replace(/\bSelf\b/g, owner.selfText) : written;
    },
    walk,
    ctx,
    items: new Map(),
    taken: new Set(walk.module.items.map((i) => i.name)),
    label: camel(base),
    exportAttr: (name) => (ctx.edition === '2024' ? `#[unsafe(export_name = "${name}")]` : `#[no_mangle]`),
    planParam: (name, expr, checked) => planParam(name, expr, checked, env),
    planReturn: (checked, expr) => planReturn(checked, expr, env),
    okCType,
  };
  const checked = checkedTypesOfFn(fn, walk);
  const params: ParamPlan[] = [];
  if (owner?.receiver === 'value') {
    const plan = selfByValue(owner.selfText, checked[0]);
    if (!plan) return null;
    params.push(plan);
  } else if (owner?.receiver) {
    const mut = owner.receiver === 'mut';
    params.push({
      cParams: [`this: *${mut ? 'mut' : 'const'} ${owner.selfText}`],
      prologue: [`let Some(this) = (unsafe { this.${mut ? 'as_mut' : 'as_ref'}() }) else {\n    return {ERR};\n};`],
      arg: 'this',
      fallible: true,
      safety: `\`this\` must be null or point to a valid \`${owner.selfText}\`${mut ? ' that nothing else accesses' : ''} during the call.`,
    });
  }
  const names = shimParamNames(fn, qualified);
  for (let i = 0; i < fn.params.length; i++) {
    const p = fn.params[i];
    if (owner?.receiver && i === 0 && p.name === 'self') continue;
    const plan = planParam(names[i], p.type, checked[i], env);
    if (!plan) return null;
    params.push(plan);
  }
  const ret = fn.ret ? planReturn(checked[fn.params.length], fn.ret, env) : { kind: 'none' as const };
  if (!ret) return null;
  const fallible = params.some((p) => p.fallible);
  const exported = exportAttribute(fn.attrs);
  const symbol = exported ? linkName(fn.attrs, fn.name) : null;
  const shimName = freeName(`${base}_ffi`, walk);
  const lifetimes = fn.generics.filter((g) => g.kind === 'lifetime').map((g) => g.name);
  const abi = shimAbi(externClause(fn, text)?.abi ?? null);
  const rendered = renderShim({
    fn,
    qualified,
    params,
    ret,
    fallible,
    symbol,
    shimName,
    lifetimes,
    edition: ctx.edition,
    abi,
  });
  // Two C parameters of one name (a parameter `out` beside the generated out-parameter) do not compile.
  const cNames = [...params.flatMap((p) => p.cParams), ...rendered.cParams].map((c) => /^\s*(\w+)\s*:/.exec(c)?.[1]);
  if (new Set(cNames).size !== cNames.length) return null;
  const removal = removeExport(fn, text);
  if (!removal) return null;
  const anchor = owner ? owner.impl.origin : fn.origin;
  const indent = indentOf(text, anchor.span.start);
  helperFunctions(ret, env);
  const paths = stdPaths(walk.module);
  const shim = paths.rewrite(rendered.text);
  const helpers = [...env.items.values()].map((i) => paths.rewrite(i.text));
  const needs = [shim, ...helpers].map(paths.missing).find((x) => x !== null);
  if (needs) return { refused: needs };
  // In a function body the shim goes beside the function, and items shared crate-wide (free functions,
  // generated types) after the item holding the body, where the next shim sees them too.
  const outer = walk.module.isBlock && helpers.length ? enclosingItem(walk.module, fn) : null;
  if (walk.module.isBlock && helpers.length && (!outer || helpers.some((h) => namesBlockItem(h, walk.module, fn))))
    return null;
  const insertions: TextEdit[] = outer
    ? [
        {
          file: fn.origin.file,
          start: anchor.span.end,
          end: anchor.span.end,
          newText: '\n\n' + reindent(shim, indent),
        },
        {
          file: fn.origin.file,
          start: outer.span.end,
          end: outer.span.end,
          newText: '\n\n' + helpers.map((block) => reindent(block, indentOf(text, outer.span.start))).join('\n\n'),
        },
      ]
    : [
        {
          file: fn.origin.file,
          start: anchor.span.end,
          end: anchor.span.end,
          newText: '\n\n' + [shim, ...helpers].map((block) => reindent(block, indent)).join('\n\n'),
        },
      ];
  const conversions = [
    ...(owner?.receiver ? ['`self`'] : []),
    ...fn.params
      .map((p, i) => (checked[i]?.verdict.kind === 'unsafe' && p.name !== 'self' ? `\`${p.name}\`` : null))
      .filter((x): x is string => x !== null),
    ...(ret.kind !== 'none' && !(ret.kind === 'direct' && !ret.wrap) ? ['the return value'] : []),
  ];
  const how = env.used.has('strAsPtrLen')
    ? ', strings as pointer + length'
    : env.used.has('tagged')
      ? `, with the \`#[repr(C)]\` tagged types ${FFI_OPTION}/${FFI_RESULT}`
      : '';
  return {
    fix: {
      // The shim takes over the exported symbol with C's types: whoever declares it in C must change too.
      title: `Generate an \`extern "${abi}"\` shim \`${shimName}\` converting ${conversions.join(', ') || 'the signature'}${how}${symbol ? ` (changes the C signature of \`${symbol}\`)` : ''}`,
      preferred: true,
      edits: [...removal, ...insertions],
      defines: [shimName, ...env.items.keys()],
      ...(symbol
        ? {
            exportSignature: {
              symbol,
              abi,
              params: rendered.allParams.map((p) => {
                const colon = p.indexOf(':');
                return { name: p.slice(0, colon).trim(), type: paths.rewrite(p.slice(colon + 1).trim()) };
              }),
              ret: rendered.cRet ? paths.rewrite(rendered.cRet) : null,
            },
          }
        : {}),
    },
    used: env.used,
  };
}

/** Where the module-level item holding a function body's block is written. */
function enclosingItem(block: ModuleScope, fn: FnItem): Origin | null {
  let module: ModuleScope | null = block;
  while (module?.isBlock) module = module.parent;
  const item = module?.items.find(
    (i) =>
      i.origin.file === fn.origin.file &&
      i.origin.span.start <= fn.origin.span.start &&
      fn.origin.span.end <= i.origin.span.end,
  );
  return item && !item.fromMacro ? item.origin : null;
}

/** Whether generated text names an item declared in a body (up to module level), which module level cannot see. */
function namesBlockItem(text: string, block: ModuleScope, fn: FnItem): boolean {
  for (let m: ModuleScope | null = block; m?.isBlock; m = m.parent) {
    for (const i of m.items)
      if (i !== fn && i.name && new RegExp(`\\b${i.name.replace(/^r#/, '')}\\b`).test(text)) return true;
  }
  return false;
}

/**
 * Whether the crate mentions the function other than by calling it (`register(on_event)`, `let f = on_event;`).
 * Textual, so a local variable of the same name counts too: a missed shim is a lost convenience, a shim
 * for a function used as a pointer would break the build.
 */
export function usedAsValue(fn: FnItem, walk: WalkContext, ctx: FixContext): boolean {
  const texts = [...walk.crate.files].map((file): [string, string] => [file, ctx.textOf(file) ?? '']);
  return valueUse(fn.name, { file: fn.nameOrigin.file, at: fn.nameOrigin.span.start }, texts) !== null;
}

/**
 * The first place these texts use a function's name as a value (not its definition at `at`, a call, a path
 * segment, a binding, a field declaration, a comment or an attribute), or null. `skip` leaves out more
 * places (the stores a fix rewrites along with it); with `imports`, a `use` of the name is no value either.
 */
export function valueUse(
  fnName: string,
  at: { file: string; at: number },
  texts: Iterable<[string, string]>,
  skip: (file: string, offset: number) => boolean = () => false,
  imports = false,
): { file: string; offset: number } | null {
  const name = fnName.replace(/^r#/, '');
  // `r#loop` is always written so; `r#foo` may be written `foo` too.
  const written = RUST_KEYWORDS.has(name) ? `r#${name}` : `(?:r#)?${name}`;
  // A call, method call, path segment, binding or field declaration is not a use as a value. What comes
  // before a mention is tested on a few characters before it, not by a look-behind tried at every place of
  // the text (quadratic over a long run of white space when the regular expression is interpreted); a
  // longer gap after `let` counts as a use, the safe side.
  const pattern = new RegExp(`\\b${written.replace(/[$]/g, '\\$&')}\\b(?!\\s*[(!"\`:])`, 'g');
  for (const [file, text] of texts) {
    if (!text.includes(name)) continue;
    for (const m of text.matchAll(pattern)) {
      const offset = m.index;
      if (NOT_A_VALUE_BEFORE.test(text.slice(Math.max(0, offset - 64), offset))) continue;
      if (file === at.file && offset === at.at) continue;
      if (skip(file, offset)) continue;
      const line = text.slice(text.lastIndexOf('\n', offset) + 1, offset);
      if (/^\s*\/\//.test(line)) continue; // a comment
      if (/#!?\[[^\]]*$/.test(line)) continue; // an attribute (`#[must_use]`)
      if (imports && /^\s*(?:pub(?:\([^)]*\))?\s+)?use\b/.test(line)) continue; // `use m::name;`
      return { file, offset };
    }
  }
  return null;
}

/** What, right before a mention of a function, makes it a field, a path segment, a string or a binding. */
const NOT_A_VALUE_BEFORE = /(?:[\w"`.#]|\b(?:let|mut|fn)\s+)$/;

const RUST_KEYWORDS = new Set(
  'as async await box break const continue crate do dyn else enum extern false final fn for gen if impl in let loop macro match mod move mut override priv pub ref return self static struct super trait true try type typeof unsafe unsized use virtual where while yield'.split(
    ' ',
  ),
);

/** `<name>_ffi`, or the next free name in the module. */
function freeName(base: string, walk: WalkContext): string {
  const taken = new Set(walk.module.items.map((i) => i.name));
  if (!taken.has(base)) return base;
  for (let n = 2; ; n++) if (!taken.has(`${base}${n}`)) return `${base}${n}`;
}

/** Edits that take the export attributes and the `extern "…"` off the idiomatic function. */
function removeExport(fn: FnItem, text: string): TextEdit[] | null {
  const edits: TextEdit[] = [];
  for (const a of fn.attrs) {
    if (a.name !== 'no_mangle' && a.name !== 'export_name') continue;
    const written = text.slice(a.origin.span.start, a.origin.span.end);
    if (!/^#\[\s*(unsafe\s*\(\s*)?(no_mangle|export_name)/.test(written)) return null; // inside cfg_attr: leave it to a person
    let end = a.origin.span.end;
    const after = /^[ \t]*\r?\n[ \t]*/.exec(text.slice(end));
    if (after) end += after[0].length;
    else end += /^[ \t]*/.exec(text.slice(end))![0].length;
    edits.push({ file: fn.origin.file, start: a.origin.span.start, end, newText: '' });
  }
  const ext = externClause(fn, text);
  if (ext)
    edits.push({
      file: fn.origin.file,
      start: ext.start,
      end: ext.end + /^\s*/.exec(text.slice(ext.end))![0].length,
      newText: '',
    });
  return edits;
}

function reindent(block: string, indent: string): string {
  return block
    .split('\n')
    .map((l) => (l ? indent + l : l))
    .join('\n');
}

/** The ABI of a shim: the function's own when it has one C callers can use (`system`, `C-unwind`), else `C`. */
function shimAbi(abi: string | null): string {
  return abi === null || abi === 'Rust' || abi === 'rust-call' ? 'C' : abi;
}

/** Names a conversion derives from a parameter's (`s` → `s_len`): another parameter of such a name collides. */
const DERIVED = ['_len', '_lens', '_items', '_chars', '_data'];

/** Parameters the shim adds itself (out-parameters, a method's receiver): a parameter of the same name collides. */
const GENERATED_NAMES = new Set(['out', 'out_len', 'this']);

/**
 * The shim's name for each parameter: the Rust name, unless the shim cannot use it (a pattern, `self`,
 * a name the shim binds itself, the function it calls, a name derived from it that another parameter has, `<name>_len`), then a
 * fresh name that collides with nothing in the signature.
 */
function shimParamNames(fn: FnItem, qualified: string): string[] {
  const callee = qualified.replace(/^<+/, '').split(/::|</)[0].replace(/^r#/, '');
  const written = fn.params.map((p) => p.name);
  const taken = new Set<string>([...GENERATED_NAMES, callee, fn.name.replace(/^r#/, '')]);
  const usable = (name: string, i: number): boolean =>
    /^[a-z_][a-z0-9_]*$/i.test(name) &&
    name !== '_' &&
    name !== 'self' &&
    !taken.has(name) &&
    !written.some((other, j) => j !== i && (other === name || DERIVED.some((suffix) => other === `${name}${suffix}`)));
  const names: string[] = [];
  for (let i = 0; i < written.length; i++) {
    if (usable(written[i], i)) {
      names.push(written[i]);
      continue;
    }
    const base =
      /^[a-z_][a-z0-9_]*$/i.test(written[i]) && !['_', 'self', 'this'].includes(written[i])
        ? `${written[i]}_arg`
        : `arg${i}`;
    let name = base;
    for (let n = 2; !usable(name, i) || names.includes(name); n++) name = `${base}${n}`;
    names.push(name);
  }
  return names;
}

/** Items of `core` a `#![no_std]` crate names instead of `std`'s: the rest needs `alloc` or `std`. */
const IN_CORE =
  /^(ffi::(c_char|c_void|CStr|c_int|c_uint|c_long|c_ulong)|ptr|slice|primitive|marker|cell|convert|mem|str)\b/;

/** What a crate without `std` cannot name unqualified (`alloc`'s types are not in `core`'s prelude). */
const NEEDS_ALLOC =
  /\b(Box|Vec|String|CString|ToOwned|ToString|to_owned|to_string|into_boxed_slice|thread_local|format|vec)\b/;

/**
 * How the generated text names the standard library in the shim's module: `std::…` as written, `::std::…`
 * where something of the module is named `std` (a `mod std`, a `use … as std`), `::core::…` in a
 * `#![no_std]` crate, where what needs `alloc` or `std` is refused with the reason.
 */
export function stdPaths(module: ModuleScope): {
  rewrite: (text: string) => string;
  missing: (text: string) => string | null;
} {
  const noStd = module.crate.root.attrs.some((a) => a.name === 'no_std');
  let shadowed = false;
  for (let m: ModuleScope | null = module; m; m = m.parent) {
    if (m.items.some((i) => i.name === 'std') || m.uses.has('std') || m.children.has('std')) shadowed = true;
    if (!m.isBlock) break;
  }
  const rewrite = (text: string): string =>
    text.replace(/(?<![\w:])std::([\w:]+)/g, (whole, rest: string) =>
      noStd ? (IN_CORE.test(rest) ? `::core::${rest}` : whole) : shadowed ? `::${whole}` : whole,
    );
  const missing = (text: string): string | null => {
    if (!noStd) return null;
    const code = text
      .split('\n')
      .filter((l) => !l.trim().startsWith('//'))
      .join('\n');
    const needs = /(?<![\w:])std::[\w:]+/.exec(code)?.[0] ?? NEEDS_ALLOC.exec(code)?.[0];
    return needs
      ? `The crate is \`#![no_std]\`, and a shim for this signature needs \`${needs}\`, which \`core\` does not have: take C types in place (a pointer and a length, a \`#[repr(C)]\` struct) and convert them inside the function, or write the shim by hand with \`alloc\`.`
      : null;
  };
  return { rewrite, missing };
}
