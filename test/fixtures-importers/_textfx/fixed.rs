//! The plugin: two exports take `&str` (one returns a `String`), which `fix` turns into C shims.

#[no_mangle]
pub extern "C" fn textfx_version() -> u32 {
    1
}

pub fn textfx_count(input: &str) -> usize {
    input.split_whitespace().count()
}

/// C entry point for [`textfx_count`]: the same function with C types at the boundary.
///
/// # Safety
///
/// `input` must be null or point to a NUL-terminated string that stays valid during the call.
/// `out` must be null or valid for a write. Returns 0, or -1 when an argument is invalid (nothing is written).
#[export_name = "textfx_count"]
pub unsafe extern "C" fn textfx_count_ffi(input: *const std::ffi::c_char, out: *mut usize) -> i32 {
    if input.is_null() {
        return -1;
    }
    let Ok(input) = unsafe { std::ffi::CStr::from_ptr(input) }.to_str() else {
        return -1;
    };
    let result = textfx_count(input);
    if !out.is_null() {
        unsafe { out.write(result) };
    }
    0
}

pub fn textfx_upper(input: &str) -> String {
    input.to_uppercase()
}

/// C entry point for [`textfx_upper`]: the same function with C types at the boundary.
///
/// # Safety
///
/// `input` must be null or point to a NUL-terminated string that stays valid during the call.
/// Returns a NUL-terminated string owned by the caller, to be freed with `textfx_free_string`, or null when an argument is invalid or the text contains a NUL byte.
#[export_name = "textfx_upper"]
pub unsafe extern "C" fn textfx_upper_ffi(input: *const std::ffi::c_char) -> *mut std::ffi::c_char {
    if input.is_null() {
        return std::ptr::null_mut();
    }
    let Ok(input) = unsafe { std::ffi::CStr::from_ptr(input) }.to_str() else {
        return std::ptr::null_mut();
    };
    let result = textfx_upper(input);
    std::ffi::CString::new(result).map_or(std::ptr::null_mut(), std::ffi::CString::into_raw)
}

/// Frees a string returned by this library.
///
/// # Safety
///
/// `s` must be null or a pointer returned by this library as an owned string, not yet freed.
#[no_mangle]
pub unsafe extern "C" fn textfx_free_string(s: *mut std::ffi::c_char) {
    if !s.is_null() {
        drop(unsafe { std::ffi::CString::from_raw(s) });
    }
}
