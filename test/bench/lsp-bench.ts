import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { performance } from 'perf_hooks';
import { pathToFileURL } from 'url';
import { loadParser } from '../../server/src/core/syntax/parse';
import { BenchLspClient, IndexingDone, ServerExit } from './lsp-client';
import { BAD_EXPORT, chooseEditingPlan, EditingPlan, editingPlanOf, Place, ProbeAt, TARGET_LINES } from './lsp-places';
import { benchWorkspaces, BenchWorkspace } from './workspaces';

/**
 * `npm run bench:lsp`: the language server measured as an editor meets it, through a real LSP client over
 * stdio, on one of the benchmark's real workspaces (`./workspaces`). In one run: the start-up indexing,
 * open-to-first-diagnostics of a ~10,000-line file, keystroke-to-diagnostics in a comment, a function body
 * and an exported signature (60 single characters each, each sent once the previous one is answered), a
 * new bad export flagged, how many other documents each change republished, and the server's peak memory.
 * A version the server does not answer within the timeout is recorded as timed out, never waited out.
 *
 * Usage: node out/test/bench/lsp-bench.js [--server PATH/bin/ffi-guard.js] [--workspace application-like|application-like-2|application-like-3|application-like-4|bindings|ffi-dense|ffi-monorepo|untuned|untuned-2|untuned-3|DIR]
 *          [--document PATH [--probe-at start|end]] [--timeout SECONDS (30)] [--index-timeout SECONDS (900)] [--keystrokes N (60)] [--give-up N (3)] [--json]
 */

const ROOT = path.resolve(__dirname, '..', '..', '..');

interface Options {
  server: string;
  workspace: string;
  timeoutMs: number;
  indexTimeoutMs: number;
  keystrokes: number;
  /** Consecutive unanswered keystrokes after which typing in that place stops. */
  giveUp: number;
  json: boolean;
  /** The document to open (a path in the workspace folder, or absolute); else the one closest to 10,000 lines. */
  document: string | null;
  /** Where the exported probe goes in the document opened with `--document`. */
  probeAt: ProbeAt;
}

const USAGE =
  'usage: node out/test/bench/lsp-bench.js [--server PATH/bin/ffi-guard.js] [--workspace application-like|application-like-2|application-like-3|application-like-4|bindings|ffi-dense|ffi-monorepo|untuned|untuned-2|untuned-3|DIR]\n' +
  '         [--document PATH [--probe-at start|end]] [--timeout SECONDS] [--index-timeout SECONDS] [--keystrokes N] [--give-up N] [--json]';

function parseOptions(argv: string[]): Options {
  const options: Options = {
    server: path.join(ROOT, 'bin', 'ffi-guard.js'),
    workspace: 'application-like',
    timeoutMs: 30_000,
    indexTimeoutMs: 900_000,
    keystrokes: 60,
    giveUp: 3,
    json: false,
    document: null,
    probeAt: 'end',
  };
  const positive = (flag: string, v: string | undefined): number => {
    const n = Number(v);
    if (!v || !Number.isFinite(n) || n <= 0) throw new Error(`${flag} wants a positive number\n${USAGE}`);
    return n;
  };
  // The flags that take a value, and what each sets.
  const valued: Record<string, (v: string | undefined) => void> = {
    '--server': (v) => (options.server = path.resolve(v ?? '')),
    '--workspace': (v) => (options.workspace = v ?? ''),
    '--timeout': (v) => (options.timeoutMs = positive('--timeout', v) * 1000),
    '--index-timeout': (v) => (options.indexTimeoutMs = positive('--index-timeout', v) * 1000),
    '--keystrokes': (v) => (options.keystrokes = Math.floor(positive('--keystrokes', v))),
    '--give-up': (v) => (options.giveUp = Math.floor(positive('--give-up', v))),
    '--document': (v) => (options.document = v ?? null),
    '--probe-at': (v) => {
      if (v !== 'start' && v !== 'end') throw new Error(`--probe-at start|end, not ${v}\n${USAGE}`);
      options.probeAt = v;
    },
  };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    if (flag === '--json') options.json = true;
    else if (valued[flag]) valued[flag](argv[++i]);
    else throw new Error(`unknown argument \`${flag}\`\n${USAGE}`);
  }
  if (!fs.existsSync(options.server))
    throw new Error(`no server at ${options.server}: build that checkout first (npm run build)`);
  return options;
}

