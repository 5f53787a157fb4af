import * as fs from 'fs';
import * as path from 'path';
import { discover } from '../../server/src/core/workspace/discover';
import { buildOutputMayExist } from '../../server/src/core/workspace/macros';
import { readRegularText } from '../../server/src/core/workspace/read-file';
import { RelevanceIndex } from '../../server/src/core/workspace/relevance';
import { DEBIAN_REGISTRY, rustFilesUnder } from './debian-crates';

/**
 * `node out/test/bench/relevance-reasons.js [--files] [DIR…]`: why `check` parses what it parses up front.
 * Each folder (by default, each crate of Debian's registry, as a workspace of its own) is indexed as `check`
 * indexes a workspace (its Cargo packages are the folders below it that hold a `Cargo.toml`), and the files it
 * must parse up front are counted by their reason (`RelevanceIndex.reasonNeeded`). A folder that parses files
 * but none for a boundary word is one whose crates are loaded for other reasons: those are listed, with the
 * size they parse up front. `--files` lists every file parsed up front, with its reason.
 */

const MAX_TEXT = 4 * 1024 * 1024;

interface FolderReasons {
  folder: string;
  /** Bytes of the files parsed up front, by reason. */
  bytes: Map<string, number>;
  files: [file: string, reason: string][];
}

function reasonsOf(folder: string): FolderReasons {
  const files = rustFilesUnder(folder);
  const packages = [...new Set(files.flatMap((f) => packageOf(folder, f) ?? []))];
  const read = (file: string): string | null => {
    try {
      return readRegularText(file, MAX_TEXT);
    } catch {
      return null;
    }
  };
  // As `check` is told by its discovery: whether a crate may have been built (an `include!` of `OUT_DIR`).
  const buildOutput = buildOutputMayExist(discover([folder], folder, []).buildFolders);
  const index = new RelevanceIndex(packages, read, { buildOutput });
  const sizes = new Map<string, number>();
  for (const file of files) {
    const text = read(file);
    if (text === null) continue;
    index.update(file, text);
    sizes.set(file, Buffer.byteLength(text));
  }
  const bytes = new Map<string, number>();
  const listed: [string, string][] = [];
  for (const file of [...index.needed()].sort()) {
    const reason = index.reasonNeeded(file) ?? 'followed';
    bytes.set(reason, (bytes.get(reason) ?? 0) + (sizes.get(file) ?? 0));
    listed.push([path.relative(folder, file), reason]);
  }
  return { folder, bytes, files: listed };
}

/** The innermost folder holding a `Cargo.toml` between the file and the root folder, or null. */
function packageOf(root: string, file: string): string | null {
  for (let d = path.dirname(file); d.startsWith(root); d = path.dirname(d))
    if (fs.existsSync(path.join(d, 'Cargo.toml'))) return d;
  return null;
}

const kb = (n: number): string => `${(n / 1024).toFixed(0)} kB`;

function main(args: string[]): void {
  const listFiles = args.includes('--files');
  const given = args.filter((a) => a !== '--files');
  const folders = given.length
    ? given.map((d) => path.resolve(d))
    : fs
        .readdirSync(DEBIAN_REGISTRY)
        .sort()
        .map((d) => path.join(DEBIAN_REGISTRY, d))
        .filter((d) => fs.statSync(d).isDirectory());
  const total = new Map<string, { folders: number; bytes: number }>();
  const withoutBoundary: string[] = [];
  for (const folder of folders) {
    const r = reasonsOf(folder);
    if (!r.files.length) continue;
    for (const [reason, bytes] of r.bytes) {
      const t = total.get(reason) ?? { folders: 0, bytes: 0 };
      total.set(reason, { folders: t.folders + 1, bytes: t.bytes + bytes });
    }
    const parsed = [...r.bytes.values()].reduce((a, b) => a + b, 0);
    if (!r.bytes.has('boundary'))
      withoutBoundary.push(`${path.basename(folder)} (${kb(parsed)}: ${[...r.bytes.keys()].sort().join(', ')})`);
    if (listFiles || given.length) {
      console.log(`${folder}: ${r.files.length} files parsed up front, ${kb(parsed)}`);
      if (listFiles) for (const [file, reason] of r.files) console.log(`  ${reason.padEnd(24)} ${file}`);
    }
  }
  console.log(`\n${folders.length} folders; the files parsed up front, by reason (folders with one, size):`);
  for (const [reason, t] of [...total].sort((a, b) => b[1].folders - a[1].folders))
    console.log(`  ${reason.padEnd(24)} ${String(t.folders).padStart(5)}  ${kb(t.bytes)}`);
  console.log(`\nfolders that parse files up front, none for a boundary word: ${withoutBoundary.length}`);
  for (const line of withoutBoundary) console.log(`  ${line}`);
}

main(process.argv.slice(2));
