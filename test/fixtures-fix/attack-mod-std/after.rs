// A local module named `std` shadows the standard library in paths written `std::…`.
#![allow(dead_code)]

mod std {
    pub fn helper() {}
}

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
pub unsafe extern "C" fn count_ffi(s: *const ::std::ffi::c_char, out: *mut usize) -> i32 {
    if s.is_null() {
        return -1;
    }
    let Ok(s) = unsafe { ::std::ffi::CStr::from_ptr(s) }.to_str() else {
        return -1;
    };
    let result = count(s);
    if !out.is_null() {
        unsafe { out.write(result) };
    }
    0
}

pub fn sum(values: &[u32]) -> u32 {
    values.iter().sum()
}

/// C entry point for [`sum`]: the same function with C types at the boundary.
///
/// # Safety
///
/// `values` must be null or point to `values_len` initialised elements during the call.
/// `out` must be null or valid for a write. Returns 0, or -1 when an argument is invalid (nothing is written).
#[export_name = "sum"]
pub unsafe extern "C" fn sum_ffi(values: *const u32, values_len: usize, out: *mut u32) -> i32 {
    let values: &[u32] = if values_len == 0 {
        &[]
    } else if values.is_null() {
        return -1;
    } else {
        unsafe { ::std::slice::from_raw_parts(values, values_len) }
    };
    let result = sum(values);
    if !out.is_null() {
        unsafe { out.write(result) };
    }
    0
}
