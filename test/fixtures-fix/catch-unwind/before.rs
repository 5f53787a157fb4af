use std::ffi::{c_char, c_int, CStr};

/// Parses a decimal number.
///
/// # Safety
///
/// `s` must point to a NUL-terminated string.
#[no_mangle]
pub unsafe extern "C" fn parse(s: *const c_char) -> c_int {
    let text = unsafe { CStr::from_ptr(s) }.to_str().unwrap();
    text.parse().unwrap()
}

#[no_mangle]
pub extern "C" fn nth(values: *const u32, len: usize, i: usize) -> u32 {
    let values = unsafe { std::slice::from_raw_parts(values, len) };
    values[i]
}

#[no_mangle]
pub extern "C" fn check(flag: u8) -> bool {
    assert!(flag < 2);
    flag == 1
}

#[no_mangle]
pub extern "C" fn first(values: *const u8, len: usize) -> *const u8 {
    let values = unsafe { std::slice::from_raw_parts(values, len) };
    &values[0]
}

#[no_mangle]
pub extern "C" fn touch(n: u32) {
    if n > 9 {
        panic!("too big");
    }
}

#[repr(C)]
pub struct Pair {
    pub a: u32,
    pub b: u32,
}

// No error value is obvious for a struct: only C-unwind, the explanation and the comment are offered.
#[no_mangle]
pub extern "C" fn pair(n: u32) -> Pair {
    assert!(n > 0);
    Pair { a: n, b: n }
}
