import type { Language, Node } from 'web-tree-sitter';
import { mayWrapCatchUnwind } from './body-facts';
import type { ParsedFile } from './parse';

/**
 * Edits that cannot change what any rule reads: typing inside an ordinary comment, or inside the body of
 * a function that is not a boundary item and declares nothing (no nested item, no macro call around the
 * edit). Such an edit moves what follows it and changes nothing else, so the editor can shift the old
 * findings instead of extracting the file's items and re-checking its crate. The decision is made in
 * two steps: `probeEdit` on the tree before the edit, `confirmEdit` on the tree after it (half-typed code
 * can make tree-sitter's recovery swallow what follows a body: that edit is not inert).
 */

/** One replacement in the text before the edit: `[start, oldEnd)` becomes `inserted`. */
export interface TextReplacement {
  start: number;
  oldEnd: number;
  inserted: string;
}

/** What the tree looked like around an edit that may be inert. */
export interface EditProbe {
  kind: 'comment' | 'body';
  /** The comment, or the function item whose body is edited, before the edit. */
  start: number;
  end: number;
  type: string;
  /** The end of the function's body block. */
  bodyEnd: number;
  /** Items, macro calls and macro definitions inside the body (they would have to stay as they are). */
  declarations: number;
  /** The number of top-level nodes of the file. */
  topLevel: number;
  edit: TextReplacement;
}

/** Items, macro calls and macro definitions; an attribute (`attribute_item`) declares nothing. */
const DECLARATION_TYPES = /^(?!(inner_)?attribute_item$).*_item$|^macro_invocation$|^macro_definition$/;
const BOUNDARY_WORDS =
  /\bextern\b|\bno_mangle\b|\bexport_name\b|\bffi_export\b|\bsabi_extern_fn\b|\bexport_root_module\b|\bstabby\b/;

/** Looks at the tree before the edit; null when the edit may matter. */
export function probeEdit(parsed: ParsedFile, edit: TextReplacement): EditProbe | null {
  if (parsed.parsedText !== parsed.text) return null;
  const root = parsed.tree.rootNode;
  const topLevel = root.childCount;
  const at = root.descendantForIndex(edit.start, Math.max(edit.start, edit.oldEnd - 1));
  if (!at) return null;
  const comment =
    ancestorOf(at, (n) => n.type === 'line_comment' || n.type === 'block_comment') ?? lineCommentEndingAt(root, edit);
  if (comment) return probeComment(parsed.text, comment, edit, topLevel);
  const body = ancestorOf(at, (n) => n.type === 'block' && n.parent?.type === 'function_item');
  if (body) return probeBody(parsed.text, body, edit, topLevel);
  return null;
}

/**
 * A line comment an insertion extends at its end: the comment stops before its line's end, so the node
 * found at the end of the line is what holds the comment (a body, the file), not the comment.
 */
function lineCommentEndingAt(root: Node, edit: TextReplacement): Node | null {
  if (edit.oldEnd !== edit.start || edit.start === 0) return null;
  const before = root.descendantForIndex(edit.start - 1, edit.start - 1);
  return before?.type === 'line_comment' && before.endIndex === edit.start ? before : null;
}

function probeComment(text: string, comment: Node, edit: TextReplacement, topLevel: number): EditProbe | null {
  const opener = text.slice(comment.startIndex, comment.startIndex + 3);
  // A doc comment is an attribute (hovers, the report's docs); `//` + one character keeps `///` from appearing.
  if (/^(\/\/[/!]|\/\*[*!])/.test(opener)) return null;
  const line = comment.type === 'line_comment';
  const closer = line ? 0 : 2;
  if (edit.start < comment.startIndex + 3 || edit.oldEnd > comment.endIndex - closer) return null;
  if (line ? /[\r\n]/.test(edit.inserted) : /\*\/|\/\*/.test(edit.inserted)) return null;
  // A line comment's end is its line's end: deleting it joins the next line into the comment.
  if (line && /[\r\n]/.test(text.slice(edit.start, edit.oldEnd))) return null;
  return {
    kind: 'comment',
    start: comment.startIndex,
    end: comment.endIndex,
    type: comment.type,
    bodyEnd: comment.endIndex,
    declarations: 0,
    topLevel,
    edit,
  };
}

