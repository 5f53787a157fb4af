// The shim keeps the ABI the function was exported with.
pub fn count(s: &str) -> usize {
    s.len()
}

/// C entry point for [`count`]: the same function with C types at the boundary.
///
/// # Safety
///
/// `s` must be null or point to a NUL-terminated string that stays valid during the call.
/// `out` must be null or valid for a write. Returns 0, or -1 when an argument is invalid (nothing is written).
#[export_name = "count"]
pub unsafe extern "system" fn count_ffi(s: *const std::ffi::c_char, out: *mut usize) -> i32 {
    if s.is_null() {
        return -1;
    }
    let Ok(s) = unsafe { std::ffi::CStr::from_ptr(s) }.to_str() else {
        return -1;
    };
    let result = count(s);
    if !out.is_null() {
        unsafe { out.write(result) };
    }
    0
}

pub fn parse(s: &str) -> u32 {
    s.parse().unwrap()
}

/// C entry point for [`parse`]: the same function with C types at the boundary.
///
/// # Safety
///
/// `s` must be null or point to a NUL-terminated string that stays valid during the call.
/// `out` must be null or valid for a write. Returns 0, or -1 when an argument is invalid (nothing is written).
#[export_name = "parse"]
pub unsafe extern "C-unwind" fn parse_ffi(s: *const std::ffi::c_char, out: *mut u32) -> i32 {
    if s.is_null() {
        return -1;
    }
    let Ok(s) = unsafe { std::ffi::CStr::from_ptr(s) }.to_str() else {
        return -1;
    };
    let result = parse(s);
    if !out.is_null() {
        unsafe { out.write(result) };
    }
    0
}
