import * as path from 'path';
import * as fs from 'fs';
import { parseArgs } from 'util';
import { rel, workspaceRoot } from './cli-paths';
import { ConfigError, loadSettings } from './core/config';
import type { Finding } from './core/analysis/findings';
import { LineIndex } from './core/syntax/positions';
import { checkPaths, ProjectResult } from './core/project';
import { buildSurface } from './core/abi/report';
import { toSarif } from './core/abi/sarif';
import { unifiedDiff, writeFixes } from './cli-fix';
import { runFixes } from './core/fix-all';
import { isRuleId } from './core/analysis/rules';
import { fixesFor } from './core/fixes/fixes';
import { cHeader } from './core/abi/header';
import { reportHtml, reportJson, reportMarkdown } from './core/abi/report-render';
import type { SourceCache } from './core/workspace/crates';
import { TOOL_VERSION } from './core/version';
import { diffCommand, snapshotCommand } from './cli-abi';

/**
 * `ffi-guard`: the command line over the same core the language server uses (../shared/CLI.md).
 * Exit status: 0 clean, 1 findings at the failing level, 2 usage error or nothing could be read.
 */

const USAGE = `usage:
  ffi-guard check [PATH…] [--format text|json|sarif] [--config FILE] [--deny warnings]
  ffi-guard report [PATH…] [--format markdown|json|html] [--out FILE]
  ffi-guard header [PATH…] [--out FILE]     C header for the exported surface
  ffi-guard snapshot [PATH…] --out FILE    ABI baseline
  ffi-guard diff [PATH…] --baseline FILE   breaking changes against the baseline (exit 1 if any)
  ffi-guard fix [PATH…] [--rule ID…] [--dry-run] [--config FILE]   apply the quick fixes, like cargo fix
  ffi-guard lsp --stdio                     the language server, for any LSP editor
  ffi-guard --version

PATH is a file or a directory (a crate, a Cargo workspace, or any folder); default: the current directory.`;

class UsageError extends Error {}

export async function main(
  argv: string[],
  cwd = process.cwd(),
  out: (s: string) => void = (s) => process.stdout.write(s),
  err: (s: string) => void = (s) => process.stderr.write(s),
): Promise<number> {
  try {
    const [command, ...rest] = argv;
    switch (command) {
      case 'check':
        return await check(rest, cwd, out, err);
      case 'lsp':
        return lsp(rest);
      case 'fix':
        return await fix(rest, cwd, out);
      case 'report':
        return await report(rest, cwd, out);
      case 'header':
        return await header(rest, cwd, out);
      case 'snapshot':
      case 'diff':
        return await (command === 'snapshot' ? snapshotCommand : diffCommand)(rest, cwd, out, err);
      case '--version':
      case '-V':
        out(`ffi-guard ${TOOL_VERSION}\n`);
        return 0;
      case '--help':
      case '-h':
      case 'help':
        out(USAGE + '\n');
        return 0;
      case undefined:
        throw new UsageError('no command given');
      default:
        throw new UsageError(`unknown command \`${command}\``);
    }
  } catch (e) {
    if (e instanceof UsageError) {
      err(`error: ${e.message}\n\n${USAGE}\n`);
      return 2;
    }
    if (e instanceof ConfigError) {
      err(`error: invalid configuration: ${e.message}\n`);
      return 2;
    }
    throw e;
  }
}

