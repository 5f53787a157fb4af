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

pub fn setup() -> u32 {
    // Its shim needs a generated struct: that goes after `setup`, at module level, where other shims see it.
    pub fn nested_span(span: (u32, u32)) -> u32 {
        span.1 - span.0
    }

    /// C entry point for [`nested_span`]: the same function with C types at the boundary.
    ///
    /// # Safety
    ///
    /// Every pointer argument must be valid as its type says.
    #[export_name = "nested_span"]
    pub unsafe extern "C" fn nested_span_ffi(span: NestedSpanSpan) -> u32 {
        let span: (u32, u32) = span.into();
        nested_span(span)
    }
    7
}

/// Parameter `span` as C sees it: the tuple `(u32, u32)` with C's field order and padding.
#[repr(C)]
pub struct NestedSpanSpan {
    pub _0: u32,
    pub _1: u32,
}

impl From<(u32, u32)> for NestedSpanSpan {
    fn from((v0, v1): (u32, u32)) -> Self {
        Self { _0: v0, _1: v1 }
    }
}

impl From<NestedSpanSpan> for (u32, u32) {
    fn from(v: NestedSpanSpan) -> Self {
        (v._0, v._1)
    }
}
