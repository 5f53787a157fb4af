import { exportAttribute, importLinkName, isRustAbi, linkName, walkCrate, WalkContext } from '../analysis/boundary';
import { checkedTypesOfFn, checkedTypesOfForeign, CheckedType } from '../analysis/boundary-types';
import { BARE_NAMES, cDeclaration, cIdentifier, CNames, cPrototype, isIntReprEnum } from './c-types';
import { adtShape, checkBoundaryType } from '../analysis/ffi';
import type { Finding } from '../analysis/findings';
import { enumDiscriminants, layoutOf } from '../analysis/layout';
import { DataModel, HOST_MODEL } from '../analysis/data-model';
import type { Attribute, FnItem, Origin, StaticItem } from '../syntax/model';
import { isStabbyStruct, ROOT_MODULE_LOADER_SYMBOL } from '../workspace/ffi-crates';
import { LineIndex } from '../syntax/positions';
import type { LoadedCrate } from '../workspace/loaded-crate';
import { resolveType } from '../workspace/resolve';
import { displayTy, genericArgsInOrder, LocalAdt, Ty } from '../workspace/types';
import { crateTypeNames } from '../workspace/crates';

/** Why a type of a signature has no C declaration, in the report's words. */
function whyNoC(p: SurfaceParam): string {
  const ty = p.ty;
  if (ty.k === 'adt' && ty.def.source === 'local' && ty.def.item.kind === 'enum' && isStabbyStruct(ty.def.item.attrs))
    return `\`${p.type}\` is a stabby enum: stabby gives it a stable layout (its own niche-packed representation), which C cannot express`;
  if (ty.k === 'foreign-safe' && ty.crate)
    return `\`${p.type}\` is one of ${ty.crate}'s types: its layout is stable for ${ty.crate}, but has no C spelling here (${ty.crate === 'safer_ffi' ? "safer_ffi's own header generation names it" : 'it is read through the same crate on the other side'})`;
  return `\`${p.type}\` has no C equivalent`;
}

/**
 * The ABI surface of a workspace as data: every exported function and static and every `extern` block
 * import, with its C prototype and verdict, and every workspace type reached from the boundary with
 * its layout. The JSON report, Markdown, HTML, the C header and the ABI baseline render this.
 */

export interface SurfaceParam {
  name: string;
  type: string;
  cType: string | null;
  ty: Ty;
}

export interface SurfaceSymbol {
  /** The link symbol. */
  name: string;
  rustName: string;
  kind: 'function' | 'static';
  direction: 'export' | 'import';
  abi: string;
  crate: string;
  file: string;
  line: number;
  origin: Origin;
  exported: boolean;
  /** A `static mut` (C may write it); false for functions and immutable statics. */
  mutable: boolean;
  /** The C declaration, or null when a type has no C equivalent (`cPrototypeWhyNot` says which). */
  cPrototype: string | null;
  cPrototypeWhyNot: string | null;
  /** The type, as written, that C has no equivalent for (what `cPrototypeWhyNot` names). */
  cPrototypeMissing: string | null;
  safe: boolean;
  /** Rule ids of the findings on this symbol. */
  findings: string[];
  params: SurfaceParam[];
  returns: SurfaceParam | null;
  variadic: boolean;
  docs: string[];
  /** Names of the workspace types reached from this symbol. */
  types: string[];
}

export interface SurfaceField {
  name: string;
  type: string;
  cType: string | null;
  offset: number | null;
  docs: string[];
}

export interface SurfaceVariant {
  name: string;
  /** As written, or null when implicit. */
  discriminant: string | null;
  /** The value rustc assigns, in decimal; null when we cannot evaluate it (a `const`, a call). */
  value: string | null;
  fields: number;
}

export interface SurfaceType {
  name: string;
  path: string;
  kind: 'struct' | 'enum' | 'union';
  crate: string;
  file: string;
  line: number;
  origin: Origin;
  /** `C`, `transparent`, `u8`…, `C, packed`, or `Rust` when it has no repr. */
  repr: string;
  /** FFI-safe by value. */
  safe: boolean;
  fields: SurfaceField[];
  variants: SurfaceVariant[];
  /** How C names it: `struct Point`, `union U`, `enum Mode`, the typedef `Kind` of an integer-repr enum; null if C cannot. */
  cName: string | null;
  size: number | null;
  align: number | null;
  usedBy: string[];
  /** Only ever reached behind a pointer: C needs no definition, a forward declaration does. */
  behindPointerOnly: boolean;
  docs: string[];
  ty: Ty;
}

