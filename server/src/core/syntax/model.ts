/**
 * Plain data extracted from Rust source. Nothing of tree-sitter leaks past the syntax stage: everything
 * the rest of the core sees is described here. Offsets are UTF-16 code units into the file's text (what
 * JavaScript strings and web-tree-sitter count); `positions.ts` converts them for rustc and LSP.
 */

/** A half-open range of UTF-16 offsets into one file's text. */
export interface Span {
  start: number;
  end: number;
}

/** Where a piece of syntax came from: the file and the span in it. Macro expansions map back here. */
export interface Origin {
  file: string;
  span: Span;
}

export interface GenericArgs {
  types: TypeExpr[];
  /** `Item = T` bindings; kept so a path's display is faithful, not used for layout. */
  bindings: { name: string; type: TypeExpr }[];
  /** Const arguments as written (`4`, `N`, `{ N + 1 }`). */
  consts: string[];
  /** How many lifetime arguments were written. */
  lifetimes: number;
}

export interface PathSegment {
  name: string;
  args: GenericArgs | null;
}

export interface TypePath {
  /** `::std::…` */
  global: boolean;
  segments: PathSegment[];
  /** `<T as Trait>::X` and `<T>::X`: a projection we do not normalise. */
  qualified: boolean;
}

/** A type as written in the source. */
export type TypeExpr =
  | { kind: 'path'; origin: Origin; path: TypePath }
  | { kind: 'primitive'; origin: Origin; name: string }
  | { kind: 'ref'; origin: Origin; mutable: boolean; inner: TypeExpr; lifetime: string | null }
  | { kind: 'ptr'; origin: Origin; mutable: boolean; inner: TypeExpr }
  | { kind: 'slice'; origin: Origin; inner: TypeExpr }
  | { kind: 'array'; origin: Origin; inner: TypeExpr; length: string }
  | { kind: 'tuple'; origin: Origin; elems: TypeExpr[] }
  | { kind: 'fnptr'; origin: Origin; fn: FnPointerExpr }
  | { kind: 'dyn'; origin: Origin; text: string }
  | { kind: 'impl'; origin: Origin; text: string }
  | { kind: 'never'; origin: Origin }
  | { kind: 'infer'; origin: Origin }
  /** A type we cannot interpret (a macro in type position, a syntax error). */
  | { kind: 'opaque-syntax'; origin: Origin; text: string };

export interface FnPointerExpr {
  /** `null` when no `extern` is written (the Rust ABI); `"C"` for a bare `extern`. */
  abi: string | null;
  unsafe: boolean;
  params: TypeExpr[];
  ret: TypeExpr | null;
  variadic: boolean;
}

/** One macro expansion: where the macro was invoked, and an identity (nested calls share a span). */
export interface Expansion {
  at: Origin;
  id: number;
  /** The expansion the call came from, for a call an expansion wrote. */
  parent?: Expansion;
  /** The rule body this expansion wrote out, as written in the macro (none for `cfg_if!`, `include!`). */
  body?: Origin;
}

/** A parsed attribute `#[name(args)]` / `#[name = value]`, after `cfg_attr` expansion. */
export interface Attribute {
  /** Path of the attribute, `::`-joined: `no_mangle`, `repr`, `clippy::x`. For `unsafe(no_mangle)`, the inner name. */
  name: string;
  /** Written as `#[unsafe(…)]` (edition 2024 unsafe attributes). */
  unsafeWrapped: boolean;
  /** The tokens inside the parentheses, for list-style attributes. */
  args: Token[] | null;
  /** `= "value"` for name-value attributes, string content unescaped. */
  value: string | null;
  inner: boolean;
  origin: Origin;
}

export interface Token {
  text: string;
  /** `ident`, `string`, `number`, `punct`, `lifetime`, `group` (a nested delimited tree). */
  kind: 'ident' | 'string' | 'number' | 'punct' | 'lifetime' | 'char' | 'group';
  /** For `group`: the delimiter and its tokens. */
  delimiter?: '(' | '[' | '{';
  children?: Token[];
  origin: Origin;
}

export interface GenericParam {
  kind: 'lifetime' | 'type' | 'const';
  name: string;
  /** A defaulted type parameter's default (`T = u8`). */
  defaultType: TypeExpr | null;
}

export type Visibility = 'pub' | 'restricted' | 'private';

