#![allow(dead_code)]

/// # Safety
///
/// `values` must point to valid `f64`s.
pub unsafe fn raw_len(values: *const [f64]) -> usize {
    values.len()
}

/// C entry point for [`raw_len`]: the same function with C types at the boundary.
///
/// # Safety
///
/// `values` and `values_len` are passed on as one raw pointer; they must be valid as the function expects.
#[export_name = "raw_len"]
pub unsafe extern "C" fn raw_len_ffi(values: *const f64, values_len: usize) -> usize {
    let values = std::ptr::slice_from_raw_parts(values, values_len);
    unsafe { raw_len(values) }
}

pub fn raw_name() -> *const str {
    "ffi-guard"
}

/// C entry point for [`raw_name`]: the same function with C types at the boundary.
///
/// # Safety
///
/// `out_len` must be null or valid for a write. Returns a pointer to `*out_len` elements that the caller borrows (it does not free them).
#[export_name = "raw_name"]
pub unsafe extern "C" fn raw_name_ffi(out_len: *mut usize) -> *const u8 {
    let result = raw_name();
    if !out_len.is_null() {
        unsafe { out_len.write((result as *const [u8]).len()) };
    }
    result.cast::<u8>()
}
