import type { BeyondRuleMeta } from './meta';
import { resolveType } from '../../workspace/resolve';
import { displayTy } from '../../workspace/types';
import { ROOT_MODULE_LOADER_SYMBOL } from '../../workspace/ffi-crates';

export const abiStableRootModule: BeyondRuleMeta = {
  id: 'abi-stable-root-module',
  family: 'beyond',
  rustcLint: null,
  defaultSeverity: 'error',
  certainty: 'fact',
  summary: 'An `#[export_root_module]` function does not have the signature abi_stable requires.',
  fixes: ['explain', 'suppress-comment'],
  docs: {
    whatItDoes: `Flags an abi_stable \`#[export_root_module]\` function that takes parameters, returns nothing, or returns a type that cannot be a root module (a primitive, a reference, a tuple, a std type other than \`Result\`). abi_stable calls it with no argument from the \`#[no_mangle]\` static \`${ROOT_MODULE_LOADER_SYMBOL}\` it generates, and requires its return type to implement \`IntoRootModuleResult\`: a \`RootModule\` (the \`…_Ref\` of a \`#[sabi(kind(Prefix))]\` struct), or \`Result\`/\`RResult\` of one and \`RBoxError\`.`,
    whyIsThisBad:
      "The macro refuses to compile such a function (`The return type can't be \\`()\\``), or the call in its generated constructor does not type-check: a build error, seen here as you type.",
    example:
      'use abi_stable::export_root_module;\n\n#[export_root_module]\npub fn get_library(verbose: bool) -> u32 {\n    0\n}',
    useInstead:
      'use abi_stable::{export_root_module, prefix_type::PrefixTypeTrait};\n\n#[export_root_module]\npub fn get_library() -> TextOpsMod_Ref {\n    TextOpsMod { reverse_string }.leak_into_prefix()\n}',
  },
  check: (ctx) => ({
    fn: (fn, w) => {
      if (fn.crateExport?.kind !== 'root-module') return;
      const report = (message: string, origin = fn.signatureOrigin): void =>
        ctx.report({
          rule: 'abi-stable-root-module',
          message,
          rustcLint: null,
          origin,
          symbol: fn.name,
          target: { ctx: w, site: { kind: 'none' } },
        });
      if (fn.params.length || fn.selfParam)
        report(
          `\`#[export_root_module]\` function \`${fn.name}\` takes parameters, but abi_stable calls it with none from the constructor it exports as \`${ROOT_MODULE_LOADER_SYMBOL}\`: it does not compile. Take no parameters; read settings in \`RootModule::initialization\` or through a function of the module.`,
          fn.paramsOrigin,
        );
      if (!fn.ret) {
        report(
          `\`#[export_root_module]\` function \`${fn.name}\` returns nothing ("The return type can't be \`()\`"): return the root module (\`…_Ref\`), or \`RResult<…_Ref, RBoxError>\`.`,
        );
        return;
      }
      const ty = resolveType(fn.ret, w.types);
      const std = ty.k === 'adt' && ty.def.source === 'std' ? ty.def : null;
      const notAModule =
        ty.k === 'prim' ||
        ty.k === 'ref' ||
        ty.k === 'ptr' ||
        ty.k === 'slice' ||
        ty.k === 'array' ||
        ty.k === 'fnptr' ||
        ty.k === 'tuple' ||
        (std !== null && std.name !== 'Result');
      if (notAModule)
        report(
          `\`#[export_root_module]\` function \`${fn.name}\` returns \`${displayTy(ty, ctx.names)}\`, which is no root module: abi_stable requires a type implementing \`IntoRootModuleResult\` (the \`…_Ref\` of a \`#[sabi(kind(Prefix))]\` struct that implements \`RootModule\`, or \`Result\`/\`RResult\` of one and \`RBoxError\`), and it does not compile.`,
          fn.ret.origin,
        );
    },
  }),
};
