import { parseToml } from '../workspace/toml';

/**
 * The parts of a crate's `cbindgen.toml` that change what a header names and includes, so a project that
 * uses cbindgen gets the same names from us: `export.prefix`, `export.rename`, `export.include`,
 * `export.exclude`, `enum.rename_variants` and `include_guard`. Everything else cbindgen reads (style,
 * documentation, macro expansion…) is ignored; a `language` other than C is reported: we write C.
 */
export interface CbindgenConfig {
  /** The file, as messages name it. */
  file: string;
  /** Put before every type's C name (`export.prefix`). */
  prefix: string;
  /** A Rust type name → its C name (`export.rename`); the prefix is not added to a renamed type. */
  rename: Map<string, string>;
  /** Types described even where no exported function reaches them (`export.include`). */
  include: string[];
  /** Types and functions left out of the header (`export.exclude`): the project declares them elsewhere. */
  exclude: Set<string>;
  /** How enum constants are spelt (`enum.rename_variants`), or null for as written. */
  renameVariants: RenameRule | null;
  /** `include_guard`, or null for ours. */
  includeGuard: string | null;
  /** What we read but do not do, one sentence each. */
  warnings: string[];
}

export type RenameRule =
  | 'None'
  | 'LowerCase'
  | 'UpperCase'
  | 'PascalCase'
  | 'CamelCase'
  | 'SnakeCase'
  | 'ScreamingSnakeCase'
  | 'QualifiedScreamingSnakeCase';

const RENAME_RULES = new Set<string>([
  'None',
  'LowerCase',
  'UpperCase',
  'PascalCase',
  'CamelCase',
  'SnakeCase',
  'ScreamingSnakeCase',
  'QualifiedScreamingSnakeCase',
]);

/** A `cbindgen.toml` we cannot use; the message names the file and the key. */
export class CbindgenConfigError extends Error {}

type Table = Record<string, unknown>;

/** Reads a `cbindgen.toml`'s text. Throws a `CbindgenConfigError` for invalid TOML or a key of the wrong type. */
export function parseCbindgenConfig(text: string, file: string): CbindgenConfig {
  let table: Table;
  try {
    table = parseToml(text);
  } catch (e) {
    throw new CbindgenConfigError(`${file} is not valid TOML: ${(e as Error).message.split('\n')[0]}`);
  }
  const bad = (key: string, expected: string): CbindgenConfigError =>
    new CbindgenConfigError(`${file}: \`${key}\` must be ${expected}.`);
  const section = (key: string): Table => {
    const v = table[key];
    if (v === undefined) return {};
    if (typeof v !== 'object' || v === null || Array.isArray(v)) throw bad(key, 'a table');
    return v as Table;
  };
  const string = (t: Table, key: string, full: string): string | null => {
    const v = t[key];
    if (v === undefined) return null;
    if (typeof v !== 'string') throw bad(full, 'a string');
    return v;
  };
  const strings = (t: Table, key: string, full: string): string[] => {
    const v = t[key];
    if (v === undefined) return [];
    if (!Array.isArray(v) || v.some((x) => typeof x !== 'string')) throw bad(full, 'a list of strings');
    return v as string[];
  };
  const exp = section('export');
  const renameTable = exp.rename === undefined ? {} : exp.rename;
  if (typeof renameTable !== 'object' || renameTable === null || Array.isArray(renameTable))
    throw bad('export.rename', 'a table of strings');
  const rename = new Map<string, string>();
  for (const [k, v] of Object.entries(renameTable as Table)) {
    if (typeof v !== 'string') throw bad(`export.rename.${k}`, 'a string');
    rename.set(k, v);
  }
  const rule = string(section('enum'), 'rename_variants', 'enum.rename_variants');
  if (rule !== null && !RENAME_RULES.has(rule))
    throw bad('enum.rename_variants', `one of ${[...RENAME_RULES].join(', ')}`);
  const warnings: string[] = [];
  const language = string(table, 'language', 'language');
  if (language !== null && language.toLowerCase() !== 'c')
    warnings.push(`${file}: \`language = "${language}"\` is not supported: the header is C (it also compiles as C++).`);
  return {
    file,
    prefix: string(exp, 'prefix', 'export.prefix') ?? '',
    rename,
    include: strings(exp, 'include', 'export.include'),
    exclude: new Set(strings(exp, 'exclude', 'export.exclude')),
    renameVariants: (rule as RenameRule | null) ?? null,
    includeGuard: string(table, 'include_guard', 'include_guard'),
    warnings,
  };
}

/** A variant's name as `rule` spells it (`enum.rename_variants`); `enumName` for the qualified rule. */
export function renameVariant(name: string, rule: RenameRule | null, enumName: string): string {
  const words = (s: string): string[] =>
    s
      .replace(/^r#/, '')
      .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
      .split('_')
      .filter(Boolean);
  const ws = words(name);
  switch (rule) {
    case null:
    case 'None':
      return name.replace(/^r#/, '');
    case 'LowerCase':
      return name.replace(/^r#/, '').toLowerCase();
    case 'UpperCase':
      return name.replace(/^r#/, '').toUpperCase();
    case 'PascalCase':
      return ws.map((w) => w[0].toUpperCase() + w.slice(1).toLowerCase()).join('');
    case 'CamelCase': {
      const pascal = ws.map((w) => w[0].toUpperCase() + w.slice(1).toLowerCase()).join('');
      return pascal ? pascal[0].toLowerCase() + pascal.slice(1) : pascal;
    }
    case 'SnakeCase':
      return ws.map((w) => w.toLowerCase()).join('_');
    case 'ScreamingSnakeCase':
      return ws.map((w) => w.toUpperCase()).join('_');
    case 'QualifiedScreamingSnakeCase':
      return [...words(enumName), ...ws].map((w) => w.toUpperCase()).join('_');
  }
}
