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

/// An array of a struct without a repr: the struct gets `#[repr(C)]`, then the array its shim.
pub struct Corner {
    pub x: i32,
    pub y: i32,
}

#[no_mangle]
pub extern "C" fn perimeter(corners: [Corner; 2]) -> i32 {
    2 * ((corners[1].x - corners[0].x).abs() + (corners[1].y - corners[0].y).abs())
}
