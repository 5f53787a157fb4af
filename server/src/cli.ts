import * as path from 'path';
import * as fs from 'fs';
import { rel, workspaceRoot } from './cli-paths';
import { ConfigError, loadSettings, Settings } from './core/config';
import { CommandLine, CommandName, parseCommandLine, USAGE, UsageError, withUsage } from './cli-args';
import type { Finding } from './core/analysis/findings';
import { LineIndex } from './core/syntax/positions';
import { checkPaths, ProjectResult } from './core/project';
import { buildSurface } from './core/abi/report';
import { toSarif } from './core/abi/sarif';
import { unifiedDiff, writeFixes } from './cli-fix';
import { runFixes } from './core/fix-all';
import { fixesFor } from './core/fixes/fixes';
import { cHeader } from './core/abi/header';
import { CoverageError, headerCoverage } from './core/coverage';
import { reportHtml, reportJson, reportMarkdown } from './core/abi/report-render';
import type { SourceCache } from './core/workspace/crates';
import { TOOL_VERSION } from './core/version';
import { diffCommand, snapshotCommand } from './cli-abi';

/**
 * `ffi-guard`: the command line over the same core the language server uses (../shared/CLI.md).
 * Exit status: 0 clean, 1 findings at the failing level, 2 usage error or nothing could be read.
 */

type Print = (s: string) => void;
/** What a command was given on the command line. */
type Given<C extends CommandName> = Extract<CommandLine, { command: C }>;

/** Run `ffi-guard ARGV` (without `lsp`, which bin/ffi-guard.js hands to the language server's entry). */
export async function main(
  argv: string[],
  cwd = process.cwd(),
  out: Print = (s) => process.stdout.write(s),
  err: Print = (s) => process.stderr.write(s),
): Promise<number> {
  return withUsage(err, async () => {
    try {
      return await run(parseCommandLine(argv), cwd, out, err);
    } catch (e) {
      if (!(e instanceof ConfigError)) throw e;
      err(`error: invalid configuration: ${e.message}\n`);
      return 2;
    }
  });
}

async function run(line: CommandLine, cwd: string, out: Print, err: Print): Promise<number> {
  switch (line.command) {
    case 'check':
      return check(line, cwd, out, err);
    case 'fix':
      return fix(line, cwd, out);
    case 'report':
      return report(line, cwd, out);
    case 'header':
      return header(line, cwd, out, err);
    case 'snapshot':
      return snapshotCommand(line.paths, line.options, cwd, out, err);
    case 'diff':
      return diffCommand(line.paths, line.options, cwd, out, err);
    case 'lsp':
      throw new UsageError('`ffi-guard lsp` is served by bin/ffi-guard.js, which starts the language server');
    case 'version':
      out(`ffi-guard ${TOOL_VERSION}\n`);
      return 0;
    case 'help':
      out(USAGE + '\n');
      return 0;
  }
}

/** The settings of a run over `paths`: `--config FILE`, else what the workspace's files say. */
function settingsFor(paths: string[], config: string | undefined, cwd: string): Settings {
  return loadSettings(workspaceRoot(paths, cwd), config ? path.resolve(cwd, config) : undefined);
}

/** `ffi-guard check`: the findings, as text, JSON or SARIF. */
async function check({ paths, options }: Given<'check'>, cwd: string, out: Print, err: Print): Promise<number> {
  const { format, deny } = options;
  const result = await checkPaths(paths, cwd, settingsFor(paths, options.config, cwd));
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
  if (!result.filesScanned.length && (result.skipped.length || paths.length)) {
    err('error: nothing could be read\n');
    return 2;
  }
  const failing = result.findings.some(
    (f) => f.severity === 'error' || (deny.includes('warnings') && f.severity === 'warning'),
  );
  return failing ? 1 : 0;
}

/** `ffi-guard report`: the ABI surface of the workspace. */
async function report({ paths, options }: Given<'report'>, cwd: string, out: Print): Promise<number> {
  const { format } = options;
  const result = await checkPaths(paths, cwd, settingsFor(paths, options.config, cwd));
  const surface = buildSurface(result.crates, result.findings, (f) => rel(cwd, f));
  const text =
    format === 'json'
      ? JSON.stringify(reportJson(surface, result.findings), null, 2) + '\n'
      : format === 'html'
        ? reportHtml(surface, result.findings)
        : reportMarkdown(surface, result.findings);
  if (options.out) fs.writeFileSync(path.resolve(cwd, options.out), text);
  else out(text);
  return result.filesScanned.length ? 0 : 2;
}

/** `ffi-guard header`: a C99 header for the exported surface of the library the paths hold (core/coverage.ts). */
async function header({ paths, options }: Given<'header'>, cwd: string, out: Print, err: Print): Promise<number> {
  const result = await checkPaths(paths, cwd, settingsFor(paths, options.config, cwd));
  if (!result.filesScanned.length) {
    err('error: nothing could be read\n');
    return 2;
  }
  let coverage;
  try {
    coverage = headerCoverage(result.crates, result.findings, {
      crate: null,
      where: paths.length ? paths.join(', ') : 'the current directory',
      rel: (f) => rel(cwd, f),
    });
  } catch (e) {
    if (!(e instanceof CoverageError)) throw e;
    err(`error: ${e.message}${e.candidates.length ? " Give that crate's directory as PATH." : ''}\n`);
    return 2;
  }
  const surface = buildSurface([coverage.crate], result.findings, (f) => rel(cwd, f));
  const target = options.out ? path.resolve(cwd, options.out) : null;
  const text = cHeader(surface, target ? path.basename(target, '.h') : coverage.name);
  if (target) fs.writeFileSync(target, text);
  else out(text);
  return 0;
}

/** `ffi-guard fix`: each finding's preferred fix, written to the files (or shown as a diff). */
async function fix({ paths, options }: Given<'fix'>, cwd: string, out: Print): Promise<number> {
  const { rule: rules, 'dry-run': dryRun } = options;
  const run = await runFixes(paths, cwd, settingsFor(paths, options.config, cwd), { rules });
  if (dryRun) out(unifiedDiff(run, cwd));
  else writeFixes(run);
  for (const { finding, fix: f } of run.applied)
    out(
      `${dryRun ? 'would fix' : 'fixed'} ${rel(cwd, finding.origin.file)}: ${finding.rule} (${finding.symbol ?? ''}): ${f.title}\n`,
    );
  const left = run.remaining.findings.filter((f) => !rules.length || rules.includes(f.rule)).length;
  out(
    `${run.applied.length} fix${run.applied.length === 1 ? '' : 'es'} ${dryRun ? 'would be ' : ''}applied in ${run.changed.size} file${run.changed.size === 1 ? '' : 's'}; ${left} finding${left === 1 ? '' : 's'} left\n`,
  );
  return run.remaining.filesScanned.length ? 0 : 2;
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

function printText(result: ProjectResult, cwd: string, out: Print): void {
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
