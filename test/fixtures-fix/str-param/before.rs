#![allow(dead_code)]
use std::ffi::c_char;

/// Says hello.
#[no_mangle]
pub extern "C" fn greet(name: &str) {
    println!("hello {name}");
}

#[no_mangle]
pub extern "C" fn name_len(prefix: *const c_char, name: &str) -> usize {
    let _ = prefix;
    name.len()
}
