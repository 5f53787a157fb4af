import { BoundaryVisitor, combineVisitors, exportAttribute, isRustAbi, walkCrate, WalkContext } from './boundary';
import { checkedTypesOfFn, checkedTypesOfForeign } from './boundary-types';
import { CItemKind, checkBoundaryType, ChainStep, FfiVerdict, Position, REASON_TEXT } from './ffi';
import { compareFindings, Finding, FixTarget } from './findings';
import { lintLevel, LintScopes } from './lint-levels';
import type { AdtItem, Expansion, FnItem, Origin, StaticItem, TypeAliasItem, TypeExpr } from '../syntax/model';
import { resolveType, TypeScope } from '../workspace/resolve';
import { applySuppressions } from './suppress';
import { UNSAFE_ATTRIBUTES } from './rules/edition-2024-unsafe';
import { ParityRuleMeta, parityRuleFor, ruleById, Severity } from './rules';
import type { BeyondRuleMeta } from './rules/meta';
import { displayTy, Ty, TypeNames } from '../workspace/types';
import { Crate, crateTypeNames } from '../workspace/crates';
import { beyondRuleVisitors } from './beyond';
import { adtFields } from '../syntax/adt-items';

/**
 * The checker: every boundary site of a crate, the verdict for each type there, and the findings of
 * every rule. Parity findings are made exactly where and how rustc makes them.
 */

export interface CheckOptions {
  /** Severity overrides per rule id; `off` disables the rule. */
  rules?: Record<string, Severity | 'off'>;
  /** Type paths declared FFI-safe. */
  safeTypes?: string[];
  /** Check `extern "C"` functions that are neither exported nor `pub` (rustc does). */
  checkPrivateExternFns?: boolean;
}

/** Every finding in a crate, with the severity settings applied, sorted. */
export function checkCrate(crate: Crate, options: CheckOptions = {}): Finding[] {
  return checkCrateAttributed(crate, options).findings;
}

/** A crate's findings (as `checkCrate` gives them), with what made each. */
export interface AttributedFindings {
  findings: Finding[];
  /**
   * Every finding the walk made, in its order, before a rule reported once per crate kept the first of each
   * key (`firstPerKey`); `findings` are those kept, sorted.
   */
  made: Finding[];
  /**
   * The file of the module walked when each finding of `made` was made. A finding may stand in another file:
   * a field of a type defined there, a span of a macro's rules.
   */
  producerOf: Map<Finding, string>;
}

/**
 * `checkCrate`, telling which file's items produced each finding. With `only`, the items of the files it
 * accepts alone are walked: an editor re-checks the file typed into and keeps what the others produced
 * (`AnalysisHost`).
 */
export function checkCrateAttributed(
  crate: Crate,
  options: CheckOptions = {},
  only?: (file: string) => boolean,
): AttributedFindings {
  const { findings, producers } = findingsOf(crate, options, only);
  const producerOf = new Map<Finding, string>();
  const kept: Finding[] = [];
  findings.forEach((f, i) => {
    const set = withRuleSetting(f, options.rules ?? {});
    if (!set) return;
    producerOf.set(set, producers[i]);
    kept.push(set);
  });
  const made = applySuppressions(kept, (f) => crate.textOf(f));
  return { findings: firstPerKey(made).sort(compareFindings), made, producerOf };
}

/**
 * Findings in the walk's order without the repeats of a rule reported once per crate for a key
 * (`oncePerCrate`): the first of each key stands.
 */
export function firstPerKey(made: Iterable<Finding>): Finding[] {
  const seen = new Set<string>();
  const out: Finding[] = [];
  for (const f of made) {
    const rule = ruleById(f.rule);
    const key = rule.family === 'beyond' ? (rule as BeyondRuleMeta).oncePerCrate?.(f) : undefined;
    if (key !== undefined) {
      const scoped = `${f.rule}|${key}`;
      if (seen.has(scoped)) continue;
      seen.add(scoped);
    }
    out.push(f);
  }
  return out;
}

