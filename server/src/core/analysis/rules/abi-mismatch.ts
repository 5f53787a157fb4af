import type { RuleMeta } from './meta';

/**
 * `abi-mismatch`: one link symbol, two C signatures. Its check reads every crate at once
 * (core/abi/abi-mismatch.ts, run by core/abi/cross-crate.ts), and a workspace against a library's
 * baseline or C header (`check --against`).
 */
export const abiMismatch: RuleMeta = {
  id: 'abi-mismatch',
  family: 'beyond',
  rustcLint: null,
  defaultSeverity: 'error',
  // The two declarations are read, not guessed: when they disagree, one side calls with the wrong signature.
  certainty: 'fact',
  summary: 'An import and the export it links to disagree on the C signature.',
  fixes: [],
  docs: {
    whatItDoes:
      'Matches every import (an `extern` block declaration, with `#[link_name]` honoured) to the export of the same link symbol in another crate of the workspace, an ABI baseline or a C header given with `--against`, and compares what a C caller sees: the number of parameters, variadic, the calling convention, and each parameter and the return type by size, alignment, signedness and class, into structs (field offsets and types) and through pointers.',
    whyIsThisBad:
      "rustc checks each crate alone: a host that declares a plugin's function with another signature than the plugin exports links fine and is undefined behaviour at every call (a `u32` read where a `usize` was passed, fields read at the wrong offsets).",
    example:
      '// plugin\n#[no_mangle]\npub extern "C" fn textfx_count(input: *const u8, len: usize) -> u32 { 0 }\n\n// host\nextern "C" {\n    fn textfx_count(input: *const u8, len: u32) -> u32;\n}',
    useInstead: '// host\nextern "C" {\n    fn textfx_count(input: *const u8, len: usize) -> u32;\n}',
  },
};
