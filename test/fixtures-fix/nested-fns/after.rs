#![allow(dead_code)]

pub fn install() -> usize {
    // An exported function defined inside a body gets its shim next to it, in the same block.
    pub fn nested_name_len(name: &str) -> usize {
        name.len()
    }

    /// C entry point for [`nested_name_len`]: the same function with C types at the boundary.
    ///
    /// # Safety
    ///
    /// `name` must be null or point to a NUL-terminated string that stays valid during the call.
    /// `out` must be null or valid for a write. Returns 0, or -1 when an argument is invalid (nothing is written).
    #[export_name = "nested_name_len"]
    pub unsafe extern "C" fn nested_name_len_ffi(name: *const std::ffi::c_char, out: *mut usize) -> i32 {
        if name.is_null() {
            return -1;
        }
        let Ok(name) = unsafe { std::ffi::CStr::from_ptr(name) }.to_str() else {
            return -1;
        };
        let result = nested_name_len(name);
        if !out.is_null() {
            unsafe { out.write(result) };
        }
        0
    }
    let words = ["a", "bc"];
    words.iter().map(|w| w.len()).sum::<usize>()
}

/// Called, and named in turbofish method calls (`.sum::<i64>()`), but never taken as a value.
pub fn sum(values: &[i64]) -> i64 {
    values.iter().sum::<i64>()
}

/// C entry point for [`sum`]: the same function with C types at the boundary.
///
/// # Safety
///
/// `values` must be null or point to `values_len` initialised elements during the call.
/// `out` must be null or valid for a write. Returns 0, or -1 when an argument is invalid (nothing is written).
#[export_name = "sum"]
pub unsafe extern "C" fn sum_ffi(values: *const i64, values_len: usize, out: *mut i64) -> i32 {
    let values: &[i64] = if values_len == 0 {
        &[]
    } else if values.is_null() {
        return -1;
    } else {
        unsafe { std::slice::from_raw_parts(values, values_len) }
    };
    let result = sum(values);
    if !out.is_null() {
        unsafe { out.write(result) };
    }
    0
}

pub fn total() -> i64 {
    let two = sum(&[1, 2]);
    two
}

/// Its name in an attribute is not a use as a value either.
#[must_use]
pub fn must_use(c: char) -> u32 {
    c as u32
}

/// C entry point for [`must_use`]: the same function with C types at the boundary.
///
/// # Safety
///
/// `out` must be null or valid for a write. Returns 0, or -1 when an argument is invalid (nothing is written).
#[export_name = "must_use"]
pub unsafe extern "C" fn must_use_ffi(c: u32, out: *mut u32) -> i32 {
    let Some(c) = std::primitive::char::from_u32(c) else {
        return -1;
    };
    let result = must_use(c);
    if !out.is_null() {
        unsafe { out.write(result) };
    }
    0
}
