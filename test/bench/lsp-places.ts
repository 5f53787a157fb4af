import * as fs from 'fs';
import * as path from 'path';
import type { Node, Parser } from 'web-tree-sitter';
import { defaultSettings } from '../../server/src/core/config';
import { checkPaths, DiskSource, loadCrates } from '../../server/src/core/project';
import { cratesOfManifest } from '../../server/src/core/workspace/discover';
import { SourceCache } from '../../server/src/core/workspace/crates';

/**
 * Where the language-server benchmark types: which file of a workspace it opens, and the three places in
 * it (a comment, the body of an ordinary function, an exported signature). Chosen from the file's syntax
 * tree, deterministically, so every run and every server is measured on the same keystrokes.
 */

/** A place to type at: a UTF-16 offset into the opened text and its LSP position. */
export interface Place {
  offset: number;
  line: number;
  character: number;
  /** What is typed into: for the report. */
  what: string;
}

/** The opened document and where the bench types into it. */
export interface EditingPlan {
  file: string;
  /** Lines of the file on disk. */
  lines: number;
  /** The text given in `didOpen`: the file with the exported probe function appended. */
  text: string;
  comment: Place;
  body: Place;
  signature: Place;
  /** Where the new bad export is inserted: the start of the (empty) last line of `text`. */
  end: Place;
}

/** How long a document the benchmarks type into: the one of the workspace closest to this many lines. */
export const TARGET_LINES = 10_000;

/** The exported function appended to the opened text (never to the file on disk); typing extends `len`. */
export const PROBE = '#[no_mangle]\npub extern "C" fn ffi_guard_bench_probe(len: usize) -> usize {\n    0\n}\n';
const PROBE_PARAM = 'len';

/** The bad export the bench inserts in one change; `&str` has no C layout, so it must be flagged. */
export const BAD_EXPORT = '\n#[no_mangle]\npub extern "C" fn ffi_guard_bad(s: &str) {}\n';

function lineCount(text: string): number {
  return text.split('\n').length - (text.endsWith('\n') ? 1 : 0);
}

function placeAt(text: string, offset: number, what: string): Place {
  const before = text.slice(0, offset);
  const line = before.split('\n').length - 1;
  return { offset, line, character: offset - (before.lastIndexOf('\n') + 1), what };
}

/** The attributes written right before an item (`#[…]` siblings, comments between them skipped). */
function attributesOf(item: Node): string[] {
  const attrs: string[] = [];
  for (let s = item.previousNamedSibling; s; s = s.previousNamedSibling) {
    if (s.type === 'attribute_item') attrs.push(s.text);
    else if (s.type !== 'line_comment' && s.type !== 'block_comment') break;
  }
  return attrs;
}

/** Inside a `#[cfg(test)] mod`: code a build does not compile, so not where a user's typing is measured. */
function inTestModule(node: Node): boolean {
  for (let p = node.parent; p; p = p.parent)
    if (p.type === 'mod_item' && attributesOf(p).some((a) => /\bcfg\s*\(\s*test\s*\)/.test(a))) return true;
  return false;
}

/** A function with a body that is not part of the C boundary: no `extern`, no export attribute. */
function isOrdinaryFunction(fn: Node): boolean {
  const modifiers = fn.namedChildren.find((c) => c?.type === 'function_modifiers');
  if (modifiers && /\bextern\b/.test(modifiers.text)) return false;
  if (attributesOf(fn).some((a) => /\b(no_mangle|export_name)\b/.test(a))) return false;
  return !!fn.childForFieldName('body');
}

function enclosingFunction(node: Node): Node | null {
  for (let p = node.parent; p; p = p.parent)
    if (p.type === 'function_item' || p.type === 'closure_expression') return p;
  return null;
}

/** The middle one of the candidates, in document order: neither the file's head nor its tail. */
function middle<T>(xs: T[]): T | undefined {
  return xs[Math.floor(xs.length / 2)];
}

/** A plain `//` comment (not a doc comment, which rules may read), outside test modules. */
function commentPlace(root: Node, text: string, shift: number): Place | null {
  const comments = root
    .descendantsOfType('line_comment')
    .filter((c): c is Node => !!c)
    .filter((c) => (!c.text.startsWith('///') || c.text.startsWith('////')) && !c.text.startsWith('//!'))
    .filter((c) => !inTestModule(c));
  const c = middle(comments);
  if (!c) return null;
  // Typed at the end of the comment's line (the node may or may not hold the line break).
  const end = c.text.replace(/\r?\n$/, '').length + c.startIndex + shift;
  return placeAt(text, end, `the end of the comment on line ${placeAt(text, end, '').line + 1}`);
}

/**
 * The name of a `let` binding in the body of an ordinary function, outside test modules: typing extends
 * the name, so the text stays well-formed Rust at every keystroke.
 */
function bodyPlace(root: Node, text: string, shift: number): Place | null {
  const bindings = root
    .descendantsOfType('let_declaration')
    .filter((l): l is Node => !!l)
    .filter((l) => l.childForFieldName('pattern')?.type === 'identifier')
    .filter((l) => {
      const fn = enclosingFunction(l);
      return fn?.type === 'function_item' && isOrdinaryFunction(fn) && !inTestModule(fn);
    });
  const binding = middle(bindings);
  if (!binding) return null;
  const name = binding.childForFieldName('pattern')!;
  const fn = enclosingFunction(binding)!.childForFieldName('name')?.text ?? '?';
  return placeAt(text, name.endIndex + shift, `the name of \`let ${name.text}\` in \`fn ${fn}\``);
}

