/** One difference between an ABI baseline and the code, as `ffi-guard diff` and `ffiGuard/diff` report it. */
export interface AbiChange {
  /**
   * `breaking`: C code built against the baseline can misbehave or stop building; `compatible`: an
   * addition; `cosmetic`: only the Rust spelling or the docs moved, a C caller sees the same ABI.
   */
  severity: 'breaking' | 'compatible' | 'cosmetic';
  /** What changed: `fn kv_put`, `type Stats`, `field Stats.entries`. */
  subject: string;
  message: string;
}