/** Every finding of the walk (of the files `only` accepts), each with the file whose items produced it. */
function findingsOf(
  crate: Crate,
  options: CheckOptions,
  only?: (file: string) => boolean,
): { findings: Finding[]; producers: string[] } {
  const safeTypes = new Set(options.safeTypes ?? []);
  const names = crateTypeNames(crate);
  const parity = new ParityChecker(options);
  const findings: Finding[] = [];
  const producers: string[] = [];
  const combined = combineVisitors([parity.visitor(), ...beyondRuleVisitors(crate, findings, safeTypes, names)]);
  const visitor = attributed(combined, (file) => {
    for (let i = producers.length; i < findings.length; i++) producers[i] = file;
    parity.attribute(file);
  });
  walkCrate(crate, walkReading.passPlainRustFns ? { ...visitor, ignoresFn: isPlainRustFn } : visitor, safeTypes, only);
  // Type names are rendered last: which names are ambiguous depends on every path resolved.
  for (const [f, producer] of parity.render(names)) {
    findings.push(f);
    producers.push(producer);
  }
  return { findings, producers };
}

/**
 * The visitor, telling `made` after each visit the file of the module walked (what the visit made since the
 * last call is that file's).
 */
function attributed(visitor: BoundaryVisitor, made: (file: string) => void): BoundaryVisitor {
  // Each visit, then its module's file told; `ctxAt`: where the visit's `WalkContext` is among its arguments.
  const told = <A extends unknown[]>(visit: ((...args: A) => void) | undefined, ctxAt: number) =>
    visit &&
    ((...args: A): void => {
      visit(...args);
      made((args[ctxAt] as WalkContext).module.file);
    });
  return {
    fn: told(visitor.fn?.bind(visitor), 1),
    externBlock: told(visitor.externBlock?.bind(visitor), 1),
    foreignItem: told(visitor.foreignItem?.bind(visitor), 2),
    adt: told(visitor.adt?.bind(visitor), 1),
    typeAlias: told(visitor.typeAlias?.bind(visitor), 1),
    staticOrConst: told(visitor.staticOrConst?.bind(visitor), 1),
  };
}

/**
 * A function no rule reads: Rust's ABI written by default, neither exported nor an FFI crate's export, no
 * attribute edition 2024 wants `unsafe(…)`, and no C fn pointer written in its signature. Every rule's `fn`
 * returns at once for one (`test/walk.test.ts` checks the fixtures both ways). Items are never changed once
 * read, and most outlive an edit: the answer is kept.
 */
export function isPlainRustFn(fn: FnItem): boolean {
  let plain = PLAIN.get(fn);
  if (plain === undefined) {
    plain =
      fn.abi === null &&
      !fn.crateExport &&
      // Which include `#[no_mangle]` and `#[export_name]`.
      !fn.attrs.some((a) => UNSAFE_ATTRIBUTES.has(a.name)) &&
      !fn.params.some((p) => writtenCFnPointers(p.type).length) &&
      !(fn.ret && writtenCFnPointers(fn.ret).length);
    PLAIN.set(fn, plain);
  }
  return plain;
}

const PLAIN = new WeakMap<FnItem, boolean>();

/** Whether a field of a type writes a C fn pointer (most write none); kept, as items never change once read. */
function writesCFnPointer(item: AdtItem): boolean {
  let writes = WRITES_FN_POINTER.get(item);
  if (writes === undefined) {
    writes = adtFields(item).some((f) => writtenCFnPointers(f.type).length > 0);
    WRITES_FN_POINTER.set(item, writes);
  }
  return writes;
}

const WRITES_FN_POINTER = new WeakMap<AdtItem, boolean>();

/** Whether the checker's walk passes the functions no rule reads; tests compare the two. */
export const walkReading = { passPlainRustFns: true };

/** A finding with its rule's severity setting applied; null when the rule is `off`. */
function withRuleSetting(f: Finding, rules: Record<string, Severity | 'off'>): Finding | null {
  const setting = rules[f.rule];
  if (setting === 'off') return null;
  return setting ? { ...f, severity: setting } : f;
}

/** What a parity finding needs to be reported at one type. */
interface Site {
  mode: CItemKind;
  position: Position;
  scopes: LintScopes;
  symbol: string;
  /** "`extern` fn" or "`extern` block", as in rustc's message. */
  what: string;
  /** The macro expansion the item came from: rustc drops a diagnostic identical to one it emitted. */
  expansion?: Expansion;
  /** For the quick fixes. */
  target: Omit<FixTarget, 'subject' | 'subjectModule'>;
}

/**
 * The expansion a token written at `origin` belongs to, for a token that an item of `expansion` holds: the
 * nearest expansion up the chain that wrote the rule body the token is written in, or none for a token
 * written outside every such body (a macro's argument keeps its own place, whichever expansion carried it).
 */
