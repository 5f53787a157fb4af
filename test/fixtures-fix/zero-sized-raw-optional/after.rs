#![allow(dead_code)]
use std::marker::PhantomData;

/// Zero-sized values carry nothing C could pass: the shim builds them itself.
pub struct Token;
pub struct Marker<T> {
    _kind: PhantomData<T>,
}

pub fn with_token(token: Token, unit: (), x: u32) -> u32 {
    let _ = (token, unit);
    x
}

/// C entry point for [`with_token`]: the same function with C types at the boundary.
///
/// # Safety
///
/// Every pointer argument must be valid as its type says.
#[export_name = "with_token"]
pub unsafe extern "C" fn with_token_ffi(x: u32) -> u32 {
    let token = Token {};
    let unit = ();
    with_token(token, unit, x)
}

pub fn with_marker(marker: Marker<u8>, phantom: PhantomData<u16>) -> Token {
    let _ = (marker, phantom);
    Token
}

/// C entry point for [`with_marker`]: the same function with C types at the boundary.
///
/// # Safety
///
/// Every pointer argument must be valid as its type says.
#[export_name = "with_marker"]
pub unsafe extern "C" fn with_marker_ffi() {
    let marker = Marker { _kind: std::marker::PhantomData };
    let phantom = std::marker::PhantomData;
    with_marker(marker, phantom);
}

/// Unsized pointees: pointer + length.
pub fn shout(text: &mut str) {
    text.make_ascii_uppercase();
}

/// C entry point for [`shout`]: the same function with C types at the boundary.
///
/// # Safety
///
/// `text` must be null or point to `text_len` bytes of UTF-8 that nothing else accesses during the call.
#[export_name = "shout"]
pub unsafe extern "C" fn shout_ffi(text: *mut u8, text_len: usize) {
    let text: &mut [u8] = if text_len == 0 {
        &mut []
    } else if text.is_null() {
        return;
    } else {
        unsafe { std::slice::from_raw_parts_mut(text, text_len) }
    };
    let Ok(text) = std::str::from_utf8_mut(text) else {
        return;
    };
    shout(text);
}

/// # Safety
///
/// `text` must point to a valid `str`.
pub unsafe fn raw_str_len(text: *const str) -> usize {
    unsafe { (&*text).len() }
}

/// C entry point for [`raw_str_len`]: the same function with C types at the boundary.
///
/// # Safety
///
/// `text` and `text_len` are passed on as one raw pointer; they must be valid as the function expects.
#[export_name = "raw_str_len"]
pub unsafe extern "C" fn raw_str_len_ffi(text: *const u8, text_len: usize) -> usize {
    let text = std::ptr::slice_from_raw_parts(text, text_len) as *const str;
    unsafe { raw_str_len(text) }
}

/// # Safety
///
/// `values` must point to a valid slice.
pub unsafe fn raw_first(values: *mut [u32]) -> u32 {
    unsafe { (&*values).first().copied().unwrap_or(0) }
}

/// C entry point for [`raw_first`]: the same function with C types at the boundary.
///
/// # Safety
///
/// `values` and `values_len` are passed on as one raw pointer; they must be valid as the function expects.
#[export_name = "raw_first"]
pub unsafe extern "C" fn raw_first_ffi(values: *mut u32, values_len: usize) -> u32 {
    let values = std::ptr::slice_from_raw_parts_mut(values, values_len);
    unsafe { raw_first(values) }
}

pub fn digits() -> &'static [u8] {
    b"0123456789"
}

/// C entry point for [`digits`]: the same function with C types at the boundary.
///
/// # Safety
///
/// `out_len` must be null or valid for a write. Returns a pointer to `*out_len` elements that the caller borrows (it does not free them).
#[export_name = "digits"]
pub unsafe extern "C" fn digits_ffi(out_len: *mut usize) -> *const u8 {
    let result = digits();
    if !out_len.is_null() {
        unsafe { out_len.write(result.len()) };
    }
    result.as_ptr()
}

pub fn tail(values: *const [u16]) -> *const [u16] {
    values
}

/// C entry point for [`tail`]: the same function with C types at the boundary.
///
/// # Safety
///
/// `values` and `values_len` are passed on as one raw pointer; they must be valid as the function expects.
/// `out_len` must be null or valid for a write. Returns a pointer to `*out_len` elements that the caller borrows (it does not free them).
#[export_name = "tail"]
pub unsafe extern "C" fn tail_ffi(values: *const u16, values_len: usize, out_len: *mut usize) -> *const u16 {
    let values = std::ptr::slice_from_raw_parts(values, values_len);
    let result = tail(values);
    if !out_len.is_null() {
        unsafe { out_len.write(result.len()) };
    }
    result.cast::<u16>()
}

/// Options of pointers: null is `None`.
pub fn greet(name: Option<&str>) -> Option<String> {
    name.map(|n| format!("hello {n}"))
}

/// C entry point for [`greet`]: the same function with C types at the boundary.
///
/// # Safety
///
/// `name` must be null or point to a NUL-terminated string that stays valid during the call. Null is `None`.
/// Returns a NUL-terminated string owned by the caller, to be freed with `fixcase_free_string`, or null when there is none, an argument is invalid or the text contains a NUL byte.
#[export_name = "greet"]
pub unsafe extern "C" fn greet_ffi(name: *const std::ffi::c_char) -> *mut std::ffi::c_char {
    let name = if name.is_null() {
        None
    } else {
        let Ok(name) = unsafe { std::ffi::CStr::from_ptr(name) }.to_str() else {
            return std::ptr::null_mut();
        };
        Some(name)
    };
    let Some(result) = greet(name) else {
        return std::ptr::null_mut();
    };
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

pub fn checksum(bytes: Option<&[u8]>) -> u32 {
    bytes.map_or(0, |b| b.iter().map(|&x| u32::from(x)).sum())
}

/// C entry point for [`checksum`]: the same function with C types at the boundary.
///
/// # Safety
///
/// `bytes` must be null (`None`) or point to `bytes_len` initialised elements during the call.
#[export_name = "checksum"]
pub unsafe extern "C" fn checksum_ffi(bytes: *const u8, bytes_len: usize) -> u32 {
    let bytes = if bytes.is_null() {
        None
    } else {
        Some(unsafe { std::slice::from_raw_parts(bytes, bytes_len) })
    };
    checksum(bytes)
}

pub fn next_char(c: Option<char>) -> Option<char> {
    c.and_then(|c| char::from_u32(c as u32 + 1))
}

/// C entry point for [`next_char`]: the same function with C types at the boundary.
///
/// # Safety
///
/// `out` must be null or valid for a write. Returns true and writes the value when there is one, false otherwise.
#[export_name = "next_char"]
pub unsafe extern "C" fn next_char_ffi(c: u32, out: *mut u32) -> bool {
    let c = std::primitive::char::from_u32(c);
    match next_char(c) {
        Some(value) => {
            if !out.is_null() {
                unsafe { out.write(u32::from(value)) };
            }
            true
        }
        None => false,
    }
}
