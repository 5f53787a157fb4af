#![allow(dead_code)]
use std::marker::PhantomData;

/// Zero-sized values carry nothing C could pass: the shim builds them itself.
pub struct Token;
pub struct Marker<T> {
    _kind: PhantomData<T>,
}

#[no_mangle]
pub extern "C" fn with_token(token: Token, unit: (), x: u32) -> u32 {
    let _ = (token, unit);
    x
}

#[no_mangle]
pub extern "C" fn with_marker(marker: Marker<u8>, phantom: PhantomData<u16>) -> Token {
    let _ = (marker, phantom);
    Token
}

/// Unsized pointees: pointer + length.
#[no_mangle]
pub extern "C" fn shout(text: &mut str) {
    text.make_ascii_uppercase();
}

/// # Safety
///
/// `text` must point to a valid `str`.
#[no_mangle]
pub unsafe extern "C" fn raw_str_len(text: *const str) -> usize {
    unsafe { (&*text).len() }
}

/// # Safety
///
/// `values` must point to a valid slice.
#[no_mangle]
pub unsafe extern "C" fn raw_first(values: *mut [u32]) -> u32 {
    unsafe { (&*values).first().copied().unwrap_or(0) }
}

#[no_mangle]
pub extern "C" fn digits() -> &'static [u8] {
    b"0123456789"
}

#[no_mangle]
pub extern "C" fn tail(values: *const [u16]) -> *const [u16] {
    values
}

/// Options of pointers: null is `None`.
#[no_mangle]
pub extern "C" fn greet(name: Option<&str>) -> Option<String> {
    name.map(|n| format!("hello {n}"))
}

#[no_mangle]
pub extern "C" fn checksum(bytes: Option<&[u8]>) -> u32 {
    bytes.map_or(0, |b| b.iter().map(|&x| u32::from(x)).sum())
}

#[no_mangle]
pub extern "C" fn next_char(c: Option<char>) -> Option<char> {
    c.and_then(|c| char::from_u32(c as u32 + 1))
}
