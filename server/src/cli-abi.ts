import * as path from 'path';
import { rel, settingsFor } from './cli-paths';
import { MAX_INPUT_SIZE, writeOutputFile } from './cli-write';
import { readRegularText } from './core/workspace/read-file';
import {
  AbiSnapshot,
  diffSurfaces,
  formatChanges,
  parseSnapshot,
  snapshotOf,
  snapshotText,
  SnapshotError,
} from './core/abi/baseline';
import { checkPaths } from './core/project';
import { buildSurface, Surface } from './core/abi/report';
import { surfaceCrates } from './core/coverage';
import { dataModel, HOST_MODEL } from './core/analysis/data-model';

/**
 * `ffi-guard snapshot` and `ffi-guard diff` (../shared/CLI.md): the ABI baseline of the workspace, and
 * its breaking changes against a baseline written earlier. Exit status of `diff`: 0 no breaking change,
 * 1 a breaking change, 2 unreadable baseline (usage errors are found by cli-args.ts).
 */

type Print = (s: string) => void;

/** `--config` and the cargo flags. */
type BuildOptions = Parameters<typeof settingsFor>[1];

/** `ffi-guard snapshot [PATH…] --out FILE`. */
export async function snapshotCommand(
  paths: string[],
  options: { out: string } & BuildOptions,
  cwd: string,
  out: Print,
  err: Print,
): Promise<number> {
  const surface = await surfaceOf(paths, cwd, options);
  if (!surface) return unreadable(err);
  const target = path.resolve(cwd, options.out);
  writeOutputFile(target, rel(cwd, target), snapshotText(surface));
  out(
    `wrote the ABI baseline of ${surface.symbols.length} symbol(s) and ${surface.types.length} type(s) to ${rel(cwd, target)}\n`,
  );
  return 0;
}

/** `ffi-guard diff [PATH…] --baseline FILE`. */
export async function diffCommand(
  paths: string[],
  options: { baseline: string } & BuildOptions,
  cwd: string,
  out: Print,
  err: Print,
): Promise<number> {
  const baseline = readBaseline(path.resolve(cwd, options.baseline), cwd, err);
  if (!baseline) return 2;
  const surface = await surfaceOf(paths, cwd, options);
  if (!surface) return unreadable(err);
  const now = snapshotOf(surface);
  const was = baseline.target ?? HOST_MODEL.target;
  if (now.target && was !== now.target)
    out(
      `note: the baseline was written for ${was}, this run is for ${now.target}: sizes, alignments and offsets may differ for that reason alone\n`,
    );
  const changes = diffSurfaces(baseline, now);
  out(formatChanges(changes));
  return changes.some((c) => c.severity === 'breaking') ? 1 : 0;
}

function readBaseline(file: string, cwd: string, err: Print): AbiSnapshot | null {
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
    return parseSnapshot(text);
  } catch (e) {
    if (!(e instanceof SnapshotError)) throw e;
    err(`error: ${rel(cwd, file)}: ${e.message}. Is it a baseline written by \`ffi-guard snapshot\`?\n`);
    return null;
  }
}

/** The surface of the checked paths, or null when no file could be read. */
async function surfaceOf(paths: string[], cwd: string, options: BuildOptions): Promise<Surface | null> {
  const settings = settingsFor(paths, options, cwd);
  const result = await checkPaths(paths, cwd, settings);
  if (!result.filesScanned.length) return null;
  return buildSurface(surfaceCrates(result.crates), result.findings, (f) => rel(cwd, f), dataModel(settings.target));
}

function unreadable(err: Print): number {
  err('error: nothing could be read\n');
  return 2;
}