/** A `pub const` of a C type (an integer, a float, a `bool`): the header's `#define`. */
export interface SurfaceConstant {
  name: string;
  crate: string;
  /** The Rust type as written (`u32`). */
  type: string;
  /** The C spelling of the value (`64`, `-3`, `1.5`, `true`, `18446744073709551615ULL`). */
  value: string;
  docs: string[];
}

/** What a surface takes beyond what the boundary reaches (a `cbindgen.toml`'s `export.include`). */
export interface SurfaceOptions {
  /** Names of workspace types to describe even where no exported symbol reaches them. */
  includeTypes?: string[];
  /**
   * Whether to describe the types the symbols reach (default true). The link-level ABI of a crate needs
   * the symbols alone (their C signatures carry the layouts), and on a `-sys` crate the walk over every
   * reached type costs more than the rest of the surface.
   */
  reachTypes?: boolean;
  /**
   * Spell the C aliases as on x86_64 Linux whatever the target (`c_char` as `i8`), as ABI baselines
   * before format version 3 did: `diff` against such a baseline compares like with like.
   */
  hostAliasSpelling?: boolean;
  /**
   * Which symbols to describe, by link name and direction (all by default): a run that needs a few
   * symbols of a `-sys` crate (those the cross-crate checks can pair) leaves the others' types unresolved.
   */
  symbols?: (name: string, direction: 'export' | 'import') => boolean;
  /** Whether to read the `pub const` items C can spell (default true); the link-level ABI has none. */
  constants?: boolean;
}

/** The `usedBy` entry of a type that `SurfaceOptions.includeTypes` asked for. */
export const INCLUDED = '(included)';

export interface Surface {
  /** `pub const` items of C types, in source order. */
  constants: SurfaceConstant[];
  crates: { name: string; root: string; edition: string; crateTypes: string[]; target: string; features: string[] }[];
  /** The target data model its sizes, alignments and offsets are for (x86_64 Linux when absent). */
  model?: DataModel;
  symbols: SurfaceSymbol[];
  types: SurfaceType[];
  /** How C names the workspace types, for renderers that spell types themselves (the header). */
  cNames: CNames;
}

