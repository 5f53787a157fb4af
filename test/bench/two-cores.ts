import { execFile } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { defaultSettings } from '../../server/src/core/config';
import { runCheck } from '../../server/src/core/shard';
import { loadParser } from '../../server/src/core/syntax/parse';
import { rustFilesUnder } from './debian-crates';
import { benchWorkspaces } from './workspaces';

/**
 * Whether a second core would pay off for `check`: the check of a workspace split in two shares of its crates
 * (`check --shard`'s split, balanced by size), each in a process of its own, run one after the other and
 * then both at once, against the whole in one process. Each process runs the map step alone (`runCheck`,
 * without the ABI surfaces a shard prints for `merge`), so what is compared is the work a worker thread
 * would take over. Two shares at once take as long as the whole when the cores share what the work is
 * bound by: then threads would add memory and no speed. What they share is told apart by the same comparison
 * of parsing alone: every file of the workspace parsed by one process, then by two at once, each parsing them
 * all (warmed up first): two at once take as long as one when the cores do not share what parsing is bound by
 * (memory, caches), and then what a whole check competes for is the second core itself (V8's optimizing
 * compiler and garbage collector run beside the main thread: docs/performance.md, "Two cores").
 *
 * Usage: node out/test/bench/two-cores.js [--workspace ffi-dense|bindings|application-like|…|DIR] [--rounds N]
 */

const SELF = __filename;

interface Timed {
  ms: number;
  findings: number;
}

/** In a child: parse every file once to warm up, then again, timed; prints the time as JSON. */
async function parsingChild(dir: string): Promise<void> {
  const parser = await loadParser();
  const texts = rustFilesUnder(dir).map((f) => fs.readFileSync(f, 'utf8'));
  for (const text of texts) parser.parse(text)?.delete();
  const started = performance.now();
  for (const text of texts) parser.parse(text)?.delete();
  const timed: Timed = { ms: performance.now() - started, findings: 0 };
  process.stdout.write(JSON.stringify(timed));
}

/** In a child: check a share (or the whole, for `0/0`) and print its time and findings as JSON. */
async function child(dir: string, index: number, count: number): Promise<void> {
  const started = performance.now();
  const run = await runCheck([dir], process.cwd(), defaultSettings(), (f) => f, {
    shard: count ? { index, count } : undefined,
    surface: false,
  });
  const timed: Timed = { ms: performance.now() - started, findings: run.json.diagnostics.length };
  process.stdout.write(JSON.stringify(timed));
}

function spawnShare(dir: string, index: number, count: number): Promise<Timed> {
  return spawnChild(['--child', dir, String(index), String(count)]);
}

function spawnChild(args: string[]): Promise<Timed> {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, [SELF, ...args], { maxBuffer: 1024 * 1024 }, (err, stdout) =>
      err ? reject(new Error(err.message)) : resolve(JSON.parse(stdout) as Timed),
    );
  });
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  if (argv[0] === '--child') return child(argv[1], Number(argv[2]), Number(argv[3]));
  if (argv[0] === '--parsing-child') return parsingChild(argv[1]);
  const flag = (name: string, fallback: string): string => {
    const i = argv.indexOf(name);
    return i >= 0 ? argv[i + 1] : fallback;
  };
  const [workspace] = benchWorkspaces([flag('--workspace', 'ffi-dense')]);
  const rounds = Number(flag('--rounds', '3'));
  console.log(
    `machine: ${os.cpus()[0]?.model ?? 'unknown'}, ${os.availableParallelism()} cores; Node ${process.version}`,
  );
  console.log(
    `workspace: ${workspace.name}, ${(workspace.bytes / 1024 / 1024).toFixed(1)} MB of .rs (${path.relative(process.cwd(), workspace.dir)})`,
  );
  const whole: number[] = [];
  const first: number[] = [];
  const second: number[] = [];
  const together: number[] = [];
  for (let r = 0; r < rounds; r++) {
    whole.push((await spawnShare(workspace.dir, 0, 0)).ms);
    first.push((await spawnShare(workspace.dir, 1, 2)).ms);
    second.push((await spawnShare(workspace.dir, 2, 2)).ms);
    const started = performance.now();
    await Promise.all([spawnShare(workspace.dir, 1, 2), spawnShare(workspace.dir, 2, 2)]);
    together.push(performance.now() - started);
  }
  const w = median(whole);
  const a = median(first);
  const b = median(second);
  const t = median(together);
  console.log(`whole, one process:            ${w.toFixed(0)} ms  (median of ${rounds})`);
  console.log(`share 1/2 alone, share 2/2 alone: ${a.toFixed(0)} ms, ${b.toFixed(0)} ms`);
  console.log(`both shares at once (wall):    ${t.toFixed(0)} ms, each process started cold`);
  console.log(`speed-up of two cores:          ${(w / t).toFixed(2)}x  (at best ${(w / Math.max(a, b)).toFixed(2)}x)`);
  const parseAlone: number[] = [];
  const parseTogether: number[] = [];
  for (let r = 0; r < rounds; r++) {
    parseAlone.push((await spawnChild(['--parsing-child', workspace.dir])).ms);
    const both = await Promise.all([0, 1].map(() => spawnChild(['--parsing-child', workspace.dir])));
    parseTogether.push(Math.max(...both.map((b) => b.ms)));
  }
  console.log(
    `parsing every file, one process: ${median(parseAlone).toFixed(0)} ms; two at once, each all of them: ${median(parseTogether).toFixed(0)} ms (the slower)`,
  );
}

main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
