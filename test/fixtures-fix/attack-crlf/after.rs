// Lines end in CRLF: what a fix inserts ends in CRLF too.
#![allow(dead_code)]

#[repr(C)]
pub struct Point {
    x: i32,
    y: i32,
}

#[no_mangle]
pub extern "C" fn norm(p: Point) -> i32 {
    p.x.abs() + p.y.abs()
}

pub fn greet(name: &str) -> usize {
    name.len()
}

/// C entry point for [`greet`]: the same function with C types at the boundary.
///
/// # Safety
///
/// `name` must be null or point to a NUL-terminated string that stays valid during the call.
/// `out` must be null or valid for a write. Returns 0, or -1 when an argument is invalid (nothing is written).
#[export_name = "greet"]
pub unsafe extern "C" fn greet_ffi(name: *const std::ffi::c_char, out: *mut usize) -> i32 {
    if name.is_null() {
        return -1;
    }
    let Ok(name) = unsafe { std::ffi::CStr::from_ptr(name) }.to_str() else {
        return -1;
    };
    let result = greet(name);
    if !out.is_null() {
        unsafe { out.write(result) };
    }
    0
}
