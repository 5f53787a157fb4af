#![allow(dead_code)]
// `Result`s whose `Ok` value itself needs converting: a status code, and the converted value written to
// an out-parameter the caller owns afterwards.

pub struct Config {
    pub name: String,
}

pub fn version(major: u32) -> Result<String, String> {
    if major == 0 { Err("no such version".into()) } else { Ok(format!("{major}.0")) }
}

/// C entry point for [`version`]: the same function with C types at the boundary.
///
/// # Safety
///
/// `out` must be null or valid for a write. Returns 0 on success, 1 on error, -1 when an argument is invalid. On success `*out` is a NUL-terminated string owned by the caller, to be freed with `fixcase_free_string` (null when the text contains a NUL byte).
#[export_name = "version"]
pub unsafe extern "C" fn version_ffi(major: u32, out: *mut *mut std::ffi::c_char) -> i32 {
    match version(major) {
        Ok(value) => {
            if !out.is_null() {
                unsafe { out.write(std::ffi::CString::new(value).map_or(std::ptr::null_mut(), std::ffi::CString::into_raw)) };
            }
            0
        }
        Err(_) => 1,
    }
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

pub fn load(name: &str) -> Result<Config, std::io::Error> {
    Ok(Config { name: name.to_owned() })
}

/// C entry point for [`load`]: the same function with C types at the boundary.
///
/// # Safety
///
/// `name` must be null or point to a NUL-terminated string that stays valid during the call.
/// `out` must be null or valid for a write. Returns 0 on success, 1 on error, -1 when an argument is invalid. On success `*out` is a `Config` handle owned by the caller, to be freed once with `fixcase_free_config`.
#[export_name = "load"]
pub unsafe extern "C" fn load_ffi(name: *const std::ffi::c_char, out: *mut *mut Config) -> i32 {
    if name.is_null() {
        return -1;
    }
    let Ok(name) = unsafe { std::ffi::CStr::from_ptr(name) }.to_str() else {
        return -1;
    };
    match load(name) {
        Ok(value) => {
            if !out.is_null() {
                unsafe { out.write(std::boxed::Box::into_raw(std::boxed::Box::new(value))) };
            }
            0
        }
        Err(_) => 1,
    }
}

/// Frees a `Config` handle returned by this library.
///
/// # Safety
///
/// `handle` must be null or a `Config` handle returned by this library, not yet freed; it must not be used afterwards.
#[no_mangle]
pub unsafe extern "C" fn fixcase_free_config(handle: *mut Config) {
    if !handle.is_null() {
        drop(unsafe { std::boxed::Box::from_raw(handle) });
    }
}

pub fn read_all(n: usize) -> Result<Vec<u8>, ()> {
    Ok(vec![7; n])
}

/// C entry point for [`read_all`]: the same function with C types at the boundary.
///
/// # Safety
///
/// `out` and `out_len` must be null or valid for a write. Returns 0 on success, 1 on error, -1 when an argument is invalid. On success `*out` holds `*out_len` elements owned by the caller, to be freed with `fixcase_free_u8_array` with the same length.
#[export_name = "read_all"]
pub unsafe extern "C" fn read_all_ffi(n: usize, out: *mut *mut u8, out_len: *mut usize) -> i32 {
    match read_all(n) {
        Ok(value) => {
            let value = value.into_boxed_slice();
            if !out_len.is_null() {
                unsafe { out_len.write(value.len()) };
            }
            if !out.is_null() {
                unsafe { out.write(std::boxed::Box::into_raw(value).cast::<u8>()) };
            }
            0
        }
        Err(_) => 1,
    }
}

/// Frees an array of `u8` returned by this library.
///
/// # Safety
///
/// `ptr` and `len` must be a pointer and length returned together by this library, not yet freed.
#[no_mangle]
pub unsafe extern "C" fn fixcase_free_u8_array(ptr: *mut u8, len: usize) {
    if !ptr.is_null() {
        drop(unsafe { std::boxed::Box::from_raw(std::ptr::slice_from_raw_parts_mut(ptr, len)) });
    }
}

pub fn bounds(values: &[i32]) -> Result<(i32, i32), i32> {
    let min = values.iter().min().ok_or(-1)?;
    let max = values.iter().max().ok_or(-1)?;
    Ok((*min, *max))
}

/// C entry point for [`bounds`]: the same function with C types at the boundary.
///
/// # Safety
///
/// `values` must be null or point to `values_len` initialised elements during the call.
/// `out` must be null or valid for a write. Returns 0 on success, 1 on error, -1 when an argument is invalid.
#[export_name = "bounds"]
pub unsafe extern "C" fn bounds_ffi(values: *const i32, values_len: usize, out: *mut BoundsOutput) -> i32 {
    let values: &[i32] = if values_len == 0 {
        &[]
    } else if values.is_null() {
        return -1;
    } else {
        unsafe { std::slice::from_raw_parts(values, values_len) }
    };
    match bounds(values) {
        Ok(value) => {
            if !out.is_null() {
                unsafe { out.write(BoundsOutput::from(value)) };
            }
            0
        }
        Err(_) => 1,
    }
}

/// The return value as C sees it: the tuple `(i32, i32)` with C's field order and padding.
#[repr(C)]
pub struct BoundsOutput {
    pub _0: i32,
    pub _1: i32,
}

impl From<(i32, i32)> for BoundsOutput {
    fn from((v0, v1): (i32, i32)) -> Self {
        Self { _0: v0, _1: v1 }
    }
}

impl From<BoundsOutput> for (i32, i32) {
    fn from(v: BoundsOutput) -> Self {
        (v._0, v._1)
    }
}

pub fn initial(word: &str) -> Result<char, ()> {
    word.chars().next().ok_or(())
}

/// C entry point for [`initial`]: the same function with C types at the boundary.
///
/// # Safety
///
/// `word` must be null or point to a NUL-terminated string that stays valid during the call.
/// `out` must be null or valid for a write. Returns 0 on success, 1 on error, -1 when an argument is invalid.
#[export_name = "initial"]
pub unsafe extern "C" fn initial_ffi(word: *const std::ffi::c_char, out: *mut u32) -> i32 {
    if word.is_null() {
        return -1;
    }
    let Ok(word) = unsafe { std::ffi::CStr::from_ptr(word) }.to_str() else {
        return -1;
    };
    match initial(word) {
        Ok(value) => {
            if !out.is_null() {
                unsafe { out.write(u32::from(value)) };
            }
            0
        }
        Err(_) => 1,
    }
}
