//! Links the plugin at build time and declares its symbols in an `extern` block, as the plugin's Rust
//! signatures are written: `fix` rewrites each declaration to the C signature the shim exports, and
//! lists the calls below (each marked with the code it becomes by hand).

use std::ffi::{CStr, CString};

#[link(name = "textfx")]
extern "C" {
    fn textfx_version() -> u32;
    fn textfx_count(input: *const std::ffi::c_char, out: *mut usize) -> i32;
    #[link_name = "textfx_upper"]
    fn upper(input: *const std::ffi::c_char) -> *mut std::ffi::c_char;
}

fn main() {
    let text = CString::new("hello plugin world").unwrap();
    println!("version: {}", unsafe { textfx_version() });
    println!("words: {}", unsafe { textfx_count("hello plugin world") }); // after-fix: let mut words = 0usize; unsafe { textfx_count(text.as_ptr(), &mut words) }; println!("words: {words}");
    println!("upper: {}", unsafe { upper("hello plugin world") }); // after-fix: println!("upper: {}", unsafe { CStr::from_ptr(upper(text.as_ptr())) }.to_str().unwrap());
}
