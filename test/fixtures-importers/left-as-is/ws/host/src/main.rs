//! Declarations `fix` cannot rewrite safely, left as they are: `abi-mismatch` reports each afterwards,
//! and the fix output says why.

// A macro writes the declaration: the macro is shared by every symbol it declares.
macro_rules! import {
    ($name:ident) => {
        extern "C" {
            fn $name(input: &str) -> usize;
        }
    };
}
import!(textfx_count);

// An alias shared by two symbols: rewriting it for one would break the other.
type StrFn = unsafe extern "C" fn(&str) -> String;

// The declaration lives in a file outside the workspace being fixed.
#[path = "../../../outside/imports.rs"]
mod imports;

pub fn load(lib: &libloading::Library) {
    unsafe {
        let upper: libloading::Symbol<StrFn> = lib.get(b"textfx_upper\0").unwrap();
        let lower: libloading::Symbol<StrFn> = lib.get(b"textfx_lower\0").unwrap();
        println!("{} {}", upper("a"), lower("B"));
    }
}

fn main() {
    let n = unsafe { textfx_count("a b") };
    println!("{n} {}", unsafe { imports::textfx_upper("x") });
}
