// Comments between `extern` and its ABI string go with the `extern` the shim takes away.
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
pub unsafe extern "C" fn count_ffi(s: *const std::ffi::c_char, out: *mut usize) -> i32 {
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

pub fn first(s: &str) -> u8 {
    s.bytes().next().unwrap_or(0)
}

/// C entry point for [`first`]: the same function with C types at the boundary.
///
/// # Safety
///
/// `s` must be null or point to a NUL-terminated string that stays valid during the call.
/// `out` must be null or valid for a write. Returns 0, or -1 when an argument is invalid (nothing is written).
#[export_name = "first"]
pub unsafe extern "C" fn first_ffi(s: *const std::ffi::c_char, out: *mut u8) -> i32 {
    if s.is_null() {
        return -1;
    }
    let Ok(s) = unsafe { std::ffi::CStr::from_ptr(s) }.to_str() else {
        return -1;
    };
    let result = first(s);
    if !out.is_null() {
        unsafe { out.write(result) };
    }
    0
}
