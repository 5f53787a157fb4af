import * as fs from 'fs';
import * as path from 'path';
import { rel, workspaceRoot } from './cli-paths';
import { parseArgs } from 'util';
import {
  AbiSnapshot,
  diffSurfaces,
  formatChanges,
  parseSnapshot,
  snapshotOf,
  snapshotText,
  SnapshotError,
} from './core/abi/baseline';
import { loadSettings } from './core/config';
import { checkPaths } from './core/project';
import { buildSurface, Surface } from './core/abi/report';

/**
 * `ffi-guard snapshot` and `ffi-guard diff` (../shared/CLI.md): the ABI baseline of the workspace, and
 * its breaking changes against a baseline written earlier. Exit status of `diff`: 0 no breaking change,
 * 1 a breaking change, 2 usage error or unreadable baseline.
 */

type Print = (s: string) => void;

const ABI_USAGE = `usage:
  ffi-guard snapshot [PATH…] --out FILE        write the ABI baseline
  ffi-guard diff [PATH…] --baseline FILE       breaking changes against the baseline`;

/** A mistake on the command line: reported with the usage, exit status 2. */
class AbiUsageError extends Error {}

/** `ffi-guard snapshot [PATH…] --out FILE`. */
export async function snapshotCommand(args: string[], cwd: string, out: Print, err: Print): Promise<number> {
  return withUsage(err, async () => {
    const { values, positionals } = parse(args, { out: { type: 'string' }, config: { type: 'string' } });
    if (typeof values.out !== 'string') throw new AbiUsageError('`ffi-guard snapshot` needs --out FILE');
    const surface = await surfaceOf(positionals, cwd, values.config);
    if (!surface) return unreadable(err);
    const target = path.resolve(cwd, values.out);
    fs.writeFileSync(target, snapshotText(surface));
    out(
      `wrote the ABI baseline of ${surface.symbols.length} symbol(s) and ${surface.types.length} type(s) to ${rel(cwd, target)}\n`,
    );
    return 0;
  });
}

/** `ffi-guard diff [PATH…] --baseline FILE`. */
export async function diffCommand(args: string[], cwd: string, out: Print, err: Print): Promise<number> {
  return withUsage(err, async () => {
    const { values, positionals } = parse(args, { baseline: { type: 'string' }, config: { type: 'string' } });
    if (typeof values.baseline !== 'string') throw new AbiUsageError('`ffi-guard diff` needs --baseline FILE');
    const baseline = readBaseline(path.resolve(cwd, values.baseline), cwd, err);
    if (!baseline) return 2;
    const surface = await surfaceOf(positionals, cwd, values.config);
    if (!surface) return unreadable(err);
    const changes = diffSurfaces(baseline, snapshotOf(surface));
    out(formatChanges(changes));
    return changes.some((c) => c.severity === 'breaking') ? 1 : 0;
  });
}

async function withUsage(err: Print, run: () => Promise<number>): Promise<number> {
  try {
    return await run();
  } catch (e) {
    if (!(e instanceof AbiUsageError)) throw e;
    err(`error: ${e.message}\n\n${ABI_USAGE}\n`);
    return 2;
  }
}

function parse(
  args: string[],
  options: NonNullable<Parameters<typeof parseArgs>[0]>['options'],
): { values: Record<string, string | undefined>; positionals: string[] } {
  try {
    const { values, positionals } = parseArgs({ args, options, allowPositionals: true, strict: true });
    return { values: values, positionals };
  } catch (e) {
    throw new AbiUsageError((e as Error).message);
  }
}

function readBaseline(file: string, cwd: string, err: Print): AbiSnapshot | null {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    err(
      `error: cannot read the baseline ${rel(cwd, file)}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}. Write one with \`ffi-guard snapshot --out FILE\`.\n`,
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
async function surfaceOf(paths: string[], cwd: string, config: string | undefined): Promise<Surface | null> {
  const settings = loadSettings(workspaceRoot(paths, cwd), config ? path.resolve(cwd, config) : undefined);
  const result = await checkPaths(paths, cwd, settings);
  if (!result.filesScanned.length) return null;
  return buildSurface(result.crates, result.findings, (f) => rel(cwd, f));
}

function unreadable(err: Print): number {
  err('error: nothing could be read\n');
  return 2;
}