function tokenExpansion(origin: Origin, expansion: Expansion | undefined): number | '' {
  for (let e = expansion; e; e = e.parent) {
    const body = e.body;
    if (body && body.file === origin.file && body.span.start <= origin.span.start && origin.span.end <= body.span.end)
      return e.id;
  }
  return '';
}

class ParityChecker {
  private readonly pending: {
    key: (names: TypeNames) => string;
    make: (names: TypeNames) => Finding;
    producer?: string;
  }[] = [];
  /** How many of `pending` have their producer told. */
  private attributedCount = 0;

  constructor(private readonly options: CheckOptions) {}

  /** What was made since the last call was made walking `file`'s items. */
  attribute(file: string): void {
    for (; this.attributedCount < this.pending.length; this.attributedCount++)
      this.pending[this.attributedCount].producer = file;
  }

  /**
   * The findings, each with the file whose items produced it, with rustc's deduplication: a diagnostic
   * identical to one already emitted (same lint, span, type and macro invocation, as when one expansion
   * stamps out several items) is dropped.
   */
  render(names: TypeNames): [Finding, string][] {
    const seen = new Set<string>();
    const out: [Finding, string][] = [];
    for (const p of this.pending) {
      const key = p.key(names);
      if (seen.has(key)) continue;
      seen.add(key);
      out.push([p.make(names), p.producer ?? '']);
    }
    return out;
  }

  visitor(): BoundaryVisitor {
    return {
      fn: (fn, ctx) => this.fn(fn, ctx),
      foreignItem: (item, block, ctx) => {
        const base = {
          mode: 'declaration' as const,
          scopes: ctx.scopes,
          symbol: item.name,
          what: '`extern` block',
          expansion: item.expansion ?? block.expansion,
          target: { ctx, site: { kind: 'foreign' as const, item, block } },
        };
        if (isRustAbi(block.abi)) {
          if (item.kind === 'foreign-fn')
            this.fnPointersInSignature(
              item.params.map((p) => p.type),
              item.ret,
              ctx.types,
              base,
            );
          return;
        }
        for (const c of checkedTypesOfForeign(item, block, ctx))
          if (c.verdict.kind !== 'safe')
            this.reportVerdict(c.verdict, c.expr.origin, { ...base, position: c.position });
      },
      adt: (item, ctx) => {
        if (!writesCFnPointer(item)) return;
        for (const f of adtFields(item))
          this.fnPointersIn(f.type, ctx.types, () => ({
            ...this.itemSite(item, ctx),
            scopes: [...ctx.scopes, f.attrs],
          }));
      },
      typeAlias: (item, ctx) => {
        if (item.type) this.fnPointersIn(item.type, ctx.types, () => this.itemSite(item, ctx));
      },
      staticOrConst: (item, ctx) => {
        if (item.type) this.fnPointersIn(item.type, ctx.types, () => this.itemSite(item, ctx));
      },
    };
  }

  private itemSite(item: TypeAliasItem | StaticItem | AdtItem, ctx: WalkContext): Site {
    return {
      mode: 'definition',
      position: 'fnptr-in-item',
      scopes: ctx.scopes,
      symbol: item.name,
      what: '`extern` fn',
      expansion: item.expansion,
      target: { ctx, site: { kind: 'item', item, lint: 'improper_ctypes_definitions' } },
    };
  }

  private fn(fn: FnItem, ctx: WalkContext): void {
    // The crate's expansion converts these types to its own C layouts and allows the lint: its own
    // trait decides instead (rules/ffi-crate-exports.ts).
    if (fn.crateExport && !fn.crateExport.parity) return;
    this.genericExport(fn, ctx);
    if (!fn.hasBody) return; // rustc checks only functions with a body
    const fnptrSite = { kind: 'item' as const, item: fn, lint: 'improper_ctypes_definitions' };
    const site = {
      mode: 'definition' as const,
      scopes: ctx.scopes,
      symbol: fn.name,
      what: '`extern` fn',
      expansion: fn.expansion,
      target: { ctx, site: fnptrSite },
    };
    if (isRustAbi(fn.abi)) {
      this.fnPointersInSignature(
        fn.params.map((p) => p.type),
        fn.ret,
        ctx.types,
        site,
      );
      return;
    }
    if (this.options.checkPrivateExternFns === false && fn.visibility !== 'pub' && !exportAttribute(fn.attrs)) return;
    const signature = { ctx, site: { kind: 'signature' as const, fn } };
    for (const c of checkedTypesOfFn(fn, ctx))
      if (c.verdict.kind !== 'safe')
        this.reportVerdict(c.verdict, c.expr.origin, { ...site, position: c.position, target: signature });
  }