/** One change sent to the server and what came back for it. */
interface Sent {
  version: number;
  sentAt: number;
  /** `arrivals` index when it was sent: publications from here to the next send belong to it. */
  since: number;
  /** Milliseconds to the diagnostics of this version (or a later one), null if not within the timeout. */
  ms: number | null;
  /** Publications for other documents until the next change was sent. */
  othersRepublished: number;
  /** For a timed-out change: when its version was answered after all, or null if never. */
  lateMs: number | null;
}

/** The 60 keystrokes typed into one place. */
interface TypingRun {
  place: string;
  what: string;
  sent: Sent[];
  /** Typing stopped early: `giveUp` keystrokes in a row were not answered. */
  gaveUp: boolean;
}

/** The characters typed: letters, so an identifier stays an identifier. */
const TYPED = 'ffiguardbenchtypesslowlyandcarefullyintothisplaceonekeyatatime';

class Session {
  private version = 1;
  readonly sends: Sent[] = [];

  constructor(
    private readonly client: BenchLspClient,
    private readonly uri: string,
    private readonly timeoutMs: number,
  ) {}

  /** Open the document; the time to diagnostics of its first version. */
  async open(text: string): Promise<Sent> {
    const sent = this.start();
    if (this.client.alive) await this.client.open(this.uri, text, sent.version);
    sent.ms = await this.answered(sent);
    return sent;
  }

  /** One incremental change inserting `text` at `line`:`character`; the time to its version's diagnostics. */
  async insert(line: number, character: number, text: string): Promise<Sent> {
    this.version++;
    const sent = this.start();
    const at = { line, character };
    // A server that has died is not written to: the change counts as unanswered.
    if (this.client.alive) await this.client.change(this.uri, sent.version, [{ range: { start: at, end: at }, text }]);
    sent.ms = await this.answered(sent);
    return sent;
  }

  /** Type `count` characters one at a time at `place`, each once the previous one was answered. */
  async type(name: string, place: Place, count: number, giveUp: number): Promise<TypingRun> {
    const run: TypingRun = { place: name, what: place.what, sent: [], gaveUp: false };
    let unanswered = 0;
    for (let k = 0; k < count && this.client.alive; k++) {
      const sent = await this.insert(place.line, place.character + k, TYPED[k % TYPED.length]);
      run.sent.push(sent);
      unanswered = sent.ms === null ? unanswered + 1 : 0;
      if (unanswered >= giveUp) {
        run.gaveUp = true;
        break;
      }
    }
    return run;
  }

  /**
   * Wait for the newest version to be answered, so a server still busy with unanswered changes does not
   * slow the next measurement down; true if it was.
   */
  async catchUp(): Promise<boolean> {
    const latest = this.version;
    const a = await this.client.waitFor(this.uri, 0, (x) => (x.version ?? -1) >= latest, this.timeoutMs);
    return a !== null;
  }

  private start(): Sent {
    const sent: Sent = {
      version: this.version,
      sentAt: performance.now(),
      since: this.client.arrivals.length,
      ms: null,
      othersRepublished: 0,
      lateMs: null,
    };
    this.sends.push(sent);
    return sent;
  }

  private async answered(sent: Sent): Promise<number | null> {
    const a = await this.client.waitFor(this.uri, sent.since, (x) => (x.version ?? -1) >= sent.version, this.timeoutMs);
    return a ? a.at - sent.sentAt : null;
  }

  /**
   * Give the last unanswered version one more timeout to be answered after all, so a slow server is
   * told apart from one that never answers.
   */
  async lateAnswers(): Promise<void> {
    const missing = this.sends.filter((s) => s.ms === null).pop();
    if (!missing || !this.client.alive) return;
    await this.client.waitFor(this.uri, missing.since, (a) => a.version === missing.version, this.timeoutMs);
  }

  /** Fill in what can be known only at the end: other documents republished, late answers. */
  settle(): void {
    const arrivals = this.client.arrivals;
    this.sends.forEach((s, i) => {
      const until = this.sends[i + 1]?.since ?? arrivals.length;
      s.othersRepublished = this.client.othersBetween(this.uri, s.since, until);
      if (s.ms === null) {
        const late = arrivals.slice(s.since).find((a) => a.uri === this.uri && a.version === s.version);
        s.lateMs = late ? late.at - s.sentAt : null;
      }
    });
  }

  /** Publications of this document without a version, after it was opened: a server that does not say. */
  unversioned(): number {
    const from = this.sends[0]?.since ?? 0;
    return this.client.arrivals.slice(from).filter((a) => a.uri === this.uri && a.version === undefined).length;
  }
}

