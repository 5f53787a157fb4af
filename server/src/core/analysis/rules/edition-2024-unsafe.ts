import type { BeyondRuleMeta } from './meta';
import type { Attribute } from '../../syntax/model';
import type { BeyondContext } from './meta';
import type { WalkContext } from '../boundary';

/** What exports or places an item, which edition 2024 wants written `unsafe(…)`. */
export const UNSAFE_ATTRIBUTES = new Set(['no_mangle', 'export_name', 'link_section']);

function checkAttrs(ctx: BeyondContext, attrs: Attribute[], symbol: string, w: WalkContext): void {
  for (const a of attrs) {
    if (!UNSAFE_ATTRIBUTES.has(a.name) || a.unsafeWrapped) continue;
    ctx.report({
      rule: 'edition-2024-unsafe',
      message: `\`#[${a.name}]\` must be written \`#[unsafe(${a.name}${a.value !== null ? ' = …' : ''})]\` in edition 2024: exporting a symbol can clash with another symbol of the same name, which the compiler cannot check.`,
      rustcLint: null,
      origin: a.origin,
      symbol,
      target: { ctx: w, site: { kind: 'edition-attr', attr: a } },
    });
  }
}

export const edition2024Unsafe: BeyondRuleMeta = {
  id: 'edition-2024-unsafe',
  family: 'beyond',
  rustcLint: null,
  defaultSeverity: 'error',
  certainty: 'fact',
  summary: 'Edition 2024 requires `unsafe(\u2026)` on export attributes and `unsafe extern` blocks.',
  fixes: ['unsafe-attribute', 'unsafe-extern'],
  docs: {
    whatItDoes:
      'In a crate with `edition = "2024"`, flags `#[no_mangle]` / `#[export_name]` written without `unsafe(\u2026)` and `extern` blocks written without `unsafe`.',
    whyIsThisBad:
      'These are hard errors in edition 2024: exporting a symbol can clash with another and declaring foreign items asserts their signatures, both unchecked by the compiler.',
    example: '#[no_mangle]\npub extern "C" fn f() {}\nextern "C" { fn g(); }',
    useInstead: '#[unsafe(no_mangle)]\npub extern "C" fn f() {}\nunsafe extern "C" { fn g(); }',
  },
  check: (ctx) => {
    if (ctx.crate.edition !== '2024') return {};
    return {
      fn: (fn, w) => checkAttrs(ctx, fn.attrs, fn.name, w),
      staticOrConst: (item, w) => checkAttrs(ctx, item.attrs, item.name, w),
      externBlock: (block, w) => {
        if (block.isUnsafe) return;
        ctx.report({
          rule: 'edition-2024-unsafe',
          message: `\`extern "${block.abi}"\` blocks must be written \`unsafe extern "${block.abi}"\` in edition 2024: declaring foreign items asserts their signatures, which the compiler cannot check.`,
          rustcLint: null,
          origin: {
            file: block.origin.file,
            span: { start: block.origin.span.start, end: block.origin.span.start + 'extern'.length },
          },
          symbol: null,
          target: { ctx: w, site: { kind: 'edition-block', block } },
        });
      },
    };
  },
};