/** Where the exported probe goes: after the document (the default), or before it, which moves all of it. */
export type ProbeAt = 'end' | 'start';

/**
 * The editing plan for `file`, or null if it lacks a place to type (a generated table without comments
 * or functions, say).
 */
function planFor(parser: Parser, file: string, probeAt: ProbeAt = 'end'): EditingPlan | null {
  const disk = fs.readFileSync(file, 'utf8');
  const tree = parser.parse(disk);
  if (!tree) return null;
  try {
    const base = disk.endsWith('\n') ? disk : `${disk}\n`;
    const text = probeAt === 'end' ? `${base}\n${PROBE}` : `${PROBE}\n${base}`;
    const shift = probeAt === 'end' ? 0 : PROBE.length + 1;
    const comment = commentPlace(tree.rootNode, text, shift);
    const body = bodyPlace(tree.rootNode, text, shift);
    if (!comment || !body) return null;
    const probeStart = probeAt === 'end' ? base.length + 1 : 0;
    const paramEnd = probeStart + PROBE.indexOf(`(${PROBE_PARAM}:`) + 1 + PROBE_PARAM.length;
    return {
      file,
      lines: lineCount(disk),
      text,
      comment,
      body,
      signature: placeAt(
        text,
        paramEnd,
        `the parameter \`${PROBE_PARAM}\` of \`ffi_guard_bench_probe\`, ${probeAt === 'end' ? 'appended' : 'put before the document'}`,
      ),
      end: placeAt(text, text.length, 'the end of the document'),
    };
  } finally {
    tree.delete();
  }
}

/** The `Cargo.toml` of the package holding `file`, below `root`, or null. */
function manifestOf(file: string, root: string): string | null {
  for (let dir = path.dirname(file); dir.startsWith(root + path.sep); dir = path.dirname(dir)) {
    const manifest = path.join(dir, 'Cargo.toml');
    if (fs.existsSync(manifest)) return manifest;
  }
  return null;
}

/**
 * The files the checker compiles in one package with the default settings: its targets' module trees
 * with `#[cfg]` evaluated (no feature enabled), as the server sees them when no setting is given.
 */
function compiledFiles(parser: Parser, manifest: string): Set<string> {
  const settings = defaultSettings();
  const cache = new SourceCache(parser, new DiskSource(settings.maxFileSize));
  try {
    const crates = loadCrates({ files: [], crates: cratesOfManifest(manifest), skipped: [] }, cache, settings);
    return new Set(crates.flatMap((c) => [...c.crate.files]));
  } finally {
    cache.dispose();
  }
}

/**
 * The file the bench opens: of the workspace's `.rs` files, the one whose line count is closest to
 * `targetLines` (ties by path) among those that have a plain comment and an ordinary function with a
 * `let` binding to type into, and that the checker compiles with the default settings (a file behind a
 * feature that is off would measure a server with nothing to do, and no bad export could be flagged there).
 */
/** The plan for a document named on the command line (`--document`); throws when it has nowhere to type. */
export function editingPlanOf(parser: Parser, file: string, probeAt: ProbeAt = 'end'): EditingPlan {
  const plan = fs.existsSync(file) ? planFor(parser, file, probeAt) : null;
  if (!plan) throw new Error(`${file}: not a .rs file with a comment and an ordinary function to type into`);
  return plan;
}

export async function chooseEditingPlan(
  parser: Parser,
  root: string,
  files: string[],
  targetLines: number,
): Promise<EditingPlan> {
  const byCloseness = files
    .map((file) => ({ file, lines: lineCount(fs.readFileSync(file, 'utf8')) }))
    .sort((a, b) => Math.abs(a.lines - targetLines) - Math.abs(b.lines - targetLines) || a.file.localeCompare(b.file));
  const compiled = new Map<string, Set<string>>();
  for (const { file } of byCloseness) {
    const plan = planFor(parser, file);
    const manifest = plan && manifestOf(file, root);
    if (!plan || !manifest) continue;
    if (!compiled.has(manifest)) compiled.set(manifest, compiledFiles(parser, manifest));
    if (compiled.get(manifest)!.has(file) && (await flagsBadExport(plan, manifest))) return plan;
  }
  throw new Error(
    'no compiled .rs file of the workspace has a comment and an ordinary function to type into, and a bad export flagged',
  );
}

/**
 * Whether the checker flags the bad export inserted where the bench inserts it: not in a file whose
 * lints are allowed (perfrecord's generated `mach_sys.rs` opens with `#![allow(warnings)]`, as rustc then
 * reports nothing there either), where the bench would wait for a finding that is rightly never published.
 */
async function flagsBadExport(plan: EditingPlan, manifest: string): Promise<boolean> {
  const text = plan.text.slice(0, plan.end.offset) + BAD_EXPORT + plan.text.slice(plan.end.offset);
  const run = await checkPaths(
    [path.dirname(manifest)],
    path.dirname(manifest),
    defaultSettings(),
    new Map([[plan.file, text]]),
  );
  run.cache.dispose();
  return run.findings.some((f) => f.origin.file === plan.file && f.origin.span.start >= plan.end.offset);
}
