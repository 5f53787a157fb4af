import type { BeyondRuleMeta } from './meta';
import { derivesStableAbi, stableAbiProblem } from '../crate-traits';
import { resolveType } from '../../workspace/resolve';
import { displayTy } from '../../workspace/types';
import { adtFields } from '../../syntax/adt-items';

/** Field attributes that make abi_stable skip a field's `StableAbi` check. */
const OPAQUE_FIELD = /\b(unsafe_opaque_field|unsafe_sabi_opaque_field)\b/;

export const abiStableNotStableAbi: BeyondRuleMeta = {
  id: 'abi-stable-not-stable-abi',
  family: 'beyond',
  rustcLint: null,
  defaultSeverity: 'error',
  certainty: 'fact',
  summary: 'A `#[derive(StableAbi)]` type has no `#[repr]` abi_stable accepts, or a field that is not `StableAbi`.',
  fixes: ['explain', 'suppress-comment'],
  docs: {
    whatItDoes:
      'Flags a type with abi_stable\'s `#[derive(StableAbi)]` (the types of a module, and every type they reach, a plugin and its host share) without `#[repr(C)]` or `#[repr(transparent)]` (or an integer repr, for an enum), and each field whose type does not implement `StableAbi`: `String`, `Vec<T>`, `Box<T>`, `Arc<T>`, `Result`, `HashMap`, `&str`, `&[T]`, a trait object, a tuple, an `Option` of a type that can be zero, and a workspace type without `#[derive(StableAbi)]`. The function pointers of a module struct are checked too (`extern "C" fn(String)`). A field marked `#[sabi(unsafe_opaque_field)]` is not checked, as abi_stable does not check it.',
    whyIsThisBad:
      "abi_stable's derive refuses a type without a repr it accepts, and its `StableAbi` bound fails for such a field: a build error, seen here as you type, with the `abi_stable::std_types` type to use instead (`RString`, `RVec<T>`, `RBox<T>`, `RStr<'_>`, `RSlice<'_, T>`, `ROption<T>`, `RResult<T, E>`).",
    example:
      'use abi_stable::StableAbi;\n\n#[repr(C)]\n#[derive(StableAbi)]\npub struct Config {\n    name: String,\n    ids: Vec<u32>,\n}',
    useInstead:
      'use abi_stable::{std_types::{RString, RVec}, StableAbi};\n\n#[repr(C)]\n#[derive(StableAbi)]\npub struct Config {\n    name: RString,\n    ids: RVec<u32>,\n}',
  },
  check: (ctx) => ({
    adt: (item, w) => {
      const derive = derivesStableAbi(item.attrs);
      if (!derive || item.kind === 'union') return;
      const report = (message: string, origin = derive.origin, typeName: string | null = null): void =>
        ctx.report({
          rule: 'abi-stable-not-stable-abi',
          message,
          rustcLint: null,
          origin,
          symbol: item.name,
          typeName,
          target: { ctx: w, site: { kind: 'none' } },
        });
      const reprs = item.attrs.filter((a) => a.name === 'repr').flatMap((a) => (a.args ?? []).map((t) => t.text));
      const accepted =
        reprs.includes('C') ||
        reprs.includes('transparent') ||
        (item.kind === 'enum' && reprs.some((r) => /^[ui](8|16|32|64|size)$/.test(r)));
      if (!accepted)
        report(
          `\`#[derive(StableAbi)]\` on \`${item.name}\` needs \`#[repr(C)]\`${item.kind === 'enum' ? ', an integer repr' : ''} or \`#[repr(transparent)]\`: abi_stable refuses ${reprs.length ? `\`#[repr(${reprs.join(', ')})]\`` : 'a type without a repr'}, whose layout Rust may change. Add \`#[repr(C)]\`.`,
        );
      const fields = adtFields(item);
      for (const f of fields) {
        if (f.attrs.some((a) => a.name === 'sabi' && OPAQUE_FIELD.test((a.args ?? []).map((t) => t.text).join(' '))))
          continue;
        const problem = stableAbiProblem(resolveType(f.type, w.types), ctx.names);
        if (!problem) continue;
        report(
          `${problem.why}, so \`#[derive(StableAbi)]\` on \`${item.name}\` does not compile (field \`${f.name ?? '_'}\`): ${problem.instead}.`,
          f.type.origin,
          displayTy(problem.ty, ctx.names),
        );
      }
    },
  }),
};
