#![allow(dead_code)]

/// Calls `visit` with every multiple of `step` below `limit`, and counts the calls it accepted.
#[no_mangle]
pub extern "C" fn multiples(limit: u32, step: u32, visit: &dyn Fn(u32) -> bool) -> u32 {
    (0..limit).step_by(step.max(1) as usize).filter(|&n| visit(n)).count() as u32
}

#[no_mangle]
pub extern "C" fn split_words(text: *const u8, len: usize, sink: &mut dyn FnMut(&str)) {
    let bytes = unsafe { std::slice::from_raw_parts(text, len) };
    for word in String::from_utf8_lossy(bytes).split_whitespace() {
        sink(word);
    }
}
