import type { FixTarget } from '../analysis/findings';
import type { FnItem } from '../syntax/model';
import { cfgVariantsRefusal, explanation, externClause, Fix, FixContext, fnKeyword, FixRequest } from './edits';

/**
 * ABI fixes on a function's signature: an exported Rust-ABI function gets its ABI written out, and a C
 * function that can panic may be declared to unwind.
 *
 * ```text
 * #[no_mangle] pub fn tick() {}              →   #[no_mangle] pub extern "C" fn tick() {}
 * pub extern "C" fn parse(…) { …unwrap() }   →   pub extern "C-unwind" fn parse(…) { …unwrap() }
 * ```
 */

/** `extern-c`: `extern "C"` on an exported Rust-ABI function, unless a trait decides its ABI. */
export function externCFixes({ finding, ctx }: FixRequest): Fix[] {
  const at = rustAbiFnKeyword(finding.target, ctx);
  if (!at) return [];
  const refused = cfgVariantsRefusal((finding.target!.site as { fn: FnItem }).fn, ctx.textOf(at.file)!);
  if (refused) return [explanation(refused)];
  return [
    {
      title: 'Add `extern "C"`',
      preferred: true,
      edits: [{ file: at.file, start: at.offset, end: at.offset, newText: 'extern "C" ' }],
    },
  ];
}

/** `extern-rust`: `extern "Rust"` written out, saying the symbol is exported for Rust code only. */
export function externRustFixes({ finding, ctx }: FixRequest): Fix[] {
  const at = rustAbiFnKeyword(finding.target, ctx);
  if (!at) return [];
  return [
    {
      title: 'Write `extern "Rust"` (only Rust code links to this symbol)',
      preferred: false,
      edits: [{ file: at.file, start: at.offset, end: at.offset, newText: 'extern "Rust" ' }],
    },
  ];
}

/** `c-unwind`: `extern "C"` → `extern "C-unwind"`: a panic then unwinds into the caller instead of aborting the process. */
export function cUnwindFixes({ finding, ctx }: FixRequest): Fix[] {
  const site = finding.target?.site;
  if (site?.kind !== 'unwind') return [];
  const fix = unwindAbiFix(site.fn, ctx);
  return fix ? [fix] : [];
}

/**
 * Where an ABI goes in the signature of the exported Rust-ABI function a finding is about: before its
 * `fn` keyword. Null where a trait decides the ABI, or the keyword is not written in the file.
 */
export function rustAbiFnKeyword(
  target: FixTarget | undefined,
  ctx: FixContext,
): { file: string; offset: number } | null {
  if (target?.site.kind !== 'abi' || inTraitOrTraitImpl(target.site.fn, target)) return null;
  const fn = target.site.fn;
  const text = ctx.textOf(fn.origin.file);
  const offset = text === undefined ? null : fnKeyword(fn, text);
  return offset === null ? null : { file: fn.origin.file, offset };
}

/** A method whose signature a trait fixes: declared in a trait, or implementing one. */
export function inTraitOrTraitImpl(fn: FnItem, target: FixTarget): boolean {
  if (target.ctx.container === 'trait') return true;
  if (target.ctx.container !== 'impl') return false;
  return target.ctx.module.items.some((i) => i.kind === 'impl' && i.traitName !== null && i.items.includes(fn));
}

/** The `C-unwind` (or `system-unwind`) twin of the function's ABI, when it has one. */
function unwindAbiFix(fn: FnItem, ctx: FixContext): Fix | null {
  const text = ctx.textOf(fn.origin.file);
  if (text === undefined || fn.fromMacro) return null;
  const ext = externClause(fn, text);
  // Only "C" and "system" have an unwinding twin.
  if (!ext || (ext.abi !== null && ext.abi !== 'C' && ext.abi !== 'system')) return null;
  const abi = ext.abi ?? 'C';
  return {
    title: `Declare it \`extern "${abi}-unwind"\` (only if every caller can unwind through it)`,
    preferred: false,
    // Only the ABI string changes: a comment written between `extern` and it stays.
    edits: [
      ext.abi === null
        ? { file: fn.origin.file, start: ext.start, end: ext.end, newText: `extern "${abi}-unwind"` }
        : { file: fn.origin.file, start: ext.abiStart, end: ext.abiEnd, newText: `"${abi}-unwind"` },
    ],
  };
}
