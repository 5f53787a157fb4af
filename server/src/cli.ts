import * as path from 'path';
import * as fs from 'fs';
import { rel, settingsFor, workspaceRoot } from './cli-paths';
import { ConfigError } from './core/config';
import {
  CommandLine,
  CommandName,
  commandHelp,
  parseCommandLine,
  parseShard,
  USAGE,
  UsageError,
  withUsage,
} from './cli-args';
import { printGithub, printText, processTerminal, ProgressLine, Terminal, useColor } from './cli-output';
import { checkPaths, FeatureError } from './core/project';
import { buildSurface } from './core/abi/report';
import { dataModel } from './core/analysis/data-model';
import { sarifLog, SarifLog } from './core/abi/sarif';
import { CROSS_CRATE_CHECKS, ExternalAbi } from './core/abi/cross-crate';
import { AgainstError, readAgainst, unexportedPrototypes } from './core/abi/against';
import { crossCrateFindings } from './core/cross-crate-findings';
import { runCheck } from './core/shard';
import { limitInlining } from './v8-compiler';
import { heapForCheck } from './v8-heap';
import { MergeError, mergeOutputs, reduceRun } from './core/merge';
import type { CheckJson, ShardData } from '../../protocol/check';
import { unifiedDiff, writeFixes } from './cli-fix';
import { runFixes } from './core/fix-all';
import type { Fix } from './core/fixes/edits';
import { cHeader } from './core/abi/header';
import { CbindgenConfigError } from './core/abi/cbindgen-config';
import { CoverageError, headerConfig, headerCoverage, surfaceCrates } from './core/coverage';
import { reportHtml, reportJson, reportMarkdown } from './core/abi/report-render';
import { TOOL_VERSION } from './core/version';
import { diffCommand, snapshotCommand } from './cli-abi';
import { MAX_INPUT_SIZE, OutputError, writeOutputFile } from './cli-write';
import { printJson } from './json-print';
import { Print } from './piece-printer';
import { readRegularText } from './core/workspace/read-file';
import {
  cSignatures,
  CSignatures,
  importerLine,
  importerNotes,
  mismatchesLeft,
  signatureChangeLine,
  signatureChanges,
} from './core/signature-changes';

/**
 * `ffi-guard`: the command line over the same core the language server uses (../shared/CLI.md).
 * Exit status: 0 clean, 1 findings at the failing level, 2 usage error or nothing could be read.
 */

/** What a command was given on the command line. */
type Given<C extends CommandName> = Extract<CommandLine, { command: C }>;

/** Run `ffi-guard ARGV` (without `lsp`, which bin/ffi-guard.js hands to the language server's entry). */
export async function main(
  argv: string[],
  cwd = process.cwd(),
  out: Print = (s) => process.stdout.write(s),
  err: Print = (s) => process.stderr.write(s),
  terminal: Terminal = processTerminal(),
): Promise<number> {
  return withUsage(err, async () => {
    const line = parseCommandLine(argv);
    const restoreInlining = limitInlining();
    try {
      return await run(line, cwd, out, err, terminal);
    } catch (e) {
      if (e instanceof FeatureError) {
        // Refused as cargo refuses it (`cargo check --features bogus` exits without building).
        for (const message of e.errors) err(`error: ${message}\n`);
        const flagged = 'options' in line && ((line.options as { features?: string[] }).features ?? []).length > 0;
        if (!flagged) err('note: the features were asked for by the `features` setting of the configuration\n');
        return 2;
      }
      if (e instanceof OutputError) {
        err(`error: ${e.message}\n`);
        return 2;
      }
      if (!(e instanceof ConfigError)) throw e;
      err(`error: invalid configuration: ${e.message}\n`);
      return 2;
    } finally {
      restoreInlining();
    }
  });
}

