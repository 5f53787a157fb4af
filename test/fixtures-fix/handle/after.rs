#![allow(dead_code)]
// Values C cannot hold cross as opaque handles: `Box::into_raw` out, `Box::from_raw` back in, and one
// generated free function per type.

use std::collections::HashMap;
use std::time::Duration;

/// A `#[repr(C)]` struct with a Rust field: C cannot build one, but it can hold a handle to it.
#[repr(C)]
pub struct Config {
    pub name: String,
    pub retries: u32,
}

pub trait Plugin {
    fn id(&self) -> u32;
}

pub fn config_new(retries: u32) -> Config {
    Config { name: String::from("default"), retries }
}

/// C entry point for [`config_new`]: the same function with C types at the boundary.
///
/// # Safety
///
/// Returns an opaque handle to a `Config` owned by the caller (null when an argument is invalid): pass it to this library's functions and free it once with `fixcase_free_config`.
#[export_name = "config_new"]
pub unsafe extern "C" fn config_new_ffi(retries: u32) -> *mut Config {
    std::boxed::Box::into_raw(std::boxed::Box::new(config_new(retries)))
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

pub fn config_retries(config: Config) -> u32 {
    config.retries
}

/// C entry point for [`config_retries`]: the same function with C types at the boundary.
///
/// # Safety
///
/// `config` must be null or a `Config` handle returned by this library, not yet freed; the call takes it over (it must not be used or freed afterwards).
/// `out` must be null or valid for a write. Returns 0, or -1 when an argument is invalid (nothing is written).
#[export_name = "config_retries"]
pub unsafe extern "C" fn config_retries_ffi(config: *mut Config, out: *mut u32) -> i32 {
    if config.is_null() {
        return -1;
    }
    let result = config_retries(*unsafe { std::boxed::Box::from_raw(config) });
    if !out.is_null() {
        unsafe { out.write(result) };
    }
    0
}

pub fn counts_new() -> HashMap<u32, u32> {
    HashMap::new()
}

/// C entry point for [`counts_new`]: the same function with C types at the boundary.
///
/// # Safety
///
/// Returns an opaque handle to a `HashMap<u32, u32>` owned by the caller (null when an argument is invalid): pass it to this library's functions and free it once with `fixcase_free_hash_map_u32_u32`.
#[export_name = "counts_new"]
pub unsafe extern "C" fn counts_new_ffi() -> *mut HashMap<u32, u32> {
    std::boxed::Box::into_raw(std::boxed::Box::new(counts_new()))
}

/// Frees a `HashMap<u32, u32>` handle returned by this library.
///
/// # Safety
///
/// `handle` must be null or a `HashMap<u32, u32>` handle returned by this library, not yet freed; it must not be used afterwards.
#[no_mangle]
pub unsafe extern "C" fn fixcase_free_hash_map_u32_u32(handle: *mut HashMap<u32, u32>) {
    if !handle.is_null() {
        drop(unsafe { std::boxed::Box::from_raw(handle) });
    }
}

pub fn counts_len(counts: HashMap<u32, u32>, scale: u32) -> usize {
    counts.len() * scale as usize
}

/// C entry point for [`counts_len`]: the same function with C types at the boundary.
///
/// # Safety
///
/// `counts` must be null or a `HashMap<u32, u32>` handle returned by this library, not yet freed; the call takes it over (it must not be used or freed afterwards).
/// `out` must be null or valid for a write. Returns 0, or -1 when an argument is invalid (nothing is written).
#[export_name = "counts_len"]
pub unsafe extern "C" fn counts_len_ffi(counts: *mut HashMap<u32, u32>, scale: u32, out: *mut usize) -> i32 {
    if counts.is_null() {
        return -1;
    }
    let result = counts_len(*unsafe { std::boxed::Box::from_raw(counts) }, scale);
    if !out.is_null() {
        unsafe { out.write(result) };
    }
    0
}

pub fn maybe_timeout(on: bool) -> Option<Duration> {
    on.then(|| Duration::from_millis(250))
}

/// C entry point for [`maybe_timeout`]: the same function with C types at the boundary.
///
/// # Safety
///
/// Returns an opaque handle to a `Duration` owned by the caller (null when there is none or an argument is invalid): pass it to this library's functions and free it once with `fixcase_free_duration`.
#[export_name = "maybe_timeout"]
pub unsafe extern "C" fn maybe_timeout_ffi(on: bool) -> *mut Duration {
    let Some(result) = maybe_timeout(on) else {
        return std::ptr::null_mut();
    };
    std::boxed::Box::into_raw(std::boxed::Box::new(result))
}

/// Frees a `Duration` handle returned by this library.
///
/// # Safety
///
/// `handle` must be null or a `Duration` handle returned by this library, not yet freed; it must not be used afterwards.
#[no_mangle]
pub unsafe extern "C" fn fixcase_free_duration(handle: *mut Duration) {
    if !handle.is_null() {
        drop(unsafe { std::boxed::Box::from_raw(handle) });
    }
}

pub fn plugin_id(plugin: Box<dyn Plugin>) -> u32 {
    plugin.id()
}

/// C entry point for [`plugin_id`]: the same function with C types at the boundary.
///
/// # Safety
///
/// `plugin` must be null or a `Plugin` handle returned by this library, not yet freed; the call takes it over (it must not be used or freed afterwards).
/// `out` must be null or valid for a write. Returns 0, or -1 when an argument is invalid (nothing is written).
#[export_name = "plugin_id"]
pub unsafe extern "C" fn plugin_id_ffi(plugin: *mut std::ffi::c_void, out: *mut u32) -> i32 {
    if plugin.is_null() {
        return -1;
    }
    let result = plugin_id(*unsafe { std::boxed::Box::from_raw(plugin.cast::<std::boxed::Box<dyn Plugin>>()) });
    if !out.is_null() {
        unsafe { out.write(result) };
    }
    0
}

pub fn title_len(title: Box<str>) -> usize {
    title.len()
}

/// C entry point for [`title_len`]: the same function with C types at the boundary.
///
/// # Safety
///
/// `title` must be null or point to a NUL-terminated string that stays valid during the call.
/// `out` must be null or valid for a write. Returns 0, or -1 when an argument is invalid (nothing is written).
#[export_name = "title_len"]
pub unsafe extern "C" fn title_len_ffi(title: *const std::ffi::c_char, out: *mut usize) -> i32 {
    if title.is_null() {
        return -1;
    }
    let Ok(title) = unsafe { std::ffi::CStr::from_ptr(title) }.to_str() else {
        return -1;
    };
    let title = std::boxed::Box::<str>::from(title);
    let result = title_len(title);
    if !out.is_null() {
        unsafe { out.write(result) };
    }
    0
}

pub fn sum_boxed(values: Box<[u64]>) -> u64 {
    values.iter().sum()
}

/// C entry point for [`sum_boxed`]: the same function with C types at the boundary.
///
/// # Safety
///
/// `values` must be null or point to `values_len` initialised elements (they are copied).
/// `out` must be null or valid for a write. Returns 0, or -1 when an argument is invalid (nothing is written).
#[export_name = "sum_boxed"]
pub unsafe extern "C" fn sum_boxed_ffi(values: *const u64, values_len: usize, out: *mut u64) -> i32 {
    let values: std::vec::Vec<u64> = if values_len == 0 {
        std::vec::Vec::new()
    } else if values.is_null() {
        return -1;
    } else {
        unsafe { std::slice::from_raw_parts(values, values_len) }.to_vec()
    };
    let values = values.into_boxed_slice();
    let result = sum_boxed(values);
    if !out.is_null() {
        unsafe { out.write(result) };
    }
    0
}
