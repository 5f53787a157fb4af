import { parseArgs, ParseArgsConfig } from 'util';
import { isRuleId } from './core/analysis/rules';
import { knownTargets } from './core/syntax/cfg';

/**
 * The command line's words (../shared/CLI.md), read in one place for every command, the language
 * server's `lsp` included: one table says which options each command takes and what they accept, one
 * parser reads them, and every mistake becomes a `UsageError`, printed with the usage by `withUsage`.
 */

export const USAGE = `usage:
  ffi-guard check [PATH…] [--format text|short|json|sarif|github] [--config FILE] [--deny warnings] [--shard I/N]
                  [--against FILE.ffi-abi|FILE.h]…   imports against a baseline, exports against a C header
  ffi-guard merge FILE… [--format json|sarif] [--deny warnings]   one output from the outputs of the shards
  ffi-guard report [PATH…] [--format markdown|json|html] [--out FILE]
  ffi-guard header [PATH…] [--out FILE]     C header for the exported surface
  ffi-guard snapshot [PATH…] --out FILE    ABI baseline
  ffi-guard diff [PATH…] --baseline FILE   breaking changes against the baseline (exit 1 if any)
  ffi-guard fix [PATH…] [--rule ID…] [--dry-run] [--config FILE]   apply the quick fixes, like cargo fix
  ffi-guard lsp --stdio                     the language server, for any LSP editor
  ffi-guard --version

Every command takes --help (-h), --quiet (-q) and --color auto|always|never.
check, report, header, snapshot, diff and fix also take what cargo would build:
  --features A,B  --no-default-features  --all-features  --target TRIPLE
  (snapshot and diff take --target more than once: one baseline records each target)

PATH is a file or a directory (a crate, a Cargo workspace, or any folder); default: the current directory.
\`ffi-guard COMMAND --help\` describes a command.`;

/** A mistake on the command line: reported with the usage, exit status 2. */
export class UsageError extends Error {}

interface StringOption {
  type: 'string';
  /** Repeatable: its values are collected in order. */
  multiple?: boolean;
  default?: string;
  /** Must be given. */
  required?: boolean;
  /** How the usage names its value (`--out FILE`). */
  valueName?: string;
  /** The values it accepts, and how a message names one (and, for a test, what it expects). */
  accepts?:
    | { what: string; choices: readonly string[] }
    | { what: string; valid: (value: string) => boolean; expected?: string };
  /** What `COMMAND --help` says of it. */
  help: string;
  /** A one-letter alias (`-q`). */
  short?: string;
}

interface BooleanOption {
  type: 'boolean';
  required?: boolean;
  help: string;
  short?: string;
}

type OptionSpec = StringOption | BooleanOption;

interface CommandSpec {
  options: Record<string, OptionSpec>;
  /** Takes PATH… operands. */
  paths: boolean;
  /** The operands as `COMMAND --help` names them, when not `[PATH…]`. */
  operands?: string;
  /** What `COMMAND --help` says the command does. */
  summary: string;
  /**
   * Words not in the table are let through: language clients start a server with flags of their own
   * (`--clientProcessId=N`, or `--clientProcessId N`), which the LSP library reads itself.
   */
  lenient?: boolean;
}

/** More shards than crates leaves some empty; this many is far past any CI matrix (GitHub's holds 256 jobs). */
const MAX_SHARDS = 10_000;

const config = {
  type: 'string',
  valueName: 'FILE',
  help: 'read the settings from this TOML file instead of ffi-guard.toml / Cargo.toml metadata',
} as const;
const deny = {
  type: 'string',
  multiple: true,
  accepts: { what: '--deny level', choices: ['warnings'] },
  help: 'exit with status 1 on warnings too, not only on errors',
} as const;
const out = { type: 'string', valueName: 'FILE', help: 'write to FILE instead of standard output' } as const;

/** What every command takes (besides `--help`). */
const COMMON = {
  quiet: {
    type: 'boolean',
    short: 'q',
    help: 'print only the results: no summary line, no progress, no notes',
  },
  color: {
    type: 'string',
    default: 'auto',
    valueName: 'WHEN',
    accepts: { what: '--color', choices: ['auto', 'always', 'never'] },
    help: 'colour the text output: auto (only on a terminal, and not when NO_COLOR is set), always or never',
  },
} as const;

