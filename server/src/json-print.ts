import { PiecePrinter, Print } from './piece-printer';

/**
 * Print `value` as `JSON.stringify(value, null, 2)` followed by a newline, byte for byte, a piece at a time.
 * A check of a `-sys` workspace prints tens of MB of JSON: made whole, that text was the largest thing the
 * run held, at its end (20 MB of parts, then a flat copy of them to write it), on top of the diagnostics it
 * was made from.
 */
export function printJson(out: Print, value: unknown): void {
  const printer = new JsonPrinter(out);
  printer.value(value, '');
  printer.text('\n');
  printer.flush();
}

const INDENT = '  ';

class JsonPrinter extends PiecePrinter {
  /** Print one value whose lines start with `indent`, as JSON.stringify prints it there. */
  value(value: unknown, indent: string): void {
    if (!spreads(value, SPREAD_DEPTH)) this.text(leafJson(value, indent) ?? 'null');
    else if (isArray(value)) this.array(value, indent);
    else this.record(value as Record<string, unknown>, indent);
  }

  /**
   * Items that do not spread are printed by one JSON.stringify for each run of `RUN_ITEMS`: a call per item
   * took twice the time of one for the whole value on the FFI-dense workspace's output (26,748 diagnostics).
   */
  private array(values: readonly unknown[], indent: string): void {
    if (!values.length) return this.text('[]');
    const inner = indent + INDENT;
    this.text('[');
    for (let i = 0; i < values.length;) {
      if (i) this.text(',');
      if (spreads(values[i], SPREAD_DEPTH)) {
        this.text(`\n${inner}`);
        this.value(values[i++], inner);
        continue;
      }
      let end = i + 1;
      while (end < values.length && end - i < RUN_ITEMS && !spreads(values[end], SPREAD_DEPTH)) end++;
      // `[`, the items each on lines of their own at this depth, then a newline, the indent and `]`.
      const run = reindented(JSON.stringify(values.slice(i, end), null, INDENT), indent);
      this.text(run.slice(1, run.length - indent.length - 2));
      i = end;
    }
    this.text(`\n${indent}]`);
  }

  private record(record: Readonly<Record<string, unknown>>, indent: string): void {
    const inner = indent + INDENT;
    let first = true;
    for (const key of Object.keys(record)) {
      const v = record[key];
      const container = spreads(v, SPREAD_DEPTH);
      const json = container ? '' : leafJson(v, inner);
      if (json === undefined) continue; // left out, as JSON leaves out undefined, functions and symbols
      this.text(`${first ? '{' : ','}\n${inner}${JSON.stringify(key)}: `);
      if (container) this.value(v, inner);
      else this.text(json);
      first = false;
    }
    this.text(first ? '{}' : `\n${indent}}`);
  }
}

/** An array longer than this is printed a run of items at a time. */
const LONG_ARRAY = 64;
/** The items of such a run: one JSON.stringify for each. */
const RUN_ITEMS = 64;
/** How deep below a value a long array makes it printed a part at a time. */
const SPREAD_DEPTH = 3;

/**
 * Whether a value is printed a part at a time: it holds a long array within `depth` levels. Any other is
 * printed by one call of JSON.stringify, as its text is short.
 */
function spreads(value: unknown, depth: number): boolean {
  if (isArray(value)) return value.length > LONG_ARRAY || (depth > 0 && value.some((v) => spreads(v, depth - 1)));
  if (!isPlainRecord(value) || depth === 0) return false;
  for (const key in value) if (spreads(value[key], depth - 1)) return true;
  return false;
}

/**
 * A value printed whole (a string, a number, one with `toJSON`, an array or object that does not spread) as
 * JSON.stringify prints it at a depth whose lines start with `indent`: a newline in its JSON stands only
 * between tokens (one inside a string is escaped), so each is followed by the indent. Undefined for what
 * JSON has no text for.
 */
function leafJson(value: unknown, indent: string): string | undefined {
  const json = JSON.stringify(value, null, INDENT) as string | undefined;
  return json === undefined ? json : reindented(json, indent);
}

/** JSON printed at depth 0 as it is printed at a depth whose lines start with `indent`. */
function reindented(json: string, indent: string): string {
  return indent && json.includes('\n') ? json.replace(/\n/g, `\n${indent}`) : json;
}

/** An array JSON.stringify prints item by item (one with its own `toJSON` is printed as that says). */
function isArray(value: unknown): value is readonly unknown[] {
  return Array.isArray(value) && typeof (value as { toJSON?: unknown }).toJSON !== 'function';
}

/** An object JSON.stringify prints key by key: not null, no `toJSON`, made by `{}` or with no prototype. */
function isPlainRecord(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false;
  if (typeof (value as { toJSON?: unknown }).toJSON === 'function') return false;
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}
