import type { AbiSymbol as LinkSymbol, CrateAbi } from '../../../../protocol/check';
import { AbiSnapshot, parseBaseline, SnapshotError } from './baseline';
import { HOST_MODEL } from '../analysis/data-model';
import { readCHeader } from './c-header-reader';
import { baselineTypes, snapshotSignature } from './c-signature-baseline';
import type { ExternalAbi } from './cross-crate';

/**
 * `check --against FILE` (repeatable): a library outside the workspace, as `abi-mismatch` reads it.
 * An ABI baseline (`ffi-guard snapshot`, first line `ffi-abi N`) gives its exports, which the
 * workspace's imports are checked against (a host against its plugin's baseline), and its `extern`
 * block imports, which the workspace's exports are checked against (a plugin against its host's). A C header gives the
 * prototypes C callers import, which the workspace's exports are checked against: a library against
 * the header it ships.
 */

export class AgainstError extends Error {}

export interface Against {
  abi: ExternalAbi;
  /** What could not be read (a header's macros), each naming the file and line. */
  notes: string[];
}

/** Read `text`, the content of the file shown as `shown` (a path relative to the run's directory). */
export async function readAgainst(shown: string, text: string): Promise<Against> {
  if (/^ffi-abi\b/.test(text)) return readBaseline(shown, text);
  if (/\.(h|hh|hpp|hxx|inc)$/i.test(shown)) return readHeader(shown, text);
  throw new AgainstError(
    `${shown} is neither an ABI baseline (made by \`ffi-guard snapshot\`, first line \`ffi-abi N\`) nor a C header (\`.h\`)`,
  );
}

function lineEnd(text: string, line: number): number {
  return [...(text.split(/\r?\n/)[line - 1] ?? '')].length + 1;
}

function readBaseline(shown: string, text: string): Against {
  let snap: AbiSnapshot;
  try {
    // A baseline of several targets: the workspace's side is compared as on x86_64 Linux, so is its side.
    const { sections } = parseBaseline(text);
    snap = sections.find((s) => (s.target ?? HOST_MODEL.target) === HOST_MODEL.target) ?? sections[0];
  } catch (e) {
    if (e instanceof SnapshotError) throw new AgainstError(`${shown}: ${e.message}`);
    throw e;
  }
  const types = baselineTypes(snap.types);
  const lines = text.split(/\r?\n/);
  // Its facts follow its `target` line.
  const from = Math.max(0, snap.target === undefined ? 0 : lines.indexOf(`target ${snap.target}`));
  const lineOf = (direction: string, kind: string, name: string): number => {
    const prefix = direction === 'import' ? 'import ' : '';
    const i = lines.findIndex(
      (l, at) =>
        at >= from &&
        (kind === 'fn'
          ? l.startsWith(`${prefix}fn ${name}(`)
          : new RegExp(`^${prefix}static (mut )?${escape(name)}:`).test(l)),
    );
    return i + 1;
  };
  // Its exports, which the workspace's imports must agree with (a host against its plugin); its imports,
  // which the workspace's exports must agree with (a plugin against what its host expects).
  const symbols: LinkSymbol[] = snap.symbols.map((s) => {
    const line = lineOf(s.direction, s.kind, s.name);
    const written = (lines[line - 1] ?? '').split('  ')[0];
    return {
      name: s.name,
      rustName: s.name,
      kind: s.kind === 'fn' ? 'function' : 'static',
      direction: s.direction,
      abi: s.abi,
      file: shown,
      line,
      column: 1,
      endLine: line,
      endColumn: lineEnd(text, line),
      cPrototype: written || null,
      params: [],
      returns: null,
      variadic: s.params[s.params.length - 1] === '...',
      mutable: s.mutable,
      signature: snapshotSignature(s, types),
    };
  });
  return { abi: { name: `the baseline ${shown}`, kind: 'baseline', symbols }, notes: [] };
}

async function readHeader(shown: string, text: string): Promise<Against> {
  const header = await readCHeader(text);
  const symbols: LinkSymbol[] = header.symbols.map((s) => ({
    name: s.name,
    rustName: s.name,
    kind: s.signature.kind,
    // What a header declares, C callers import: the workspace's exports must agree with it.
    direction: 'import',
    abi: s.signature.abi,
    file: shown,
    line: s.line,
    column: s.column,
    endLine: s.endLine,
    endColumn: s.endColumn,
    cPrototype: s.text,
    params: [],
    returns: null,
    variadic: s.signature.variadic,
    mutable: false,
    signature: s.signature,
  }));
  return {
    abi: { name: `the header ${shown}`, kind: 'header', symbols },
    notes: header.notes.map((n) => `${shown}: ${n}`),
  };
}

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * The prototypes of the headers given with `--against` that no crate of the run exports: C code
 * calling one no longer links (a function removed or renamed on the Rust side). They are in the header,
 * not in the workspace's files, so they are said as notes, one per prototype, with its place.
 */
export function unexportedPrototypes(against: readonly ExternalAbi[], surfaces: readonly CrateAbi[]): string[] {
  const exported = new Set(
    surfaces.flatMap((s) => s.symbols.filter((x) => x.direction === 'export').map((x) => x.name)),
  );
  const notes: string[] = [];
  for (const lib of against.filter((a) => a.kind === 'header'))
    for (const s of lib.symbols)
      if (s.direction === 'import' && !exported.has(s.name))
        notes.push(
          `${s.file}:${s.line}: \`${s.name}\` is declared here, but no crate of the run exports it: C code calling it does not link`,
        );
  return notes;
}
