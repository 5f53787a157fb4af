// fix-choose: strings as pointer + length
#![allow(dead_code)]

pub fn count_words(text: &str) -> usize {
    text.split_whitespace().count()
}

/// C entry point for [`count_words`]: the same function with C types at the boundary.
///
/// # Safety
///
/// `text` must be null or point to `text_len` bytes of UTF-8 (no NUL needed) that stay valid during the call.
/// `out` must be null or valid for a write. Returns 0, or -1 when an argument is invalid (nothing is written).
#[export_name = "count_words"]
pub unsafe extern "C" fn count_words_ffi(text: *const u8, text_len: usize, out: *mut usize) -> i32 {
    let text: &str = if text_len == 0 {
        ""
    } else if text.is_null() {
        return -1;
    } else {
        let Ok(text) = std::str::from_utf8(unsafe { std::slice::from_raw_parts(text, text_len) }) else {
            return -1;
        };
        text
    };
    let result = count_words(text);
    if !out.is_null() {
        unsafe { out.write(result) };
    }
    0
}

pub fn shout(name: String, times: u32) -> u32 {
    name.to_uppercase().len() as u32 * times
}

/// C entry point for [`shout`]: the same function with C types at the boundary.
///
/// # Safety
///
/// `name` must be null or point to `name_len` bytes of UTF-8 (no NUL needed) that stay valid during the call.
/// `out` must be null or valid for a write. Returns 0, or -1 when an argument is invalid (nothing is written).
#[export_name = "shout"]
pub unsafe extern "C" fn shout_ffi(name: *const u8, name_len: usize, times: u32, out: *mut u32) -> i32 {
    let name: &str = if name_len == 0 {
        ""
    } else if name.is_null() {
        return -1;
    } else {
        let Ok(name) = std::str::from_utf8(unsafe { std::slice::from_raw_parts(name, name_len) }) else {
            return -1;
        };
        name
    };
    let name = name.to_owned();
    let result = shout(name, times);
    if !out.is_null() {
        unsafe { out.write(result) };
    }
    0
}