interface ItemBase {
  name: string;
  attrs: Attribute[];
  visibility: Visibility;
  /** The whole item, attributes excluded. */
  origin: Origin;
  /** The item's name as written. */
  nameOrigin: Origin;
  /** Produced by expanding a `macro_rules!` invocation. */
  fromMacro?: boolean;
  /** For an item produced by a macro: which expansion (each invocation is a distinct one). */
  expansion?: Expansion;
}

export interface Param {
  type: TypeExpr;
  name: string;
  /** `#[cfg]` on a parameter removes it. */
  attrs: Attribute[];
}

export interface FnItem extends ItemBase {
  kind: 'fn';
  /** `null` = Rust ABI (no `extern`), otherwise the ABI string (`extern` alone = "C"). */
  abi: string | null;
  isUnsafe: boolean;
  isConst: boolean;
  isAsync: boolean;
  generics: GenericParam[];
  /** `impl Trait` in argument position, which rustc turns into a generic parameter. */
  hasImplTraitArg: boolean;
  params: Param[];
  selfParam: boolean;
  /** The parameter list, parentheses included. */
  paramsOrigin: Origin;
  ret: TypeExpr | null;
  hasBody: boolean;
  /** From the first token after the attributes through the `where` clause, without the body. */
  signatureOrigin: Origin;
  /** Items declared inside the body (nested fns, extern blocks, types…). */
  nested: Item[];
  /**
   * What the body holds, for rules about its behaviour; read for functions with an `extern` ABI, and for
   * functions whose body names `catch_unwind` (a wrapper a boundary function may call).
   */
  bodyFacts: BodyFacts | null;
  /**
   * Set by the boundary walk on a function an FFI crate's attribute exports (`#[ffi_export]`,
   * `#[sabi_extern_fn]`, `#[export_root_module]`, `#[stabby::export]`): what the crate makes of it.
   */
  crateExport?: CrateExport;
}

/** What an FFI crate's export attribute makes of a function (workspace/ffi-crates.ts, docs/ffi-crates.md). */
export interface CrateExport {
  crate: 'safer_ffi' | 'abi_stable' | 'stabby';
  kind: 'ffi-export' | 'sabi-extern-fn' | 'root-module' | 'stabby-export';
  /** The attribute, as written (`safer_ffi::ffi_export`). */
  attribute: Attribute;
  /** The function's link symbol, or null when the crate exports no symbol for it (`#[sabi_extern_fn]` alone). */
  symbol: string | null;
  /** The ABI of the function the crate generates (`"C"`), or null for a Rust-ABI function. */
  abi: string | null;
  /**
   * Whether rustc's `improper_ctypes_definitions` sees the written types: false where the crate's
   * expansion allows the lint or converts the types to its own C layouts, and its own trait decides.
   */
  parity: boolean;
  /** `#[stabby::export(canaries)]`: stabby checks nothing but the compiler's version. */
  canaries: boolean;
}

/** A function body as plain data: its text and the expressions rules look for, with their positions. */
export interface BodyFacts {
  /** The body as written, comments included. */
  text: string;
  /**
   * Macro calls, calls, dereferences, index expressions and `let` statements, in source order (an outer one
   * before those inside it).
   */
  expressions: BodyExpression[];
}

/** A plain name used as an expression (`p`), where it is written. */
export interface PlainName {
  name: string;
  origin: Origin;
}

export type BodyExpression =
  /** `path!(…)`: the macro's path as written, at the whole call. */
  | { kind: 'macro-call'; path: string; origin: Origin }
  /**
   * `receiver.method(…)`: the method's name, at the name; `receiver` when it is a plain name (through
   * parentheses), and the plain names among the arguments.
   */
  | {
      kind: 'method-call';
      method: string;
      origin: Origin;
      receiver: PlainName | null;
      /** The receiver as written (`user_data.take()` for `user_data.take().unwrap()`). */
      receiverText: string;
      args: PlainName[];
    }
  /**
   * `let pattern: type = value;`, at the whole statement: `name` when the pattern is a plain name (`x`,
   * `mut x`), the type and the value as written when there are.
   */
  | { kind: 'let'; name: string | null; type: string | null; value: string | null; origin: Origin }
  /**
   * `callee(…)` (not a method call): the callee's path as written, at the callee; the plain names among the
   * arguments, the argument list (parentheses included), and the closures written as arguments.
   */
  | { kind: 'call'; callee: string; origin: Origin; args: PlainName[]; argsOrigin: Origin; closures: ClosureArg[] }
  /** `*operand` where the operand is a plain name (through parentheses). */
  | { kind: 'deref'; operand: PlainName; origin: Origin }
  /**
   * `place[index]`, at the whole expression; `place` when it is a plain name, `constant` when the index is
   * an integer literal (its value); the index as written (`index`), or its bounds when it is a range.
   */
  | {
      kind: 'index';
      origin: Origin;
      place: string | null;
      constant: number | null;
      index: string | null;
      range: IndexRange | null;
    };

