// Exports with Rust types at the boundary: `ffi-guard fix` turns each into a Rust function plus a C shim,
// and main.c calls the shims through the header `ffi-guard header` generates.
#![allow(dead_code)]

#[no_mangle]
pub extern "C" fn count_chars(s: &str) -> usize {
    s.chars().count()
}

#[no_mangle]
pub extern "C" fn sum(xs: &[i32]) -> i64 {
    xs.iter().map(|&x| i64::from(x)).sum()
}

#[no_mangle]
pub extern "C" fn greeting(name: &str) -> String {
    format!("hello, {name}")
}

#[no_mangle]
pub extern "C" fn half(x: u32) -> Option<u32> {
    if x % 2 == 0 { Some(x / 2) } else { None }
}

#[no_mangle]
pub extern "C" fn next_char(c: char) -> char {
    char::from_u32(c as u32 + 1).unwrap_or(c)
}

#[no_mangle]
pub extern "C" fn digits(n: u32) -> Vec<u8> {
    n.to_string().into_bytes()
}