export function buildSurface(
  crates: LoadedCrate[],
  findings: Finding[],
  rel: (file: string) => string,
  model: DataModel = HOST_MODEL,
  options: SurfaceOptions = {},
): Surface {
  const symbols: SurfaceSymbol[] = [];
  const constants: SurfaceConstant[] = [];
  const include = new Set(options.includeTypes ?? []);
  const types = new Map<string, SurfaceType>();
  const indexes = new Map<string, LineIndex>();
  const lineOf = (crateTexts: (f: string) => string | undefined, o: Origin): number => {
    let index = indexes.get(o.file);
    if (!index) {
      index = new LineIndex(crateTexts(o.file) ?? '');
      indexes.set(o.file, index);
    }
    return index.position(o.span.start).line + 1;
  };
  for (const { crate } of crates) {
    const names = crateTypeNames(crate);
    const show = (t: Ty): string => displayTy(t, names, options.hostAliasSpelling ? undefined : model);
    const textOf = (f: string): string | undefined => crate.textOf(f);
    // Over the whole item: `panic-across-ffi` points into the body, the signature rules at the signature.
    const findingsOf = (name: string, origin: Origin): string[] =>
      [
        ...new Set(
          findings
            .filter(
              (f) =>
                f.symbol === name &&
                f.origin.file === origin.file &&
                f.origin.span.start >= origin.span.start &&
                f.origin.span.end <= origin.span.end,
            )
            .map((f) => f.rule),
        ),
      ].sort();
    const reach = (t: Ty, symbol: string, behindPointer: boolean, seen = new Set<string>()): string[] =>
      options.reachTypes === false
        ? []
        : collectTypes(t, symbol, behindPointer, seen, types, crate.name, show, (o) => lineOf(textOf, o), rel, model);
    const addSymbol = (
      s: Omit<
        SurfaceSymbol,
        | 'crate'
        | 'file'
        | 'line'
        | 'findings'
        | 'types'
        | 'cPrototype'
        | 'cPrototypeWhyNot'
        | 'cPrototypeMissing'
        | 'safe'
        | 'mutable'
      > & { mutable?: boolean },
      checked: CheckedType[],
      itemOrigin: Origin,
    ): void => {
      const found = findingsOf(s.rustName, itemOrigin);
      const all = [...s.params, ...(s.returns ? [s.returns] : [])];
      const missing = all.find(
        (p) => cDeclaration(p.ty, '') === null && !(p.ty.k === 'tuple' && p.ty.elems.length === 0),
      );
      const typeNames = [...new Set(all.flatMap((p) => reach(p.ty, s.name, false)))].sort();
      symbols.push({
        ...s,
        mutable: s.mutable ?? false,
        crate: crate.name,
        file: rel(s.origin.file),
        line: lineOf(textOf, s.origin),
        findings: found,
        types: typeNames,
        cPrototype: null,
        cPrototypeWhyNot: missing ? whyNoC(missing) : null,
        cPrototypeMissing: missing?.type ?? null,
        safe: checked.every((c) => c.verdict.kind === 'safe') && !found.some((r) => r !== 'unresolved-type'),
      });
    };
    const param = (name: string, ty: Ty): SurfaceParam => ({ name, type: show(ty), cType: cDeclaration(ty, ''), ty });
    /**
     * abi_stable's `#[export_root_module]` exports no function: a `#[no_mangle] static` of its own type
     * `LibHeader`, under its own symbol, that its loader finds with `dlsym` (workspace/ffi-crates.ts).
     */
    const rootModule = (fn: FnItem): void => {
      if (!wanted(ROOT_MODULE_LOADER_SYMBOL, 'export')) return;
      const ty: Ty = { k: 'foreign-safe', text: 'abi_stable::library::LibHeader', crate: 'abi_stable' };
      addSymbol(
        {
          name: ROOT_MODULE_LOADER_SYMBOL,
          rustName: fn.name,
          kind: 'static',
          direction: 'export',
          abi: 'C',
          origin: fn.signatureOrigin,
          exported: true,
          params: [],
          returns: param('', ty),
          variadic: false,
          docs: docsOf(fn.attrs),
        },
        [],
        fn.origin,
      );
    };
    const wanted = options.symbols ?? (() => true);
    walkCrate(crate, {
      fn: (fn, ctx) => {
        if (fn.crateExport?.kind === 'root-module') {
          rootModule(fn);
          return;
        }
        const attr = exportAttribute(fn.attrs);
        if (!attr || !fn.hasBody) return;
        const name = linkName(fn.attrs, fn.name);
        if (!wanted(name, 'export')) return;
        const checked = isRustAbi(fn.abi) ? [] : checkedTypesOfFn(fn, ctx);
        // An FFI crate's export: its own trait decides (its rule's findings), not rustc's verdicts.
        const verdicts = fn.crateExport && !fn.crateExport.parity ? [] : checked;
        const tys = isRustAbi(fn.abi)
          ? resolveSignature(
              fn.params.map((p) => p.type),
              fn.ret,
              ctx,
            )
          : checked.map((c) => c.ty);
        addSymbol(
          {
            name,
            rustName: fn.name,
            kind: 'function',
            direction: 'export',
            abi: fn.abi ?? 'Rust',
            origin: fn.signatureOrigin,
            exported: true,
            params: fn.params.map((p, i) => param(p.name, tys[i])),
            returns: fn.ret ? param('', tys[fn.params.length]) : null,
            variadic: false,
            docs: docsOf(fn.attrs),
          },
          verdicts,
          fn.origin,
        );
      },
      adt: (item, ctx) => {
        if (!include.has(item.name) || item.generics.some((g) => g.kind !== 'lifetime')) return;
        const ty = resolveType(
          {
            kind: 'path',
            origin: item.nameOrigin,
            path: { global: false, qualified: false, segments: [{ name: item.name, args: null }] },
          },
          ctx.types,
        );
        if (ty.k === 'adt' && ty.def.source === 'local' && ty.def.item === item) reach(ty, INCLUDED, false);
      },
      staticOrConst: (item, ctx) => {
        if (item.kind === 'const') {
          if (options.constants === false) return;
          const c = item.visibility === 'pub' && item.type ? constantOf(item, resolveType(item.type, ctx.types)) : null;
          if (c) constants.push({ ...c, crate: crate.name, docs: docsOf(item.attrs) });
          return;
        }
        if (item.kind !== 'static' || !item.type || !exportAttribute(item.attrs)) return;
        const name = linkName(item.attrs, item.name);
        if (!wanted(name, 'export')) return;
        const ty = resolveType(item.type, ctx.types);
        const verdict = checkBoundaryType(ty, 'definition', 'static');
        addSymbol(
          {
            name,
            rustName: item.name,
            kind: 'static',
            direction: 'export',
            abi: 'C',
            origin: item.origin,
            exported: true,
            mutable: item.mutable,
            params: [],
            returns: param('', ty),
            variadic: false,
            docs: docsOf(item.attrs),
          },
          [{ expr: item.type, ty, position: 'static', mode: 'definition', verdict }],
          item.origin,
        );
      },
      foreignItem: (item, block, ctx) => {
        const name = importLinkName(item.attrs, item.name);
        if (!wanted(name, 'import')) return;
        const checked = checkedTypesOfForeign(item, block, ctx);
        const base = {
          name,
          rustName: item.name,
          direction: 'import' as const,
          abi: block.abi,
          origin: item.origin,
          exported: false,
          docs: docsOf(item.attrs),
        };
        if (item.kind === 'foreign-static') {
          const ty =
            checked[0]?.ty ??
            (item.type ? resolveType(item.type, ctx.types) : { k: 'unknown' as const, text: '?', why: 'no type' });
          addSymbol(
            { ...base, kind: 'static', params: [], returns: param('', ty), variadic: false },
            checked,
            item.origin,
          );
          return;
        }
        const tys = checked.length
          ? checked.map((c) => c.ty)
          : resolveSignature(
              item.params.map((p) => p.type),
              item.ret,
              ctx,
            );
        addSymbol(
          {
            ...base,
            kind: 'function',
            params: item.params.map((p, i) => param(p.name, tys[i])),
            returns: item.ret ? param('', tys[item.params.length]) : null,
            variadic: item.variadic,
          },
          checked,
          item.origin,
        );
      },
    });
  }
  const cNames = assignCNames(symbols, [...types.values()]);
  return {
    cNames,
    constants,
    model,
    crates: crates.map((c) => ({
      name: c.crate.name,
      root: rel(c.crate.rootFile),
      edition: c.crate.edition,
      crateTypes: c.description.crateTypes,
      target: c.description.target,
      features: c.features ?? [],
    })),
    symbols: symbols.sort((a, b) =>
      a.crate + a.name < b.crate + b.name ? -1 : a.crate + a.name > b.crate + b.name ? 1 : 0,
    ),
    types: [...types.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)),
  };
}