  /** `no_mangle_generic_items`: an exported function with type or const parameters (its own or its impl's). */
  private genericExport(fn: FnItem, ctx: WalkContext): void {
    if (ctx.container === 'trait') return;
    const attr = exportAttribute(fn.attrs);
    if (!attr) return;
    const generic = fn.hasImplTraitArg || [...fn.generics, ...ctx.implGenerics].some((g) => g.kind !== 'lifetime');
    if (!generic) return;
    const severity = this.lintSeverity(ctx.scopes, 'no_mangle_generic_items');
    if (!severity) return;
    const rule = ruleById('generic-export');
    const where = fn.signatureOrigin;
    this.pending.push({
      key: () =>
        `no_mangle_generic_items|${where.file}|${where.span.start}|${where.span.end}|${fn.expansion?.id ?? ''}`,
      make: () => ({
        rule: rule.id,
        severity,
        certainty: rule.certainty,
        message: `functions generic over types or consts must be mangled: \`${fn.name}\` is exported with \`#[${attr.name}]\`, but a generic function has no single body for the symbol to name, so rustc does not export it. Remove the attribute, or export one non-generic wrapper per concrete type.`,
        rustcLint: 'no_mangle_generic_items',
        origin: fn.signatureOrigin,
        symbol: fn.name,
        typeName: null,
        chain: [],
        fixes: [],
        related: [{ origin: attr.origin, message: 'remove this attribute' }],
        target: { ctx, site: { kind: 'item', item: fn, lint: 'no_mangle_generic_items' } },
      }),
    });
  }

  /** C fn pointers written in a Rust-ABI signature: each is checked on its own (rustc's FnPtrFinder). */
  private fnPointersInSignature(
    params: TypeExpr[],
    ret: TypeExpr | null,
    scope: TypeScope,
    site: Omit<Site, 'position'>,
  ): void {
    const fnptrSite = (): Site => ({ ...site, position: 'fnptr-in-item' });
    for (const p of params) this.fnPointersIn(p, scope, fnptrSite, true);
    if (ret) this.fnPointersIn(ret, scope, fnptrSite);
  }

  /**
   * rustc pairs the C fn pointers of the resolved type with the C fn-pointer types written in the
   * source, in order, stopping at the shorter list. Aliases therefore hide fn pointers here, and a
   * misaligned pair reports one pointer's problem at another's span: we reproduce that pairing.
   * Most types have none: the site (and for a parameter, its scope) is made only for those that do.
   */
  private fnPointersIn(expr: TypeExpr, scope: TypeScope, siteOf: () => Site, isParam = false): void {
    const written = writtenCFnPointers(expr);
    if (!written.length) return;
    const site = siteOf();
    const semantic = semanticCFnPointers(resolveType(expr, isParam ? { ...scope, implTraitIsParam: true } : scope));
    const n = Math.min(written.length, semantic.length);
    for (let i = 0; i < n; i++)
      this.reportVerdict(checkBoundaryType(semantic[i], site.mode, site.position), written[i], site);
  }

  private reportVerdict(verdict: FfiVerdict, origin: Origin, site: Site): void {
    if (verdict.kind === 'safe') return;
    const lint = site.mode === 'declaration' ? 'improper_ctypes' : 'improper_ctypes_definitions';
    const severity = this.lintSeverity(site.scopes, lint);
    if (!severity) return;
    const rule = parityRuleFor(verdict.reason, verdict.ty);
    // rustc drops a diagnostic identical to one emitted, its span's expansion included: a type passed to a
    // macro that stamps out several items is reported once, one written in a macro's body once per expansion
    // that wrote that body.
    const expansion = tokenExpansion(origin, site.expansion);
    this.pending.push({
      key: (names) =>
        `${lint}|${origin.file}|${origin.span.start}|${origin.span.end}|${verdict.reason}|${displayTy(verdict.ty, names)}|${expansion}`,
      make: (names) => this.parityFinding(verdict, origin, site, lint, severity, rule, names),
    });
  }

