import { tempTree } from './cli';

/**
 * A crate whose every name that reaches an output carries something that output must not take as its
 * own syntax: markup (`<script>`, `<img onerror>`), Markdown (`*`, `_`, `[…](…)`, `|`, backticks), C comment
 * terminators, newlines and other control characters, non-ASCII, `$` and `%`. In folder and file
 * names, doc comments, export and link names, type and field names and string literals.
 */

/** A raw newline, ESC and U+0001 inside Rust string literals (rustc takes them as they are). */
const CONTROL = '\n\u001b[31m\u0001';

export const HOSTILE_DIR = 'src/<b>dir *x* $HOME %s [a](b)';
export const HOSTILE_FILE = `${HOSTILE_DIR}/<img src=x onerror=alert(1)> a b#c?%.rs`;
export const NEWLINE_FILE = 'src/new\nline `tick`.rs';

/** The export and link names the crate declares, exactly (`static` is the exported static's). */
export const HOSTILE_NAMES = {
  export: `evil\`name${CONTROL}split  two<script>alert(1)</script>*/$1%s|x|(y)"q"`,
  ticks: '``triple```tick`',
  space: ' spaced ',
  import: `real<img src=x onerror=alert(2)>${CONTROL}*/`,
  static: 'STATIC: with colon & <b>',
};

export function hostileCrate(): string {
  const n = HOSTILE_NAMES;
  const rust = (s: string): string => s.replace(/\\/g, '\\\\').replace(/"/g, '\\"');
  return tempTree({
    'Cargo.toml':
      '[package]\nname = "hostile"\nversion = "0.1.0"\nedition = "2021"\n\n[lib]\ncrate-type = ["cdylib"]\n',
    'src/lib.rs': `//! Crate doc <script>alert(0)</script> */
#[path = "${HOSTILE_FILE.slice('src/'.length)}"]
mod evil;
#[path = "${rust(NEWLINE_FILE.slice('src/'.length))}"]
mod newline;

/// Doc <script>alert('doc')</script> \`ticks\` *stars* _under_ [link](javascript:alert(1)) | pipe */ $HOME %s ünï \u001b[31m\u0001 end
#[repr(C)]
pub struct Pöint<T> {
    /// Field doc <img src=x onerror=alert(3)>
    pub größe: T,
    pub y: u32,
}

/// <img src=x onerror=alert(4)> \`a\`\`b\` *not emphasis* 100% $PATH
#[export_name = "${rust(n.export)}"]
pub extern "C" fn hostile(p: Pöint<u8>, s: &str) -> u32 {
    let v: Vec<u32> = Vec::new();
    v[0] + s.len() as u32 + "<script>\\"*/ \`\${x}\` %n".len() as u32
}

#[export_name = "${rust(n.ticks)}"]
pub extern "C" fn ticks(x: u32) -> u32 {
    x
}

#[export_name = "${rust(n.space)}"]
pub extern "C" fn spaced() {}

#[export_name = "${rust(n.static)}"]
pub static STATIC_VALUE: u32 = 1;

extern "C" {
    /// Import doc </td></tr><script>alert(5)</script>
    #[link_name = "${rust(n.import)}"]
    fn imported(x: u32) -> u32;
}
`,
    [HOSTILE_FILE]: `/// éé <i>x</i> \`code\` */
#[no_mangle]
pub extern "C" fn in_evil_file(s: &str) {}
`,
    [NEWLINE_FILE]: `#[no_mangle]
pub extern "C" fn in_newline_file(c: char) {}
`,
  });
}
