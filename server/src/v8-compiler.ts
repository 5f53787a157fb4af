import * as v8 from 'v8';

/**
 * How much V8's optimizing compiler may inline into one function during a command-line run.
 *
 * A `check` runs most of its code for a short while: the analysis is many functions, each hot for a while.
 * TurboFan compiles them on a second core while the main thread runs them unoptimized, and with V8's own
 * inlining budget it spent more CPU time there than the analysis spent on the main thread (`node
 * --trace-opt`, `check` of the FFI-dense bench workspace: 838 compilations taking 4.8 s between them, against
 * 2.5 s with this budget), so optimized code came late and the compiler competed for the second core with
 * the garbage collector's threads. A smaller budget still inlines small functions (accessors, predicates: V8
 * inlines those up to `--max-inlined-bytecode-size-small` whatever the budget). Measured with `node
 * out/test/bench/v8-inlining.js` (docs/performance.md, "The compiler's budget"): with V8's own budget, `check`
 * took 4 to 11% longer on the bench workspaces that parse more than a little, as long on the two others. The
 * language server keeps V8's own budget for now: on gtk4 (`npm run bench:lsp -- --workspace untuned`, a
 * wrapper setting this budget first) it indexed sooner and its slowest signature keystroke came sooner, but it
 * flagged a new bad export later; which trade the server should make is not settled.
 */
const CUMULATIVE_INLINING = 100;
/** V8's own (`node --v8-options`). */
const DEFAULT_CUMULATIVE_INLINING = 920;

/** Sets the inlining budget; the returned function puts V8's own back (for what runs after in the process). */
export function limitInlining(): () => void {
  setCumulativeInlining(CUMULATIVE_INLINING);
  return () => setCumulativeInlining(DEFAULT_CUMULATIVE_INLINING);
}

function setCumulativeInlining(bytes: number): void {
  v8.setFlagsFromString(`--max-inlined-bytecode-size-cumulative=${bytes}`);
}