function probeBody(text: string, body: Node, edit: TextReplacement, topLevel: number): EditProbe | null {
  const fn = body.parent!;
  // Nested in another body (declared items matter there), or a boundary function (rules read its body).
  if (ancestorOf(fn.parent, (n) => n.type === 'block')) return null;
  if (BOUNDARY_WORDS.test(text.slice(fn.startIndex, body.startIndex)) || BOUNDARY_WORDS.test(attributesBefore(fn)))
    return null;
  if (edit.start <= body.startIndex || edit.oldEnd >= body.endIndex) return null;
  if (mayWrapCatchUnwind(text.slice(body.startIndex, body.endIndex))) return null;
  const inside = body.descendantForIndex(edit.start, Math.max(edit.start, edit.oldEnd - 1));
  if (inside && ancestorOf(inside, (n) => n.type === 'macro_invocation' || n.type === 'token_tree')) return null;
  // Items declared in a body are checked like any other; a body that declares one is not inert at all.
  if (countDeclarations(body, false)) return null;
  const declarations = countDeclarations(body, true);
  return {
    kind: 'body',
    start: fn.startIndex,
    end: fn.endIndex,
    type: fn.type,
    bodyEnd: body.endIndex,
    declarations,
    topLevel,
    edit,
  };
}

/** After the incremental re-parse: is the structure around the edit what it was, moved by the edit? */
export function confirmEdit(probe: EditProbe, parsed: ParsedFile): boolean {
  if (parsed.parsedText !== parsed.text) return false;
  const delta = probe.edit.inserted.length - (probe.edit.oldEnd - probe.edit.start);
  const root = parsed.tree.rootNode;
  if (root.childCount !== probe.topLevel) return false;
  const node = outermostAt(root, probe.start, probe.type);
  if (!node || node.endIndex !== probe.end + delta) return false;
  if (probe.kind === 'comment') return true;
  const body = node.childForFieldName('body');
  if (!body || body.endIndex !== probe.bodyEnd + delta) return false;
  if (mayWrapCatchUnwind(parsed.text.slice(body.startIndex, body.endIndex))) return false;
  return !body.hasError && countDeclarations(body, true) === probe.declarations;
}

function ancestorOf(node: Node | null, test: (n: Node) => boolean): Node | null {
  for (let n = node; n; n = n.parent) if (test(n)) return n;
  return null;
}

/** The text of the attributes (and comments between them) right before an item. */
function attributesBefore(item: Node): string {
  let out = '';
  for (
    let n = item.previousSibling;
    n && /^(attribute_item|line_comment|block_comment)$/.test(n.type);
    n = n.previousSibling
  )
    out = n.text + out;
  return out;
}

/**
 * Items and macro definitions in a body (those nested in them too), and macro calls when `calls` (a call
 * already there is no declaration of ours, but typing one anew may be). Counted by tree-sitter itself: a
 * body of thousands of lines is walked in well under a millisecond, where a walk from JavaScript took ten.
 */
function countDeclarations(body: Node, calls: boolean): number {
  const types = declarationTypes(body.tree.language);
  return body.descendantsOfType(calls ? types.withCalls : types.withoutCalls).length;
}

const typesByLanguage = new WeakMap<Language, { withCalls: string[]; withoutCalls: string[] }>();

/** The grammar's node types that declare something (see `DECLARATION_TYPES`). */
function declarationTypes(language: Language): { withCalls: string[]; withoutCalls: string[] } {
  let types = typesByLanguage.get(language);
  if (!types) {
    const names = new Set<string>();
    for (let id = 0; id < language.nodeTypeCount; id++) {
      const name = language.nodeTypeForId(id);
      if (name && language.nodeTypeIsNamed(id) && DECLARATION_TYPES.test(name)) names.add(name);
    }
    const withCalls = [...names];
    types = { withCalls, withoutCalls: withCalls.filter((t) => t !== 'macro_invocation') };
    typesByLanguage.set(language, types);
  }
  return types;
}

/** The outermost node of a type starting at an offset. */
function outermostAt(root: Node, start: number, type: string): Node | null {
  let found: Node | null = null;
  for (let n: Node | null = root.descendantForIndex(start, start); n; n = n.parent) {
    if (n.startIndex !== start) break;
    if (n.type === type) found = n;
  }
  return found;
}
