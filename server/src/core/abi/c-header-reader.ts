import * as fs from 'fs';
import * as path from 'path';
import { Language, Node, Parser } from 'web-tree-sitter';
import { loadParser } from '../syntax/parse';
import type { CField, CRecord, CSignature, CType } from './c-signature';

/**
 * A C header read as a C caller reads it (`check --against include/mylib.h`): its prototypes, extern
 * variables, typedefs and struct / union / enum definitions, as C types (abi/c-signature.ts) laid out
 * for x86_64 Linux. Parsed with tree-sitter's C grammar (grammars/tree-sitter-c.wasm), after a small
 * preprocessor of our own: include guards, `#pragma once`, `#include`s and `#ifdef __cplusplus` blocks
 * are understood; every other directive (macros, other conditionals) is named in `notes`, never
 * guessed at — a declaration a macro writes is not read.
 */

/** A function or variable the header declares. */
export interface HeaderSymbol {
  name: string;
  signature: CSignature;
  /** The declaration as written, on one line. */
  text: string;
  /** 1-based line and column (in Unicode scalar values), end exclusive. */
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
}

export interface CHeader {
  symbols: HeaderSymbol[];
  /** What could not be read, with the line: `line 12: the macro \`EXPORT\` is not expanded`. */
  notes: string[];
}

let cLanguage: Promise<Language> | null = null;

/** Where `tree-sitter-c.wasm` is: beside the running script (the bundle), or the repository's `grammars/`. */
export function cGrammarPath(): string {
  const candidates = [
    path.join(__dirname, 'tree-sitter-c.wasm'),
    path.resolve(__dirname, '..', '..', '..', '..', '..', 'grammars', 'tree-sitter-c.wasm'),
  ];
  return candidates.find((c) => fs.existsSync(c)) ?? candidates[0];
}

async function cParser(): Promise<Parser> {
  await loadParser(); // initialises tree-sitter's runtime once for every grammar
  cLanguage ??= Language.load(cGrammarPath());
  const parser = new Parser();
  parser.setLanguage(await cLanguage);
  return parser;
}

/** Read a header's text. */
export async function readCHeader(text: string): Promise<CHeader> {
  const notes: string[] = [];
  const prepared = preprocess(text, notes);
  const parser = await cParser();
  const tree = parser.parse(prepared);
  if (!tree) throw new Error('the C parser gave no tree');
  try {
    return { symbols: new HeaderReader(prepared, notes).read(tree.rootNode), notes };
  } finally {
    tree.delete();
    parser.delete();
  }
}

// ---- The preprocessor: directives are blanked (same length, so offsets and lines stay) ----

function preprocess(text: string, notes: string[]): string {
  const lines = text.split('\n');
  const out = [...lines];
  const blank = (i: number): void => {
    out[i] = lines[i].replace(/[^\r]/g, ' ');
  };
  /** Open conditionals: what to do with their lines, and where the next `#else`/`#endif` leads. */
  const stack: { kind: 'guard' | 'cplusplus' | 'other'; skipping: boolean; line: number }[] = [];
  const skipping = (): boolean => stack.some((s) => s.skipping);
  let guardCandidate: string | null = null;
  let sawCode = false;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    const d = /^\s*#\s*(\w+)\s*(.*?)\s*$/.exec(line);
    if (!d) {
      if (skipping()) blank(i);
      else if (line.trim() && !/^\s*(\/\/|\/\*|\*)/.test(line)) sawCode = true;
      continue;
    }
    // A directive continued on the next lines (`\` at the end) is blanked whole.
    let last = i;
    while (/\\\s*$/.test(lines[last]) && last + 1 < lines.length) last++;
    for (let j = i; j <= last; j++) blank(j);
    const [, name, rest] = d;
    const at = `line ${i + 1}`;
    i = last;
    if (name === 'ifndef' || name === 'ifdef' || name === 'if') {
      const cplusplus = /^(defined\s*\(?\s*)?__cplusplus\b/.test(rest) && name !== 'ifndef';
      if (cplusplus) stack.push({ kind: 'cplusplus', skipping: true, line: i + 1 });
      else if (name === 'ifndef' && !sawCode && stack.length === 0) {
        guardCandidate = rest;
        stack.push({ kind: 'guard', skipping: false, line: i + 1 });
      } else {
        notes.push(`${at}: \`#${name} ${rest}\` is not evaluated: its first branch is read, any \`#else\` is not`);
        stack.push({ kind: 'other', skipping: false, line: i + 1 });
      }
      continue;
    }
    if (name === 'else' || name === 'elif') {
      const top = stack[stack.length - 1];
      if (top) top.skipping = top.kind === 'cplusplus' ? false : true;
      continue;
    }
    if (name === 'endif') {
      stack.pop();
      continue;
    }
    if (name === 'define' && guardCandidate !== null && rest === guardCandidate) {
      guardCandidate = null;
      continue;
    }
    if (skipping() || name === 'include' || (name === 'pragma' && /^once\b/.test(rest))) continue;
    const macro = /^(\w+)/.exec(rest)?.[1] ?? '';
    if (name === 'define') notes.push(`${at}: the macro \`${macro}\` is not read (nor expanded where it is used)`);
    else notes.push(`${at}: \`#${name}${rest ? ` ${rest}` : ''}\` is not read`);
  }
  return out.join('\n');
}

