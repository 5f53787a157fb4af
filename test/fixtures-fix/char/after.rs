#![allow(dead_code)]

pub fn is_vowel(c: char) -> bool {
    matches!(c.to_ascii_lowercase(), 'a' | 'e' | 'i' | 'o' | 'u')
}

/// C entry point for [`is_vowel`]: the same function with C types at the boundary.
///
/// # Safety
///
/// `out` must be null or valid for a write. Returns 0, or -1 when an argument is invalid (nothing is written).
#[export_name = "is_vowel"]
pub unsafe extern "C" fn is_vowel_ffi(c: u32, out: *mut bool) -> i32 {
    let Some(c) = std::primitive::char::from_u32(c) else {
        return -1;
    };
    let result = is_vowel(c);
    if !out.is_null() {
        unsafe { out.write(result) };
    }
    0
}

pub fn next_letter(n: u32) -> char {
    char::from_u32(u32::from('a') + n % 26).unwrap_or('a')
}

/// C entry point for [`next_letter`]: the same function with C types at the boundary.
///
/// # Safety
///
/// `out` must be null or valid for a write of the character as a `u32`. Returns 0, or -1 when an argument is invalid.
#[export_name = "next_letter"]
pub unsafe extern "C" fn next_letter_ffi(n: u32, out: *mut u32) -> i32 {
    let result = next_letter(n);
    if !out.is_null() {
        unsafe { out.write(u32::from(result)) };
    }
    0
}
