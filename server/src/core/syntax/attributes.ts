import type { Attribute } from './model';

/**
 * Attributes rustc knows itself. Any other attribute on an item is a procedural macro (`#[wasm_bindgen]`,
 * `#[tokio::main]`): rustc lints what the macro outputs, which we cannot see, so such items are not
 * checked. On structs, unknown attributes are usually inert derive helpers (`#[serde(…)]`) and are kept.
 */
const BUILTIN = new Set([
  'allow',
  'warn',
  'deny',
  'forbid',
  'expect',
  'cfg',
  'cfg_attr',
  'doc',
  'repr',
  'no_mangle',
  'export_name',
  'link',
  'link_name',
  'link_section',
  'link_ordinal',
  'inline',
  'cold',
  'must_use',
  'deprecated',
  'derive',
  'path',
  'macro_use',
  'macro_export',
  'non_exhaustive',
  'used',
  'track_caller',
  'target_feature',
  'automatically_derived',
  'ignore',
  'should_panic',
  'no_std',
  'no_main',
  'crate_type',
  'crate_name',
  'recursion_limit',
  'type_length_limit',
  'feature',
  'global_allocator',
  'panic_handler',
  'naked',
  'instruction_set',
  'no_implicit_prelude',
  'windows_subsystem',
  'debugger_visualizer',
  'collapse_debuginfo',
  'ffi_const',
  'ffi_pure',
  'thread_local',
  'coverage',
  'optimize',
  'no_builtins',
  'no_link',
  'unstable',
  'stable',
  'rustc_const_stable',
  'rustc_const_unstable',
  'const_trait',
  'may_dangle',
  'linkage',
  'patchable_function_entry',
  'diagnostic',
  'unsafe',
  'sanitize',
  'register_tool',
  'default_lib_allocator',
  'compiler_builtins',
  'profiler_runtime',
  'needs_allocator',
  'rustfmt',
  'clippy',
  'rust_analyzer',
  'expect',
]);

/** Tools whose attributes are inert (`#[rustfmt::skip]`, `#[clippy::…]`, `#[diagnostic::…]`). */
const TOOLS = new Set(['rustfmt', 'clippy', 'diagnostic', 'rust_analyzer', 'rustdoc']);

/** The first attribute that must be a procedural macro, if any. */
export function procMacroAttribute(attrs: Attribute[]): Attribute | null {
  for (const a of attrs) {
    if (a.inner) continue;
    const head = a.name.split('::')[0];
    if (a.name.includes('::') ? !TOOLS.has(head) : !BUILTIN.has(a.name) && !a.name.startsWith('rustc_')) return a;
  }
  return null;
}

/** `#[test]` / `#[bench]` items exist only when compiling tests, which a check is not. */
export function isTestOnly(attrs: Attribute[]): boolean {
  return attrs.some((a) => a.name === 'test' || a.name === 'bench');
}
