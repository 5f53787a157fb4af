#![allow(dead_code)]

pub fn version() -> String {
    "1.2.3".to_owned()
}

/// C entry point for [`version`]: the same function with C types at the boundary.
///
/// # Safety
///
/// Returns a NUL-terminated string owned by the caller, to be freed with `fixcase_free_string`, or null when an argument is invalid or the text contains a NUL byte.
#[export_name = "version"]
pub unsafe extern "C" fn version_ffi() -> *mut std::ffi::c_char {
    let result = version();
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

pub fn label(code: u32) -> &'static str {
    if code == 0 { "ok" } else { "error" }
}

/// C entry point for [`label`]: the same function with C types at the boundary.
///
/// # Safety
///
/// Returns a NUL-terminated string owned by the caller, to be freed with `fixcase_free_string`, or null when an argument is invalid or the text contains a NUL byte.
#[export_name = "label"]
pub unsafe extern "C" fn label_ffi(code: u32) -> *mut std::ffi::c_char {
    let result = label(code);
    std::ffi::CString::new(result).map_or(std::ptr::null_mut(), std::ffi::CString::into_raw)
}

pub fn bytes(n: usize) -> Vec<u8> {
    vec![0; n]
}

/// C entry point for [`bytes`]: the same function with C types at the boundary.
///
/// # Safety
///
/// `out_len` must be null or valid for a write. Returns `*out_len` elements owned by the caller, to be freed with `fixcase_free_u8_array` with the same length, or null when an argument is invalid.
#[export_name = "bytes"]
pub unsafe extern "C" fn bytes_ffi(n: usize, out_len: *mut usize) -> *mut u8 {
    let result = bytes(n).into_boxed_slice();
    if !out_len.is_null() {
        unsafe { out_len.write(result.len()) };
    }
    std::boxed::Box::into_raw(result).cast::<u8>()
}

/// Frees an array of `u8` returned by this library.
///
/// # Safety
///
/// `ptr` and `len` must be a pointer and length returned together by this library, not yet freed.
#[no_mangle]
pub unsafe extern "C" fn fixcase_free_u8_array(ptr: *mut u8, len: usize) {
    if !ptr.is_null() {
        drop(unsafe { std::boxed::Box::from_raw(std::ptr::slice_from_raw_parts_mut(ptr, len)) });
    }
}
