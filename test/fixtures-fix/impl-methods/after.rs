#![allow(dead_code)]

pub struct Counter {
    count: u32,
}

impl Counter {
    pub fn counter_new(start: char) -> Box<Counter> {
        Box::new(Counter { count: start as u32 })
    }

    pub fn counter_label(&self, prefix: &str) -> String {
        format!("{prefix}{}", self.count)
    }

    pub fn counter_add(&mut self, xs: &[u32]) -> u32 {
        self.count += xs.iter().sum::<u32>();
        self.count
    }

    pub fn counter_span(&self, to: u32) -> (u32, u32) {
        (self.count, to)
    }
}

/// C entry point for [`Counter::counter_span`]: the same function with C types at the boundary.
///
/// # Safety
///
/// `this` must be null or point to a valid `Counter` during the call.
/// `out` must be null or valid for a write. Returns 0, or -1 when an argument is invalid (nothing is written).
#[export_name = "counter_span"]
pub unsafe extern "C" fn counter_span_ffi(this: *const Counter, to: u32, out: *mut CounterSpanOutput) -> i32 {
    let Some(this) = (unsafe { this.as_ref() }) else {
        return -1;
    };
    let result = CounterSpanOutput::from(Counter::counter_span(this, to));
    if !out.is_null() {
        unsafe { out.write(result) };
    }
    0
}

/// The return value as C sees it: the tuple `(u32, u32)` with C's field order and padding.
#[repr(C)]
pub struct CounterSpanOutput {
    pub _0: u32,
    pub _1: u32,
}

impl From<(u32, u32)> for CounterSpanOutput {
    fn from((v0, v1): (u32, u32)) -> Self {
        Self { _0: v0, _1: v1 }
    }
}

impl From<CounterSpanOutput> for (u32, u32) {
    fn from(v: CounterSpanOutput) -> Self {
        (v._0, v._1)
    }
}

/// C entry point for [`Counter::counter_add`]: the same function with C types at the boundary.
///
/// # Safety
///
/// `this` must be null or point to a valid `Counter` that nothing else accesses during the call.
/// `xs` must be null or point to `xs_len` initialised elements during the call.
/// `out` must be null or valid for a write. Returns 0, or -1 when an argument is invalid (nothing is written).
#[export_name = "counter_add"]
pub unsafe extern "C" fn counter_add_ffi(this: *mut Counter, xs: *const u32, xs_len: usize, out: *mut u32) -> i32 {
    let Some(this) = (unsafe { this.as_mut() }) else {
        return -1;
    };
    let xs: &[u32] = if xs_len == 0 {
        &[]
    } else if xs.is_null() {
        return -1;
    } else {
        unsafe { std::slice::from_raw_parts(xs, xs_len) }
    };
    let result = Counter::counter_add(this, xs);
    if !out.is_null() {
        unsafe { out.write(result) };
    }
    0
}

/// C entry point for [`Counter::counter_label`]: the same function with C types at the boundary.
///
/// # Safety
///
/// `this` must be null or point to a valid `Counter` during the call.
/// `prefix` must be null or point to a NUL-terminated string that stays valid during the call.
/// Returns a NUL-terminated string owned by the caller, to be freed with `fixcase_free_string`, or null when an argument is invalid or the text contains a NUL byte.
#[export_name = "counter_label"]
pub unsafe extern "C" fn counter_label_ffi(this: *const Counter, prefix: *const std::ffi::c_char) -> *mut std::ffi::c_char {
    let Some(this) = (unsafe { this.as_ref() }) else {
        return std::ptr::null_mut();
    };
    if prefix.is_null() {
        return std::ptr::null_mut();
    }
    let Ok(prefix) = unsafe { std::ffi::CStr::from_ptr(prefix) }.to_str() else {
        return std::ptr::null_mut();
    };
    let result = Counter::counter_label(this, prefix);
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

/// C entry point for [`Counter::counter_new`]: the same function with C types at the boundary.
///
/// # Safety
///
/// `out` must be null or valid for a write. Returns 0, or -1 when an argument is invalid (nothing is written).
#[export_name = "counter_new"]
pub unsafe extern "C" fn counter_new_ffi(start: u32, out: *mut Box<Counter>) -> i32 {
    let Some(start) = std::primitive::char::from_u32(start) else {
        return -1;
    };
    let result = Counter::counter_new(start);
    if !out.is_null() {
        unsafe { out.write(result) };
    }
    0
}
