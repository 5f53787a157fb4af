import { checkBoundaryType, adtShape, is1Zst } from '../analysis/ffi';
import type { CheckedType } from '../analysis/boundary-types';
import type { TypeExpr } from '../syntax/model';
import { camel, FFI_OPTION, FFI_RESULT, snake, traitOf, tupleStruct } from './shim-types';
import { isOptionOrResult } from '../workspace/std-types';
import { isUnit, Ty } from '../workspace/types';
import {
  C_CHAR,
  C_VOID,
  elementIsSafe,
  expandAlias,
  genericArg,
  boxArg,
  isHandleType,
  isStd,
  oneLine,
  ParamPlan,
  PlanEnv,
  pointee,
  rustText,
  sliceElem,
  stdArgs,
  taggedType,
  tupleConv,
  typeName,
} from './shim-plan';

/**
 * How each parameter of a shim arrives from C and becomes the Rust value the idiomatic function takes:
 * C parameters, statements converting them (returning early on bad input), and what the caller must
 * guarantee (`# Safety`).
 */

/** A `self` receiver by value: passed as it is when C can hold it, else as a handle the call takes over. */
export function selfByValue(selfText: string, checked: CheckedType | undefined): ParamPlan | null {
  if (!checked) return null;
  if (checked.verdict.kind === 'safe')
    return { cParams: [`this: ${selfText}`], prologue: [], arg: 'this', fallible: false, safety: null };
  return handleParam('this', checked.ty, selfText);
}

/** How one argument of a Rust callback reaches the C callback: its C parameters and the expressions passing it. */
export function callbackArg(ty: Ty, written: string, name: string): { cTypes: string[]; pass: string[] } | null {
  if (ty.k === 'prim' && ty.name === 'char') return { cTypes: ['u32'], pass: [`u32::from(${name})`] };
  if (ty.k === 'prim' && ty.name !== 'str') return { cTypes: [written], pass: [name] };
  if (ty.k === 'ref' && !ty.mutable && ty.inner.k === 'prim' && ty.inner.name === 'str')
    return { cTypes: ['*const u8', 'usize'], pass: [`${name}.as_ptr()`, `${name}.len()`] };
  if (ty.k === 'ref' && ty.inner.k === 'slice' && elementIsSafe(ty.inner.inner) && ty.inner.inner.k === 'prim') {
    const m = ty.mutable ? 'mut' : 'const';
    return {
      cTypes: [`*${m} ${ty.inner.inner.name}`, 'usize'],
      pass: [`${name}.as_${ty.mutable ? 'mut_' : ''}ptr()`, `${name}.len()`],
    };
  }
  if (ty.k === 'ptr' || (ty.k === 'ref' && checkBoundaryType(ty, 'definition', 'param').kind === 'safe'))
    return { cTypes: [written], pass: [name] };
  return null;
}

/** The written types a closure signature may use, as the types `callbackArg` converts. */
export function simpleType(written: string): Ty | null {
  const t = written.trim();
  if (/^(bool|char|u8|u16|u32|u64|usize|i8|i16|i32|i64|isize|f32|f64)$/.test(t)) return { k: 'prim', name: t };
  if (/^&\s*str$/.test(t)) return { k: 'ref', mutable: false, inner: { k: 'prim', name: 'str' } };
  const slice = /^&\s*(mut\s+)?\[\s*(bool|u8|u16|u32|u64|usize|i8|i16|i32|i64|isize|f32|f64)\s*\]$/.exec(t);
  if (slice) return { k: 'ref', mutable: !!slice[1], inner: { k: 'slice', inner: { k: 'prim', name: slice[2] } } };
  return null;
}

/**
 * `&dyn Fn(u32) -> bool` / `&mut dyn FnMut(&str)`: C's classic callback plus user data. The shim takes an
 * `extern "C"` function whose first argument is the caller's `*mut c_void`, and passes a closure calling it.
 */
