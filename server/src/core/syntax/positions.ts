/**
 * Positions. Our offsets are UTF-16 code units (JavaScript strings, web-tree-sitter, LSP); rustc
 * counts columns in Unicode scalar values. All conversions happen here.
 */

export interface LineCol {
  /** 0-based line. */
  line: number;
  /** 0-based column in UTF-16 code units. */
  character: number;
}

export class LineIndex {
  private readonly starts: number[] = [0];

  constructor(private readonly text: string) {
    // The native search, not a loop over every character: fast from the first call, before any JIT.
    for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) this.starts.push(i + 1);
  }

  /** 0-based line and UTF-16 column of an offset. */
  position(offset: number): LineCol {
    const o = Math.max(0, Math.min(offset, this.text.length));
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.starts[mid] <= o) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo, character: o - this.starts[lo] };
  }

  /** 1-based line and 1-based column in Unicode scalar values, as rustc reports them. */
  rustcPosition(offset: number): { line: number; column: number } {
    const p = this.position(offset);
    const lineText = this.text.slice(this.starts[p.line], this.starts[p.line] + p.character);
    let chars = 0;
    for (let i = 0; i < lineText.length; i++) {
      const c = lineText.charCodeAt(i);
      // A surrogate pair is one scalar value.
      if (c >= 0xd800 && c <= 0xdbff && i + 1 < lineText.length) i++;
      chars++;
    }
    return { line: p.line + 1, column: chars + 1 };
  }

  /** The offset of a 0-based line and UTF-16 column (LSP positions). */
  offset(pos: LineCol): number {
    if (pos.line >= this.starts.length) return this.text.length;
    const lineEnd = pos.line + 1 < this.starts.length ? this.starts[pos.line + 1] - 1 : this.text.length;
    return Math.min(this.starts[pos.line] + pos.character, lineEnd);
  }

  lineCount(): number {
    return this.starts.length;
  }
}

/**
 * `new LineIndex(text).offset(pos)` without indexing every line: an editor's change is one or two
 * positions in a text of thousands of lines, and the index of each new text was most of what a keystroke
 * allocated.
 */
export function offsetOf(text: string, pos: LineCol): number {
  let start = 0;
  for (let line = 0; line < pos.line; line++) {
    const newLine = text.indexOf('\n', start);
    if (newLine < 0) return text.length;
    start = newLine + 1;
  }
  const newLine = text.indexOf('\n', start);
  return Math.min(start + pos.character, newLine < 0 ? text.length : newLine);
}
