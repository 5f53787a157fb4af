import * as path from 'path';
import { rel, settingsFor } from './cli-paths';
import { MAX_INPUT_SIZE, writeOutputFile } from './cli-write';
import { readRegularText } from './core/workspace/read-file';
import {
  AbiBaseline,
  AbiSnapshot,
  diffSurfaces,
  formatBaseline,
  formatChanges,
  parseBaseline,
  snapshotOf,
  SnapshotError,
  TARGETS_SINCE,
} from './core/abi/baseline';
import { checkPaths } from './core/project';
import { buildSurface, Surface, SurfaceOptions } from './core/abi/report';
import { surfaceCrates } from './core/coverage';
import { dataModel, HOST_MODEL } from './core/analysis/data-model';
import { Print } from './piece-printer';

/**
 * `ffi-guard snapshot` and `ffi-guard diff` (../shared/CLI.md): the ABI baseline of the workspace, and
 * its breaking changes against a baseline written earlier. Exit status of `diff`: 0 no breaking change,
 * 1 a breaking change, 2 unreadable baseline (usage errors are found by cli-args.ts).
 */

/** `--config` and the cargo flags, with `--target` repeatable. */
type BuildOptions = Omit<Parameters<typeof settingsFor>[1], 'target'> & { target: string[] };

/**
 * `ffi-guard snapshot [PATH…] --out FILE`: with several `--target`s, one baseline that records each
 * target's surface (a `target` line and its facts per target).
 */
export async function snapshotCommand(
  paths: string[],
  options: { out: string } & BuildOptions,
  cwd: string,
  out: Print,
  err: Print,
): Promise<number> {
  const surfaces: Surface[] = [];
  for (const target of requestedTargets(options.target, paths, options, cwd)) {
    const surface = await surfaceOf(paths, cwd, options, target);
    if (!surface) return unreadable(err);
    surfaces.push(surface);
  }
  const file = path.resolve(cwd, options.out);
  writeOutputFile(file, rel(cwd, file), formatBaseline(surfaces.map((s) => snapshotOf(s))));
  const count = (s: Surface): string => `${s.symbols.length} symbol(s) and ${s.types.length} type(s)`;
  out(
    surfaces.length === 1
      ? `wrote the ABI baseline of ${count(surfaces[0])} to ${rel(cwd, file)}\n`
      : `wrote the ABI baseline of ${surfaces.length} targets to ${rel(cwd, file)}: ${surfaces.map((s) => `${s.model!.target}, ${count(s)}`).join('; ')}\n`,
  );
  return 0;
}

/**
 * `ffi-guard diff [PATH…] --baseline FILE`: each target the baseline records (or each `--target`
 * given) built and compared with that target's section. Exit status 1 if any target has a breaking
 * change; 2 when a `--target` given is one a baseline of several targets does not record.
 */
export async function diffCommand(
  paths: string[],
  options: { baseline: string } & BuildOptions,
  cwd: string,
  out: Print,
  err: Print,
): Promise<number> {
  const shown = rel(cwd, path.resolve(cwd, options.baseline));
  const baseline = readBaseline(path.resolve(cwd, options.baseline), cwd, err);
  if (!baseline) return 2;
  const { sections } = baseline;
  const recorded = sections.map((s) => s.target).filter((t): t is string => t !== undefined);
  // By default, what the baseline records: the targets a CI job snapshotted are the ones it checks.
  const targets = options.target.length
    ? [...new Set(options.target)]
    : sections.length > 1
      ? recorded
      : requestedTargets([], paths, options, cwd).map((t) => sections[0].target ?? t);
  const pairs: [string | null, AbiSnapshot][] = [];
  for (const target of targets) {
    const section = sections.length === 1 ? sections[0] : sections.find((s) => s.target === target);
    if (!section) {
      err(
        `error: ${shown} records no ABI for ${target} (it records ${recorded.join(', ')}); write one with \`ffi-guard snapshot --target ${target}\`\n`,
      );
      return 2;
    }
    pairs.push([target, section]);
  }
  let breaking = false;
  for (const [target, was] of pairs) {
    // Before format version 3 a baseline spelled `c_char` and `c_long` as on x86_64 Linux everywhere:
    // the current surface is spelled the same way, so that only real changes show.
    const surface = await surfaceOf(paths, cwd, options, target, {
      hostAliasSpelling: baseline.version < TARGETS_SINCE,
    });
    if (!surface) return unreadable(err);
    const now = snapshotOf(surface);
    if (pairs.length > 1) out(`target ${now.target}:\n`);
    const recordedFor = was.target ?? HOST_MODEL.target;
    if (now.target && recordedFor !== now.target)
      out(
        `note: the baseline was written for ${recordedFor}, this run is for ${now.target}: sizes, alignments and offsets may differ for that reason alone\n`,
      );
    const changes = diffSurfaces(was, now);
    out(formatChanges(changes));
    breaking ||= changes.some((c) => c.severity === 'breaking');
  }
  return breaking ? 1 : 0;
}

/** The targets a run builds for: those given, else the configured one (null: x86_64 Linux). */
function requestedTargets(given: string[], paths: string[], options: BuildOptions, cwd: string): (string | null)[] {
  if (given.length) return [...new Set(given)];
  return [settingsFor(paths, { ...options, target: undefined }, cwd).target];
}

function readBaseline(file: string, cwd: string, err: Print): AbiBaseline | null {
  let text: string;
  try {
    text = readRegularText(file, MAX_INPUT_SIZE);
  } catch (e) {
    err(
      `error: cannot read the baseline ${rel(cwd, file)}: ${(e as Error).message}. Write one with \`ffi-guard snapshot --out FILE\`.\n`,
    );
    return null;
  }
  try {
    return parseBaseline(text);
  } catch (e) {
    if (!(e instanceof SnapshotError)) throw e;
    err(`error: ${rel(cwd, file)}: ${e.message}. Is it a baseline written by \`ffi-guard snapshot\`?\n`);
    return null;
  }
}

/** The surface of the checked paths built for `target` (null: the configured one), or null when no file could be read. */
async function surfaceOf(
  paths: string[],
  cwd: string,
  options: BuildOptions,
  target: string | null,
  surfaceOptions: SurfaceOptions = {},
): Promise<Surface | null> {
  const configured = settingsFor(paths, { ...options, target: undefined }, cwd);
  const settings = { ...configured, target: target ?? configured.target };
  const result = await checkPaths(paths, cwd, settings);
  if (!result.filesScanned.length) return null;
  return buildSurface(
    surfaceCrates(result.crates),
    result.findings,
    (f) => rel(cwd, f),
    dataModel(settings.target),
    surfaceOptions,
  );
}

function unreadable(err: Print): number {
  err('error: nothing could be read\n');
  return 2;
}
