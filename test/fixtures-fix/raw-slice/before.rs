#![allow(dead_code)]

/// # Safety
///
/// `values` must point to valid `f64`s.
#[no_mangle]
pub unsafe extern "C" fn raw_len(values: *const [f64]) -> usize {
    values.len()
}

#[no_mangle]
pub extern "C" fn raw_name() -> *const str {
    "ffi-guard"
}
