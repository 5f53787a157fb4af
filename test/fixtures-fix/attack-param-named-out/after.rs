// Parameters named like what the shim generates (`out`, `out_len`) or derived from another parameter's (`s` → `s_len`).
pub fn lookup(out: u32) -> Option<u32> {
    out.checked_mul(2)
}

/// C entry point for [`lookup`]: the same function with C types at the boundary.
///
/// # Safety
///
/// `out` must be null or valid for a write. Returns true and writes the value when there is one, false otherwise.
#[export_name = "lookup"]
pub unsafe extern "C" fn lookup_ffi(out_arg: u32, out: *mut u32) -> bool {
    match lookup(out_arg) {
        Some(value) => {
            if !out.is_null() {
                unsafe { out.write(value) };
            }
            true
        }
        None => false,
    }
}

pub fn prefix(out_len: usize, s: &str) -> &str {
    &s[..out_len.min(s.len())]
}

/// C entry point for [`prefix`]: the same function with C types at the boundary.
///
/// # Safety
///
/// `s` must be null or point to a NUL-terminated string that stays valid during the call.
/// Returns a NUL-terminated string owned by the caller, to be freed with `fixcase_free_string`, or null when an argument is invalid or the text contains a NUL byte.
#[export_name = "prefix"]
pub unsafe extern "C" fn prefix_ffi(out_len_arg: usize, s: *const std::ffi::c_char) -> *mut std::ffi::c_char {
    if s.is_null() {
        return std::ptr::null_mut();
    }
    let Ok(s) = unsafe { std::ffi::CStr::from_ptr(s) }.to_str() else {
        return std::ptr::null_mut();
    };
    let result = prefix(out_len_arg, s);
    std::ffi::CString::new(result).map_or(std::ptr::null_mut(), std::ffi::CString::into_raw)
}

/// Frees a string returned by this library.
///
/// # Safety
///
/// `s` must be null or a pointer returned by this library as an owned string, not yet freed.
#[no_mangle]
pub unsafe extern "C" fn fixcase_free_string(s: *mut std::ffi::c_char) {
    if !s.is_null() {
        drop(unsafe { std::ffi::CString::from_raw(s) });
    }
}

pub fn pair(s: &str, s_len: usize) -> usize {
    s.len() + s_len
}

/// C entry point for [`pair`]: the same function with C types at the boundary.
///
/// # Safety
///
/// `s_arg` must be null or point to a NUL-terminated string that stays valid during the call.
/// `out` must be null or valid for a write. Returns 0, or -1 when an argument is invalid (nothing is written).
#[export_name = "pair"]
pub unsafe extern "C" fn pair_ffi(s_arg: *const std::ffi::c_char, s_len: usize, out: *mut usize) -> i32 {
    if s_arg.is_null() {
        return -1;
    }
    let Ok(s_arg) = unsafe { std::ffi::CStr::from_ptr(s_arg) }.to_str() else {
        return -1;
    };
    let result = pair(s_arg, s_len);
    if !out.is_null() {
        unsafe { out.write(result) };
    }
    0
}
