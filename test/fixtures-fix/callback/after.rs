#![allow(dead_code)]

pub fn for_each_line(text: &str, visit: fn(&str, usize)) {
    for (i, line) in text.lines().enumerate() {
        visit(line, i);
    }
}

/// C entry point for [`for_each_line`]: the same function with C types at the boundary.
///
/// # Safety
///
/// `text` must be null or point to a NUL-terminated string that stays valid during the call.
/// `visit` is called only during this call, on this thread; null is rejected.
#[export_name = "for_each_line"]
pub unsafe extern "C" fn for_each_line_ffi(text: *const std::ffi::c_char, visit: Option<extern "C" fn(*const u8, usize, usize)>) {
    if text.is_null() {
        return;
    }
    let Ok(text) = unsafe { std::ffi::CStr::from_ptr(text) }.to_str() else {
        return;
    };
    let Some(visit) = visit else {
        return;
    };
    struct RestoreVisit(Option<extern "C" fn(*const u8, usize, usize)>);
    impl Drop for RestoreVisit {
        fn drop(&mut self) {
            FOR_EACH_LINE_VISIT_CALLBACK.with(|cb| cb.set(self.0));
        }
    }
    let _restore = RestoreVisit(FOR_EACH_LINE_VISIT_CALLBACK.with(|cell| cell.replace(Some(visit))));
    for_each_line(text, for_each_line_visit_trampoline);
}

thread_local! {
    /// The C callback of the running shim, for `for_each_line_visit_trampoline`.
    static FOR_EACH_LINE_VISIT_CALLBACK: std::cell::Cell<Option<extern "C" fn(*const u8, usize, usize)>> = const { std::cell::Cell::new(None) };
}

/// Calls the running shim's C callback with C types.
fn for_each_line_visit_trampoline(a0: &str, a1: usize) {
    FOR_EACH_LINE_VISIT_CALLBACK.with(|cb| {
        if let Some(cb) = cb.get() {
            cb(a0.as_ptr(), a0.len(), a1);
        }
    });
}

pub fn sum_with(values: &[i32], weight: fn(i32) -> i64) -> i64 {
    values.iter().map(|&v| weight(v)).sum()
}

/// C entry point for [`sum_with`]: the same function with C types at the boundary.
///
/// # Safety
///
/// `values` must be null or point to `values_len` initialised elements during the call.
/// `weight` is called only during this call, on this thread; null is rejected.
/// `out` must be null or valid for a write. Returns 0, or -1 when an argument is invalid (nothing is written).
#[export_name = "sum_with"]
pub unsafe extern "C" fn sum_with_ffi(values: *const i32, values_len: usize, weight: Option<extern "C" fn(i32) -> i64>, out: *mut i64) -> i32 {
    let values: &[i32] = if values_len == 0 {
        &[]
    } else if values.is_null() {
        return -1;
    } else {
        unsafe { std::slice::from_raw_parts(values, values_len) }
    };
    let Some(weight) = weight else {
        return -1;
    };
    struct RestoreWeight(Option<extern "C" fn(i32) -> i64>);
    impl Drop for RestoreWeight {
        fn drop(&mut self) {
            SUM_WITH_WEIGHT_CALLBACK.with(|cb| cb.set(self.0));
        }
    }
    let _restore = RestoreWeight(SUM_WITH_WEIGHT_CALLBACK.with(|cell| cell.replace(Some(weight))));
    let result = sum_with(values, sum_with_weight_trampoline);
    if !out.is_null() {
        unsafe { out.write(result) };
    }
    0
}

thread_local! {
    /// The C callback of the running shim, for `sum_with_weight_trampoline`.
    static SUM_WITH_WEIGHT_CALLBACK: std::cell::Cell<Option<extern "C" fn(i32) -> i64>> = const { std::cell::Cell::new(None) };
}

