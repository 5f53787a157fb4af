import { parseArgs, ParseArgsConfig } from 'util';
import { isRuleId } from './core/analysis/rules';

/**
 * The command line's words (../shared/CLI.md), read in one place for every command, the language
 * server's `lsp` included: one table says which options each command takes and what they accept, one
 * parser reads them, and every mistake becomes a `UsageError`, printed with the usage by `withUsage`.
 */

export const USAGE = `usage:
  ffi-guard check [PATH…] [--format text|json|sarif] [--config FILE] [--deny warnings] [--shard I/N]
                  [--against FILE.ffi-abi|FILE.h]…   imports against a baseline, exports against a C header
  ffi-guard merge FILE… [--format json|sarif] [--deny warnings]   one output from the outputs of the shards
  ffi-guard report [PATH…] [--format markdown|json|html] [--out FILE]
  ffi-guard header [PATH…] [--out FILE]     C header for the exported surface
  ffi-guard snapshot [PATH…] --out FILE    ABI baseline
  ffi-guard diff [PATH…] --baseline FILE   breaking changes against the baseline (exit 1 if any)
  ffi-guard fix [PATH…] [--rule ID…] [--dry-run] [--config FILE]   apply the quick fixes, like cargo fix
  ffi-guard lsp --stdio                     the language server, for any LSP editor
  ffi-guard --version

PATH is a file or a directory (a crate, a Cargo workspace, or any folder); default: the current directory.`;

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
}

interface BooleanOption {
  type: 'boolean';
  required?: boolean;
}

type OptionSpec = StringOption | BooleanOption;

interface CommandSpec {
  options: Record<string, OptionSpec>;
  /** Takes PATH… operands. */
  paths: boolean;
  /**
   * Words not in the table are let through: language clients start a server with flags of their own
   * (`--clientProcessId=N`, or `--clientProcessId N`), which the LSP library reads itself.
   */
  lenient?: boolean;
}

/** More shards than crates leaves some empty; this many is far past any CI matrix (GitHub's holds 256 jobs). */
const MAX_SHARDS = 10_000;

const config = { type: 'string', valueName: 'FILE' } as const;
const deny = { type: 'string', multiple: true, accepts: { what: '--deny level', choices: ['warnings'] } } as const;

const COMMANDS = {
  check: {
    paths: true,
    options: {
      format: { type: 'string', default: 'text', accepts: { what: 'format', choices: ['text', 'json', 'sarif'] } },
      config,
      deny,
      against: { type: 'string', multiple: true, valueName: 'FILE' },
      shard: {
        type: 'string',
        valueName: 'I/N',
        accepts: {
          what: '--shard',
          valid: (v) => parseShard(v) !== null,
          expected: `I/N with 1 ≤ I ≤ N ≤ ${MAX_SHARDS}, e.g. 2/4`,
        },
      },
    },
  },
  merge: {
    paths: true,
    options: {
      format: { type: 'string', accepts: { what: 'format', choices: ['json', 'sarif'] } },
      deny,
    },
  },
  report: {
    paths: true,
    options: {
      format: {
        type: 'string',
        default: 'markdown',
        accepts: { what: 'format', choices: ['markdown', 'json', 'html'] },
      },
      out: { type: 'string', valueName: 'FILE' },
      config,
    },
  },
  header: { paths: true, options: { out: { type: 'string', valueName: 'FILE' }, config } },
  snapshot: { paths: true, options: { out: { type: 'string', valueName: 'FILE', required: true }, config } },
  diff: { paths: true, options: { baseline: { type: 'string', valueName: 'FILE', required: true }, config } },
  fix: {
    paths: true,
    options: {
      rule: { type: 'string', multiple: true, accepts: { what: 'rule id', valid: isRuleId } },
      'dry-run': { type: 'boolean' },
      config,
    },
  },
  lsp: { paths: false, lenient: true, options: { stdio: { type: 'boolean', required: true } } },
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
  | { command: 'help' }
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

function readArgs(
  args: string[],
  spec: CommandSpec,
): { values: Record<string, string | boolean | (string | boolean)[] | undefined>; positionals: string[] } {
  const options: NonNullable<ParseArgsConfig['options']> = {};
  for (const [option, o] of Object.entries(spec.options))
    options[option] = { type: o.type, multiple: o.type === 'string' && !!o.multiple };
  try {
    return parseArgs({ args, options, allowPositionals: true, strict: !spec.lenient });
  } catch (e) {
    throw new UsageError((e as Error).message);
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

/** `I/N` of `--shard`, or null when it is not two whole numbers with 1 ≤ I ≤ N ≤ MAX_SHARDS. */
export function parseShard(value: string): { index: number; count: number } | null {
  const m = /^(\d+)\/(\d+)$/.exec(value);
  if (!m) return null;
  const index = Number(m[1]);
  const count = Number(m[2]);
  return index >= 1 && index <= count && count <= MAX_SHARDS ? { index, count } : null;
}