// ---- Declarations to C types ----

const POINTER = { size: 8, align: 8 };

/** Named C types of x86_64 Linux (LP64; `char` is signed). */
const NAMED_INTS: Record<string, { size: number; signed: boolean }> = {
  int8_t: { size: 1, signed: true },
  int16_t: { size: 2, signed: true },
  int32_t: { size: 4, signed: true },
  int64_t: { size: 8, signed: true },
  uint8_t: { size: 1, signed: false },
  uint16_t: { size: 2, signed: false },
  uint32_t: { size: 4, signed: false },
  uint64_t: { size: 8, signed: false },
  intptr_t: { size: 8, signed: true },
  uintptr_t: { size: 8, signed: false },
  size_t: { size: 8, signed: false },
  ssize_t: { size: 8, signed: true },
  ptrdiff_t: { size: 8, signed: true },
  intmax_t: { size: 8, signed: true },
  uintmax_t: { size: 8, signed: false },
  __int128: { size: 16, signed: true },
};

/** A base type spelled with keywords (`unsigned long long`, `char`, `_Bool`). */
function keywordType(words: string[]): CType | null {
  const w = words.filter((x) => x !== 'signed' || words.length === 1);
  const unsigned = w.includes('unsigned');
  const rest = w.filter((x) => x !== 'unsigned' && x !== 'int' && x !== 'signed');
  const longs = rest.filter((x) => x === 'long').length;
  const text = words.join(' ');
  if (rest.includes('void')) return { k: 'void', text };
  if (rest.includes('_Bool') || rest.includes('bool')) return { k: 'bool', text };
  if (rest.includes('float')) return { k: 'float', size: 4, text };
  if (rest.includes('double')) return { k: 'float', size: longs ? 16 : 8, text };
  if (rest.includes('char')) return { k: 'int', size: 1, signed: !unsigned, text };
  if (rest.includes('short')) return { k: 'int', size: 2, signed: !unsigned, text };
  if (longs) return { k: 'int', size: 8, signed: !unsigned, text };
  if (rest.length === 0) return { k: 'int', size: 4, signed: !unsigned, text };
  return null;
}

function layout(t: CType): { size: number; align: number } | null {
  switch (t.k) {
    case 'int':
    case 'float':
      return { size: t.size, align: Math.min(t.size, 16) };
    case 'bool':
      return { size: 1, align: 1 };
    case 'ptr':
    case 'fn':
      return POINTER;
    case 'array': {
      const e = layout(t.elem);
      return e && { size: e.size * t.len, align: e.align };
    }
    case 'record':
      return { size: t.size, align: t.align };
    default:
      return null;
  }
}

class HeaderReader {
  private typedefs = new Map<string, Node>();
  private bodies = new Map<string, Node>();
  private records = new Map<string, CType>();
  private resolving: string[] = [];

  constructor(
    private readonly text: string,
    private readonly notes: string[],
  ) {}

  read(root: Node): HeaderSymbol[] {
    const declarations: Node[] = [];
    const visit = (n: Node): void => {
      for (const c of n.namedChildren) {
        if (!c) continue;
        if (c.type === 'ERROR') {
          this.notes.push(`line ${c.startPosition.row + 1}: \`${oneLine(c.text).slice(0, 60)}\` could not be read`);
          continue;
        }
        this.collectBodies(c);
        if (c.type === 'type_definition') {
          const type = c.childForFieldName('type');
          for (const d of c.childrenForFieldName('declarator')) {
            const name = d && declaredName(d);
            if (name && type) this.typedefs.set(name, c);
          }
        } else if (c.type === 'declaration') declarations.push(c);
        // `extern "C" { … }` written without its `#ifdef __cplusplus` guard is C++ only, but read it.
        else if (c.type === 'linkage_specification' || c.type === 'declaration_list') visit(c);
      }
    };
    visit(root);
    const symbols: HeaderSymbol[] = [];
    for (const decl of declarations) {
      const type = decl.childForFieldName('type');
      if (!type) continue;
      const storage = decl.namedChildren.filter((c) => c?.type === 'storage_class_specifier').map((c) => c.text);
      if (storage.includes('static') || storage.includes('typedef')) continue;
      for (const d of decl.childrenForFieldName('declarator')) {
        if (!d) continue;
        const name = declaredName(d);
        if (!name) continue;
        const base = this.baseType(type);
        const t = this.declare(base, d);
        const sig: CSignature | null =
          t.k === 'fn' && isFunctionDeclarator(d)
            ? t.sig
            : t.k === 'unknown' && isFunctionDeclarator(d)
              ? null
              : { kind: 'static', abi: 'C', params: [], ret: t, variadic: false };
        if (!sig) {
          this.notes.push(`line ${d.startPosition.row + 1}: the declaration of \`${name}\` could not be read`);
          continue;
        }
        symbols.push({
          name,
          signature: sig,
          text: oneLine(decl.text),
          ...this.range(decl),
        });
      }
    }
    return symbols;
  }

