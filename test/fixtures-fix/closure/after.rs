#![allow(dead_code)]

/// Calls `visit` with every multiple of `step` below `limit`, and counts the calls it accepted.
pub fn multiples(limit: u32, step: u32, visit: &dyn Fn(u32) -> bool) -> u32 {
    (0..limit).step_by(step.max(1) as usize).filter(|&n| visit(n)).count() as u32
}

/// C entry point for [`multiples`]: the same function with C types at the boundary.
///
/// # Safety
///
/// `visit` is called only during this call, with `visit_data` as its first argument; null is rejected.
/// `out` must be null or valid for a write. Returns 0, or -1 when an argument is invalid (nothing is written).
#[export_name = "multiples"]
pub unsafe extern "C" fn multiples_ffi(limit: u32, step: u32, visit: Option<extern "C" fn(*mut std::ffi::c_void, u32) -> bool>, visit_data: *mut std::ffi::c_void, out: *mut u32) -> i32 {
    let Some(visit) = visit else {
        return -1;
    };
    let visit = |a0: u32| visit(visit_data, a0);
    let result = multiples(limit, step, &visit);
    if !out.is_null() {
        unsafe { out.write(result) };
    }
    0
}

pub fn split_words(text: *const u8, len: usize, sink: &mut dyn FnMut(&str)) {
    let bytes = unsafe { std::slice::from_raw_parts(text, len) };
    for word in String::from_utf8_lossy(bytes).split_whitespace() {
        sink(word);
    }
}

/// C entry point for [`split_words`]: the same function with C types at the boundary.
///
/// # Safety
///
/// `sink` is called only during this call, with `sink_data` as its first argument; null is rejected.
#[export_name = "split_words"]
pub unsafe extern "C" fn split_words_ffi(text: *const u8, len: usize, sink: Option<extern "C" fn(*mut std::ffi::c_void, *const u8, usize)>, sink_data: *mut std::ffi::c_void) {
    let Some(sink) = sink else {
        return;
    };
    let mut sink = |a0: &str| sink(sink_data, a0.as_ptr(), a0.len());
    split_words(text, len, &mut sink);
}
