#![allow(dead_code)]

pub fn sum(xs: &[u32]) -> u64 {
    xs.iter().map(|&x| u64::from(x)).sum()
}

/// C entry point for [`sum`]: the same function with C types at the boundary.
///
/// # Safety
///
/// `xs` must be null or point to `xs_len` initialised elements during the call.
/// `out` must be null or valid for a write. Returns 0, or -1 when an argument is invalid (nothing is written).
#[export_name = "sum_u32"]
pub unsafe extern "C" fn sum_ffi(xs: *const u32, xs_len: usize, out: *mut u64) -> i32 {
    let xs: &[u32] = if xs_len == 0 {
        &[]
    } else if xs.is_null() {
        return -1;
    } else {
        unsafe { std::slice::from_raw_parts(xs, xs_len) }
    };
    let result = sum(xs);
    if !out.is_null() {
        unsafe { out.write(result) };
    }
    0
}

pub fn fill(buf: &mut [u8], value: u8) {
    buf.fill(value);
}

/// C entry point for [`fill`]: the same function with C types at the boundary.
///
/// # Safety
///
/// `buf` must be null or point to `buf_len` initialised elements that nothing else accesses during the call.
#[export_name = "fill"]
pub unsafe extern "C" fn fill_ffi(buf: *mut u8, buf_len: usize, value: u8) {
    let buf: &mut [u8] = if buf_len == 0 {
        &mut []
    } else if buf.is_null() {
        return;
    } else {
        unsafe { std::slice::from_raw_parts_mut(buf, buf_len) }
    };
    fill(buf, value);
}

pub fn total(values: Vec<i32>) {
    let _ = values;
}

/// C entry point for [`total`]: the same function with C types at the boundary.
///
/// # Safety
///
/// `values` must be null or point to `values_len` initialised elements (they are copied).
#[export_name = "total"]
pub unsafe extern "C" fn total_ffi(values: *const i32, values_len: usize) {
    let values: std::vec::Vec<i32> = if values_len == 0 {
        std::vec::Vec::new()
    } else if values.is_null() {
        return;
    } else {
        unsafe { std::slice::from_raw_parts(values, values_len) }.to_vec()
    };
    total(values);
}