/** The nearest-rank percentile, an unanswered keystroke counting as slower than any answered one. */
function percentile(ms: (number | null)[], q: number): number | null {
  if (!ms.length) return null;
  const sorted = ms.map((m) => m ?? Infinity).sort((a, b) => a - b);
  const v = sorted[Math.max(0, Math.ceil(q * sorted.length) - 1)];
  return Number.isFinite(v) ? v : null;
}

interface TypingFigures {
  place: string;
  what: string;
  typed: number;
  answered: number;
  timedOut: number;
  answeredLate: number;
  gaveUp: boolean;
  p50Ms: number | null;
  p99Ms: number | null;
  maxMs: number | null;
  /** Which keystroke (1-based) took longest: the first ones pay for the code's warm-up after opening. */
  slowest: number | null;
  /** Each keystroke's time, in the order typed (null: no answer). */
  samplesMs: (number | null)[];
  /** Other documents republished per keystroke. */
  othersMean: number;
  othersMax: number;
}

function typingFigures(run: TypingRun): TypingFigures {
  const ms = run.sent.map((s) => s.ms);
  const answered = ms.filter((m): m is number => m !== null);
  const others = run.sent.map((s) => s.othersRepublished);
  return {
    place: run.place,
    what: run.what,
    typed: run.sent.length,
    answered: answered.length,
    timedOut: run.sent.length - answered.length,
    answeredLate: run.sent.filter((s) => s.ms === null && s.lateMs !== null).length,
    gaveUp: run.gaveUp,
    p50Ms: percentile(ms, 0.5),
    p99Ms: percentile(ms, 0.99),
    maxMs: answered.length === ms.length && ms.length ? Math.max(...answered) : null,
    slowest: answered.length ? ms.indexOf(Math.max(...answered)) + 1 : null,
    samplesMs: ms,
    othersMean: others.length ? others.reduce((a, b) => a + b, 0) / others.length : 0,
    othersMax: others.length ? Math.max(...others) : 0,
  };
}

/** Everything one run measured: printed as a table, or as JSON with `--json`. */
interface Figures {
  machine: { cpu: string; cores: number; memoryGb: number; node: string; os: string };
  server: { bin: string; commit: string | null; exit: ServerExit | null };
  indexTimeoutMs: number;
  workspace: { name: string; dir: string; files: number; megabytes: number };
  document: { file: string; lines: number; openedLines: number };
  timeoutMs: number;
  indexing: { ms: number | null; sign: string | null; documentsPublished: number };
  open: { ms: number | null; othersRepublished: number; lateMs: number | null };
  typing: TypingFigures[];
  badExport: { answeredMs: number | null; flaggedMs: number | null; othersRepublished: number };
  peakRssBytes: number | null;
  unversionedPublications: number;
  notes: string[];
}

function machine(): Figures['machine'] {
  const cpus = os.cpus();
  return {
    cpu: cpus[0]?.model.trim() ?? 'unknown CPU',
    cores: cpus.length,
    memoryGb: Math.round(os.totalmem() / 1024 ** 3),
    node: process.version,
    os: `${os.type()} ${os.release()}`,
  };
}

/** The commit of the server's checkout, so figures of two checkouts can be told apart. */
function commitOf(bin: string): string | null {
  try {
    const dir = path.dirname(fs.realpathSync(bin));
    return execFileSync('git', ['-C', dir, 'log', '-1', '--format=%h %s'], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    }).trim();
  } catch {
    return null;
  }
}

/** The new bad export: inserted in one change; timed until a finding on its lines is published. */
async function flagBadExport(
  client: BenchLspClient,
  session: Session,
  uri: string,
  end: Place,
  timeoutMs: number,
): Promise<Figures['badExport']> {
  const sent = await session.insert(end.line, end.character, BAD_EXPORT);
  const firstLine = end.line;
  const lastLine = end.line + BAD_EXPORT.split('\n').length - 1;
  const onIt = (a: { params: { diagnostics: { range: { start: { line: number } } }[] } }): boolean =>
    a.params.diagnostics.some((d) => d.range.start.line >= firstLine && d.range.start.line <= lastLine);
  const flagged = await client.waitFor(
    uri,
    sent.since,
    (a) => (a.version ?? -1) >= sent.version && onIt(a),
    // The clock runs from the change: what is left of the timeout after its first answer.
    Math.max(0, timeoutMs - (performance.now() - sent.sentAt)),
  );
  return { answeredMs: sent.ms, flaggedMs: flagged ? flagged.at - sent.sentAt : null, othersRepublished: 0 };
}

