import type { BeyondRuleMeta } from './meta';
import { exportAttribute } from '../boundary';
import { isAllowed } from '../lint-levels';

export const rustAbiExport: BeyondRuleMeta = {
  id: 'rust-abi-export',
  family: 'beyond',
  rustcLint: 'clippy::no_mangle_with_rust_abi',
  defaultSeverity: 'warning',
  certainty: 'fact',
  summary: 'An exported symbol uses the Rust calling convention.',
  fixes: ['extern-c', 'extern-rust', 'explain', 'allow-lint'],
  docs: {
    whatItDoes:
      'Flags `#[no_mangle]` / `#[export_name]` on a function without `extern "C"` (the default Rust ABI). An explicit `extern "Rust"` is a deliberate choice and is not flagged.',
    whyIsThisBad:
      "The symbol is visible to C, but its calling convention is Rust's, which is unstable: a C caller passes arguments in the wrong places. rustc says nothing; clippy's pedantic `no_mangle_with_rust_abi` covers `#[no_mangle]` only.",
    example: '#[no_mangle]\npub fn add(a: i32, b: i32) -> i32 { a + b }',
    useInstead: '#[no_mangle]\npub extern "C" fn add(a: i32, b: i32) -> i32 { a + b }',
  },
  check: (ctx) => ({
    fn: (fn, w) => {
      if (fn.abi !== null) return; // an explicit `extern "Rust"` is deliberate
      const attr = exportAttribute(fn.attrs);
      if (!attr) return;
      if (isAllowed(w.scopes, 'clippy::no_mangle_with_rust_abi')) return;
      // clippy makes the same finding for `#[no_mangle]` on free functions written by hand.
      const noMangle = fn.attrs.find((a) => a.name === 'no_mangle');
      const clippyAgrees = !!noMangle && w.container === 'free' && !fn.fromMacro;
      // An FFI crate's attribute that exports the function (`#[stabby::export(canaries)]`) is named as written.
      const own = fn.crateExport && attr.origin === fn.crateExport.attribute.origin ? fn.crateExport.attribute : null;
      const written = own
        ? `#[${own.name}${own.args ? '(…)' : ''}]`
        : attr.unsafeWrapped
          ? `#[unsafe(${attr.name}${attr.value !== null ? ' = …' : ''})]`
          : `#[${attr.name}${attr.value !== null ? ' = …' : ''}]`;
      ctx.report({
        rule: 'rust-abi-export',
        message: `\`${written}\` exports \`${fn.name}\` with the default Rust ABI: the symbol is visible to C, but Rust's calling convention is unstable, so a C caller passes arguments where Rust does not read them. Add \`extern "C"\` (or write \`extern "Rust"\` if only Rust code links to it).`,
        rustcLint: clippyAgrees ? 'clippy::no_mangle_with_rust_abi' : null,
        origin: fn.signatureOrigin,
        symbol: fn.name,
        target: { ctx: w, site: { kind: 'abi', fn } },
      });
    },
  }),
};
