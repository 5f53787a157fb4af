/**
 * +1 for an opening bracket (`(`, `[`, `{`), -1 for a closing one, 0 for anything else, by character code
 * below 256 (or UTF-8 byte: no byte of a multi-byte sequence is a bracket). The passes that count nesting
 * over a whole text (the nesting limit, the scan, the cuts of a long file) read it, a character at a time.
 */
export const BRACKET_STEP = new Int8Array(256);
for (const c of '([{') BRACKET_STEP[c.charCodeAt(0)] = 1;
for (const c of ')]}') BRACKET_STEP[c.charCodeAt(0)] = -1;

/** `BRACKET_STEP` of a UTF-16 code unit. */
export function bracketStep(c: number): number {
  return c < 256 ? BRACKET_STEP[c] : 0;
}
