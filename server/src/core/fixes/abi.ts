import type { FixTarget } from '../analysis/findings';
import type { FnItem } from '../syntax/model';
import { cfgVariantsRefusal, explanation, externClause, Fix, FixContext, fnKeyword, FixRequest } from './edits';

/**
 * ABI fixes on a function's signature: an exported Rust-ABI function gets its ABI written out, and a C
 * function that can panic may be declared to unwind.
 *
 * ```text
 * #[no_mangle] pub fn tick() {}              →   #[no_mangle] pub extern "C" fn tick() {}
 * pub extern "C" fn parse(…) -> i32 { …unwrap() }
 *   →   pub extern "C" fn parse(…) -> i32 { std::panic::catch_unwind(AssertUnwindSafe(|| { …unwrap() })).unwrap_or(-1) }
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
  // An FFI crate's attribute sets the ABI itself (`#[sabi_extern_fn]` writes `extern "C"` over any other).
  if (site?.kind !== 'unwind' || site.fn.crateExport) return [];
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

/**
 * `catch-unwind`: the body of a C function that can panic wrapped in `std::panic::catch_unwind`, a panic
 * returning an error value C can test: `-1` for a signed integer, `0` for an unsigned one, `false`, a null
 * pointer, NaN, nothing for `()`. The preferred fix: the symbol's C signature stays as it is and the host
 * process no longer aborts. None for other return types (a struct, an `Option`): what is an error there is
 * the author's call.
 */
export function catchUnwindFixes({ finding, ctx }: FixRequest): Fix[] {
  const site = finding.target?.site;
  if (site?.kind !== 'unwind') return [];
  const fn = site.fn;
  const text = ctx.textOf(fn.origin.file);
  if (text === undefined || fn.fromMacro || !fn.bodyFacts) return [];
  const start = text.indexOf(fn.bodyFacts.text, fn.signatureOrigin.span.end);
  if (start < 0 || !fn.bodyFacts.text.startsWith('{')) return [];
  const ret = fn.ret ? text.slice(fn.ret.origin.span.start, fn.ret.origin.span.end).trim() : '()';
  const error = errorValue(ret);
  if (error === null) return [];
  const body = fn.bodyFacts.text;
  const lineStart = text.lastIndexOf('\n', fn.signatureOrigin.span.start) + 1;
  const fnIndent = /^[^\S\n]*/.exec(text.slice(lineStart))![0];
  // Lines inside a multi-line string literal must keep their text: indent only when there is none.
  const inner = /"(?:[^"\\]|\\.)*\n(?:[^"\\]|\\.)*"/.test(body) ? body : body.replace(/\n/g, '\n    ');
  // The closure's return type written out: a body returning `&x` for a `*const T` coerces there too.
  const call = `std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| ${ret === '()' ? '' : `-> ${ret} `}${inner}))`;
  const newText =
    ret === '()'
      ? `{\n${fnIndent}    let _ = ${call};\n${fnIndent}}`
      : `{\n${fnIndent}    ${call}\n${fnIndent}    .unwrap_or(${error})\n${fnIndent}}`;
  return [
    {
      title:
        ret === '()'
          ? 'Wrap the body in `std::panic::catch_unwind` (a panic then returns early)'
          : `Wrap the body in \`std::panic::catch_unwind\` and return \`${error}\` on a panic`,
      preferred: true,
      edits: [{ file: fn.origin.file, start, end: start + body.length, newText }],
    },
  ];
}

const SIGNED =
  /^(?:(?:std|core)::(?:ffi|os::raw)::)?(?:i8|i16|i32|i64|i128|isize|c_schar|c_short|c_int|c_long|c_longlong|c_ssize_t|ssize_t)$/;
const UNSIGNED =
  /^(?:(?:std|core)::(?:ffi|os::raw)::)?(?:u8|u16|u32|u64|u128|usize|c_uchar|c_ushort|c_uint|c_ulong|c_ulonglong|c_size_t|size_t)$/;

/** What a C function returning `ret` (as written) returns when it panicked; null when there is no obvious one. */
function errorValue(ret: string): string | null {
  if (ret === '()') return '()';
  if (SIGNED.test(ret)) return '-1';
  if (UNSIGNED.test(ret)) return '0';
  if (ret === 'bool') return 'false';
  if (ret === 'f32' || ret === 'f64') return `${ret}::NAN`;
  if (/^\*\s*const\b/.test(ret)) return 'std::ptr::null()';
  if (/^\*\s*mut\b/.test(ret)) return 'std::ptr::null_mut()';
  return null;
}