  private parityFinding(
    verdict: FfiVerdict & { kind: 'unsafe' },
    origin: Origin,
    site: Site,
    lint: string,
    severity: Severity,
    rule: ParityRuleMeta,
    names: TypeNames,
  ): Finding {
    const text = REASON_TEXT[verdict.reason];
    const typeName = displayTy(verdict.ty, names);
    const defined = definitionOf(verdict.ty);
    const subject =
      verdict.ty.k === 'adt' && verdict.ty.def.source === 'local'
        ? { subject: verdict.ty.def.item, subjectModule: verdict.ty.def.module }
        : {};
    return {
      target: { ...site.target, ...subject },
      rule: rule.id,
      severity,
      certainty: rule.certainty,
      message: parityMessage(
        site,
        typeName,
        text.note,
        verdict.chain,
        explanation(rule, verdict, site, typeName, names),
      ),
      rustcLint: lint,
      origin,
      symbol: site.symbol,
      typeName,
      chain: verdict.chain,
      fixes: [],
      related: defined ? [{ origin: defined, message: `\`${typeName}\` is defined here` }] : [],
    };
  }

  /** The severity a rustc lint has here: null when allowed, error when denied. */
  private lintSeverity(scopes: LintScopes, lint: string): Severity | null {
    const level = lintLevel(scopes, lint);
    if (level === 'allow') return null;
    return level === 'deny' || level === 'forbid' ? 'error' : 'warning';
  }
}

/**
 * Why the type cannot cross and what to do: the rule's words for this very type where it has them, else
 * its documentation; rustc's help unless the rule replaces it with one that can be followed.
 */
function explanation(
  rule: ParityRuleMeta,
  verdict: FfiVerdict & { kind: 'unsafe' },
  site: Site,
  typeName: string,
  names: TypeNames,
): { why: string; help: string | null } {
  const rustcHelp = REASON_TEXT[verdict.reason].help;
  const own = rule.explain?.({
    reason: verdict.reason,
    ty: verdict.ty,
    typeName,
    names,
    mode: site.mode,
    position: site.position,
  });
  return { why: own?.why ?? rule.docs.whyIsThisBad, help: own?.help ?? rustcHelp };
}

/**
 * What is wrong (rustc's main sentence and note, word for word), how the type is reached, why it matters at
 * the boundary, what to do.
 */
function parityMessage(
  site: Site,
  typeName: string,
  note: string,
  chain: ChainStep[],
  { why, help }: { why: string; help: string | null },
): string {
  const steps = chain.filter((c) => c.label !== 'pointee');
  const via = steps.length ? ` (via ${steps.map((c) => c.label).join(' → ')})` : '';
  return `${site.what} \`${site.symbol}\` uses type \`${typeName}\`, which is not FFI-safe: ${note}${via}. ${why}${help ? ` Help: ${help}.` : ''}`;
}

function definitionOf(ty: Ty): Origin | null {
  return ty.k === 'adt' && ty.def.source === 'local' ? ty.def.item.nameOrigin : null;
}

/** Spans of the C fn-pointer types written in a type, in pre-order. Aliases are not looked into. */
export function writtenCFnPointers(t: TypeExpr): Origin[] {
  const out: Origin[] = [];
  const walk = (e: TypeExpr): void => {
    switch (e.kind) {
      case 'fnptr':
        if (!isRustAbi(e.fn.abi)) out.push(e.origin);
        e.fn.params.forEach(walk);
        if (e.fn.ret) walk(e.fn.ret);
        return;
      case 'ref':
      case 'ptr':
      case 'slice':
      case 'array':
        walk(e.inner);
        return;
      case 'tuple':
        e.elems.forEach(walk);
        return;
      case 'path':
        for (const s of e.path.segments) {
          s.args?.types.forEach(walk);
          s.args?.bindings.forEach((b) => walk(b.type));
        }
        return;
      default:
        return;
    }
  };
  walk(t);
  return out;
}

/** The C fn-pointer types inside a resolved type, in pre-order (not into struct fields). */
export function semanticCFnPointers(t: Ty): Ty[] {
  const out: Ty[] = [];
  const walk = (x: Ty): void => {
    switch (x.k) {
      case 'fnptr':
        if (!isRustAbi(x.abi)) out.push(x);
        x.params.forEach(walk);
        walk(x.ret);
        return;
      case 'ref':
      case 'ptr':
      case 'slice':
      case 'array':
        walk(x.inner);
        return;
      case 'tuple':
        x.elems.forEach(walk);
        return;
      case 'adt':
        x.args.forEach(walk);
        return;
      default:
        return;
    }
  };
  walk(t);
  return out;
}
