/**
 * What the client knows about settings: little. The server reads the analysis settings itself
 * (`workspace/configuration`, section `ffiGuard`, keeping only the keys it documents) and registers for
 * `workspace/didChangeConfiguration` on that section; `vscode-languageclient` answers both. The client
 * reads only `ffiGuard.trace.server`, which `vscode-languageclient` looks up as `<client id>.trace.server`.
 */

/** The settings section, and the language client's id (so that `ffiGuard.trace.server` applies). */
export const SECTION = 'ffiGuard';

/** Files whose changes on disk the server must hear about: sources, crate manifests, our own configuration. */
export const WATCHED_FILES: readonly string[] = ['**/*.rs', '**/Cargo.toml', '**/ffi-guard.toml'];
