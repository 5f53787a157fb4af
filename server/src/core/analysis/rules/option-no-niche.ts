import type { ExplainSubject, ParityRuleMeta } from './meta';
import type { Reason } from '../ffi';
import { isOptionOrResult, OPTION } from '../../workspace/std-types';
import { displayTy, Ty } from '../../workspace/types';
import { article } from './std-type';

/** Why this `Option`/`Result` has no C layout, and what works instead of rustc's `#[repr(C)]` advice. */
function explainOption({ ty, typeName, names, position }: ExplainSubject): { why: string; help: string } {
  const arg = (i: number): string => (ty.k === 'adt' && ty.args[i] ? displayTy(ty.args[i], names) : 'T');
  const niche =
    'Only an `Option` of a non-null pointer (`&T`, `Box<T>`, `NonNull<T>`, `NonZero*`, an `extern "C" fn`) is guaranteed to be a nullable pointer.';
  if (ty.k === 'adt' && ty.def === OPTION) {
    const inner = arg(0);
    return {
      why: `An \`${typeName}\` is a tag plus ${article(inner).toLowerCase()} \`${inner}\` in a layout Rust does not specify: C cannot tell \`None\` from \`Some\`. ${niche}`,
      help:
        position === 'param'
          ? `take a \`*const ${inner}\` that is null for \`None\``
          : `return a \`bool\` (\`true\` for \`Some\`) and write the \`${inner}\` through an out-pointer parameter (\`out: *mut ${inner}\`)`,
    };
  }
  const value =
    arg(0) === '()' ? '' : ` and write the \`${arg(0)}\` through an out-pointer parameter (\`out: *mut ${arg(0)}\`)`;
  return {
    why: `A \`${typeName}\` is a tag plus ${article(arg(0)).toLowerCase()} \`${arg(0)}\` or ${article(arg(1)).toLowerCase()} \`${arg(1)}\` in a layout Rust does not specify: C cannot tell \`Ok\` from \`Err\`. Only a \`Result\` of a non-null pointer and a zero-sized error type is laid out as a nullable pointer.`,
    help: `return an error code (an integer, or a \`#[repr(C)]\` enum)${value}`,
  };
}

export const optionNoNiche: ParityRuleMeta = {
  id: 'option-no-niche',
  family: 'parity',
  rustcLint: 'improper_ctypes_definitions',
  defaultSeverity: 'warning',
  certainty: 'fact',
  summary: '`Option`/`Result` without the nullable-pointer guarantee crosses the boundary.',
  fixes: ['c-shim', 'element-repr', 'explain', 'allow-lint'],
  docs: {
    whatItDoes:
      'Flags `Option<T>` and `Result<T, E>` that are not laid out as a nullable pointer: only `Option` of a non-null thin pointer (`&T`, `Box<T>`, `NonNull<T>`, `NonZero*`, `extern "C" fn`) and `Result<T, ()>`-style types of those are.',
    whyIsThisBad:
      'An `Option<u32>` is a tag plus a value in a layout Rust does not specify; C cannot tell `None` from `Some`. Only the nullable-pointer optimisation is guaranteed. Each finding says so of the type it names, and what to pass instead: rustc advises `#[repr(C)]`, which cannot be added to `Option`.',
    example: 'pub extern "C" fn find(key: u32) -> Option<u32> { None }',
    useInstead: 'pub extern "C" fn find(key: u32, out: *mut u32) -> bool { false }',
  },
  explain: explainOption,
  claims: (reason: Reason, ty: Ty) => reason === 'enum-repr' && isOptionOrResult(ty),
};
