import type { Finding } from '../analysis/findings';
import { ruleById } from '../analysis/rules';
import type { Attribute, Origin } from '../syntax/model';
import { Fix, FixContext, FixRequest, indentOf } from './edits';
import { inTraitOrTraitImpl, rustAbiFnKeyword } from './abi';

/**
 * Keeping the code and saying why: `#[allow(lint, reason = "…")]` for a rustc or clippy lint, and for
 * rules beyond rustc, which no attribute silences on stable Rust, a comment at the end of the line.
 *
 * ```text
 * pub extern "C" fn f(s: &str) {}   →   #[allow(improper_ctypes_definitions, reason = "…")]
 *                                       pub extern "C" fn f(s: &str) {}
 * ```
 */

/** Anything with outer attributes: an item, or an item of an `extern` block. */
type AttributedItem = { attrs: Attribute[]; origin: Origin };

/** `allow-lint`: an `allow` of the lint the finding corresponds to, on the item it is reported in. */
export function allowLintFixes({ finding, ctx }: FixRequest): Fix[] {
  const target = finding.target;
  const site = target?.site;
  switch (site?.kind) {
    case 'signature':
      return [allowFix(site.fn, 'improper_ctypes_definitions', ctx, 'the C side of this function was checked by hand')];
    case 'foreign':
      return [allowFix(site.item, 'improper_ctypes', ctx, 'matches the C declaration')];
    case 'item':
      return [
        allowFix(
          site.item,
          site.lint,
          ctx,
          site.lint === 'no_mangle_generic_items'
            ? 'not exported: rustc ignores the attribute'
            : 'the callback type was checked by hand',
        ),
      ];
    case 'abi':
      // Like the ABI fixes, not offered where the signature's `fn` is not written in the file.
      if (!inTraitOrTraitImpl(site.fn, target!) && !rustAbiFnKeyword(target, ctx)) return [];
      return [allowFix(site.fn, 'clippy::no_mangle_with_rust_abi', ctx, 'only Rust code links to this symbol')];
    default:
      return [];
  }
}

/** `suppress-comment`: silence a rule beyond rustc on the finding's line. */
export function suppressCommentFixes({ finding, ctx }: FixRequest): Fix[] {
  const fix = suppressFix(finding, ctx);
  return fix ? [fix] : [];
}

/**
 * `// ffi-guard-allow: rule — reason` at the end of the finding's line (suppress.ts): rules beyond rustc
 * cannot be silenced with an attribute on stable Rust.
 */
function suppressFix(finding: Finding, ctx: FixContext): Fix | null {
  const text = ctx.textOf(finding.origin.file);
  if (text === undefined || ruleById(finding.rule).family !== 'beyond') return null;
  const newline = text.indexOf('\n', finding.origin.span.start);
  let end = newline < 0 ? text.length : newline;
  if (text[end - 1] === '\r') end--;
  while (end > 0 && (text[end - 1] === ' ' || text[end - 1] === '\t')) end--;
  return {
    title: `Silence \`${finding.rule}\` on this line, with a reason`,
    preferred: false,
    edits: [
      { file: finding.origin.file, start: end, end, newText: ` // ffi-guard-allow: ${finding.rule} — checked by hand` },
    ],
  };
}

function allowFix(item: AttributedItem, lint: string, ctx: FixContext, reason: string): Fix {
  const text = ctx.textOf(item.origin.file) ?? '';
  const lineStart = text.lastIndexOf('\n', firstLineOf(item) - 1) + 1;
  const indent = indentOf(text, lineStart);
  return {
    title: `Allow \`${lint}\` here, with a reason`,
    preferred: false,
    edits: [
      {
        file: item.origin.file,
        start: lineStart,
        end: lineStart,
        newText: `${indent}#[allow(${lint}, reason = "${reason}")]\n`,
      },
    ],
  };
}

/** Where an item's attributes (other than doc comments) begin, so an added attribute goes with them. */
function firstLineOf(item: AttributedItem): number {
  const attrs = item.attrs.filter(
    (a) => !a.inner && a.origin.file === item.origin.file && a.origin.span.start < item.origin.span.start,
  );
  return attrs.reduce((min, a) => Math.min(min, a.origin.span.start), attrs.length ? Infinity : item.origin.span.start);
}
