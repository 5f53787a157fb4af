#![allow(dead_code)]
use std::ffi::{CStr, CString};

#[no_mangle]
pub extern "C" fn name_len(name: &CStr) -> usize {
    name.to_bytes().len()
}

#[no_mangle]
pub extern "C" fn shout(text: CString) -> CString {
    CString::new(text.to_string_lossy().to_uppercase()).unwrap_or_default()
}

#[no_mangle]
pub extern "C" fn version() -> &'static CStr {
    c"1.2.3"
}

#[no_mangle]
pub extern "C" fn checksum(block: [u8; 4]) -> u8 {
    block.iter().fold(0, |a, b| a ^ b)
}

#[no_mangle]
pub extern "C" fn identity() -> [u32; 3] {
    [1, 0, 0]
}
