#![allow(dead_code)]

#[no_mangle]
pub extern "C" fn is_vowel(c: char) -> bool {
    matches!(c.to_ascii_lowercase(), 'a' | 'e' | 'i' | 'o' | 'u')
}

#[no_mangle]
pub extern "C" fn next_letter(n: u32) -> char {
    char::from_u32(u32::from('a') + n % 26).unwrap_or('a')
}
