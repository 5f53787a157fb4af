#![allow(dead_code)]
use std::ffi::c_char;

/// Says hello.
pub fn greet(name: &str) {
    println!("hello {name}");
}

/// C entry point for [`greet`]: the same function with C types at the boundary.
///
/// # Safety
///
/// `name` must be null or point to a NUL-terminated string that stays valid during the call.
#[export_name = "greet"]
pub unsafe extern "C" fn greet_ffi(name: *const std::ffi::c_char) {
    if name.is_null() {
        return;
    }
    let Ok(name) = unsafe { std::ffi::CStr::from_ptr(name) }.to_str() else {
        return;
    };
    greet(name);
}

pub fn name_len(prefix: *const c_char, name: &str) -> usize {
    let _ = prefix;
    name.len()
}

/// C entry point for [`name_len`]: the same function with C types at the boundary.
///
/// # Safety
///
/// `name` must be null or point to a NUL-terminated string that stays valid during the call.
/// `out` must be null or valid for a write. Returns 0, or -1 when an argument is invalid (nothing is written).
#[export_name = "name_len"]
pub unsafe extern "C" fn name_len_ffi(prefix: *const c_char, name: *const std::ffi::c_char, out: *mut usize) -> i32 {
    if name.is_null() {
        return -1;
    }
    let Ok(name) = unsafe { std::ffi::CStr::from_ptr(name) }.to_str() else {
        return -1;
    };
    let result = name_len(prefix, name);
    if !out.is_null() {
        unsafe { out.write(result) };
    }
    0
}
