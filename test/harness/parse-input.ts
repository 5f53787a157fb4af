import type { ParseCallback } from 'web-tree-sitter';

/** What web-tree-sitter's `parse` is given: the text, or a function that reads it a piece at a time. */
export type ParseInput = string | ParseCallback;

/** The whole text of a parse's input, for a test's stand-in parser to look at. */
export function inputText(input: ParseInput): string {
  if (typeof input === 'string') return input;
  let text = '';
  // Positions are not asked for by the callbacks parsing is given (`parse.ts` reads by offset alone).
  for (let piece = input(0, { row: 0, column: 0 }); piece; piece = input(text.length, { row: 0, column: 0 }))
    text += piece;
  return text;
}
