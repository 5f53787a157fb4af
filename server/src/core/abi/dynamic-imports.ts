import { PRIMITIVE_TYPES } from '../syntax/type-syntax';
import type { FnPointerExpr, GenericArgs, Origin, TypeExpr } from '../syntax/model';
import type { LoadedCrate } from '../workspace/loaded-crate';
import { resolveType, scopeFor } from '../workspace/resolve';
import type { Ty } from '../workspace/types';

/**
 * Imports made at run time: a symbol a host loads from a library by name and calls through a C
 * function-pointer type —
 *
 *     let f: Symbol<CountFn> = lib.get(b"textfx_count\0")?;      // libloading
 *     let f = lib.get::<unsafe extern "C" fn(*const u8, u32) -> u32>(b"textfx_count\0")?;
 *     let f = transmute::<_, CountFn>(dlsym(handle, c"textfx_count".as_ptr()));   // libc
 *
 * Read from the text of the crate's modules (these are expressions, which the syntax stage does not
 * keep), the type resolved in the module's scope as rustc would (aliases, `c_int`…). A type that is not
 * an `extern "…" fn` (or an alias of one, or an `Option` of one) is not a C signature: not an import.
 */

export interface DynamicImport {
  /** The link symbol named by the literal. */
  name: string;
  /** How it was loaded: `libloading::Symbol`, `Library::get`, `dlsym`. */
  via: string;
  fn: Ty & { k: 'fnptr' };
  /** The type as written. */
  origin: Origin;
}

/** Every dynamic import written in the crate's modules, in file order. */
export function dynamicImports(loaded: LoadedCrate): DynamicImport[] {
  const out: DynamicImport[] = [];
  const seen = new Set<string>();
  for (const module of loaded.crate.modules) {
    // Inline modules share their file: read each file once, in the scope of its outermost module.
    if (seen.has(module.file)) continue;
    seen.add(module.file);
    const text = loaded.crate.textOf(module.file);
    if (!text || !/\b(get|Symbol|dlsym)\b/.test(text)) continue;
    const scope = scopeFor(module);
    for (const site of sitesIn(text)) {
      const origin: Origin = { file: module.file, span: { start: site.typeStart, end: site.typeEnd } };
      const expr = parseTypeText(text.slice(site.typeStart, site.typeEnd), origin);
      if (!expr) continue;
      let ty = resolveType(expr, scope);
      if (ty.k === 'adt' && ty.def.source === 'std' && ty.def.name === 'Option' && ty.args[0]) ty = ty.args[0];
      if (ty.k !== 'fnptr' || ty.abi === null || ty.abi === 'Rust') continue;
      out.push({ name: site.name, via: site.via, fn: ty, origin });
    }
  }
  return out;
}

interface Site {
  name: string;
  via: string;
  typeStart: number;
  typeEnd: number;
}