/** The output formats of `check`: `short` and `github` are one line per finding. */
export const CHECK_FORMATS = ['text', 'short', 'json', 'sarif', 'github'] as const;

/** What cargo would build: its feature flags, and the target triple (`#[cfg]` and layout). */
const build = {
  features: {
    type: 'string',
    multiple: true,
    valueName: 'A,B',
    help: 'turn on these Cargo features (a name, or package/feature; repeatable), besides the default ones',
  },
  'no-default-features': { type: 'boolean', help: 'do not turn on the `default` features' },
  'all-features': { type: 'boolean', help: 'turn on every feature of every package' },
  target: {
    type: 'string',
    valueName: 'TRIPLE',
    help: 'build for this target: its #[cfg] and its C data model (sizes, alignments)',
    accepts: { what: 'target', valid: (v: string) => knownTargets().includes(v), expected: knownTargets().join(', ') },
  },
} as const;

/** `snapshot` and `diff` take several targets: one baseline records each one's surface. */
const buildTargets = {
  ...build,
  target: {
    ...build.target,
    multiple: true,
    help: 'build for this target (repeatable: the baseline records, and diff compares, each target given)',
  },
} as const;

const COMMANDS = {
  check: {
    paths: true,
    summary:
      'Check the FFI boundary of the Rust code under PATH: the findings, one per line (text, short), as JSON, as SARIF 2.1.0, or as GitHub workflow annotations (github). Exit status 0 clean, 1 findings at the failing level (errors; warnings too with --deny warnings), 2 usage error or nothing could be read.',
    options: {
      format: {
        type: 'string',
        default: 'text',
        accepts: { what: 'format', choices: CHECK_FORMATS },
        help: 'text (findings and a summary), short (file:line:col: severity[rule]: first sentence), json, sarif, or github (::warning file=…,line=…:: annotations)',
      },
      config,
      deny,
      against: {
        type: 'string',
        multiple: true,
        valueName: 'FILE',
        help: "check the workspace against another library's ABI baseline (FILE.ffi-abi: imports against its exports) or a C header (FILE.h: exports against its prototypes); repeatable",
      },
      shard: {
        type: 'string',
        valueName: 'I/N',
        accepts: {
          what: '--shard',
          valid: (v) => parseShard(v) !== null,
          expected: `I/N with 1 ≤ I ≤ N ≤ ${MAX_SHARDS}, e.g. 2/4`,
        },
        help: 'check only share I of N shares of the crates (balanced by size), for N CI runners; see `merge`',
      },
      ...build,
      ...COMMON,
    },
  },
  merge: {
    paths: true,
    operands: 'FILE…',
    summary:
      'Combine the JSON or SARIF outputs of `check --shard I/N` into what one unsharded run prints, with its exit status.',
    options: {
      format: {
        type: 'string',
        accepts: { what: 'format', choices: ['json', 'sarif'] },
        help: 'the format of the output (default: that of the inputs)',
      },
      deny,
      ...COMMON,
    },
  },
  report: {
    paths: true,
    summary:
      'The ABI surface: every exported or imported C symbol, its C prototype, the types it reaches and their findings.',
    options: {
      format: {
        type: 'string',
        default: 'markdown',
        accepts: { what: 'format', choices: ['markdown', 'json', 'html'] },
        help: 'markdown, json or html',
      },
      out,
      config,
      ...build,
      ...COMMON,
    },
  },
  header: {
    paths: true,
    summary: 'A C99 header for the exported surface of the library crate under PATH.',
    options: { out, config, ...build, ...COMMON },
  },
  snapshot: {
    paths: true,
    summary: 'Write the ABI baseline of the workspace (a .ffi-abi file to commit), for `diff` to compare with later.',
    options: {
      out: { ...out, required: true, help: 'the baseline file to write' },
      config,
      ...buildTargets,
      ...COMMON,
    },
  },
  diff: {
    paths: true,
    summary:
      'The breaking ABI changes of the workspace against a baseline written by `snapshot`. Exit status 1 if there is any.',
    options: {
      baseline: { type: 'string', valueName: 'FILE', required: true, help: 'the baseline to compare with' },
      config,
      ...buildTargets,
      ...COMMON,
    },
  },
  fix: {
    paths: true,
    summary: "Apply each finding's preferred fix to the files, like `cargo fix`.",
    options: {
      rule: {
        type: 'string',
        multiple: true,
        valueName: 'ID',
        accepts: { what: 'rule id', valid: isRuleId },
        help: 'fix only the findings of this rule (repeatable)',
      },
      'dry-run': { type: 'boolean', help: 'print the changes as a unified diff instead of writing them' },
      config,
      ...build,
      ...COMMON,
    },
  },
  lsp: {
    paths: false,
    operands: '',
    lenient: true,
    summary: 'The language server, for any editor that speaks LSP (see docs/editors.md).',
    options: { stdio: { type: 'boolean', required: true, help: 'talk LSP over standard input and output' } },
  },
} as const satisfies Record<string, CommandSpec>;

