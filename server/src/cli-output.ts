import type { CheckDiagnostic, CheckJson, CheckSeverity } from '../../protocol/check';
import { showInvisible } from '../../protocol/text';
import { PiecePrinter, Print } from './piece-printer';

/**
 * How `ffi-guard check` prints for people and for CI (../shared/CLI.md): the text and short formats
 * (coloured only where asked or on a terminal), GitHub workflow annotations, and the progress line.
 */

/** What the CLI knows of where it prints: whether each stream is a terminal, and the environment. */
export interface Terminal {
  stdout: boolean;
  stderr: boolean;
  env: NodeJS.ProcessEnv;
}

export function processTerminal(): Terminal {
  return { stdout: !!process.stdout.isTTY, stderr: !!process.stderr.isTTY, env: process.env };
}

/**
 * Whether to colour standard output: `always` and `never` say so; `auto` colours a terminal unless
 * `NO_COLOR` is set to anything but the empty string (https://no-color.org).
 */
export function useColor(mode: string, terminal: Terminal): boolean {
  if (mode === 'always') return true;
  if (mode === 'never') return false;
  return terminal.stdout && !terminal.env.NO_COLOR;
}

type Paint = (s: string) => string;

export interface Palette {
  severity: (s: CheckSeverity) => Paint;
  location: Paint;
  rule: Paint;
}

const sgr =
  (...codes: number[]): Paint =>
  (s) =>
    `\x1b[${codes.join(';')}m${s}\x1b[0m`;
const plain: Paint = (s) => s;

export function palette(color: boolean): Palette {
  if (!color) return { severity: () => plain, location: plain, rule: plain };
  const bySeverity: Record<CheckSeverity, Paint> = {
    error: sgr(1, 31),
    warning: sgr(1, 33),
    info: sgr(1, 36),
    hint: sgr(2),
  };
  return { severity: (s) => bySeverity[s], location: sgr(1), rule: sgr(2) };
}

/** The message up to the end of its first sentence (a `.`, `!` or `?` followed by a capital, a backtick or the end). */
export function firstSentence(message: string): string {
  const flat = message.replace(/\s+/g, ' ').trim();
  const m = /^(.+?[.!?])(?=\s+[A-Z`]|$)/.exec(flat);
  return m ? m[1] : flat;
}

/**
 * `file:line:col: severity[rule]: message (certainty)`, the shape of rustc's and gcc's one-line diagnostics. One finding a
 * line, whatever a path or a name holds: no newline splits it, no escape sequence drives the terminal.
 */
export function findingLine(d: CheckDiagnostic, paint: Palette, short: boolean): string {
  const message = showInvisible(short ? firstSentence(d.message) : d.message);
  return `${paint.location(`${showInvisible(d.file)}:${d.line}:${d.column}:`)} ${paint.severity(d.severity)(d.severity)}${paint.rule(`[${d.rule}]`)}: ${message} ${paint.rule(`(${d.certainty})`)}\n`;
}

/** The summary line of the text format: `2 warnings, 1 hint in 3 files`. */
export function summaryLine(json: CheckJson, share?: string): string {
  const count = (sev: string): number => json.diagnostics.filter((d) => d.severity === sev).length;
  const parts = ['error', 'warning', 'info', 'hint']
    .map((s) => [s, count(s)] as const)
    .filter(([, n]) => n > 0)
    .map(([s, n]) => `${n} ${s}${n === 1 ? '' : 's'}`);
  const scanned = json.filesScanned;
  return `${json.diagnostics.length ? parts.join(', ') : 'no findings'} in ${scanned} file${scanned === 1 ? '' : 's'}${json.skipped.length ? `, ${json.skipped.length} skipped` : ''}${share ? ` (${share})` : ''}\n`;
}

/** Print the text (`short`: first sentences, no summary) format of `check`, a piece at a time. */
export function printText(
  out: Print,
  json: CheckJson,
  options: { color: boolean; short: boolean; quiet: boolean; share?: string },
): void {
  const paint = palette(options.color);
  const printer = new PiecePrinter(out);
  for (const d of json.diagnostics) printer.text(findingLine(d, paint, options.short));
  for (const s of json.skipped) printer.text(`${showInvisible(s.file)}: skipped: ${showInvisible(s.reason)}\n`);
  if (!options.short && !options.quiet) printer.text(summaryLine(json, options.share));
  printer.flush();
}

/** An annotation's message, escaped as GitHub's toolkit does (`escapeData`). */
export function escapeData(s: string): string {
  return s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

/** An annotation's property value, escaped as GitHub's toolkit does (`escapeProperty`). */
export function escapeProperty(s: string): string {
  return escapeData(s).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

const ANNOTATION: Record<CheckSeverity, string> = {
  error: 'error',
  warning: 'warning',
  info: 'notice',
  hint: 'notice',
};

function annotation(kind: string, properties: [string, string | number][], message: string): string {
  const props = properties.map(([k, v]) => `${k}=${escapeProperty(String(v))}`).join(',');
  return `::${kind} ${props}::${escapeData(message)}\n`;
}

/**
 * `--format github`: one workflow command per finding (`::warning file=…,line=…,col=…,title=…::message`),
 * which GitHub Actions shows as an annotation on the pull request's diff; info and hint are notices.
 * A skipped file is a notice too. Paths are relative to the directory `check` ran in: run it from the
 * repository root.
 */
export function printGithub(out: Print, json: CheckJson): void {
  const printer = new PiecePrinter(out);
  for (const d of json.diagnostics) {
    const place: [string, string | number][] = [
      ['file', d.file],
      ['line', d.line],
      ['col', d.column],
      ['endLine', d.endLine],
      ['endColumn', d.endColumn],
      ['title', `ffi-guard ${d.rule}`],
    ];
    printer.text(annotation(ANNOTATION[d.severity], place, d.message));
  }
  for (const s of json.skipped)
    printer.text(
      annotation(
        'notice',
        [
          ['file', s.file],
          ['title', 'ffi-guard: file skipped'],
        ],
        s.reason,
      ),
    );
  printer.flush();
}

/**
 * The progress line on standard error: shown only on a terminal, only once a scan has lasted a second,
 * rewritten in place at most ten times a second, and erased when the scan ends.
 */
export class ProgressLine {
  private readonly started: number;
  private lastDraw = 0;
  private drawn = false;

  constructor(
    private readonly write: (s: string) => void,
    private readonly now: () => number = Date.now,
    private readonly delayMs = 1000,
  ) {
    this.started = now();
  }

  update(text: string): void {
    const t = this.now();
    if (t - this.started < this.delayMs || t - this.lastDraw < 100) return;
    this.lastDraw = t;
    this.drawn = true;
    this.write(`\r\x1b[K${text} (${((t - this.started) / 1000).toFixed(1)} s)`);
  }

  done(): void {
    if (this.drawn) this.write('\r\x1b[K');
    this.drawn = false;
  }
}
