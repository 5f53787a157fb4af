import type { BeyondRuleMeta } from './meta';
import { exportAttribute, isRustAbi } from '../boundary';
import type { TypeExpr } from '../../syntax/model';
import { resolveType, TypeScope } from '../../workspace/resolve';
import type { BeyondContext } from './meta';

/** A fieldless enum of the workspace, received by value. */
function fieldlessEnum(expr: TypeExpr, scope: TypeScope): string | null {
  const ty = resolveType(expr, scope);
  if (ty.k !== 'adt' || ty.def.source !== 'local' || ty.def.item.kind !== 'enum') return null;
  const variants = ty.def.item.variants;
  return variants.length > 0 && variants.every((v) => v.fields.length === 0) ? ty.def.item.name : null;
}

function report(ctx: BeyondContext, expr: TypeExpr, name: string, symbol: string, how: string): void {
  ctx.report({
    rule: 'enum-from-c',
    message: `\`${symbol}\` ${how} the enum \`${name}\` by value from C: C can send any integer, and a value that is not one of \`${name}\`'s discriminants is undefined behaviour as soon as Rust holds it. Take the integer type instead and convert with \`TryFrom\`.`,
    rustcLint: null,
    origin: expr.origin,
    symbol,
    typeName: name,
  });
}

export const enumFromC: BeyondRuleMeta = {
  id: 'enum-from-c',
  family: 'beyond',
  rustcLint: null,
  defaultSeverity: 'info',
  certainty: 'caution',
  summary: 'A fieldless enum is received from C by value.',
  fixes: ['explain', 'suppress-comment'],
  docs: {
    whatItDoes: 'Flags a fieldless enum taken as a parameter of an exported function, or returned by an imported one.',
    whyIsThisBad:
      "C can send any integer. A value that is not one of the enum's discriminants is undefined behaviour the moment Rust holds it, before any `match` can reject it.",
    example: '#[repr(u8)]\npub enum Mode { Read = 1, Write = 2 }\npub extern "C" fn open(mode: Mode) {}',
    useInstead:
      '#[repr(u8)]\npub enum Mode { Read = 0, Write = 1 }\n#[no_mangle]\npub extern "C" fn open(mode: u8) -> i32 {\n    let mode = match mode {\n        0 => Mode::Read,\n        1 => Mode::Write,\n        _ => return -1, // a value C may send that is no variant\n    };\n    mode as i32\n}',
  },
  check: (ctx) => ({
    fn: (fn, w) => {
      if (isRustAbi(fn.abi) || !fn.hasBody || !exportAttribute(fn.attrs)) return;
      for (const p of fn.params) {
        const name = fieldlessEnum(p.type, w.types);
        if (name) report(ctx, p.type, name, fn.name, 'receives');
      }
    },
    foreignItem: (item, block, w) => {
      if (isRustAbi(block.abi) || item.kind !== 'foreign-fn' || !item.ret) return;
      const name = fieldlessEnum(item.ret, w.types);
      if (name) report(ctx, item.ret, name, item.name, 'returns');
    },
  }),
};