export function closureParam(name: string, dynText: string, mutable: boolean): ParamPlan | null {
  const m = /^(?:dyn\s+)?(Fn|FnMut)\s*\(([^()]*)\)\s*(?:->\s*([^+]+?))?\s*(?:\+\s*(?:Send|Sync|'\w+)\s*)*$/.exec(
    dynText.trim(),
  );
  if (!m || (m[1] === 'FnMut' && !mutable)) return null;
  const params = m[2].trim() ? m[2].split(',').map((p) => p.trim()) : [];
  const tys = params.map(simpleType);
  if (tys.some((t) => t === null)) return null;
  const args = tys.map((t, i) => callbackArg(t!, params[i], `a${i}`));
  if (args.some((a) => a === null)) return null;
  const ret = m[3]?.trim();
  if (ret && !/^(bool|u8|u16|u32|u64|usize|i8|i16|i32|i64|isize|f32|f64|\(\))$/.test(ret)) return null;
  const retText = ret && ret !== '()' ? ` -> ${ret}` : '';
  const cFn = `extern "C" fn(*mut ${C_VOID}${args.map((a) => a!.cTypes.map((c) => `, ${c}`).join('')).join('')})${retText}`;
  const data = `${name}_data`;
  return {
    cParams: [`${name}: Option<${cFn}>`, `${data}: *mut ${C_VOID}`],
    prologue: [
      `let Some(${name}) = ${name} else {\n    return {ERR};\n};`,
      `let ${mutable ? 'mut ' : ''}${name} = |${params.map((p, i) => `a${i}: ${p}`).join(', ')}| ${name}(${[data, ...args.flatMap((a) => a!.pass)].join(', ')});`,
    ],
    arg: `&${mutable ? 'mut ' : ''}${name}`,
    fallible: true,
    safety: `\`${name}\` is called only during this call, with \`${data}\` as its first argument; null is rejected.`,
  };
}

/**
 * A Rust-ABI callback parameter (`visit: fn(&str, i64)`): the shim takes an `extern "C"` callback with C
 * types, and passes the Rust function a trampoline that calls it. The C callback lives in a thread-local for
 * the duration of the call, so a callback that is only called during the call (the usual contract) works.
 */
export function callbackTrampoline(
  name: string,
  ty: Ty & { k: 'fnptr' },
  expr: TypeExpr & { kind: 'fnptr' },
  env: PlanEnv,
): ParamPlan | null {
  if (ty.variadic || expr.fn.params.length !== ty.params.length) return null;
  const args = ty.params.map((p, i) => callbackArg(p, env.src(expr.fn.params[i]), `a${i}`));
  if (args.some((a) => a === null)) return null;
  const ret = isUnit(ty.ret)
    ? null
    : ty.ret.k === 'prim' && !['char', 'str', '!'].includes(ty.ret.name)
      ? env.src(expr.fn.ret!)
      : undefined;
  if (ret === undefined) return null;
  const cFn = `extern "C" fn(${args.flatMap((a) => a!.cTypes).join(', ')})${ret ? ` -> ${ret}` : ''}`;
  const base = `${snake(env.label)}_${name}`;
  const slot = typeName(`${base.toUpperCase()}_CALLBACK`, env);
  const trampoline = typeName(`${base}_trampoline`, env);
  const rustParams = ty.params.map((_, i) => `a${i}: ${env.src(expr.fn.params[i])}`).join(', ');
  const call = `cb(${args.flatMap((a) => a!.pass).join(', ')})`;
  env.items.set(slot, {
    key: slot,
    text: [
      'thread_local! {',
      `    /// The C callback of the running shim, for \`${trampoline}\`.`,
      `    static ${slot}: std::cell::Cell<Option<${cFn}>> = const { std::cell::Cell::new(None) };`,
      '}',
      '',
      `/// Calls the running shim's C callback with C types.`,
      `fn ${trampoline}(${rustParams})${ret ? ` -> ${ret}` : ''} {`,
      ...(ret
        ? [`    ${slot}.with(|cb| cb.get().map_or(Default::default(), |cb| ${call}))`]
        : [
            `    ${slot}.with(|cb| {`,
            '        if let Some(cb) = cb.get() {',
            `            ${call};`,
            '        }',
            '    });',
          ]),
      '}',
    ].join('\n'),
  });
  const guard = `Restore${camel(name)}`;
  return {
    cParams: [`${name}: Option<${cFn}>`],
    prologue: [
      `let Some(${name}) = ${name} else {\n    return {ERR};\n};`,
      `struct ${guard}(Option<${cFn}>);\nimpl Drop for ${guard} {\n    fn drop(&mut self) {\n        ${slot}.with(|cb| cb.set(self.0));\n    }\n}\nlet _restore = ${guard}(${slot}.with(|cell| cell.replace(Some(${name}))));`,
    ],
    arg: trampoline,
    fallible: true,
    safety: `\`${name}\` is called only during this call, on this thread; null is rejected.`,
  };
}

export function planParam(
  name: string,
  writtenExpr: TypeExpr,
  checked: CheckedType | undefined,
  env: PlanEnv,
): ParamPlan | null {
  const written = env.src(writtenExpr);
  if (!checked || checked.verdict.kind === 'safe')
    return { cParams: [`${name}: ${written}`], prologue: [], arg: name, fallible: false, safety: null };
  const ty = checked.ty;
  const expr = expandAlias(writtenExpr, env);
  const nullCheck = `if ${name}.is_null() {\n    return {ERR};\n}`;
  const cstr = `let Ok(${name}) = unsafe { std::ffi::CStr::from_ptr(${name}) }.to_str() else {\n    return {ERR};\n};`;
  const cstrSafety = `\`${name}\` must be null or point to a NUL-terminated string that stays valid during the call.`;
  const fromStr = fromText(ty, name);
  const isStr = fromStr === name;
  const isString = fromStr !== null && !isStr;
  const owned = `let ${name} = ${fromStr};`;
  if ((isStr || isString) && env.options.strAsPtrLen) {
    env.used.add('strAsPtrLen');
    return {
      cParams: [`${name}: *const u8`, `${name}_len: usize`],
      prologue: [
        `let ${name}: &str = if ${name}_len == 0 {\n    ""\n} else if ${name}.is_null() {\n    return {ERR};\n} else {\n    let Ok(${name}) = std::str::from_utf8(unsafe { std::slice::from_raw_parts(${name}, ${name}_len) }) else {\n        return {ERR};\n    };\n    ${name}\n};`,
        ...(isString ? [owned] : []),
      ],
      arg: name,
      fallible: true,
      safety: `\`${name}\` must be null or point to \`${name}_len\` bytes of UTF-8 (no NUL needed) that stay valid during the call.`,
    };
  }
  if (isStr) {
    return {
      cParams: [`${name}: *const ${C_CHAR}`],
      prologue: [nullCheck, cstr],
      arg: name,
      fallible: true,
      safety: cstrSafety,
    };
  }
  if (isString) {
    return {
      cParams: [`${name}: *const ${C_CHAR}`],
      prologue: [nullCheck, cstr, owned],
      arg: name,
      fallible: true,
      safety: cstrSafety,
    };
  }
  const cstrIn = ty.k === 'ref' && !ty.mutable && isStd(ty.inner, 'CStr');
  if (cstrIn || isStd(ty, 'CString')) {
    return {
      cParams: [`${name}: *const ${C_CHAR}`],
      prologue: [
        nullCheck,
        `let ${name} = unsafe { std::ffi::CStr::from_ptr(${name}) }${cstrIn ? '' : '.to_owned()'};`,
      ],
      arg: name,
      fallible: true,
      safety: cstrSafety,
    };
  }
  if (ty.k === 'array' && elementIsSafe(ty.inner) && expr.kind === 'array') {
    // C passes arrays as a pointer to their first element.
    const elem = env.src(expr.inner);
    return {
      cParams: [`${name}: *const ${elem}`],
      prologue: [nullCheck, `let ${name}: ${written} = unsafe { ${name}.cast::<${written}>().read() };`],
      arg: name,
      fallible: true,
      safety: `\`${name}\` must be null or point to ${ty.len} initialised elements, which are copied.`,
    };
  }
  if (ty.k === 'array' && ty.inner.k === 'prim' && ty.inner.name === 'char' && expr.kind === 'array') {
    // `[char; N]`: N `u32`s, each checked to be a Unicode scalar value.
    return {
      cParams: [`${name}: *const u32`],
      prologue: [
        nullCheck,
        `let ${name}: [u32; ${expr.length}] = unsafe { ${name}.cast::<[u32; ${expr.length}]>().read() };`,
        `let mut ${name}_chars = ['\\0'; ${expr.length}];\nfor (c, &u) in ${name}_chars.iter_mut().zip(${name}.iter()) {\n    let Some(u) = std::primitive::char::from_u32(u) else {\n        return {ERR};\n    };\n    *c = u;\n}`,
      ],
      arg: `${name}_chars`,
      fallible: true,
      safety: `\`${name}\` must be null or point to ${ty.len} \`u32\`s, each a Unicode scalar value (else the call is rejected).`,
    };
  }
  if (ty.k === 'ref' && ty.inner.k === 'slice' && elementIsSafe(ty.inner.inner)) {
    const elem = expr.kind === 'ref' && expr.inner.kind === 'slice' ? env.src(expr.inner.inner) : null;
    if (!elem) return null;
    const mut = ty.mutable;
    return {
      cParams: [`${name}: *${mut ? 'mut' : 'const'} ${elem}`, `${name}_len: usize`],
      prologue: [
        `let ${name}: &${mut ? 'mut ' : ''}[${elem}] = if ${name}_len == 0 {\n    &${mut ? 'mut ' : ''}[]\n} else if ${name}.is_null() {\n    return {ERR};\n} else {\n    unsafe { std::slice::from_raw_parts${mut ? '_mut' : ''}(${name}, ${name}_len) }\n};`,
      ],
      arg: name,
      fallible: true,
      safety: `\`${name}\` must be null or point to \`${name}_len\` initialised elements${mut ? ' that nothing else accesses' : ''} during the call.`,
    };
  }
  const strings = stringList(name, ty) ?? sliceList(name, ty);
  if (strings) return strings;
  const boxedSlice = ty.k === 'adt' && isStd(ty, 'Box') && ty.args[0]?.k === 'slice' && elementIsSafe(ty.args[0].inner);
  if (ty.k === 'adt' && ((isStd(ty, 'Vec') && ty.args[0] && elementIsSafe(ty.args[0])) || boxedSlice)) {
    const arg = boxedSlice ? boxArg(expr) : null;
    const elem = boxedSlice ? (arg?.kind === 'slice' ? env.src(arg.inner) : null) : genericArg(expr, 0, env);
    const elemTy = boxedSlice && ty.args[0].k === 'slice' ? ty.args[0].inner : ty.args[0];
    if (!elem) return null;
    // Primitives and pointers are copied; other elements (a struct without `Clone`) are moved out bit for bit.
    const copied = ['prim', 'ptr', 'fnptr'].includes(elemTy.k);
    const collect = copied
      ? `unsafe { std::slice::from_raw_parts(${name}, ${name}_len) }.to_vec()`
      : `(0..${name}_len).map(|i| unsafe { ${name}.add(i).read() }).collect()`;
    return {
      cParams: [`${name}: *const ${elem}`, `${name}_len: usize`],
      prologue: [
        `let ${name}: std::vec::Vec<${elem}> = if ${name}_len == 0 {\n    std::vec::Vec::new()\n} else if ${name}.is_null() {\n    return {ERR};\n} else {\n    ${collect}\n};`,
        ...(boxedSlice ? [`let ${name} = ${name}.into_boxed_slice();`] : []),
      ],
      arg: name,
      fallible: true,
      safety: copied
        ? `\`${name}\` must be null or point to \`${name}_len\` initialised elements (they are copied).`
        : `\`${name}\` must be null or point to \`${name}_len\` initialised elements, which move into the call: the caller must not use or free what they own afterwards.`,
    };
  }
  if (ty.k === 'fnptr' && (ty.abi === null || ty.abi === 'Rust') && expr.kind === 'fnptr') {
    const plan = callbackTrampoline(name, ty, expr, env);
    if (plan) return plan;
  }
  if (ty.k === 'prim' && ty.name === 'char') {
    return {
      cParams: [`${name}: u32`],
      prologue: [`let Some(${name}) = std::primitive::char::from_u32(${name}) else {\n    return {ERR};\n};`],
      arg: name,
      fallible: true,
      safety: null,
    };
  }
  if (
    ty.k === 'adt' &&
    isOptionOrResult(ty) &&
    ty.k === 'adt' &&
    isStd(ty, 'Option') &&
    ty.args[0] &&
    elementIsSafe(ty.args[0])
  ) {
    const inner = genericArg(expr, 0, env);
    if (!inner) return null;
    if (env.options.tagged) {
      const tagged = taggedType(FFI_OPTION, env);
      return {
        cParams: [`${name}: ${tagged}<${inner}>`],
        prologue: [`let ${name}: ${written} = ${name}.into();`],
        arg: name,
        fallible: false,
        safety: null,
      };
    }
    return {
      cParams: [`${name}: *const ${inner}`],
      prologue: [`let ${name} = if ${name}.is_null() {\n    None\n} else {\n    Some(unsafe { ${name}.read() })\n};`],
      arg: name,
      fallible: false,
      safety: `\`${name}\` must be null (None) or point to a valid \`${inner}\`, which is read once.`,
    };
  }
  if (ty.k === 'tuple' && expr.kind === 'tuple' && ty.elems.length && ty.elems.every(elementIsSafe)) {
    const struct = typeName(`${env.label}${camel(name)}`, env);
    const item = tupleStruct(struct, expr.elems.map(env.src), `Parameter \`${name}\``);
    env.items.set(item.key, item);
    return {
      cParams: [`${name}: ${struct}`],
      prologue: [`let ${name}: ${written} = ${name}.into();`],
      arg: name,
      fallible: false,
      safety: null,
    };
  }
  const converted =
    ty.k === 'tuple' && expr.kind === 'tuple' && ty.elems.length
      ? tupleConv(ty, expr, `${env.label}${camel(name)}`, `Parameter \`${name}\``, env)
      : null;
  if (converted) {
    return {
      cParams: [`${name}: ${converted.c}`],
      prologue: [
        converted.fallible
          ? `let Ok(${name}) = <${converted.rust} as std::convert::TryFrom<_>>::try_from(${name}) else {\n    return {ERR};\n};`
          : `let ${name}: ${converted.rust} = ${name}.into();`,
      ],
      arg: name,
      fallible: converted.fallible,
      safety: converted.fallible
        ? `Every \`char\` in \`${name}\` must be a Unicode scalar value (else the call is rejected).`
        : null,
    };
  }
  const more =
    zeroSizedParam(name, ty, written, env) ??
    unsizedParam(name, ty, expr, env) ??
    optionParam(name, ty, expr, env) ??
    resultParam(name, ty, expr, written, env) ??
    handleParam(name, ty, oneLine(written));
  if (more) return more;
  const closure = ty.k === 'ref' && ty.inner.k === 'dyn' ? closureParam(name, ty.inner.text, ty.mutable) : null;
  if (closure) return closure;
  // A raw trait-object pointer is handed over like a reference: a handle this library returned.
  if ((ty.k === 'ref' || ty.k === 'ptr') && ty.inner.k === 'dyn' && (expr.kind === 'ref' || expr.kind === 'ptr')) {
    const t = traitOf(ty.inner.text, env.walk);
    if (!t) return null;
    const dyn = env.src(expr.inner);
    const mut = ty.mutable;
    return {
      cParams: [`${name}: *${mut ? 'mut' : 'const'} ${C_VOID}`],
      prologue: [
        `let Some(${name}) = (unsafe { ${name}.cast::<std::boxed::Box<${dyn}>>().${mut ? 'as_mut' : 'as_ref'}() }) else {\n    return {ERR};\n};`,
      ],
      arg: `&${mut ? 'mut ' : ''}**${name}`,
      fallible: true,
      safety: `\`${name}\` must be null or a live \`${t.name}\` handle returned by this library${mut ? ', not used elsewhere during the call' : ''}.`,
    };
  }
  return null;
}

/**
 * `&[&[u8]]` (a batch of buffers, as `writev` takes them): an array of pointers, an array of their lengths,
 * and the count.
 */
export function sliceList(name: string, ty: Ty): ParamPlan | null {
  if (!(ty.k === 'ref' && !ty.mutable && ty.inner.k === 'slice')) return null;
  const each = ty.inner.inner;
  if (!(
    each.k === 'ref' &&
    !each.mutable &&
    each.inner.k === 'slice' &&
    each.inner.inner.k === 'prim' &&
    elementIsSafe(each.inner.inner)
  ))
    return null;
  const elem = each.inner.inner.name;
  const len = `${name}_len`;
  const lens = `${name}_lens`;
  const items = `${name}_items`;
  return {
    cParams: [`${name}: *const *const ${elem}`, `${lens}: *const usize`, `${len}: usize`],
    prologue: [
      `let (${name}, ${lens}): (&[*const ${elem}], &[usize]) = if ${len} == 0 {\n    (&[], &[])\n} else if ${name}.is_null() || ${lens}.is_null() {\n    return {ERR};\n} else {\n    unsafe { (std::slice::from_raw_parts(${name}, ${len}), std::slice::from_raw_parts(${lens}, ${len})) }\n};`,
      `let mut ${items}: std::vec::Vec<&[${elem}]> = std::vec::Vec::with_capacity(${len});`,
      `for (&p, &n) in ${name}.iter().zip(${lens}) {\n    if n == 0 {\n        ${items}.push(&[]);\n    } else if p.is_null() {\n        return {ERR};\n    } else {\n        ${items}.push(unsafe { std::slice::from_raw_parts(p, n) });\n    }\n}`,
    ],
    arg: `&${items}`,
    fallible: true,
    safety: `\`${name}\` and \`${lens}\` must be null or point to \`${len}\` buffer pointers and their lengths; each buffer must hold its length in elements, all valid during the call.`,
  };
}

/**
 * `&[&str]`, `&[String]`, `Vec<&str>`, `Vec<String>`: an array of C strings and its length, as `argv`
 * and `argc` are passed; each string is null and UTF-8 checked.
 */
export function stringList(name: string, ty: Ty): ParamPlan | null {
  const list =
    ty.k === 'ref' && !ty.mutable && ty.inner.k === 'slice'
      ? ty.inner.inner
      : ty.k === 'adt' && isStd(ty, 'Vec')
        ? ty.args[0]
        : null;
  if (!list) return null;
  const owned = isStd(list, 'String');
  if (!owned && !(list.k === 'ref' && !list.mutable && list.inner.k === 'prim' && list.inner.name === 'str'))
    return null;
  const len = `${name}_len`;
  const items = `${name}_items`;
  return {
    cParams: [`${name}: *const *const ${C_CHAR}`, `${len}: usize`],
    prologue: [
      `let ${name}: &[*const ${C_CHAR}] = if ${len} == 0 {\n    &[]\n} else if ${name}.is_null() {\n    return {ERR};\n} else {\n    unsafe { std::slice::from_raw_parts(${name}, ${len}) }\n};`,
      `let mut ${items} = std::vec::Vec::with_capacity(${name}.len());`,
      `for &item in ${name} {\n    if item.is_null() {\n        return {ERR};\n    }\n    let Ok(item) = unsafe { std::ffi::CStr::from_ptr(item) }.to_str() else {\n        return {ERR};\n    };\n    ${items}.push(item${owned ? '.to_owned()' : ''});\n}`,
    ],
    arg: ty.k === 'ref' ? `&${items}` : items,
    fallible: true,
    safety: `\`${name}\` must be null or point to \`${len}\` pointers to NUL-terminated strings, all valid during the call.`,
  };
}

/**
 * How a string type is made from `name: &str`: `name` itself for `&str`; owned strings are built from a
 * copy of C's text (C keeps its buffer); paths and OS strings from UTF-8 text, which every platform accepts.
 * Null for other types.
 */
export function fromText(ty: Ty, name: string): string | null {
  if (ty.k === 'ref' && !ty.mutable) {
    if (ty.inner.k === 'prim' && ty.inner.name === 'str') return name;
    if (isStd(ty.inner, 'OsStr')) return `std::ffi::OsStr::new(${name})`;
    if (isStd(ty.inner, 'Path')) return `std::path::Path::new(${name})`;
    return null;
  }
  if (isStd(ty, 'String')) return `${name}.to_owned()`;
  if (ty.k === 'adt' && isStd(ty, 'Box') && ty.args[0]?.k === 'prim' && ty.args[0].name === 'str')
    return `std::boxed::Box::<str>::from(${name})`;
  if (isStd(ty, 'OsString')) return `std::ffi::OsString::from(${name})`;
  if (isStd(ty, 'PathBuf')) return `std::path::PathBuf::from(${name})`;
  return null;
}

/**
 * A zero-sized value carries nothing C could pass: the shim drops the parameter and builds the value
 * itself. Only for values it can build: `()`, `PhantomData`, and structs whose fields are all such values
 * (a struct with fields only when it is defined in the shim's module, where they are visible).
 */
export function zeroSizedParam(name: string, ty: Ty, written: string, env: PlanEnv): ParamPlan | null {
  const value = zeroSizedValue(ty, written, env, 0);
  return value === null
    ? null
    : { cParams: [], prologue: [`let ${name} = ${value};`], arg: name, fallible: false, safety: null };
}

export function zeroSizedValue(ty: Ty, written: string | null, env: PlanEnv, depth: number): string | null {
  if (depth > 8 || !is1Zst(ty)) return null;
  if (isUnit(ty)) return '()';
  if (ty.k !== 'adt') return null;
  if (ty.def.source === 'std') {
    if (ty.def.name === 'PhantomPinned') return 'std::marker::PhantomPinned';
    return ty.def.category === 'phantom' ? 'std::marker::PhantomData' : null;
  }
  const item = ty.def.item;
  if (item.kind !== 'struct' || (item.fields.length && ty.def.module !== env.walk.module)) return null;
  // A struct expression names the type without its generic arguments, which the call infers.
  const path =
    written && /^[\w:]+(<.*>)?$/s.test(written)
      ? written.replace(/<.*$/s, '').trim()
      : ty.def.module === env.walk.module
        ? item.name
        : null;
  if (!path) return null;
  const fields = adtShape(ty).variants[0];
  const values = fields.map((f) => zeroSizedValue(f.ty, null, env, depth + 1));
  if (values.some((v) => v === null)) return null;
  const names = item.fields.map((f, i) => f.name ?? String(i));
  return `${path} {${values.length ? ` ${values.map((v, i) => `${names[i]}: ${v}`).join(', ')} ` : ''}}`;
}

/**
 * Unsized pointees as pointer + length: `&mut str` (UTF-8 checked), raw `*const str` / `*const [T]`
 * (rebuilt unchecked, as raw pointers are), and a `Box<dyn Trait>` handle given back to the library.
 */
export function unsizedParam(name: string, ty: Ty, expr: TypeExpr, env: PlanEnv): ParamPlan | null {
  const len = `${name}_len`;
  if (ty.k === 'ref' && ty.mutable && ty.inner.k === 'prim' && ty.inner.name === 'str') {
    return {
      cParams: [`${name}: *mut u8`, `${len}: usize`],
      prologue: [
        `let ${name}: &mut [u8] = if ${len} == 0 {\n    &mut []\n} else if ${name}.is_null() {\n    return {ERR};\n} else {\n    unsafe { std::slice::from_raw_parts_mut(${name}, ${len}) }\n};`,
        `let Ok(${name}) = std::str::from_utf8_mut(${name}) else {\n    return {ERR};\n};`,
      ],
      arg: name,
      fallible: true,
      safety: `\`${name}\` must be null or point to \`${len}\` bytes of UTF-8 that nothing else accesses during the call.`,
    };
  }
  if (ty.k === 'ptr' && (ty.inner.k === 'slice' || (ty.inner.k === 'prim' && ty.inner.name === 'str'))) {
    const isStr = ty.inner.k === 'prim';
    const elem = isStr
      ? 'u8'
      : ty.inner.k === 'slice' && elementIsSafe(ty.inner.inner)
        ? rustText(ty.inner.inner, sliceElem(pointee(expr)), env)
        : null;
    if (!elem) return null;
    const m = ty.mutable ? 'mut' : 'const';
    const raw = `std::ptr::slice_from_raw_parts${ty.mutable ? '_mut' : ''}(${name}, ${len})`;
    return {
      cParams: [`${name}: *${m} ${elem}`, `${len}: usize`],
      prologue: [`let ${name} = ${isStr ? `${raw} as *${m} str` : raw};`],
      arg: name,
      fallible: false,
      safety: `\`${name}\` and \`${len}\` are passed on as one raw pointer; they must be valid as the function expects.`,
    };
  }
  if (isStd(ty, 'Box') && ty.k === 'adt' && ty.args[0]?.k === 'dyn') {
    const arg = boxArg(expr);
    const t = traitOf(ty.args[0].text, env.walk);
    if (!arg || !t) return null;
    return {
      cParams: [`${name}: *mut ${C_VOID}`],
      prologue: [`if ${name}.is_null() {\n    return {ERR};\n}`],
      arg: `*unsafe { std::boxed::Box::from_raw(${name}.cast::<std::boxed::Box<${env.src(arg)}>>()) }`,
      fallible: true,
      safety: `\`${name}\` must be null or a \`${t.name}\` handle returned by this library, not yet freed; the call takes it over (it must not be used or freed afterwards).`,
    };
  }
  return null;
}

/**
 * `Option<T>` whose `T` travels as a pointer (strings, slices, handles): null is `None`. `Option<char>`
 * travels as a `u32`, where any value that is not a Unicode scalar value is `None`.
 */
export function optionParam(name: string, ty: Ty, expr: TypeExpr, env: PlanEnv): ParamPlan | null {
  if (!(ty.k === 'adt' && isStd(ty, 'Option') && ty.args[0]) || env.options.tagged) return null;
  const inner = ty.args[0];
  if (isUnit(inner))
    return {
      cParams: [`${name}: bool`],
      prologue: [`let ${name} = ${name}.then_some(());`],
      arg: name,
      fallible: false,
      safety: null,
    };
  if (inner.k === 'prim' && inner.name === 'char') {
    return {
      cParams: [`${name}: u32`],
      prologue: [`let ${name} = std::primitive::char::from_u32(${name});`],
      arg: name,
      fallible: false,
      safety: null,
    };
  }
  const innerExpr = stdArgs(expr)?.[0];
  if (!innerExpr) return null;
  if (inner.k === 'fnptr' && (inner.abi === null || inner.abi === 'Rust') && innerExpr.kind === 'fnptr') {
    // An optional Rust callback: a null C callback is `None`, any other one is called through the trampoline.
    const plan = callbackTrampoline(name, inner, innerExpr, env);
    if (!plan) return null;
    return {
      ...plan,
      prologue: plan.prologue
        .slice(1)
        .map((line) => line.replace(`cell.replace(Some(${name}))`, `cell.replace(${name})`)),
      arg: `${name}.map(|_| ${plan.arg} as ${env.src(innerExpr)})`,
      fallible: false,
      safety: `\`${name}\` is called only during this call, on this thread; null is \`None\`.`,
    };
  }
  if (
    inner.k === 'ref' &&
    inner.inner.k === 'slice' &&
    elementIsSafe(inner.inner.inner) &&
    innerExpr.kind === 'ref' &&
    innerExpr.inner.kind === 'slice'
  ) {
    const m = inner.mutable ? 'mut' : 'const';
    return {
      cParams: [`${name}: *${m} ${env.src(innerExpr.inner.inner)}`, `${name}_len: usize`],
      prologue: [
        `let ${name} = if ${name}.is_null() {\n    None\n} else {\n    Some(unsafe { std::slice::from_raw_parts${inner.mutable ? '_mut' : ''}(${name}, ${name}_len) })\n};`,
      ],
      arg: name,
      fallible: false,
      safety: `\`${name}\` must be null (\`None\`) or point to \`${name}_len\` initialised elements${inner.mutable ? ' that nothing else accesses' : ''} during the call.`,
    };
  }
  const plan = planParam(
    name,
    innerExpr,
    {
      expr: innerExpr,
      ty: inner,
      position: 'param',
      mode: 'definition',
      verdict: checkBoundaryType(inner, 'definition', 'param'),
    },
    env,
  );
  if (!plan || !plan.cParams.length || !plan.cParams[0].startsWith(`${name}: *`)) return null;
  const nullCheck = `if ${name}.is_null() {\n    return {ERR};\n}`;
  const convert = plan.prologue.filter((line) => line !== nullCheck);
  const body = [...convert, `Some(${plan.arg})`].join('\n').replace(/^/gm, '    ');
  return {
    cParams: plan.cParams,
    prologue: [`let ${name} = if ${name}.is_null() {\n    None\n} else {\n${body}\n};`],
    arg: name,
    fallible: plan.fallible,
    safety: `${plan.safety ?? ''} Null is \`None\`.`.trim(),
  };
}

/**
 * A `Result` argument: the tagged `FfiResult<T, E>` when both sides are C values; when one side is `()`,
 * a nullable pointer to the other (null is that `()` side); when both are, a flag.
 */
export function resultParam(name: string, ty: Ty, expr: TypeExpr, written: string, env: PlanEnv): ParamPlan | null {
  if (!(ty.k === 'adt' && isStd(ty, 'Result') && ty.args.length === 2)) return null;
  const [ok, err] = ty.args;
  const okText = genericArg(expr, 0, env);
  const errText = genericArg(expr, 1, env);
  if (!okText || !errText || ![ok, err].every((t) => isUnit(t) || elementIsSafe(t))) return null;
  if (isUnit(ok) && isUnit(err)) {
    return {
      cParams: [`${name}: bool`],
      prologue: [`let ${name} = if ${name} { Ok(()) } else { Err(()) };`],
      arg: name,
      fallible: false,
      safety: null,
    };
  }
  if (isUnit(ok) || isUnit(err)) {
    const [some, none] = isUnit(err) ? ['Ok', 'Err'] : ['Err', 'Ok'];
    const pointee = isUnit(err) ? okText : errText;
    return {
      cParams: [`${name}: *const ${pointee}`],
      prologue: [
        `let ${name} = if ${name}.is_null() {\n    ${none}(())\n} else {\n    ${some}(unsafe { ${name}.read() })\n};`,
      ],
      arg: name,
      fallible: false,
      safety: `\`${name}\` must be null (\`${none}(())\`) or point to a valid \`${pointee}\` (\`${some}\`), which is read once.`,
    };
  }
  const tagged = taggedType(FFI_RESULT, env);
  return {
    cParams: [`${name}: ${tagged}<${okText}, ${errText}>`],
    prologue: [`let ${name}: ${written} = ${name}.into();`],
    arg: name,
    fallible: false,
    safety: null,
  };
}

/** A Rust value C cannot hold (a std collection, a struct with Rust fields) travels as an opaque handle. */
export function handleParam(name: string, ty: Ty, written: string): ParamPlan | null {
  if (!isHandleType(ty)) return null;
  return {
    cParams: [`${name}: *mut ${written}`],
    prologue: [`if ${name}.is_null() {\n    return {ERR};\n}`],
    arg: `*unsafe { std::boxed::Box::from_raw(${name}) }`,
    fallible: true,
    safety: `\`${name}\` must be null or a \`${written}\` handle returned by this library, not yet freed; the call takes it over (it must not be used or freed afterwards).`,
  };
}