  private range(n: Node): { line: number; column: number; endLine: number; endColumn: number } {
    const col = (row: number, byteColumn: number): number => {
      const lineText = this.text.split('\n')[row] ?? '';
      return [...Buffer.from(lineText, 'utf8').subarray(0, byteColumn).toString('utf8')].length + 1;
    };
    return {
      line: n.startPosition.row + 1,
      column: col(n.startPosition.row, n.startPosition.column),
      endLine: n.endPosition.row + 1,
      endColumn: col(n.endPosition.row, n.endPosition.column),
    };
  }

  /** Remember every `struct X { … }` / `union X { … }` / `enum X { … }`, wherever it is written. */
  private collectBodies(n: Node): void {
    if (
      (n.type === 'struct_specifier' || n.type === 'union_specifier' || n.type === 'enum_specifier') &&
      n.childForFieldName('body')
    ) {
      const name = n.childForFieldName('name')?.text;
      if (name) this.bodies.set(`${tagOf(n)} ${name}`, n);
    }
    for (const c of n.namedChildren) if (c) this.collectBodies(c);
  }

  /** The type a declaration's specifiers name, before its declarator. */
  private baseType(type: Node): CType {
    const text = oneLine(type.text);
    switch (type.type) {
      case 'primitive_type': {
        // The grammar reads `uint32_t`, `size_t`… as primitive types too.
        const int = NAMED_INTS[type.text];
        if (int) return { k: 'int', ...int, text };
        return keywordType([type.text]) ?? { k: 'unknown', text };
      }
      case 'sized_type_specifier': {
        const words = text.split(/\s+/);
        return keywordType(words) ?? { k: 'unknown', text };
      }
      case 'type_identifier': {
        const name = type.text;
        const int = NAMED_INTS[name];
        if (int) return { k: 'int', ...int, text: name };
        if (name === 'bool') return { k: 'bool', text: name };
        const def = this.typedefs.get(name);
        if (def) {
          if (this.resolving.includes(`typedef ${name}`)) return { k: 'opaque', name, text: name };
          this.resolving.push(`typedef ${name}`);
          try {
            const declarator = def.childrenForFieldName('declarator').find((d) => d && declaredName(d) === name);
            const t = this.declare(this.baseType(def.childForFieldName('type')!), declarator!);
            return { ...t, text: name };
          } finally {
            this.resolving.pop();
          }
        }
        return { k: 'opaque', name, text: name };
      }
      case 'struct_specifier':
      case 'union_specifier':
        return this.record(type);
      case 'enum_specifier':
        // A C enum is an `int` on x86_64 Linux (its values all fit one).
        return { k: 'int', size: 4, signed: true, text };
      default:
        return { k: 'unknown', text };
    }
  }

  private record(spec: Node): CType {
    const tag = tagOf(spec) as 'struct' | 'union';
    const name = spec.childForFieldName('name')?.text ?? '';
    const key = `${tag} ${name}`;
    const text = name ? key : oneLine(spec.text);
    const body = spec.childForFieldName('body') ?? (name ? this.bodies.get(key)?.childForFieldName('body') : null);
    if (!body) return { k: 'opaque', name: key, text };
    const cached = name ? this.records.get(key) : undefined;
    if (cached) return cached;
    if (this.resolving.includes(key)) return { k: 'opaque', name: key, text };
    this.resolving.push(key);
    try {
      const fields: CField[] = [];
      let offset = 0;
      let size = 0;
      let align = 1;
      for (const f of body.namedChildren) {
        if (!f || f.type !== 'field_declaration') continue;
        if (f.namedChildren.some((c) => c?.type === 'bitfield_clause')) {
          this.notes.push(`line ${f.startPosition.row + 1}: the bit-field in \`${key}\` is not laid out`);
          return { k: 'unknown', text };
        }
        const base = this.baseType(f.childForFieldName('type')!);
        for (const d of f.childrenForFieldName('declarator')) {
          if (!d) continue;
          const t = this.declare(base, d);
          const l = layout(t);
          if (!l) return { k: 'unknown', text };
          const at = tag === 'union' ? 0 : Math.ceil(offset / l.align) * l.align;
          fields.push({ name: declaredName(d) ?? String(fields.length), offset: at, type: t });
          offset = at + l.size;
          size = Math.max(size, tag === 'union' ? l.size : offset);
          align = Math.max(align, l.align);
        }
      }
      const record: CRecord = { k: 'record', tag, name, size: Math.ceil(size / align) * align, align, fields, text };
      if (name) this.records.set(key, record);
      return record;
    } finally {
      this.resolving.pop();
    }
  }

