import { Edit } from 'web-tree-sitter';
import { offsetOf } from './positions';

/**
 * Applying an editor's incremental changes to a text, and describing them to tree-sitter so the old
 * tree can be reused. Positions are 0-based lines and UTF-16 columns (LSP's, and web-tree-sitter's).
 */

export interface TextChange {
  /** The replaced range; absent for a change that replaces the whole text. */
  range?: { start: { line: number; character: number }; end: { line: number; character: number } };
  text: string;
}

export interface AppliedChanges {
  text: string;
  /** One tree edit per change, in order; empty when a change replaced the whole text. */
  edits: Edit[] | null;
}

/** Apply `changes` in order (each one's range refers to the text after the previous ones). */
export function applyChanges(text: string, changes: TextChange[]): AppliedChanges {
  let edits: Edit[] | null = [];
  for (const change of changes) {
    if (!change.range) {
      text = change.text;
      edits = null;
      continue;
    }
    const start = offsetOf(text, change.range.start);
    const oldEnd = Math.max(start, offsetOf(text, change.range.end));
    const next = text.slice(0, start) + change.text + text.slice(oldEnd);
    const newEnd = start + change.text.length;
    edits?.push(
      new Edit({
        startIndex: start,
        oldEndIndex: oldEnd,
        newEndIndex: newEnd,
        startPosition: { row: change.range.start.line, column: change.range.start.character },
        oldEndPosition: { row: change.range.end.line, column: change.range.end.character },
        newEndPosition: pointAfter(change.range.start, change.text),
      }),
    );
    text = next;
  }
  return { text, edits };
}

function pointAfter(start: { line: number; character: number }, inserted: string): { row: number; column: number } {
  const lines = inserted.split('\n');
  if (lines.length === 1) return { row: start.line, column: start.character + inserted.length };
  return { row: start.line + lines.length - 1, column: lines[lines.length - 1].length };
}