/**
 * The line a report or header carries to say which Cargo features it assumed: per package (its crates
 * share them), `none` where none is on.
 */
export function featuresLine(surface: Pick<Surface, 'crates'>): string {
  const perPackage = new Map<string, string[]>();
  for (const c of surface.crates) if (!perPackage.has(c.name)) perPackage.set(c.name, c.features);
  const parts = [...perPackage].map(([name, fs]) => `${name}: ${fs.length ? fs.join(', ') : 'none'}`);
  return `Cargo features assumed (as cargo turns them on): ${parts.length ? parts.join('; ') : 'none'}.`;
}

function resolveSignature(
  params: import('../syntax/model').TypeExpr[],
  ret: import('../syntax/model').TypeExpr | null,
  ctx: WalkContext,
): Ty[] {
  return [
    ...params.map((p) => resolveType(p, { ...ctx.types, implTraitIsParam: true })),
    ...(ret ? [resolveType(ret, ctx.types)] : []),
  ];
}

/**
 * A `pub const` whose value C can spell: an integer, float or `bool` literal (`0x40`, `1_000u32`, `-3`,
 * `1.5f32`). Anything computed is left to Rust (null).
 */
function constantOf(item: StaticItem, ty: Ty): { name: string; type: string; value: string } | null {
  if (ty.k !== 'prim' || item.valueText === null) return null;
  const text = item.valueText.replace(/\s+/g, '');
  const value = /^[iu](8|16|32|64|size)$/.test(ty.name)
    ? integerLiteral(text, ty.name)
    : /^f(32|64)$/.test(ty.name)
      ? floatLiteral(text)
      : ty.name === 'bool' && /^(true|false)$/.test(text)
        ? text
        : null;
  return value === null ? null : { name: item.name, type: ty.name, value };
}

