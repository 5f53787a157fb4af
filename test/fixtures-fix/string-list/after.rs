#![allow(dead_code)]

/// The number of characters of every word together.
pub fn total_chars(words: &[&str]) -> usize {
    words.iter().map(|w| w.chars().count()).sum()
}

/// C entry point for [`total_chars`]: the same function with C types at the boundary.
///
/// # Safety
///
/// `words` must be null or point to `words_len` pointers to NUL-terminated strings, all valid during the call.
/// `out` must be null or valid for a write. Returns 0, or -1 when an argument is invalid (nothing is written).
#[export_name = "total_chars"]
pub unsafe extern "C" fn total_chars_ffi(words: *const *const std::ffi::c_char, words_len: usize, out: *mut usize) -> i32 {
    let words: &[*const std::ffi::c_char] = if words_len == 0 {
        &[]
    } else if words.is_null() {
        return -1;
    } else {
        unsafe { std::slice::from_raw_parts(words, words_len) }
    };
    let mut words_items = std::vec::Vec::with_capacity(words.len());
    for &item in words {
        if item.is_null() {
            return -1;
        }
        let Ok(item) = unsafe { std::ffi::CStr::from_ptr(item) }.to_str() else {
            return -1;
        };
        words_items.push(item);
    }
    let result = total_chars(&words_items);
    if !out.is_null() {
        unsafe { out.write(result) };
    }
    0
}

pub fn join_lines(lines: Vec<String>) -> usize {
    lines.join("\n").len()
}

/// C entry point for [`join_lines`]: the same function with C types at the boundary.
///
/// # Safety
///
/// `lines` must be null or point to `lines_len` pointers to NUL-terminated strings, all valid during the call.
/// `out` must be null or valid for a write. Returns 0, or -1 when an argument is invalid (nothing is written).
#[export_name = "join_lines"]
pub unsafe extern "C" fn join_lines_ffi(lines: *const *const std::ffi::c_char, lines_len: usize, out: *mut usize) -> i32 {
    let lines: &[*const std::ffi::c_char] = if lines_len == 0 {
        &[]
    } else if lines.is_null() {
        return -1;
    } else {
        unsafe { std::slice::from_raw_parts(lines, lines_len) }
    };
    let mut lines_items = std::vec::Vec::with_capacity(lines.len());
    for &item in lines {
        if item.is_null() {
            return -1;
        }
        let Ok(item) = unsafe { std::ffi::CStr::from_ptr(item) }.to_str() else {
            return -1;
        };
        lines_items.push(item.to_owned());
    }
    let result = join_lines(lines_items);
    if !out.is_null() {
        unsafe { out.write(result) };
    }
    0
}