/// Calls the running shim's C callback with C types.
fn sum_with_weight_trampoline(a0: i32) -> i64 {
    SUM_WITH_WEIGHT_CALLBACK.with(|cb| cb.get().map_or(Default::default(), |cb| cb(a0)))
}

/// An optional callback: a null C callback is `None`.
pub fn count_words(text: &str, visit: Option<fn(&str, usize)>) -> usize {
    let words: Vec<&str> = text.split(' ').collect();
    if let Some(visit) = visit {
        for (i, w) in words.iter().enumerate() {
            visit(w, i);
        }
    }
    words.len()
}

/// C entry point for [`count_words`]: the same function with C types at the boundary.
///
/// # Safety
///
/// `text` must be null or point to a NUL-terminated string that stays valid during the call.
/// `visit` is called only during this call, on this thread; null is `None`.
/// `out` must be null or valid for a write. Returns 0, or -1 when an argument is invalid (nothing is written).
#[export_name = "count_words"]
pub unsafe extern "C" fn count_words_ffi(text: *const std::ffi::c_char, visit: Option<extern "C" fn(*const u8, usize, usize)>, out: *mut usize) -> i32 {
    if text.is_null() {
        return -1;
    }
    let Ok(text) = unsafe { std::ffi::CStr::from_ptr(text) }.to_str() else {
        return -1;
    };
    struct RestoreVisit(Option<extern "C" fn(*const u8, usize, usize)>);
    impl Drop for RestoreVisit {
        fn drop(&mut self) {
            COUNT_WORDS_VISIT_CALLBACK.with(|cb| cb.set(self.0));
        }
    }
    let _restore = RestoreVisit(COUNT_WORDS_VISIT_CALLBACK.with(|cell| cell.replace(visit)));
    let result = count_words(text, visit.map(|_| count_words_visit_trampoline as fn(&str, usize)));
    if !out.is_null() {
        unsafe { out.write(result) };
    }
    0
}

thread_local! {
    /// The C callback of the running shim, for `count_words_visit_trampoline`.
    static COUNT_WORDS_VISIT_CALLBACK: std::cell::Cell<Option<extern "C" fn(*const u8, usize, usize)>> = const { std::cell::Cell::new(None) };
}

/// Calls the running shim's C callback with C types.
fn count_words_visit_trampoline(a0: &str, a1: usize) {
    COUNT_WORDS_VISIT_CALLBACK.with(|cb| {
        if let Some(cb) = cb.get() {
            cb(a0.as_ptr(), a0.len(), a1);
        }
    });
}

/// Closures: C's callback plus user data.
pub fn each_even(limit: u32, f: &dyn Fn(u32), done: &mut dyn FnMut(&str) -> bool) -> bool {
    for i in (0..limit).step_by(2) {
        f(i);
    }
    done("finished")
}

/// C entry point for [`each_even`]: the same function with C types at the boundary.
///
/// # Safety
///
/// `f` is called only during this call, with `f_data` as its first argument; null is rejected.
/// `done` is called only during this call, with `done_data` as its first argument; null is rejected.
/// `out` must be null or valid for a write. Returns 0, or -1 when an argument is invalid (nothing is written).
#[export_name = "each_even"]
pub unsafe extern "C" fn each_even_ffi(limit: u32, f: Option<extern "C" fn(*mut std::ffi::c_void, u32)>, f_data: *mut std::ffi::c_void, done: Option<extern "C" fn(*mut std::ffi::c_void, *const u8, usize) -> bool>, done_data: *mut std::ffi::c_void, out: *mut bool) -> i32 {
    let Some(f) = f else {
        return -1;
    };
    let f = |a0: u32| f(f_data, a0);
    let Some(done) = done else {
        return -1;
    };
    let mut done = |a0: &str| done(done_data, a0.as_ptr(), a0.len());
    let result = each_even(limit, &f, &mut done);
    if !out.is_null() {
        unsafe { out.write(result) };
    }
    0
}
