// A `#![no_std]` crate: the shim names `core`, which it has, not `std`.
#![no_std]

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
pub unsafe extern "C" fn count_ffi(s: *const ::core::ffi::c_char, out: *mut usize) -> i32 {
    if s.is_null() {
        return -1;
    }
    let Ok(s) = unsafe { ::core::ffi::CStr::from_ptr(s) }.to_str() else {
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
        unsafe { ::core::slice::from_raw_parts(values, values_len) }
    };
    let result = sum(values);
    if !out.is_null() {
        unsafe { out.write(result) };
    }
    0
}

pub fn parse_digit(c: char) -> Option<u32> {
    c.to_digit(10)
}

/// C entry point for [`parse_digit`]: the same function with C types at the boundary.
///
/// # Safety
///
/// `out` must be null or valid for a write. Returns true and writes the value when there is one, false otherwise.
#[export_name = "parse_digit"]
pub unsafe extern "C" fn parse_digit_ffi(c: u32, out: *mut u32) -> bool {
    let Some(c) = ::core::primitive::char::from_u32(c) else {
        return false;
    };
    match parse_digit(c) {
        Some(value) => {
            if !out.is_null() {
                unsafe { out.write(value) };
            }
            true
        }
        None => false,
    }
}
