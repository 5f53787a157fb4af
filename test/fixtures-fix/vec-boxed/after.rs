#![allow(dead_code)]

pub fn label(n: u32) -> Box<str> {
    format!("item #{n}").into_boxed_str()
}

/// C entry point for [`label`]: the same function with C types at the boundary.
///
/// # Safety
///
/// Returns a NUL-terminated string owned by the caller, to be freed with `fixcase_free_string`, or null when an argument is invalid or the text contains a NUL byte.
#[export_name = "label"]
pub unsafe extern "C" fn label_ffi(n: u32) -> *mut std::ffi::c_char {
    let result = std::string::String::from(label(n));
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

pub fn squares(n: u32) -> Box<[u64]> {
    (1..=u64::from(n)).map(|i| i * i).collect()
}

/// C entry point for [`squares`]: the same function with C types at the boundary.
///
/// # Safety
///
/// `out_len` must be null or valid for a write. Returns `*out_len` elements owned by the caller, to be freed with `fixcase_free_u64_array` with the same length, or null when an argument is invalid.
#[export_name = "squares"]
pub unsafe extern "C" fn squares_ffi(n: u32, out_len: *mut usize) -> *mut u64 {
    let result = squares(n);
    if !out_len.is_null() {
        unsafe { out_len.write(result.len()) };
    }
    std::boxed::Box::into_raw(result).cast::<u64>()
}

/// Frees an array of `u64` returned by this library.
///
/// # Safety
///
/// `ptr` and `len` must be a pointer and length returned together by this library, not yet freed.
#[no_mangle]
pub unsafe extern "C" fn fixcase_free_u64_array(ptr: *mut u64, len: usize) {
    if !ptr.is_null() {
        drop(unsafe { std::boxed::Box::from_raw(std::ptr::slice_from_raw_parts_mut(ptr, len)) });
    }
}
