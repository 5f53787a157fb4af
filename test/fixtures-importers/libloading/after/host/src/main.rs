//! Loads the plugin at run time with `libloading`: one symbol through an alias of its fn type (used for
//! that symbol only), one through `Library::get::<T>`. `fix` rewrites both types to the C signatures the
//! shims export, and lists the calls below (each marked with the code it becomes by hand).

use std::ffi::{CStr, CString};

use libloading::{Library, Symbol};

type Version = unsafe extern "C" fn() -> u32;
type Count = unsafe extern "C" fn(input: *const std::ffi::c_char, out: *mut usize) -> i32;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let path = std::env::args().nth(1).ok_or("usage: host PATH/TO/libtextfx.so")?;
    let text = CString::new("hello plugin world")?;
    unsafe {
        let plugin = Library::new(&path)?;
        let version: Symbol<Version> = plugin.get(b"textfx_version\0")?;
        println!("version: {}", version());
        let count: Symbol<Count> = plugin.get(b"textfx_count\0")?;
        println!("words: {}", count("hello plugin world")); // after-fix: let mut words = 0usize; count(text.as_ptr(), &mut words); println!("words: {words}");
        let upper = plugin.get::<unsafe extern "C" fn(input: *const std::ffi::c_char) -> *mut std::ffi::c_char>(b"textfx_upper\0")?;
        println!("upper: {}", upper("hello plugin world")); // after-fix: println!("upper: {}", CStr::from_ptr(upper(text.as_ptr())).to_str()?);
    }
    Ok(())
}
