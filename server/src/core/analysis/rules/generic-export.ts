import type { RuleMeta } from './meta';

export const genericExport: RuleMeta = {
  id: 'generic-export',
  family: 'parity',
  rustcLint: 'no_mangle_generic_items',
  defaultSeverity: 'warning',
  certainty: 'fact',
  summary: 'A generic function is exported with `#[no_mangle]` / `#[export_name]`.',
  fixes: ['explain', 'allow-lint'],
  docs: {
    whatItDoes:
      "Flags exported functions with type or const parameters (their own or their `impl`'s), including `impl Trait` arguments.",
    whyIsThisBad:
      'A generic function has no single machine-code body: it is instantiated per type, so there is nothing for the unmangled symbol to name. rustc does not export it.',
    example: '#[no_mangle]\npub extern "C" fn id<T: Copy>(x: T) -> T { x }',
    useInstead: '#[no_mangle]\npub extern "C" fn id_u32(x: u32) -> u32 { x }',
  },
};
