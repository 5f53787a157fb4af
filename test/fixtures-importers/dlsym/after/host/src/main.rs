//! Loads the plugin with `dlopen` and `dlsym`, turning each address into a C function-pointer type with
//! `transmute::<_, T>`: `fix` rewrites `T` (here an alias used for that symbol only) to the C signature the
//! shim exports, and lists the calls below (each marked with the code it becomes by hand).

use std::ffi::{c_char, c_int, c_void, CString};

extern "C" {
    fn dlopen(filename: *const c_char, flag: c_int) -> *mut c_void;
    fn dlsym(handle: *mut c_void, symbol: *const c_char) -> *mut c_void;
}

const RTLD_NOW: c_int = 2;

type Count = unsafe extern "C" fn(input: *const std::ffi::c_char, out: *mut usize) -> i32;

fn main() {
    let path = CString::new(std::env::args().nth(1).expect("usage: host PATH/TO/libtextfx.so")).unwrap();
    let text = CString::new("hello plugin world").unwrap();
    unsafe {
        let plugin = dlopen(path.as_ptr(), RTLD_NOW);
        assert!(!plugin.is_null(), "the plugin could not be loaded");
        let count = std::mem::transmute::<_, Count>(dlsym(plugin, c"textfx_count".as_ptr()));
        println!("words: {}", count("hello plugin world")); // after-fix: let mut words = 0usize; count(text.as_ptr(), &mut words); println!("words: {words}");
    }
}
