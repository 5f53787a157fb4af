import type { Ty } from '../../workspace/types';
import { bindResult, C_CHAR, crateHasFn, isStd, writeOut } from '../shim-plan';
import { helperName } from '../shim-types';
import type { Converter } from './converter';

/**
 * Text: `&str`, `String`, `Box<str>`, `&OsStr`/`OsString` and `&Path`/`PathBuf` arrive as a
 * NUL-terminated C string (`*const c_char`), null and UTF-8 checked, or with the alternative
 * `strAsPtrLen` as `*const u8` plus a length; `&mut str` as `*mut u8` plus a length. Returned, text is a
 * fresh NUL-terminated string C owns and frees with the generated `<crate>_free_string`.
 *
 * ```text
 * pub extern "C" fn greet(name: &str)    →  pub unsafe extern "C" fn greet_ffi(name: *const c_char) {
 *                                                if name.is_null() { return; }
 *                                                let Ok(name) = unsafe { CStr::from_ptr(name) }.to_str() else { return; };
 *                                                greet(name);
 *                                            }
 * pub extern "C" fn version() -> String  →  pub unsafe extern "C" fn version_ffi() -> *mut c_char
 * ```
 */
export const str: Converter = {
  name: 'str',
  param({ name, ty }, env) {
    const fromStr = fromText(ty, name);
    const isStr = fromStr === name;
    const isString = fromStr !== null && !isStr;
    const owned = `let ${name} = ${fromStr};`;
    const nullCheck = `if ${name}.is_null() {\n    return {ERR};\n}`;
    const cstr = `let Ok(${name}) = unsafe { std::ffi::CStr::from_ptr(${name}) }.to_str() else {\n    return {ERR};\n};`;
    const cstrSafety = `\`${name}\` must be null or point to a NUL-terminated string that stays valid during the call.`;
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
    if (ty.k === 'ref' && ty.mutable && ty.inner.k === 'prim' && ty.inner.name === 'str') {
      const len = `${name}_len`;
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
    return undefined;
  },
  ret({ ty }, env) {
    const free = helperName(env.walk, 'free_string');
    if (isStd(ty, 'String')) return { kind: 'owned-string', free, boxed: false };
    if (ty.k === 'ref' && ty.inner.k === 'prim' && ty.inner.name === 'str')
      return { kind: 'owned-string', free, boxed: false };
    if (isStd(ty, 'OsString'))
      return { kind: 'owned-string', free, boxed: false, utf8: (v) => `${v}.into_string().ok()` };
    if (isStd(ty, 'PathBuf'))
      return { kind: 'owned-string', free, boxed: false, utf8: (v) => `${v}.into_os_string().into_string().ok()` };
    if (ty.k === 'ref' && (isStd(ty.inner, 'OsStr') || isStd(ty.inner, 'Path')))
      return { kind: 'owned-string', free, boxed: false, utf8: (v) => `${v}.to_str()` };
    if (ty.k === 'adt' && isStd(ty, 'Box') && ty.args[0]?.k === 'prim' && ty.args[0].name === 'str')
      return { kind: 'owned-string', free, boxed: true };
    return undefined;
  },
  renders: {
    'owned-string': {
      render: (plan, r) => ({
        cParams: [],
        cRet: ` -> *mut ${C_CHAR}`,
        err: 'std::ptr::null_mut()',
        epilogue: [
          ...r.unwrap,
          ...(plan.utf8
            ? [`let Some(result) = ${plan.utf8(r.value)} else {\n    return std::ptr::null_mut();\n};`]
            : bindResult(plan.boxed ? `std::string::String::from(${r.value})` : r.value)),
          `std::ffi::CString::new(result).map_or(std::ptr::null_mut(), std::ffi::CString::into_raw)`,
        ],
        safety: [
          `Returns a NUL-terminated string owned by the caller, to be freed with \`${plan.free}\`, or null when ${plan.optional ? 'there is none, ' : ''}an argument is invalid${plan.utf8 ? ', the text is not UTF-8' : ''} or the text contains a NUL byte.`,
        ],
      }),
      okCType: (plan) => (plan.optional || plan.utf8 ? null : `*mut ${C_CHAR}`),
      writeOk: (plan) => [
        writeOut(
          `std::ffi::CString::new(${plan.boxed ? 'std::string::String::from(value)' : 'value'}).map_or(std::ptr::null_mut(), std::ffi::CString::into_raw)`,
        ),
      ],
      okOwnership: (plan) =>
        ` On success \`*out\` is a NUL-terminated string owned by the caller, to be freed with \`${plan.free}\` (null when the text contains a NUL byte).`,
      helpers: (plan, env) => {
        if (crateHasFn(env.walk, plan.free)) return;
        env.items.set(plan.free, {
          key: plan.free,
          text: [
            '/// Frees a string returned by this library.',
            '///',
            '/// # Safety',
            '///',
            '/// `s` must be null or a pointer returned by this library as an owned string, not yet freed.',
            env.exportAttr(plan.free),
            `pub unsafe extern "C" fn ${plan.free}(s: *mut ${C_CHAR}) {`,
            '    if !s.is_null() {',
            '        drop(unsafe { std::ffi::CString::from_raw(s) });',
            '    }',
            '}',
          ].join('\n'),
        });
      },
    },
  },
};

/**
 * How a string type is made from `name: &str`: `name` itself for `&str`; owned strings are built from a
 * copy of C's text (C keeps its buffer); paths and OS strings from UTF-8 text, which every platform accepts.
 * Null for other types.
 */
function fromText(ty: Ty, name: string): string | null {
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
