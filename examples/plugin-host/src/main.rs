//! Loads the `textfx` plugin (a `cdylib`) at run time and calls it through the C ABI, declaring each
//! symbol as the plugin's generated header (`ffi-guard header`) says it is exported, once
//! `ffi-guard fix` has fixed the plugin. Usage: `textfx-host PATH/TO/libtextfx.so TEXT`.

use std::ffi::{c_char, CStr, CString};

use libloading::{Library, Symbol};

type Version = unsafe extern "C" fn() -> u32;
type Count = unsafe extern "C" fn(input: *const c_char, out: *mut usize) -> i32;
type Upper = unsafe extern "C" fn(input: *const c_char) -> *mut c_char;
type FreeString = unsafe extern "C" fn(s: *mut c_char);
type ByteAt = unsafe extern "C" fn(bytes: *const u8, len: usize, n: usize) -> i32;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let (Some(path), Some(text)) = (args.next(), args.next()) else {
        return Err("usage: textfx-host PATH/TO/libtextfx.so TEXT".into());
    };
    let input = CString::new(text.as_str())?;
    // SAFETY: the plugin is a Rust cdylib without initialisation code of its own; each symbol is
    // declared with the C prototype the plugin's header gives it.
    unsafe {
        let plugin = Library::new(&path)?;
        let version: Symbol<Version> = plugin.get(b"textfx_version\0")?;
        if version() != 1 {
            return Err(format!("{path}: plugin interface version {}, this host knows 1", version()).into());
        }
        let count: Symbol<Count> = plugin.get(b"textfx_count\0")?;
        let mut words = 0usize;
        if count(input.as_ptr(), &mut words) != 0 {
            return Err("textfx_count rejected its argument".into());
        }
        println!("words: {words}");
        let upper: Symbol<Upper> = plugin.get(b"textfx_upper\0")?;
        let free_string: Symbol<FreeString> = plugin.get(b"textfx_free_string\0")?;
        let shouted = upper(input.as_ptr());
        if shouted.is_null() {
            return Err("textfx_upper rejected its argument".into());
        }
        println!("upper: {}", CStr::from_ptr(shouted).to_str()?);
        free_string(shouted);
        let byte_at: Symbol<ByteAt> = plugin.get(b"textfx_byte_at\0")?;
        let bytes = text.as_bytes();
        println!("first byte: {}", byte_at(bytes.as_ptr(), bytes.len(), 0));
        // Out of bounds: the plugin panics, catches it and returns -1 instead of aborting this process.
        println!("byte past the end: {}", byte_at(bytes.as_ptr(), bytes.len(), bytes.len()));
    }
    Ok(())
}