export type CommandName = keyof typeof COMMANDS;

/** The values of a command's options: a list when repeatable, a string when it has a default or is required. */
type OptionValues<Options> = {
  -readonly [K in keyof Options]: Options[K] extends { multiple: true }
    ? string[]
    : Options[K] extends { type: 'boolean' }
      ? boolean
      : Options[K] extends { default: string } | { required: true }
        ? string
        : string | undefined;
};

/** A command and what it was given. */
export type CommandLine =
  | {
      [C in CommandName]: { command: C; paths: string[]; options: OptionValues<(typeof COMMANDS)[C]['options']> };
    }[CommandName]
  | { command: 'help'; of?: CommandName }
  | { command: 'version' };

/** Read `argv` (without the program's name). Throws a `UsageError` that says what is wrong. */
export function parseCommandLine(argv: string[]): CommandLine {
  const [command, ...args] = argv;
  switch (command) {
    case '--version':
    case '-V':
      return { command: 'version' };
    case '--help':
    case '-h':
    case 'help':
      return { command: 'help' };
    case undefined:
      throw new UsageError('no command given');
  }
  if (!Object.hasOwn(COMMANDS, command)) throw new UsageError(`unknown command \`${command}\``);
  const name = command as CommandName;
  const spec: CommandSpec = COMMANDS[name];
  if (asksForHelp(args)) return { command: 'help', of: name };
  const { values, positionals } = readArgs(args, spec);
  if (positionals.length && !spec.paths && !spec.lenient) throw new UsageError(`\`ffi-guard ${name}\` takes no PATH`);
  const options: Record<string, string | string[] | boolean | undefined> = {};
  for (const [option, o] of Object.entries(spec.options)) {
    const value = values[option];
    if (o.required && value === undefined)
      throw new UsageError(
        `\`ffi-guard ${name}\` needs --${option}${o.type === 'string' && o.valueName ? ` ${o.valueName}` : ''}`,
      );
    if (o.type === 'boolean') {
      options[option] = value === true;
      continue;
    }
    const given = (value === undefined ? [] : Array.isArray(value) ? value : [value]).map(String);
    for (const v of given) checkValue(v, o);
    options[option] = o.multiple ? given : (given[0] ?? o.default);
  }
  return { command: name, paths: positionals, options } as CommandLine;
}

/**
 * Run a command line's work; a `UsageError` from it is printed with the usage and exits with 2. The
 * CLI and the language server's entry both report their mistakes through here.
 */
export async function withUsage(err: (s: string) => void, run: () => number | Promise<number>): Promise<number> {
  try {
    return await run();
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    err(`error: ${e.message}\n\n${USAGE}\n`);
    return 2;
  }
}

/** `--help` or `-h` among the words before a `--` (after it, a word is an operand). */
function asksForHelp(args: string[]): boolean {
  const end = args.indexOf('--');
  return (end < 0 ? args : args.slice(0, end)).some((a) => a === '--help' || a === '-h');
}

