import type { BeyondRuleMeta } from './meta';
import { isAllowed } from '../lint-levels';
import type { Attribute } from '../../syntax/model';
import { clippyScope } from './clippy-scope';

const LINT = 'clippy::missing_safety_doc';

/**
 * Whether doc attributes (line and block doc comments, `#[doc = "…"]`) hold a `Safety` heading as clippy reads one:
 * a Markdown heading (`#` to `######`) whose text is `Safety` or `SAFETY`, outside code blocks.
 */
export function hasSafetySection(attrs: Attribute[]): boolean {
  const text = attrs
    .filter((a) => a.name === 'doc' && !a.inner && a.value !== null)
    .map((a) => a.value)
    .join('\n');
  let fenced = false;
  for (const line of text.split('\n')) {
    const t = line.trim();
    if (/^(```|~~~)/.test(t)) fenced = !fenced;
    else if (!fenced && /^#{1,6}\s+(Safety|SAFETY)\s*#*$/.test(t)) return true;
  }
  return false;
}

export const missingSafetyDoc: BeyondRuleMeta = {
  id: 'missing-safety-doc',
  family: 'beyond',
  rustcLint: LINT,
  defaultSeverity: 'warning',
  certainty: 'caution',
  summary: 'An exported `unsafe` function has no `# Safety` section in its documentation.',
  fixes: ['explain', 'allow-lint'],
  docs: {
    whatItDoes:
      "Flags an `unsafe` function C can call (`#[no_mangle]`/`#[export_name]`, or a publicly reachable `extern` one) whose documentation has no `# Safety` heading (`Safety` or `SAFETY`, at any heading level). It agrees with clippy's `missing_safety_doc`, which fires on publicly reachable functions; we also report a private `#[no_mangle]` function. Functions of `impl` blocks are not checked.",
    whyIsThisBad:
      'An `unsafe fn` hands its caller a contract: which pointers must be valid, for how long, who frees what. Unwritten, every caller (and every binding generated from the header) guesses, and each guess that is wrong is undefined behaviour.',
    example:
      '#[no_mangle]\npub unsafe extern "C" fn buf_free(p: *mut u8, len: usize) {\n    drop(unsafe { Vec::from_raw_parts(p, len, len) });\n}',
    useInstead:
      '/// Frees a buffer returned by this library.\n///\n/// # Safety\n///\n/// `p` and `len` must come from one call of `buf_new`, and the buffer must not be used afterwards.\n#[no_mangle]\npub unsafe extern "C" fn buf_free(p: *mut u8, len: usize) {\n    drop(unsafe { Vec::from_raw_parts(p, len, len) });\n}',
  },
  check: (ctx) => ({
    fn: (fn, w) => {
      if (!fn.isUnsafe) return;
      const scope = clippyScope(fn, w);
      if (!scope || isAllowed(w.scopes, LINT) || hasSafetySection(fn.attrs)) return;
      ctx.report({
        rule: 'missing-safety-doc',
        message: `\`${fn.name}\` is an exported \`unsafe\` function whose documentation has no \`# Safety\` section: its callers cannot know which pointers must be valid, for how long, or who frees what. Write the contract under a \`# Safety\` heading in its doc comment.`,
        rustcLint: scope.clippyAgrees ? LINT : null,
        origin: fn.origin,
        symbol: fn.name,
      });
    },
  }),
};