async function run(line: CommandLine, cwd: string, out: Print, err: Print, terminal: Terminal): Promise<number> {
  switch (line.command) {
    case 'check':
      return check(line, cwd, out, err, terminal);
    case 'merge':
      return merge(line, out, err, cwd);
    case 'fix':
      return fix(line, cwd, out, err, line.options.quiet);
    case 'report':
      return report(line, cwd, out);
    case 'header':
      return header(line, cwd, out, err);
    case 'snapshot':
      // Its only output is the note saying what it wrote.
      return snapshotCommand(line.paths, line.options, cwd, line.options.quiet ? () => {} : out, err);
    case 'diff':
      return diffCommand(line.paths, line.options, cwd, out, err);
    case 'lsp':
      throw new UsageError('`ffi-guard lsp` is served by bin/ffi-guard.js, which starts the language server');
    case 'version':
      out(`ffi-guard ${TOOL_VERSION}\n`);
      return 0;
    case 'help':
      out(line.of ? commandHelp(line.of) : USAGE + '\n');
      return 0;
  }
}

/** `ffi-guard check`: the findings, as text, JSON or SARIF; with `--shard I/N`, those of a share of the crates. */
async function check(
  { paths, options }: Given<'check'>,
  cwd: string,
  out: Print,
  err: Print,
  terminal: Terminal,
): Promise<number> {
  const { format, deny, quiet } = options;
  const color = useColor(options.color, terminal);
  const print = (json: CheckJson, share?: string): void =>
    format === 'github'
      ? printGithub(out, json)
      : printText(out, json, { color, quiet, short: format === 'short', share });
  const progressLine = terminal.stderr && !quiet ? new ProgressLine(err) : null;
  const settings = settingsFor(paths, options, cwd);
  const relTo = (f: string): string => rel(cwd, f);
  const shard = options.shard === undefined ? undefined : parseShard(options.shard);
  if (shard && options.against.length)
    throw new UsageError('`--against` checks the whole run: give it to an unsharded `check`, not to a shard');
  const against = await readAgainstFiles(options.against, cwd, err);
  if (!against) return 2;
  let json: CheckJson;
  let nothingRead: boolean;
  const progress = progressLine
    ? (crates: number) => progressLine.update(`ffi-guard: checking… ${crates} crate${crates === 1 ? '' : 's'} read`)
    : undefined;
  const done = (): void => progressLine?.done();
  // Restored once the output is printed: printing with V8's own rules grew the young generation again.
  const heap = heapForCheck();
  try {
    if (shard) {
      const run = await runCheck(paths, cwd, settings, relTo, {
        shard,
        surface: true,
        progress,
        planned: heap.planned,
        parsed: heap.parsed,
      }).finally(done);
      ({ json, nothingRead } = run);
      if (format === 'json') printJson(out, { ...json, shard: run.shard });
      else if (format === 'sarif') printJson(out, withShard(sarifLog(json.diagnostics, json.tool.version), run.shard));
      else
        print(
          json,
          `shard ${shard.index}/${shard.count}: ${run.shard.share.length} of ${run.shard.crates.length} crates`,
        );
    } else {
      const run = await runCheck(paths, cwd, settings, relTo, {
        surface: CROSS_CRATE_CHECKS.length > 0,
        pairedWith: CROSS_CRATE_CHECKS.every((c) => c.readsPairsOnly) ? against : undefined,
        progress,
        planned: heap.planned,
        parsed: heap.parsed,
      }).finally(done);
      ({ json, nothingRead } = reduceRun(run, CROSS_CRATE_CHECKS, against));
      for (const note of unexportedPrototypes(against, run.shard.surface)) err(`note: ${note}\n`);
      if (format === 'json') printJson(out, json);
      else if (format === 'sarif') printJson(out, sarifLog(json.diagnostics, json.tool.version));
      else print(json);
    }
  } finally {
    heap.restore();
  }
  return exitStatus(
    json.diagnostics.map((d) => d.severity),
    nothingRead,
    deny,
    err,
  );
}

/**
 * The libraries of `--against FILE…` (core/abi/against.ts), what could not be read of them said on
 * stderr; null (after saying why) when one cannot be used.
 */
async function readAgainstFiles(files: string[], cwd: string, err: Print): Promise<ExternalAbi[] | null> {
  const out: ExternalAbi[] = [];
  for (const file of files) {
    let text: string;
    try {
      text = fs.readFileSync(path.resolve(cwd, file), 'utf8');
    } catch (e) {
      err(`error: cannot read ${file} (--against): ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}\n`);
      return null;
    }
    try {
      const read = await readAgainst(rel(cwd, path.resolve(cwd, file)), text);
      for (const note of read.notes) err(`note: ${note}\n`);
      out.push(read.abi);
    } catch (e) {
      if (!(e instanceof AgainstError)) throw e;
      err(`error: ${e.message}\n`);
      return null;
    }
  }
  return out;
}