/** A closure written as a call's argument (`f(|| …)`): its position among the arguments, and where it is. */
export interface ClosureArg {
  index: number;
  origin: Origin;
}

/** The bounds of a range as written: `..N` has no start, `a..` no end, `..` neither; `..=` is inclusive. */
export interface IndexRange {
  start: string | null;
  end: string | null;
  inclusive: boolean;
}

export interface FieldDef {
  name: string | null;
  type: TypeExpr;
  attrs: Attribute[];
  origin: Origin;
}

export interface VariantDef {
  name: string;
  fields: FieldDef[];
  /** Tuple (`A(u8)`), struct-like (`A { x: u8 }`) or unit. */
  shape: 'unit' | 'tuple' | 'struct';
  discriminant: string | null;
  attrs: Attribute[];
  origin: Origin;
}

export interface AdtItem extends ItemBase {
  kind: 'struct' | 'enum' | 'union';
  generics: GenericParam[];
  /** For structs and unions; enums use `variants`. */
  fields: FieldDef[];
  shape: 'unit' | 'tuple' | 'struct';
  variants: VariantDef[];
}

export interface TypeAliasItem extends ItemBase {
  kind: 'type';
  generics: GenericParam[];
  type: TypeExpr | null;
}

export interface StaticItem extends ItemBase {
  kind: 'static' | 'const';
  type: TypeExpr | null;
  mutable: boolean;
  /** Items declared inside the initialiser (`const C: u32 = { extern "C" fn f() {} 0 };`). */
  nested: Item[];
  /** The initialiser as written, for evaluating array lengths (`[u8; N]`). */
  valueText: string | null;
}

export interface ForeignFnItem extends ItemBase {
  kind: 'foreign-fn';
  generics: GenericParam[];
  params: Param[];
  ret: TypeExpr | null;
  variadic: boolean;
  safe: boolean;
}

export interface ForeignStaticItem extends ItemBase {
  kind: 'foreign-static';
  type: TypeExpr | null;
  safe: boolean;
}

export interface ExternBlockItem extends ItemBase {
  kind: 'extern-block';
  abi: string;
  /** Written `unsafe extern` (edition 2024). */
  isUnsafe: boolean;
  items: (ForeignFnItem | ForeignStaticItem)[];
}

export interface ModItem extends ItemBase {
  kind: 'mod';
  /** `null` for `mod x;` (body in another file). */
  items: Item[] | null;
  innerAttrs: Attribute[];
}

export type UseTree = { kind: 'path'; path: string[]; alias: string | null } | { kind: 'glob'; path: string[] };

export interface UseItem extends ItemBase {
  kind: 'use';
  trees: UseTree[];
}

export interface ImplItem extends ItemBase {
  kind: 'impl';
  generics: GenericParam[];
  selfType: TypeExpr | null;
  traitName: string | null;
  items: Item[];
}

export interface TraitItem extends ItemBase {
  kind: 'trait';
  generics: GenericParam[];
  items: Item[];
}

export interface MacroRulesItem extends ItemBase {
  kind: 'macro-rules';
  rules: MacroRule[];
}

export interface MacroRule {
  pattern: Token[];
  body: Token[];
}

export interface MacroCallItem extends ItemBase {
  kind: 'macro-call';
  /** Path of the macro as written (`foo`, `crate::foo`). */
  macroName: string;
  tokens: Token[];
  /** Invoked in a function body (statement or expression position) rather than as an item. */
  inBody?: boolean;
}

export interface ExternCrateItem extends ItemBase {
  kind: 'extern-crate';
  crateName: string;
  alias: string | null;
}

export type Item =
  | FnItem
  | AdtItem
  | TypeAliasItem
  | StaticItem
  | ExternBlockItem
  | ModItem
  | UseItem
  | ImplItem
  | TraitItem
  | MacroRulesItem
  | MacroCallItem
  | ExternCrateItem;

/** What one file holds, before `#[cfg]` is evaluated. */
export interface FileItems {
  file: string;
  innerAttrs: Attribute[];
  items: Item[];
  /** Syntax errors the parser recovered from, for "skipped"/"partial" reporting. */
  syntaxErrors: Span[];
}