function parse(
  args: string[],
  options: NonNullable<Parameters<typeof parseArgs>[0]>['options'],
): ReturnType<typeof parseArgs> {
  try {
    return parseArgs({ args, options, allowPositionals: true, strict: true });
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
}

async function check(args: string[], cwd: string, out: (s: string) => void, err: (s: string) => void): Promise<number> {
  const { values, positionals } = parse(args, {
    format: { type: 'string', default: 'text' },
    config: { type: 'string' },
    deny: { type: 'string', multiple: true },
  });
  const format = values.format as string;
  if (!['text', 'json', 'sarif'].includes(format))
    throw new UsageError(`unknown format \`${format}\` (expected text, json or sarif)`);
  const deny = (values.deny as string[] | undefined) ?? [];
  for (const d of deny) if (d !== 'warnings') throw new UsageError(`--deny takes \`warnings\`, not \`${d}\``);
  const configFile = values.config ? path.resolve(cwd, values.config as string) : undefined;
  const settings = loadSettings(workspaceRoot(positionals, cwd), configFile);
  const result = await checkPaths(positionals, cwd, settings);
  const print = (): void => {
    if (format === 'json') out(JSON.stringify(toJson(result, cwd), null, 2) + '\n');
    else if (format === 'sarif')
      out(
        JSON.stringify(
          toSarif(result.findings, TOOL_VERSION, (f) => rel(cwd, f), positionsIn(result.cache)),
          null,
          2,
        ) + '\n',
      );
    else printText(result, cwd, out);
  };
  print();
  if (!result.filesScanned.length && (result.skipped.length || positionals.length)) {
    err('error: nothing could be read\n');
    return 2;
  }
  const failing = result.findings.some(
    (f) => f.severity === 'error' || (deny.includes('warnings') && f.severity === 'warning'),
  );
  return failing ? 1 : 0;
}

/** `ffi-guard report`: the ABI surface of the workspace. */
async function report(args: string[], cwd: string, out: (s: string) => void): Promise<number> {
  const { values, positionals } = parse(args, {
    format: { type: 'string', default: 'markdown' },
    out: { type: 'string' },
    config: { type: 'string' },
  });
  const format = values.format as string;
  if (!['markdown', 'json', 'html'].includes(format))
    throw new UsageError(`unknown format \`${format}\` (expected markdown, json or html)`);
  const settings = loadSettings(
    workspaceRoot(positionals, cwd),
    values.config ? path.resolve(cwd, values.config as string) : undefined,
  );
  const result = await checkPaths(positionals, cwd, settings);
  const surface = buildSurface(result.crates, result.findings, (f) => rel(cwd, f));
  const text =
    format === 'json'
      ? JSON.stringify(reportJson(surface, result.findings), null, 2) + '\n'
      : format === 'html'
        ? reportHtml(surface, result.findings)
        : reportMarkdown(surface, result.findings);
  if (values.out) fs.writeFileSync(path.resolve(cwd, values.out as string), text);
  else out(text);
  return result.filesScanned.length ? 0 : 2;
}

/** `ffi-guard header`: a C99 header for the exported surface. */
async function header(args: string[], cwd: string, out: (s: string) => void): Promise<number> {
  const { values, positionals } = parse(args, { out: { type: 'string' }, config: { type: 'string' } });
  const settings = loadSettings(
    workspaceRoot(positionals, cwd),
    values.config ? path.resolve(cwd, values.config as string) : undefined,
  );
  const result = await checkPaths(positionals, cwd, settings);
  const surface = buildSurface(result.crates, result.findings, (f) => rel(cwd, f));
  const target = values.out ? path.resolve(cwd, values.out as string) : null;
  const guard = target ? path.basename(target, '.h') : (surface.crates[0]?.name ?? 'ffi');
  const text = cHeader(surface, guard);
  if (target) fs.writeFileSync(target, text);
  else out(text);
  return result.filesScanned.length ? 0 : 2;
}

/** `ffi-guard fix`: each finding's preferred fix, written to the files (or shown as a diff). */
async function fix(args: string[], cwd: string, out: (s: string) => void): Promise<number> {
  const { values, positionals } = parse(args, {
    rule: { type: 'string', multiple: true },
    'dry-run': { type: 'boolean', default: false },
    config: { type: 'string' },
  });
  const rules = (values.rule as string[] | undefined) ?? [];
  for (const r of rules) if (!isRuleId(r)) throw new UsageError(`unknown rule id \`${r}\``);
  const settings = loadSettings(
    workspaceRoot(positionals, cwd),
    values.config ? path.resolve(cwd, values.config as string) : undefined,
  );
  const run = await runFixes(positionals, cwd, settings, { rules });
  if (values['dry-run']) out(unifiedDiff(run, cwd));
  else writeFixes(run);
  for (const { finding, fix: f } of run.applied)
    out(
      `${values['dry-run'] ? 'would fix' : 'fixed'} ${rel(cwd, finding.origin.file)}: ${finding.rule} (${finding.symbol ?? ''}): ${f.title}\n`,
    );
  const left = run.remaining.findings.filter((f) => !rules.length || rules.includes(f.rule)).length;
  out(
    `${run.applied.length} fix${run.applied.length === 1 ? '' : 'es'} ${values['dry-run'] ? 'would be ' : ''}applied in ${run.changed.size} file${run.changed.size === 1 ? '' : 's'}; ${left} finding${left === 1 ? '' : 's'} left\n`,
  );
  return run.remaining.filesScanned.length ? 0 : 2;
}

/** `ffi-guard lsp --stdio`: serve LSP until the client says exit. The exit code is the server's. */
function lsp(args: string[]): Promise<number> {
  if (!args.includes('--stdio')) throw new UsageError('`ffi-guard lsp` needs --stdio');
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { startServer } = require('./server') as typeof import('./server');
  startServer();
  return new Promise<number>(() => {
    // The connection ends the process on `exit`.
  });
}

interface RustcRange {
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
}

/** Positions of findings as rustc counts them (1-based, columns in Unicode scalar values), one index per file. */
function positionsIn(cache: SourceCache): (f: Finding) => RustcRange {
  const indexes = new Map<string, LineIndex>();
  return (f) => {
    let index = indexes.get(f.origin.file);
    if (!index) {
      index = new LineIndex(cache.peek(f.origin.file)?.text ?? '');
      indexes.set(f.origin.file, index);
    }
    const s = index.rustcPosition(f.origin.span.start);
    const e = index.rustcPosition(f.origin.span.end);
    return { line: s.line, column: s.column, endLine: e.line, endColumn: e.column };
  };
}

/** `check --format json`: the contract CLI.md describes. */
export interface CheckJson {
  version: number;
  tool: { name: string; version: string };
  filesScanned: number;
  diagnostics: (RustcRange & {
    file: string;
    rule: string;
    severity: string;
    message: string;
    rustcLint: string | null;
    symbol: string | null;
    /** Titles of the fixes offered, the preferred one first. */
    fixes: string[];
  })[];
  skipped: { file: string; reason: string }[];
}

export function toJson(result: ProjectResult, cwd: string): CheckJson {
  const positionOf = positionsIn(result.cache);
  return {
    version: 1,
    tool: { name: 'ffi-guard', version: TOOL_VERSION },
    filesScanned: result.filesScanned.length,
    diagnostics: result.findings.map((f) => ({
      file: rel(cwd, f.origin.file),
      ...positionOf(f),
      rule: f.rule,
      severity: f.severity,
      message: f.message,
      rustcLint: f.rustcLint,
      symbol: f.symbol,
      fixes: fixesFor(f, {
        textOf: (file) => result.cache.peek(file)?.text,
        edition: f.target?.ctx.crate.edition ?? '2021',
      }).map((x) => x.title),
    })),
    skipped: result.skipped.map((s) => ({ file: rel(cwd, s.file), reason: s.reason })),
  };
}

function printText(result: ProjectResult, cwd: string, out: (s: string) => void): void {
  const positionOf = positionsIn(result.cache);
  for (const f of result.findings) {
    const p = positionOf(f);
    out(`${rel(cwd, f.origin.file)}:${p.line}:${p.column}: ${f.severity}[${f.rule}]: ${f.message}\n`);
  }
  for (const s of result.skipped) out(`${rel(cwd, s.file)}: skipped: ${s.reason}\n`);
  const count = (sev: string): number => result.findings.filter((f) => f.severity === sev).length;
  const parts = ['error', 'warning', 'info', 'hint']
    .map((s) => [s, count(s)] as const)
    .filter(([, n]) => n > 0)
    .map(([s, n]) => `${n} ${s}${n === 1 ? '' : 's'}`);
  out(
    `${result.findings.length ? parts.join(', ') : 'no findings'} in ${result.filesScanned.length} file${result.filesScanned.length === 1 ? '' : 's'}${result.skipped.length ? `, ${result.skipped.length} skipped` : ''}\n`,
  );
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (e: unknown) => {
      process.stderr.write(`ffi-guard: internal error: ${(e as Error).stack ?? String(e)}\n`);
      process.exitCode = 2;
    },
  );
}
