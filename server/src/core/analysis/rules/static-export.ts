import type { BeyondRuleMeta } from './meta';
import { exportAttribute } from '../boundary';
import { checkBoundaryType, REASON_TEXT } from '../ffi';
import { resolveType } from '../../workspace/resolve';
import { displayTy } from '../../workspace/types';

export const staticExport: BeyondRuleMeta = {
  id: 'static-export',
  family: 'beyond',
  rustcLint: null,
  defaultSeverity: 'warning',
  certainty: 'fact',
  summary: 'An exported `static` has a type that is not FFI-safe.',
  fixes: ['explain', 'suppress-comment'],
  docs: {
    whatItDoes: 'Flags a `#[no_mangle]` / `#[export_name]` static whose type C cannot read.',
    whyIsThisBad:
      'C code links to the symbol and reads it with a C type; rustc does not check exported statics at all, so a `static NAME: &str` silently hands C a fat pointer.',
    example: '#[no_mangle]\npub static VERSION: &str = "1.0";',
    useInstead:
      '// A NUL-terminated byte array: C declares it `extern const char VERSION[4];`.\n#[no_mangle]\npub static VERSION: [u8; 4] = *b"1.0\\0";',
  },
  check: (ctx) => ({
    staticOrConst: (item, w) => {
      if (item.kind !== 'static' || !item.type || !exportAttribute(item.attrs)) return;
      const verdict = checkBoundaryType(resolveType(item.type, w.types), 'definition', 'static');
      if (verdict.kind === 'safe') return;
      const typeName = displayTy(verdict.ty, ctx.names);
      ctx.report({
        rule: 'static-export',
        message: `exported static \`${item.name}\` has type \`${typeName}\`, which is not FFI-safe: ${REASON_TEXT[verdict.reason].note}. C code that links to the symbol reads it with a C type, and rustc does not check exported statics. Give it a C type (a raw pointer, a C integer, a \`#[repr(C)]\` struct).`,
        rustcLint: null,
        origin: item.type.origin,
        symbol: item.name,
        typeName,
        chain: verdict.chain,
      });
    },
  }),
};
