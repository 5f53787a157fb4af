#![allow(dead_code)]
use std::ffi::{CStr, CString};

pub fn name_len(name: &CStr) -> usize {
    name.to_bytes().len()
}

/// C entry point for [`name_len`]: the same function with C types at the boundary.
///
/// # Safety
///
/// `name` must be null or point to a NUL-terminated string that stays valid during the call.
/// `out` must be null or valid for a write. Returns 0, or -1 when an argument is invalid (nothing is written).
#[export_name = "name_len"]
pub unsafe extern "C" fn name_len_ffi(name: *const std::ffi::c_char, out: *mut usize) -> i32 {
    if name.is_null() {
        return -1;
    }
    let name = unsafe { std::ffi::CStr::from_ptr(name) };
    let result = name_len(name);
    if !out.is_null() {
        unsafe { out.write(result) };
    }
    0
}

pub fn shout(text: CString) -> CString {
    CString::new(text.to_string_lossy().to_uppercase()).unwrap_or_default()
}

/// C entry point for [`shout`]: the same function with C types at the boundary.
///
/// # Safety
///
/// `text` must be null or point to a NUL-terminated string that stays valid during the call.
/// Returns a NUL-terminated string owned by the caller, to be freed with `fixcase_free_string`, or null when an argument is invalid or the text contains a NUL byte.
#[export_name = "shout"]
pub unsafe extern "C" fn shout_ffi(text: *const std::ffi::c_char) -> *mut std::ffi::c_char {
    if text.is_null() {
        return std::ptr::null_mut();
    }
    let text = unsafe { std::ffi::CStr::from_ptr(text) }.to_owned();
    let result = shout(text);
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

pub fn version() -> &'static CStr {
    c"1.2.3"
}

/// C entry point for [`version`]: the same function with C types at the boundary.
///
/// # Safety
///
/// Every pointer argument must be valid as its type says.
#[export_name = "version"]
pub unsafe extern "C" fn version_ffi() -> *const std::ffi::c_char {
    version().as_ptr()
}

pub fn checksum(block: [u8; 4]) -> u8 {
    block.iter().fold(0, |a, b| a ^ b)
}

/// C entry point for [`checksum`]: the same function with C types at the boundary.
///
/// # Safety
///
/// `block` must be null or point to 4 initialised elements, which are copied.
/// `out` must be null or valid for a write. Returns 0, or -1 when an argument is invalid (nothing is written).
#[export_name = "checksum"]
pub unsafe extern "C" fn checksum_ffi(block: *const u8, out: *mut u8) -> i32 {
    if block.is_null() {
        return -1;
    }
    let block: [u8; 4] = unsafe { block.cast::<[u8; 4]>().read() };
    let result = checksum(block);
    if !out.is_null() {
        unsafe { out.write(result) };
    }
    0
}

pub fn identity() -> [u32; 3] {
    [1, 0, 0]
}

/// C entry point for [`identity`]: the same function with C types at the boundary.
///
/// # Safety
///
/// `out` must be null or valid for writing 3 elements.
#[export_name = "identity"]
pub unsafe extern "C" fn identity_ffi(out: *mut u32) {
    let result = identity();
    if !out.is_null() {
        unsafe { out.cast::<[u32; 3]>().write(result) };
    }
}

/// An array of a struct without a repr: the struct gets `#[repr(C)]`, then the array its shim.
#[repr(C)]
pub struct Corner {
    pub x: i32,
    pub y: i32,
}

pub fn perimeter(corners: [Corner; 2]) -> i32 {
    2 * ((corners[1].x - corners[0].x).abs() + (corners[1].y - corners[0].y).abs())
}

/// C entry point for [`perimeter`]: the same function with C types at the boundary.
///
/// # Safety
///
/// `corners` must be null or point to 2 initialised elements, which are copied.
/// `out` must be null or valid for a write. Returns 0, or -1 when an argument is invalid (nothing is written).
#[export_name = "perimeter"]
pub unsafe extern "C" fn perimeter_ffi(corners: *const Corner, out: *mut i32) -> i32 {
    if corners.is_null() {
        return -1;
    }
    let corners: [Corner; 2] = unsafe { corners.cast::<[Corner; 2]>().read() };
    let result = perimeter(corners);
    if !out.is_null() {
        unsafe { out.write(result) };
    }
    0
}