/** `ffi-guard merge`: the outputs of `check --shard I/N` combined into what one unsharded run prints. */
function merge({ paths: files, options }: Given<'merge'>, out: Print, err: Print, cwd: string): number {
  if (!files.length) throw new UsageError('`ffi-guard merge` needs the FILE… that the shards printed');
  const inputs: { source: string; value: unknown }[] = [];
  for (const file of files) {
    let text: string;
    try {
      text = readRegularText(path.resolve(cwd, file), MAX_INPUT_SIZE);
    } catch (e) {
      err(`error: cannot read ${file}: ${(e as Error).message}\n`);
      return 2;
    }
    try {
      inputs.push({ source: file, value: JSON.parse(text) });
    } catch (e) {
      err(`error: ${file} is not JSON: ${(e as Error).message}\n`);
      return 2;
    }
  }
  let merged;
  try {
    merged = mergeOutputs(inputs, options.format as 'json' | 'sarif' | undefined);
  } catch (e) {
    if (!(e instanceof MergeError)) throw e;
    err(`error: ${e.message}\n`);
    return 2;
  }
  printJson(out, merged.output);
  return exitStatus(merged.severities, merged.nothingRead, options.deny, err);
}

/** 2 when nothing could be read; 1 with a finding at error severity (or a warning, with `--deny warnings`); else 0. */
function exitStatus(severities: string[], nothingRead: boolean, deny: string[], err: Print): number {
  if (nothingRead) {
    err('error: nothing could be read\n');
    return 2;
  }
  const failing = severities.some((s) => s === 'error' || (deny.includes('warnings') && s === 'warning'));
  return failing ? 1 : 0;
}

/** A share's SARIF, with what `merge` needs in the run's property bag. */
function withShard(log: SarifLog, shard: ShardData): SarifLog {
  return { ...log, runs: log.runs.map((run) => ({ ...run, properties: { shard } })) };
}

/** `ffi-guard report`: the ABI surface of the workspace. */
async function report({ paths, options }: Given<'report'>, cwd: string, out: Print): Promise<number> {
  const { format } = options;
  const settings = settingsFor(paths, options, cwd);
  const result = await checkPaths(paths, cwd, settings);
  // A symbol two crates disagree on is not safe, whatever each crate says of itself.
  const findings = [
    ...result.findings,
    ...crossCrateFindings(result.crates, settings, (f) => result.cache.peek(f)?.text, [], cwd),
  ];
  const surface = buildSurface(surfaceCrates(result.crates), findings, (f) => rel(cwd, f), dataModel(settings.target));
  const text =
    format === 'json'
      ? JSON.stringify(reportJson(surface, findings), null, 2) + '\n'
      : format === 'html'
        ? reportHtml(surface, findings)
        : reportMarkdown(surface, findings);
  if (options.out) writeOutputFile(path.resolve(cwd, options.out), options.out, text);
  else out(text);
  return result.filesScanned.length ? 0 : 2;
}

/** `ffi-guard header`: a C99 header for the exported surface of the library the paths hold (core/coverage.ts). */
async function header({ paths, options }: Given<'header'>, cwd: string, out: Print, err: Print): Promise<number> {
  const settings = settingsFor(paths, options, cwd);
  const result = await checkPaths(paths, cwd, settings);
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
  let config;
  try {
    config = headerConfig(coverage, (f) => rel(cwd, f));
  } catch (e) {
    if (!(e instanceof CbindgenConfigError)) throw e;
    err(`error: ${e.message}\n`);
    return 2;
  }
  for (const w of config?.warnings ?? []) err(`warning: ${w}\n`);
  const surface = buildSurface([coverage.crate], result.findings, (f) => rel(cwd, f), dataModel(settings.target), {
    includeTypes: config?.include,
  });
  const target = options.out ? path.resolve(cwd, options.out) : null;
  const text = cHeader(surface, target ? path.basename(target, '.h') : coverage.name, config);
  if (target) writeOutputFile(target, rel(cwd, target), text);
  else out(text);
  return 0;
}

