/**
 * Characters that must not reach an output as they are: C0 and C1 control characters and DEL (a newline
 * splits a line, ESC drives a terminal), the Unicode line and paragraph separators, and the
 * bidirectional controls that reorder what a reader sees ("Trojan Source").
 */
// eslint-disable-next-line no-control-regex -- finding control characters is what it is for
export const INVISIBLE = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/gu;

const SHORT: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t', '\0': '\\0' };

/**
 * Text with every `INVISIBLE` character written as Rust writes it in a string literal (`\n`, `\t`,
 * `\u{1b}`), so that one name stays on one line and shows what it holds. Everything else is kept.
 */
export function showInvisible(s: string): string {
  return s.replace(INVISIBLE, (c) => SHORT[c] ?? `\\u{${c.codePointAt(0)!.toString(16)}}`);
}