function integerLiteral(text: string, type: string): string | null {
  const m = /^(-?)(0x[0-9a-f_]+|0o[0-7_]+|0b[01_]+|[0-9][0-9_]*)([iu](8|16|32|64|size))?$/i.exec(text);
  if (!m) return null;
  const digits = m[2].replace(/_/g, '').replace(/^0o/i, '0o');
  let n: bigint;
  try {
    n = BigInt(digits);
  } catch {
    return null;
  }
  if (m[1]) n = -n;
  const bits = type.endsWith('size') ? 64 : Number(type.slice(1));
  const signed = type.startsWith('i');
  const min = signed ? -(2n ** BigInt(bits - 1)) : 0n;
  const max = signed ? 2n ** BigInt(bits - 1) - 1n : 2n ** BigInt(bits) - 1n;
  if (n < min || n > max) return null;
  if (n < 0n) return n >= -(2n ** 31n) ? `(${n})` : `(${n}LL)`;
  return n < 2n ** 31n ? String(n) : `${n}${signed ? 'LL' : 'ULL'}`;
}

function floatLiteral(text: string): string | null {
  const m = /^(-?)([0-9][0-9_]*(\.[0-9_]*)?([eE][+-]?[0-9_]+)?)(f32|f64)?$/.exec(text);
  if (!m || (!m[3] && !m[4] && !m[5])) return null;
  let body = m[2].replace(/_/g, '');
  if (body.endsWith('.')) body += '0';
  if (!/[.eE]/.test(body)) body += '.0';
  return m[1] ? `(-${body})` : body;
}

function docsOf(attrs: Attribute[]): string[] {
  return attrs.filter((a) => a.name === 'doc' && a.value !== null).map((a) => a.value!.replace(/^ /, ''));
}

/** `extern const uint32_t VERSION;`: immutable statics are `const` in C, also when they hold a pointer. */
export function staticDeclaration(name: string, ty: Ty, mutable: boolean, names: CNames = BARE_NAMES): string | null {
  let element = ty;
  while (element.k === 'array') element = element.inner;
  const plain = cDeclaration(ty, name, names);
  if (plain === null || mutable) return plain && `extern ${plain};`;
  const elementType = cDeclaration(element, '', names) ?? '';
  const pointer = elementType.endsWith('*') || elementType.includes('(*');
  return `extern ${pointer ? cDeclaration(ty, `const ${name}`, names) : `const ${plain}`};`;
}

/**
 * The C names of the surface's workspace types, and with them every C spelling in the surface. A bare
 * name two workspace types share (`geo::Point`, `screen::Point`) gets its module path (`geo_Point`),
 * since C has one tag namespace for the whole program.
 */
function assignCNames(symbols: SurfaceSymbol[], types: SurfaceType[]): CNames {
  const names = cNamesAmong(types);
  for (const t of types) {
    t.cName = cName(t.ty, names);
    for (const [i, f] of (adtShape(t.ty as Ty & { k: 'adt' }).variants[0] ?? []).entries())
      if (t.fields[i]) t.fields[i].cType = cDeclaration(f.ty, '', names);
  }
  for (const s of symbols) {
    for (const p of [...s.params, ...(s.returns ? [s.returns] : [])]) p.cType = cDeclaration(p.ty, '', names);
    if (s.cPrototypeWhyNot) continue;
    s.cPrototype =
      s.kind === 'static'
        ? staticDeclaration(s.name, s.returns!.ty, s.mutable, names)
        : cPrototype(s.name, s.params, s.returns?.ty ?? null, s.variadic, { names });
  }
  return names;
}

/**
 * C names for `types`: the bare name, or where two of them share it (`geo::Point`, `screen::Point`) the
 * module path (`geo_Point`), since C has one tag namespace for the whole program.
 */
