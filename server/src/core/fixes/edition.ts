import type { Attribute } from '../syntax/model';
import { Fix, FixContext, FixRequest } from './edits';

/**
 * Edition 2024's unsafe attributes and `extern` blocks, written as that edition requires.
 *
 * ```text
 * #[no_mangle]            →   #[unsafe(no_mangle)]
 * extern "C" { fn f(); }  →   unsafe extern "C" { fn f(); }
 * ```
 */

/** `unsafe-attribute`: `#[no_mangle]` → `#[unsafe(no_mangle)]`. */
export function unsafeAttributeFixes({ finding, ctx }: FixRequest): Fix[] {
  const site = finding.target?.site;
  return site?.kind === 'edition-attr' ? [unsafeAttrFix(site.attr, ctx)] : [];
}

/** `unsafe-extern`: `extern "C" {` → `unsafe extern "C" {`. */
export function unsafeExternFixes({ finding }: FixRequest): Fix[] {
  const site = finding.target?.site;
  if (site?.kind !== 'edition-block') return [];
  const at = site.block.origin.span.start;
  return [
    {
      title: 'Write `unsafe extern`',
      preferred: true,
      edits: [{ file: site.block.origin.file, start: at, end: at, newText: 'unsafe ' }],
    },
  ];
}

function unsafeAttrFix(attr: Attribute, ctx: FixContext): Fix {
  const text = ctx.textOf(attr.origin.file) ?? '';
  const written = text.slice(attr.origin.span.start, attr.origin.span.end);
  const m = /^#\[\s*([\s\S]*?)\s*\]$/.exec(written);
  const inner = m ? m[1] : attr.name;
  return {
    title: `Write \`#[unsafe(${inner})]\``,
    preferred: true,
    edits: [
      {
        file: attr.origin.file,
        start: attr.origin.span.start,
        end: attr.origin.span.end,
        newText: `#[unsafe(${inner})]`,
      },
    ],
  };
}
