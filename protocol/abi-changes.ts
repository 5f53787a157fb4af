/** One difference between an ABI baseline and the code, as `ffi-guard diff` and `ffiGuard/diff` report it. */
export interface AbiChange {
  severity: 'breaking' | 'compatible';
  /** What changed: `fn kv_put`, `type Stats`, `field Stats.entries`. */
  subject: string;
  message: string;
}