async function measure(options: Options, w: BenchWorkspace, plan: EditingPlan): Promise<Figures> {
  const notes: string[] = [];
  const client = new BenchLspClient(options.server, w.dir);
  const uri = pathToFileURL(plan.file).toString();
  client.keepParamsOf.add(uri);
  try {
    await client.initialize(w.dir);
    const indexing: IndexingDone | null = await client.indexingDone(options.indexTimeoutMs);
    if (!indexing && client.alive)
      notes.push(`indexing did not end within ${options.indexTimeoutMs / 1000} s: the document was opened anyway`);
    await client.quiet(1000, options.timeoutMs);
    const publishedAtIndexing = client.arrivals.length;

    const session = new Session(client, uri, options.timeoutMs);
    const opened = await session.open(plan.text);
    if (opened.ms === null && client.alive && !(await session.catchUp()))
      notes.push('the opened document was never answered: the keystroke figures below wait on a server that is behind');

    const runs: TypingRun[] = [];
    for (const [name, place] of [
      ['comment', plan.comment],
      ['function body', plan.body],
      ['exported signature', plan.signature],
    ] as const) {
      const run = await session.type(name, place, options.keystrokes, options.giveUp);
      runs.push(run);
      if (run.gaveUp) {
        notes.push(
          `${name}: stopped after ${run.sent.length} keystrokes, the last ${options.giveUp} unanswered within ${options.timeoutMs / 1000} s`,
        );
        if (!(await session.catchUp()))
          notes.push(`${name}: the server had not caught up with the typing ${options.timeoutMs / 1000} s later`);
      }
    }
    const badExport = await flagBadExport(client, session, uri, plan.end, options.timeoutMs);
    // Publications still on their way for the last change, and late answers to the unanswered ones.
    await new Promise((r) => setTimeout(r, 200));
    await session.lateAnswers();
    const peakRssBytes = client.peakRssBytes();
    session.settle();
    badExport.othersRepublished = session.sends[session.sends.length - 1].othersRepublished;

    const typing = runs.map(typingFigures);
    // A server that died answers nothing: the exit note says so once.
    const died = client.exit !== null;
    if (!died) for (const run of runs) notes.push(...timeoutNotes(run, options.timeoutMs));
    if (opened.ms === null && !died) notes.push(openNote(opened, options.timeoutMs));
    if (badExport.flaggedMs === null && !died)
      notes.push(
        badExport.answeredMs === null
          ? `the bad export's version was not answered within ${options.timeoutMs / 1000} s`
          : `the bad export's version was answered (${badExport.answeredMs.toFixed(0)} ms) without a finding on it within ${options.timeoutMs / 1000} s`,
      );
    if (client.exit)
      notes.push(
        `the server exited (${client.exit.how}) ${(client.exit.afterMs / 1000).toFixed(0)} s after it started; ` +
          `nothing after that was measured. It said: ${client.exit.why}`,
      );
    const unversioned = session.unversioned();
    if (unversioned)
      notes.push(
        `the server published this document ${unversioned} time(s) without a version: those cannot answer a change`,
      );
    return {
      machine: machine(),
      server: { bin: options.server, commit: commitOf(options.server), exit: client.exit },
      workspace: { name: w.name, dir: w.dir, files: w.files.length, megabytes: w.bytes / 1024 / 1024 },
      document: { file: path.relative(w.dir, plan.file), lines: plan.lines, openedLines: plan.end.line },
      timeoutMs: options.timeoutMs,
      indexTimeoutMs: options.indexTimeoutMs,
      indexing: {
        ms: indexing ? indexing.at - client.initializedAt : null,
        sign: indexing?.sign ?? null,
        documentsPublished: publishedAtIndexing,
      },
      open: { ms: opened.ms, othersRepublished: opened.othersRepublished, lateMs: opened.lateMs },
      typing,
      badExport,
      peakRssBytes,
      unversionedPublications: unversioned,
      notes,
    };
  } catch (e) {
    throw new Error(`${(e as Error).message}\nserver stderr:\n${client.stderrTail}`);
  } finally {
    await client.stop();
  }
}

function openNote(s: Sent, timeoutMs: number): string {
  const late = s.lateMs === null ? 'and never afterwards' : `it came ${(s.lateMs / 1000).toFixed(1)} s after the open`;
  return `the opened document's diagnostics did not arrive within ${timeoutMs / 1000} s, ${late}`;
}

