import type { Attribute } from '../syntax/model';

/**
 * rustc lint levels from `#[allow]`, `#[expect]`, `#[warn]`, `#[deny]`, `#[forbid]` on the item and
 * everything that encloses it (impl, extern block, function body, module, crate). The innermost
 * attribute that names the lint, or a group containing it, decides.
 */

export type LintLevel = 'allow' | 'warn' | 'deny' | 'forbid';

const LEVEL_ATTRS: Record<string, LintLevel> = {
  allow: 'allow',
  expect: 'allow',
  warn: 'warn',
  deny: 'deny',
  forbid: 'forbid',
};

/** Lint groups that contain the lints we mirror. */
const GROUPS: Record<string, string[]> = {
  improper_ctypes: ['warnings'],
  improper_ctypes_definitions: ['warnings'],
  no_mangle_generic_items: ['warnings'],
  'clippy::no_mangle_with_rust_abi': ['warnings', 'clippy::pedantic'],
};

/** Attribute lists from the outermost scope (the crate) to the innermost (the item). */
export type LintScopes = readonly (readonly Attribute[])[];

/** The level set for `lint` in these scopes, or null when nothing sets it (the lint's default applies). */
export function lintLevel(scopes: LintScopes, lint: string): LintLevel | null {
  const names = new Set([lint, ...(GROUPS[lint] ?? [])]);
  let forbidden = false;
  for (const attrs of scopes) {
    for (const a of attrs)
      if (LEVEL_ATTRS[a.name] === 'forbid' && lintNames(a).some((n) => names.has(n))) forbidden = true;
  }
  if (forbidden) return 'forbid';
  for (let i = scopes.length - 1; i >= 0; i--) {
    const attrs = scopes[i];
    for (let j = attrs.length - 1; j >= 0; j--) {
      const a = attrs[j];
      const level = LEVEL_ATTRS[a.name];
      if (!level) continue;
      if (lintNames(a).some((n) => names.has(n))) return level;
    }
  }
  return null;
}

export function isAllowed(scopes: LintScopes, lint: string): boolean {
  return lintLevel(scopes, lint) === 'allow';
}

/** The lint paths an attribute names: `allow(a, clippy::b, reason = "…")` → [`a`, `clippy::b`]. */
function lintNames(a: Attribute): string[] {
  if (!a.args) return [];
  const out: string[] = [];
  let current = '';
  let skip = false;
  const flush = (): void => {
    if (current && !skip) out.push(current);
    current = '';
    skip = false;
  };
  for (const t of a.args) {
    if (t.text === ',') flush();
    else if (t.text === '=')
      skip = true; // `reason = "…"`
    else if (t.kind !== 'group') current += t.text;
  }
  flush();
  return out;
}