/** `ffi-guard fix`: each finding's preferred fix, written to the files (or shown as a diff). */
async function fix(
  { paths, options }: Given<'fix'>,
  cwd: string,
  print: Print,
  err: Print,
  quiet: boolean,
): Promise<number> {
  // The diff of --dry-run is the result; the lines saying what was fixed are notes, which --quiet leaves out.
  const out: Print = quiet ? () => {} : print;
  const { rule: rules, 'dry-run': dryRun } = options;
  let signaturesBefore: CSignatures = new Map();
  const settings = settingsFor(paths, options, cwd);
  const run = await runFixes(paths, cwd, settings, {
    rules,
    writableRoot: workspaceRoot(paths, cwd),
    beforeFixing: (result) => (signaturesBefore = cSignatures(result)),
  });
  if (dryRun) print(unifiedDiff(run, cwd));
  const { written, failed } = dryRun ? { written: [], failed: [] } : writeFixes(run);
  for (const { finding, fix: f } of run.applied)
    out(
      `${dryRun ? 'would fix' : 'fixed'} ${rel(cwd, finding.origin.file)}: ${finding.rule} (${finding.symbol ?? ''}): ${f.title}${editedElsewhere(f, finding.origin.file, cwd)}\n`,
    );
  for (const { finding, fix: f, reason } of run.leftOut)
    out(
      `left out ${rel(cwd, finding.origin.file)}: ${finding.rule} (${finding.symbol ?? ''}): ${f.title}: ${filesOf(f, cwd)}: ${reason}\n`,
    );
  // A C caller of a symbol whose C signature changed must change too: say which, from what to what.
  const changes = run.applied.length ? signatureChanges(signaturesBefore, cSignatures(run.remaining)) : [];
  for (const change of changes) out(`${signatureChangeLine(change)}\n`);
  // Their importers in the workspace: rewritten in the same edit (their calls must change), or left and flagged.
  const mismatches = mismatchesLeft(run.remaining, settings, new Set(changes.map((c) => c.symbol)), cwd);
  for (const note of importerNotes(run.applied)) out(`${importerLine(note, (f) => rel(cwd, f), mismatches)}\n`);
  for (const m of mismatches) {
    const line = (run.remaining.cache.peek(m.origin.file)?.text ?? '').slice(0, m.origin.span.start).split('\n').length;
    out(`${rel(cwd, m.origin.file)}:${line}: abi-mismatch: ${m.message}\n`);
  }
  // Files the check could not read (not UTF-8, binary, too large) are never rewritten: say so.
  for (const s of run.remaining.skipped) out(`${rel(cwd, s.file)}: skipped: ${s.reason}\n`);
  for (const file of written) out(`wrote ${rel(cwd, file)}\n`);
  for (const { file, reason } of failed) err(`error: could not write ${rel(cwd, file)} (left as it was): ${reason}\n`);
  const left =
    run.remaining.findings.filter((f) => !rules.length || rules.includes(f.rule)).length +
    mismatches.filter((f) => !rules.length || rules.includes(f.rule)).length;
  out(
    `${run.applied.length} fix${run.applied.length === 1 ? '' : 'es'} ${dryRun ? 'would be ' : ''}applied in ${run.changed.size} file${run.changed.size === 1 ? '' : 's'}; ${left} finding${left === 1 ? '' : 's'} left\n`,
  );
  return run.remaining.filesScanned.length && !failed.length ? 0 : 2;
}

/** ` (in a.rs, b.rs)` when a fix edits files besides the one its finding is in. */
function editedElsewhere(fix: Fix, file: string, cwd: string): string {
  const files = new Set(fix.edits.map((e) => e.file));
  return files.size === 1 && files.has(file) ? '' : ` (in ${filesOf(fix, cwd)})`;
}

/** The files a fix edits, as the command line prints them. */
function filesOf(fix: Fix, cwd: string): string {
  return [...new Set(fix.edits.map((e) => rel(cwd, e.file)))].join(', ');
}

export type { CheckJson };