  /** Apply a declarator (`*p`, `a[4]`, `(*cb)(int)`, `f(void)`) to its base type. */
  private declare(base: CType, d: Node): CType {
    switch (d.type) {
      case 'identifier':
      case 'field_identifier':
      case 'type_identifier':
        return base;
      case 'pointer_declarator':
      case 'abstract_pointer_declarator': {
        const inner = d.childForFieldName('declarator');
        const to = base;
        const ptr: CType =
          to.k === 'fn'
            ? to
            : { k: 'ptr', to: to.k === 'unknown' ? { k: 'opaque', name: to.text } : to, text: `${cText(to)} *` };
        return inner ? this.declare(ptr, inner) : ptr;
      }
      case 'array_declarator':
      case 'abstract_array_declarator': {
        const size = d.childForFieldName('size');
        const len = size && /^\d+$/.test(size.text) ? Number(size.text) : null;
        const arr: CType =
          len === null
            ? { k: 'unknown', text: oneLine(d.text) }
            : { k: 'array', elem: base, len, text: `${cText(base)}[${len}]` };
        const inner = d.childForFieldName('declarator');
        return inner ? this.declare(arr, inner) : arr;
      }
      case 'function_declarator':
      case 'abstract_function_declarator': {
        const sig = this.parameters(d.childForFieldName('parameters'), base);
        const fn: CType = sig ? { k: 'fn', sig } : { k: 'unknown', text: oneLine(d.text) };
        const inner = d.childForFieldName('declarator');
        return inner ? this.declare(fn, inner) : fn;
      }
      case 'parenthesized_declarator':
      case 'abstract_parenthesized_declarator': {
        const inner = d.namedChildren.find((c) => c && c.type !== 'comment');
        return inner ? this.declare(base, inner) : base;
      }
      default:
        return { k: 'unknown', text: oneLine(d.text) };
    }
  }

  private parameters(list: Node | null, ret: CType): CSignature | null {
    if (!list) return null;
    const params: CType[] = [];
    let variadic = false;
    for (const p of list.namedChildren) {
      if (!p || p.type === 'comment') continue;
      if (p.type === 'variadic_parameter') {
        variadic = true;
        continue;
      }
      if (p.type !== 'parameter_declaration') return null;
      const base = this.baseType(p.childForFieldName('type')!);
      const d = p.childForFieldName('declarator');
      let t = d ? this.declare(base, d) : base;
      // An array parameter is a pointer to its element; a function parameter, a function pointer.
      if (t.k === 'array') t = { k: 'ptr', to: t.elem, text: `${cText(t.elem)} *` };
      params.push(t);
    }
    if (params.length === 1 && params[0].k === 'void') params.pop(); // `f(void)`
    return { kind: 'function', abi: 'C', params, ret, variadic };
  }
}

function cText(t: CType): string {
  return t.text ?? (t.k === 'opaque' ? t.name : t.k);
}

function tagOf(spec: Node): string {
  return spec.type === 'union_specifier' ? 'union' : spec.type === 'enum_specifier' ? 'enum' : 'struct';
}

/** The name a declarator declares (`p` in `*const p[4]`). */
function declaredName(d: Node): string | null {
  if (d.type === 'identifier' || d.type === 'field_identifier' || d.type === 'type_identifier') return d.text;
  const inner = d.childForFieldName('declarator') ?? d.namedChildren.find((c) => c?.type.endsWith('declarator'));
  return inner ? declaredName(inner) : null;
}

/** Whether a declarator declares a function (not a pointer to one). */
function isFunctionDeclarator(d: Node): boolean {
  if (d.type === 'function_declarator') {
    const inner = d.childForFieldName('declarator');
    return !!inner && (inner.type === 'identifier' || isFunctionDeclarator(inner));
  }
  if (d.type === 'parenthesized_declarator') {
    const inner = d.namedChildren[0];
    return !!inner && isFunctionDeclarator(inner);
  }
  // `char *name(void)`: a function returning a pointer.
  if (d.type === 'pointer_declarator') {
    const inner = d.childForFieldName('declarator');
    return !!inner && isFunctionDeclarator(inner);
  }
  return false;
}

function oneLine(s: string): string {
  return s.replace(/\s+/g, ' ').trim();
}