/** A symbol name literal: `b"name\0"`, `c"name"`, `"name\0"`, `CString::new("name")`. */
const NAME_LITERAL =
  /^\s*(?:&\s*)?(?:(?:std::ffi::|ffi::)?CString::new\(\s*)?(?:b|c|cr|br)?"([A-Za-z_][A-Za-z0-9_$.@]*)(?:\\0|\\x00)?"/;

/** Where a balanced `<…>` that opens at `open` closes (the index of `>`), or -1. */
function closingAngle(text: string, open: number): number {
  let depth = 0;
  for (let i = open; i < text.length; i++) {
    const c = text[i];
    if (c === '<') depth++;
    else if (c === '>' && text[i - 1] !== '-') {
      depth--;
      if (depth === 0) return i;
    } else if (c === ';' || c === '{' || c === '}') return -1;
  }
  return -1;
}

function sitesIn(text: string): Site[] {
  const sites: Site[] = [];
  let m: RegExpExecArray | null;
  // `.get::<T>(b"name\0")`
  const turbofish = /\.get\s*::\s*</g;
  while ((m = turbofish.exec(text))) {
    const open = m.index + m[0].length - 1;
    const close = closingAngle(text, open);
    if (close < 0) continue;
    const call = /^\s*\(/.exec(text.slice(close + 1));
    const lit = call && NAME_LITERAL.exec(text.slice(close + 1 + call[0].length));
    if (lit) sites.push({ name: lit[1], via: 'Library::get', typeStart: open + 1, typeEnd: close });
  }
  // `let f: Symbol<T> = lib.get(b"name\0")` (also `Symbol<'_, T>`, `libloading::Symbol`)
  const symbol = /:\s*(?:[\w:]*::)?Symbol\s*</g;
  while ((m = symbol.exec(text))) {
    const open = m.index + m[0].length - 1;
    const close = closingAngle(text, open);
    if (close < 0) continue;
    const rest = text.slice(close + 1, text.indexOf(';', close) < 0 ? text.length : text.indexOf(';', close));
    const get = /\.get\s*\(/.exec(rest);
    const lit = get && NAME_LITERAL.exec(rest.slice(get.index + get[0].length));
    if (!lit) continue;
    let start = open + 1;
    const lifetime = /^\s*'\w+\s*,/.exec(text.slice(start, close));
    if (lifetime) start += lifetime[0].length;
    sites.push({ name: lit[1], via: 'libloading::Symbol', typeStart: start, typeEnd: close });
  }
  // `transmute::<_, T>(dlsym(handle, c"name".as_ptr()))`
  const transmute = /transmute\s*::\s*</g;
  while ((m = transmute.exec(text))) {
    const open = m.index + m[0].length - 1;
    const close = closingAngle(text, open);
    if (close < 0) continue;
    const args = /^\s*_\s*,/.exec(text.slice(open + 1, close));
    if (!args) continue;
    const call = /^\s*\(\s*(?:[\w:]*::)?dlsym\s*\(([^;]*)/.exec(text.slice(close + 1));
    const comma = call ? call[1].indexOf(',') : -1;
    const lit = call && comma >= 0 ? NAME_LITERAL.exec(call[1].slice(comma + 1)) : null;
    if (lit) sites.push({ name: lit[1], via: 'dlsym', typeStart: open + 1 + args[0].length, typeEnd: close });
  }
  return sites.sort((a, b) => a.typeStart - b.typeStart);
}

// ---- A type written in an expression, read as the syntax stage reads one in an item ----

/** `unsafe extern "C" fn(*const u8, u32) -> u32`, `CountFn`, `Option<extern "C" fn()>` as a TypeExpr, or null. */
export function parseTypeText(text: string, origin: Origin): TypeExpr | null {
  const p = new TypeText(text, origin);
  const t = p.type();
  return t && p.atEnd() ? t : null;
}

class TypeText {
  private at = 0;
  constructor(
    private readonly text: string,
    private readonly origin: Origin,
  ) {}

  atEnd(): boolean {
    this.space();
    return this.at >= this.text.length;
  }

  private space(): void {
    while (this.at < this.text.length && /\s/.test(this.text[this.at])) this.at++;
  }

  private eat(token: string): boolean {
    this.space();
    if (!this.text.startsWith(token, this.at)) return false;
    // A keyword ends where an identifier would.
    if (/^\w/.test(token) && /\w/.test(this.text[this.at + token.length] ?? '')) return false;
    this.at += token.length;
    return true;
  }

  private ident(): string | null {
    this.space();
    const m = /^(r#)?[A-Za-z_][A-Za-z0-9_]*/.exec(this.text.slice(this.at));
    if (!m) return null;
    this.at += m[0].length;
    return m[0];
  }

  private lifetime(): boolean {
    this.space();
    const m = /^'[A-Za-z_]\w*/.exec(this.text.slice(this.at));
    if (!m) return false;
    this.at += m[0].length;
    return true;
  }

  type(): TypeExpr | null {
    const origin = this.origin;
    if (this.eat('&')) {
      const lifetime = this.lifetime();
      const mutable = this.eat('mut');
      const inner = this.type();
      return inner && { kind: 'ref', origin, mutable, inner, lifetime: lifetime ? "'_" : null };
    }
    if (this.eat('*')) {
      const mutable = this.eat('mut');
      if (!mutable && !this.eat('const')) return null;
      const inner = this.type();
      return inner && { kind: 'ptr', origin, mutable, inner };
    }
    if (this.eat('[')) {
      const inner = this.type();
      if (!inner) return null;
      if (this.eat(']')) return { kind: 'slice', origin, inner };
      if (!this.eat(';')) return null;
      this.space();
      const end = this.text.indexOf(']', this.at);
      if (end < 0) return null;
      const length = this.text.slice(this.at, end).trim();
      this.at = end + 1;
      return { kind: 'array', origin, inner, length };
    }
    if (this.eat('(')) {
      const elems: TypeExpr[] = [];
      let comma = false;
      while (!this.eat(')')) {
        const t = this.type();
        if (!t) return null;
        elems.push(t);
        if (this.eat(')')) break;
        if (!this.eat(',')) return null;
        comma = true;
      }
      // `(T)` is `T`; `(T,)` and `()` are tuples.
      return elems.length === 1 && !comma ? elems[0] : { kind: 'tuple', origin, elems };
    }
    if (this.eat('!')) return { kind: 'never', origin };
    if (this.eat('_')) return { kind: 'infer', origin };
    if (this.eat('for')) {
      if (!this.eat('<')) return null;
      const end = this.text.indexOf('>', this.at);
      if (end < 0) return null;
      this.at = end + 1;
    }
    const start = this.at;
    const unsafe = this.eat('unsafe');
    let abi: string | null = null;
    if (this.eat('extern')) {
      this.space();
      const m = /^"([^"]*)"/.exec(this.text.slice(this.at));
      abi = m ? m[1] : 'C';
      if (m) this.at += m[0].length;
    }
    if (this.eat('fn')) return this.fnPointer(unsafe, abi);
    if (unsafe || abi !== null) {
      this.at = start;
      return null;
    }
    if (this.eat('dyn')) return { kind: 'dyn', origin, text: this.text.slice(start).trim() };
    return this.path();
  }

  private fnPointer(unsafe: boolean, abi: string | null): TypeExpr | null {
    if (!this.eat('(')) return null;
    const params: TypeExpr[] = [];
    let variadic = false;
    while (!this.eat(')')) {
      if (this.eat('...')) variadic = true;
      else {
        // `fn(len: u32)`: a parameter name before its type.
        const save = this.at;
        const name = this.ident();
        if (!(name && this.eat(':') && !this.text.startsWith(':', this.at))) this.at = save;
        const t = this.type();
        if (!t) return null;
        params.push(t);
      }
      if (this.eat(')')) break;
      if (!this.eat(',')) return null;
    }
    const ret = this.eat('->') ? this.type() : null;
    const fn: FnPointerExpr = { abi, unsafe, params, ret, variadic };
    return { kind: 'fnptr', origin: this.origin, fn };
  }

  private path(): TypeExpr | null {
    const origin = this.origin;
    const global = this.eat('::');
    const segments: { name: string; args: GenericArgs | null }[] = [];
    for (;;) {
      const name = this.ident();
      if (!name) return null;
      let args: GenericArgs | null = null;
      const save = this.at;
      if (this.eat('<')) {
        args = { types: [], bindings: [], consts: [], lifetimes: 0 };
        while (!this.eat('>')) {
          if (this.lifetime()) args.lifetimes++;
          else {
            const t = this.type();
            if (!t) return null;
            args.types.push(t);
          }
          if (!this.eat(',')) {
            if (!this.eat('>')) return null;
            break;
          }
        }
      } else this.at = save;
      segments.push({ name, args });
      const before = this.at;
      if (!this.eat('::')) break;
      // `get::<T>`-style turbofish inside a path is not a type.
      if (this.text[this.at] === '<') {
        this.at = before;
        break;
      }
    }
    if (!global && segments.length === 1 && !segments[0].args && PRIMITIVE_TYPES.has(segments[0].name))
      return { kind: 'primitive', origin, name: segments[0].name };
    return { kind: 'path', origin, path: { global, segments, qualified: false } };
  }
}