/** What `ffi-guard COMMAND --help` prints: the synopsis, what the command does, and its options. */
export function commandHelp(name: CommandName): string {
  const spec: CommandSpec = COMMANDS[name];
  const operands = spec.operands ?? (spec.paths ? '[PATH…]' : '');
  const rows: [string, string][] = Object.entries(spec.options).map(([option, o]) => {
    const value =
      o.type === 'boolean'
        ? ''
        : ` ${o.valueName ?? (o.accepts && 'choices' in o.accepts ? o.accepts.choices.join('|') : 'VALUE')}`;
    const flag = `${o.short ? `-${o.short}, ` : '    '}--${option}${value}`;
    const notes = [
      o.required ? 'required' : '',
      o.type === 'string' && o.multiple ? 'repeatable' : '',
      o.type === 'string' && o.default !== undefined && option !== 'color' ? `default: ${o.default}` : '',
    ].filter(Boolean);
    return [flag, `${o.help}${notes.length ? ` (${notes.join('; ')})` : ''}`];
  });
  rows.push(['-h, --help', 'print this help and exit']);
  const width = Math.min(32, Math.max(...rows.map(([f]) => f.length)));
  const lines = rows.map(([flag, help]) =>
    flag.length > width ? `  ${flag}\n  ${' '.repeat(width)}  ${help}` : `  ${flag.padEnd(width)}  ${help}`,
  );
  const paths = spec.paths && !spec.operands ? `\n\n${PATHS}` : '';
  return `usage: ffi-guard ${name}${operands ? ` ${operands}` : ''} [options]\n\n${spec.summary}${paths}\n\noptions:\n${lines.join('\n')}\n`;
}

const PATHS =
  'PATH is a file or a directory (a crate, a Cargo workspace, or any folder: every *.rs below it, honouring .gitignore and skipping target/); default: the current directory.';

function readArgs(
  args: string[],
  spec: CommandSpec,
): { values: Record<string, string | boolean | (string | boolean)[] | undefined>; positionals: string[] } {
  const options: NonNullable<ParseArgsConfig['options']> = {};
  for (const [option, o] of Object.entries(spec.options))
    options[option] = {
      type: o.type,
      multiple: o.type === 'string' && !!o.multiple,
      ...(o.short ? { short: o.short } : {}),
    };
  try {
    return parseArgs({ args, options, allowPositionals: true, strict: !spec.lenient });
  } catch (e) {
    const error = e as Error & { code?: string };
    // Node's own sentence for an unknown option suggests `-- "--x"` with an unbalanced quote: say it plainly.
    const unknown = error.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' ? /'(-[^']*)'/.exec(error.message) : null;
    if (unknown) throw new UsageError(`unknown option \`${unknown[1]}\``);
    throw new UsageError(error.message);
  }
}

function checkValue(value: string, o: StringOption): void {
  const accepts = o.accepts;
  if (!accepts) return;
  if ('choices' in accepts) {
    if (accepts.choices.includes(value)) return;
    const expected =
      accepts.choices.length === 1
        ? accepts.choices[0]
        : `${accepts.choices.slice(0, -1).join(', ')} or ${accepts.choices[accepts.choices.length - 1]}`;
    throw new UsageError(`unknown ${accepts.what} \`${value}\` (expected ${expected})`);
  }
  if (accepts.valid(value)) return;
  throw new UsageError(
    accepts.expected
      ? `invalid ${accepts.what} \`${value}\` (expected ${accepts.expected})`
      : `unknown ${accepts.what} \`${value}\``,
  );
}

/** The settings a command line's cargo flags override (`--features` is comma- or space-separated, repeatable). */
export function buildOverrides(options: {
  features?: string[];
  'no-default-features'?: boolean;
  'all-features'?: boolean;
  target?: string;
}): { features?: string[]; noDefaultFeatures?: boolean; allFeatures?: boolean; target?: string } {
  const out: { features?: string[]; noDefaultFeatures?: boolean; allFeatures?: boolean; target?: string } = {};
  const features = (options.features ?? []).flatMap((f) => f.split(/[\s,]+/)).filter((f) => f);
  if (features.length) out.features = features;
  if (options['no-default-features']) out.noDefaultFeatures = true;
  if (options['all-features']) out.allFeatures = true;
  if (options.target) out.target = options.target;
  return out;
}

/** `I/N` of `--shard`, or null when it is not two whole numbers with 1 ≤ I ≤ N ≤ MAX_SHARDS. */
export function parseShard(value: string): { index: number; count: number } | null {
  const m = /^(\d+)\/(\d+)$/.exec(value);
  if (!m) return null;
  const index = Number(m[1]);
  const count = Number(m[2]);
  return index >= 1 && index <= count && count <= MAX_SHARDS ? { index, count } : null;
}