export function cNamesAmong(types: SurfaceType[]): CNames {
  const byBare = new Map<string, Set<string>>();
  for (const t of types) {
    const def = (t.ty as Ty & { k: 'adt' }).def as LocalAdt;
    byBare.set(def.item.name, (byBare.get(def.item.name) ?? new Set()).add(t.path.replace(/<.*$/, '')));
  }
  return {
    adtName: (def) => {
      const paths = byBare.get(def.item.name);
      if (!paths || paths.size < 2) return cIdentifier(def.item.name);
      return def.path
        .split('::')
        .filter((seg) => seg !== 'crate')
        .map((seg) => seg.replace(/^r#/, ''))
        .join('_');
    },
  };
}

function cName(ty: Ty, names: CNames): string | null {
  if (ty.k === 'adt' && ty.def.source === 'local' && isIntReprEnum(ty.def)) return names.adtName(ty.def);
  const name = cDeclaration(ty, '', names);
  return name && /^(struct|union|enum) \w+$/.test(name) ? name : null;
}

function reprText(def: LocalAdt): string {
  const r = def.repr;
  const parts = [
    r.c ? 'C' : null,
    r.transparent ? 'transparent' : null,
    r.int,
    r.packed ? 'packed' : null,
    r.align ? `align(${r.align})` : null,
  ].filter(Boolean);
  return parts.length ? parts.join(', ') : 'Rust';
}

/** Record every workspace type reached from `t` (through pointers, fields and generic arguments). */
function collectTypes(
  t: Ty,
  symbol: string,
  behindPointer: boolean,
  seen: Set<string>,
  out: Map<string, SurfaceType>,
  crateName: string,
  show: (t: Ty) => string,
  lineOf: (o: Origin) => number,
  rel: (f: string) => string,
  model: DataModel,
): string[] {
  const names: string[] = [];
  const visit = (x: Ty, pointer: boolean): void => {
    switch (x.k) {
      case 'ref':
      case 'ptr':
        visit(x.inner, true);
        return;
      case 'array':
      case 'slice':
        visit(x.inner, pointer);
        return;
      case 'tuple':
        x.elems.forEach((e) => visit(e, pointer));
        return;
      case 'fnptr':
        [...x.params, x.ret].forEach((e) => visit(e, pointer));
        return;
      case 'adt': {
        x.args.forEach((a) =>
          visit(a, pointer || (x.def.source === 'std' && ['Box', 'NonNull', 'Option'].includes(x.def.name))),
        );
        if (x.def.source !== 'local') {
          if (x.def.source === 'std' && (x.def.category === 'transparent' || x.def.category === 'repr-c'))
            adtShape(x).variants[0]?.forEach((f) => visit(f.ty, pointer));
          return;
        }
        const args = genericArgsInOrder(x).map((a) => (typeof a === 'string' ? a : show(a)));
        const key = `${crateName}::${x.def.path}<${args.join(',')}>`;
        const name = show(x);
        names.push(name);
        const existing = out.get(key);
        if (existing) {
          if (!existing.usedBy.includes(symbol)) existing.usedBy.push(symbol);
          if (!pointer) existing.behindPointerOnly = false;
        }
        if (seen.has(key)) return;
        seen.add(key);
        const def = x.def;
        const shape = adtShape(x);
        const layout = layoutOf(x, model);
        const fieldOffsets = fieldLayout(shape.variants[0]?.map((f) => f.ty) ?? [], def.repr.packed, model);
        if (!existing) {
          out.set(key, {
            name,
            path: def.path.replace(/^crate::/, `${crateName}::`),
            kind: def.item.kind,
            crate: crateName,
            file: rel(def.item.origin.file),
            line: lineOf(def.item.nameOrigin),
            origin: def.item.nameOrigin,
            repr: reprText(def),
            safe: checkBoundaryType(x, 'definition', 'param').kind === 'safe',
            fields:
              def.item.kind === 'enum'
                ? []
                : (shape.variants[0] ?? []).map((f, i) => ({
                    name: f.name ?? String(i),
                    type: show(f.ty),
                    cType: null,
                    offset: def.item.kind === 'union' ? 0 : (fieldOffsets?.[i] ?? null),
                    docs: docsOf(def.item.fields[i]?.attrs ?? []),
                  })),
            variants: variantsOf(def),
            cName: null,
            size: layout?.size ?? null,
            align: layout?.align ?? null,
            usedBy: [symbol],
            behindPointerOnly: pointer,
            docs: docsOf(def.item.attrs),
            ty: x,
          });
        }
        for (const v of shape.variants) for (const f of v) visit(f.ty, pointer);
        return;
      }
      default:
        return;
    }
  };
  visit(t, behindPointer);
  return names;
}

function variantsOf(def: LocalAdt): SurfaceVariant[] {
  if (def.item.kind !== 'enum') return [];
  const values = enumDiscriminants(def.item.variants);
  return def.item.variants.map((v, i) => ({
    name: v.name,
    discriminant: v.discriminant,
    value: values[i]?.toString() ?? null,
    fields: v.fields.length,
  }));
}

function fieldLayout(fields: Ty[], packed: boolean, model: DataModel): number[] | null {
  const offsets: number[] = [];
  let offset = 0;
  for (const f of fields) {
    const l = layoutOf(f, model);
    if (!l) return null;
    const a = packed ? 1 : l.align;
    offset = Math.ceil(offset / a) * a;
    offsets.push(offset);
    offset += l.size;
  }
  return offsets;
}
