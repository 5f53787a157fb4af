import { execFile } from 'child_process';
import * as os from 'os';
import { main as cliMain } from '../../server/src/cli';
import { benchWorkspaces } from './workspaces';

/**
 * What the inlining budget of `check` (`limitInlining`, `server/src/v8-compiler.ts`) does: each workspace is
 * checked by `check --format json` in processes of its own, with the budget the CLI sets and with each budget
 * asked for (V8's own is 920), in turns, so that a slower spell of the machine weighs on each alike. Prints,
 * per workspace and budget, the median wall-clock time, CPU time (both threads: what the optimizing compiler
 * spends on the second core counts) and peak memory, and the wall-clock ratio to the CLI's own budget.
 *
 * Usage: node out/test/bench/v8-inlining.js [--workspaces application-like-3,ffi-dense,…] [--budgets 920,300]
 *          [--rounds N]
 */

const SELF = __filename;

interface Run {
  ms: number;
  cpuMs: number;
  maxRssKb: number;
}

/**
 * In a child: `check DIR` as the CLI runs it, the budget the CLI sets replaced by `budget` (`own`: left as it
 * is). Prints the child's own time, CPU time and peak memory as JSON.
 */
async function child(dir: string, budget: string): Promise<void> {
  if (budget !== 'own') {
    // The module itself, not a namespace copy of it: `v8-compiler.ts` reads `setFlagsFromString` from it at each call.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const v8 = require('v8') as { setFlagsFromString: (flags: string) => void };
    const set = v8.setFlagsFromString.bind(v8);
    v8.setFlagsFromString = (flags) =>
      set(
        flags.replace(
          /^--max-inlined-bytecode-size-cumulative=\d+$/,
          `--max-inlined-bytecode-size-cumulative=${budget}`,
        ),
      );
  }
  const started = performance.now();
  await cliMain(['check', dir, '--format', 'json'], process.cwd(), () => undefined);
  const usage = process.resourceUsage();
  const run: Run = {
    ms: performance.now() - started,
    cpuMs: (usage.userCPUTime + usage.systemCPUTime) / 1000,
    maxRssKb: usage.maxRSS,
  };
  process.stdout.write(JSON.stringify(run));
}

function spawnRun(dir: string, budget: string): Promise<Run> {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, [SELF, '--child', dir, budget], { maxBuffer: 1024 * 1024 }, (err, stdout) =>
      err ? reject(new Error(err.message)) : resolve(JSON.parse(stdout) as Run),
    );
  });
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  if (argv[0] === '--child') return child(argv[1], argv[2]);
  const flag = (name: string, fallback: string): string => {
    const i = argv.indexOf(name);
    return i >= 0 ? argv[i + 1] : fallback;
  };
  const workspaces = benchWorkspaces(
    flag('--workspaces', 'application-like-3,application-like-4,ffi-dense').split(','),
  );
  const budgets = ['own', ...flag('--budgets', '920').split(',')];
  const rounds = Number(flag('--rounds', '3'));
  console.log(
    `machine: ${os.cpus()[0]?.model ?? 'unknown'}, ${os.availableParallelism()} cores; Node ${process.version}`,
  );
  for (const workspace of workspaces) {
    const runs = new Map<string, Run[]>(budgets.map((b) => [b, []]));
    for (let r = 0; r < rounds; r++)
      for (const budget of budgets) runs.get(budget)!.push(await spawnRun(workspace.dir, budget));
    const own = median(runs.get('own')!.map((r) => r.ms));
    console.log(
      `${workspace.name} (${(workspace.bytes / 1024 / 1024).toFixed(1)} MB of .rs), medians of ${rounds} runs:`,
    );
    for (const budget of budgets) {
      const of = runs.get(budget)!;
      const ms = median(of.map((r) => r.ms));
      const label = budget === 'own' ? "the CLI's budget" : `budget ${budget}`;
      console.log(
        `  ${label.padEnd(18)} ${ms.toFixed(0).padStart(6)} ms (${(ms / own).toFixed(2)}x), CPU ${median(
          of.map((r) => r.cpuMs),
        )
          .toFixed(0)
          .padStart(6)} ms, peak ${(median(of.map((r) => r.maxRssKb)) / 1024).toFixed(0)} MB`,
      );
    }
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
