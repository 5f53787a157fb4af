import * as fs from 'fs';
import * as path from 'path';
import { defaultSettings } from '../../server/src/core/config';
import { checkPaths } from '../../server/src/core/project';
import { extractItems } from '../../server/src/core/syntax/items';
import { loadParser, parseRust } from '../../server/src/core/syntax/parse';

/**
 * `node out/test/bench/extract-profile.js DIR [--rounds N]`: what the syntax stage costs on a folder, in
 * one run so the figures share the machine's load: tree-sitter parsing alone, our parse (edition 2024
 * blanking) plus `extractItems`, and a whole `check` of the folder for scale. Each is the median of
 * N rounds (3 by default). The gap between the first two is the extraction's own cost.
 */

function rustFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...rustFiles(p));
    else if (entry.isFile() && entry.name.endsWith('.rs')) out.push(p);
  }
  return out.sort();
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

/** Wall time and this process's CPU time, in ms: on a shared machine the CPU time is the steadier figure. */
interface Timing {
  wall: number;
  cpu: number;
}

async function timed(run: () => unknown): Promise<Timing> {
  const wallStart = process.hrtime.bigint();
  const cpuStart = process.cpuUsage();
  await run();
  const cpu = process.cpuUsage(cpuStart);
  return { wall: Number(process.hrtime.bigint() - wallStart) / 1e6, cpu: (cpu.user + cpu.system) / 1000 };
}

function medianOf(ts: Timing[]): Timing {
  return { wall: median(ts.map((t) => t.wall)), cpu: median(ts.map((t) => t.cpu)) };
}

function show(t: Timing): string {
  return `${t.wall.toFixed(0).padStart(6)} ms wall ${t.cpu.toFixed(0).padStart(6)} ms cpu`;
}

async function main(argv: string[]): Promise<void> {
  const roundsAt = argv.indexOf('--rounds');
  const rounds = roundsAt >= 0 ? Number(argv[roundsAt + 1]) : 3;
  const dir = path.resolve(argv.find((a, i) => !a.startsWith('--') && argv[i - 1] !== '--rounds') ?? '.');
  const files = rustFiles(dir).map((file) => ({ file, text: fs.readFileSync(file, 'utf8') }));
  const bytes = files.reduce((n, f) => n + Buffer.byteLength(f.text), 0);
  const parser = await loadParser();
  const parseOnly: Timing[] = [];
  const parseExtract: Timing[] = [];
  const check: Timing[] = [];
  for (let r = 0; r < rounds; r++) {
    parseOnly.push(await timed(() => files.forEach(({ text }) => parser.parse(text)?.delete())));
    parseExtract.push(
      await timed(() =>
        files.forEach(({ file, text }) => {
          const parsed = parseRust(parser, text);
          extractItems(file, parsed);
          parsed.tree.delete();
        }),
      ),
    );
    check.push(await timed(async () => (await checkPaths([dir], dir, defaultSettings())).cache.dispose()));
  }
  const p = medianOf(parseOnly);
  const pe = medianOf(parseExtract);
  const c = medianOf(check);
  console.log(`${dir}: ${files.length} files, ${(bytes / 1024 / 1024).toFixed(1)} MB, median of ${rounds} rounds`);
  console.log(`tree-sitter parse only:  ${show(p)}`);
  console.log(`parse + extractItems:    ${show(pe)}  (extraction ${(pe.cpu - p.cpu).toFixed(0)} ms cpu)`);
  console.log(`check (whole command):   ${show(c)}  (${(c.cpu / p.cpu).toFixed(2)}x parse, cpu)`);
}

main(process.argv.slice(2)).catch((e) => {
  console.error(e);
  process.exitCode = 2;
});