/** Say plainly which keystrokes the server did not answer: slow, or not republished at all. */
function timeoutNotes(run: TypingRun, timeoutMs: number): string[] {
  const missed = run.sent.filter((s) => s.ms === null);
  if (!missed.length) return [];
  const late = missed.filter((s) => s.lateMs !== null);
  const never = missed.length - late.length;
  const parts = [
    `${run.place}: ${missed.length} of ${run.sent.length} keystrokes got no diagnostics within ${timeoutMs / 1000} s`,
  ];
  if (late.length)
    parts.push(
      `${late.length} answered late (up to ${(Math.max(...late.map((s) => s.lateMs!)) / 1000).toFixed(1)} s): the server is slow`,
    );
  if (never)
    parts.push(
      `${never} never answered: the server did not publish diagnostics for those versions (it may skip republishing a document whose diagnostics did not change, which leaves the editor unable to tell the change was checked)`,
    );
  return [parts.join('; ')];
}

function printTable(f: Figures): void {
  // A missing figure: the server was too slow, or it had died.
  const msText = (ms: number | null, timeoutMs = f.timeoutMs): string =>
    ms !== null
      ? `${ms.toFixed(ms < 100 ? 1 : 0)} ms`
      : f.server.exit
        ? 'no answer (server exited)'
        : `timed out (>${timeoutMs / 1000} s)`;
  const m = f.machine;
  console.log(`machine: ${m.cpu}, ${m.cores} cores, ${m.memoryGb} GB; Node ${m.node}; ${m.os}`);
  console.log(`server:  ${f.server.bin}${f.server.commit ? ` (${f.server.commit})` : ''}`);
  console.log(
    `workspace: ${f.workspace.name}, ${f.workspace.files} .rs files, ${f.workspace.megabytes.toFixed(1)} MB (${f.workspace.dir})`,
  );
  console.log(
    `document:  ${f.document.file}, ${f.document.lines} lines (${f.document.openedLines} as opened, with the exported probe)`,
  );
  console.log('');
  const rows: [string, string, string][] = [
    [
      'initialized → indexing done',
      msText(f.indexing.ms, f.indexTimeoutMs),
      `${f.indexing.sign ? `sign: ${f.indexing.sign}; ` : ''}${f.indexing.documentsPublished} documents published`,
    ],
    ['open → first diagnostics', msText(f.open.ms), `${f.open.othersRepublished} other documents published`],
  ];
  for (const k of f.typing) {
    const answered = k.timedOut ? `, ${k.timedOut} timed out${k.gaveUp ? ', gave up' : ''}` : '';
    rows.push([
      `keystroke in ${k.place} (${k.typed}${answered})`,
      k.typed ? `p50 ${msText(k.p50Ms)}, p99 ${msText(k.p99Ms)}` : 'not typed (server exited)',
      `others republished per keystroke: mean ${k.othersMean.toFixed(1)}, max ${k.othersMax}` +
        (k.slowest ? `; slowest: keystroke ${k.slowest}` : ''),
    ]);
  }
  rows.push([
    'new bad export flagged',
    msText(f.badExport.flaggedMs),
    `version answered in ${msText(f.badExport.answeredMs)}; ${f.badExport.othersRepublished} others republished`,
  ]);
  rows.push([
    'server peak memory (VmHWM)',
    f.peakRssBytes === null ? 'unknown' : `${(f.peakRssBytes / 1024 / 1024).toFixed(0)} MB`,
    '',
  ]);
  const w0 = Math.max(...rows.map((r) => r[0].length));
  const w1 = Math.max(...rows.map((r) => r[1].length));
  for (const [a, b, c] of rows) console.log(`${a.padEnd(w0)}  ${b.padEnd(w1)}  ${c}`.trimEnd());
  console.log('');
  for (const k of f.typing) console.log(`typed into ${k.place}: ${k.what}`);
  if (f.notes.length) {
    console.log('');
    for (const n of f.notes) console.log(`NOTE: ${n}`);
  }
}

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  const [w] = benchWorkspaces([options.workspace]);
  const parser = await loadParser();
  const plan = options.document
    ? editingPlanOf(parser, path.resolve(w.dir, options.document), options.probeAt)
    : await chooseEditingPlan(parser, w.dir, w.files, TARGET_LINES);
  if (!options.json)
    console.log(`opening ${path.relative(w.dir, plan.file)} in ${w.name}; the server is ${options.server}`);
  const figures = await measure(options, w, plan);
  if (options.json) console.log(JSON.stringify(figures, null, 2));
  else printTable(figures);
  // Printed in full all the same; a server that died is a failed run for a script.
  if (figures.server.exit) process.exitCode = 1;
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : e);
  process.exitCode = 1;
});
