//! A tiny key-value store with a C API. Some exports are sound; others are the classic mistakes
//! Rust FFI Guard exists to catch. Run `npx ffi-guard check examples/ffi-demo`.

use std::ffi::{c_char, c_int, CStr};

mod store;
mod sys;
pub mod types;

use store::Store;
use types::{Entry, ErrorCode, Stats};

// ---- Sound exports ----

/// Creates a store. Free it with `kv_store_free`.
#[no_mangle]
pub extern "C" fn kv_store_new() -> *mut Store {
    Box::into_raw(Box::new(Store::default()))
}

/// # Safety
/// `store` must come from `kv_store_new` and not be used afterwards.
#[no_mangle]
pub unsafe extern "C" fn kv_store_free(store: *mut Store) {
    if !store.is_null() {
        drop(unsafe { Box::from_raw(store) });
    }
}

/// # Safety
/// `store` must be valid; `key` must be a NUL-terminated string.
#[no_mangle]
pub unsafe extern "C" fn kv_put(store: *mut Store, key: *const c_char, value: i64) -> ErrorCode {
    let (Some(store), false) = (unsafe { store.as_mut() }, key.is_null()) else {
        return ErrorCode::NullPointer;
    };
    match unsafe { CStr::from_ptr(key) }.to_str() {
        Ok(key) => {
            store.put(key, value);
            ErrorCode::Ok
        }
        Err(_) => ErrorCode::InvalidUtf8,
    }
}

/// # Safety
/// `store` must be valid.
#[no_mangle]
pub unsafe extern "C" fn kv_stats(store: *const Store) -> Stats {
    unsafe { store.as_ref() }.map(Store::stats).unwrap_or_default()
}

/// Callbacks receive C types only.
pub type VisitFn = extern "C" fn(key: *const c_char, value: i64, user: *mut std::ffi::c_void) -> c_int;

// ---- Mistakes ----

/// `&str` is a fat pointer: C passes a `char *`.
#[no_mangle]
pub extern "C" fn kv_get(store: &Store, key: &str) -> i64 {
    store.get(key).unwrap_or(0)
}

/// `Option<i64>` has no C layout.
#[no_mangle]
pub extern "C" fn kv_find(store: &Store, key: *const c_char) -> Option<i64> {
    let key = unsafe { CStr::from_ptr(key) }.to_str().ok()?;
    store.get(key)
}

/// `Entry` has no `#[repr(C)]`: its field order is up to rustc.
#[no_mangle]
pub extern "C" fn kv_first(store: &Store) -> Entry {
    store.first().unwrap_or(Entry { key_len: 0, value: 0 })
}

/// Returns a Rust `String`: C cannot read or free it.
#[no_mangle]
pub extern "C" fn kv_dump(store: &Store) -> String {
    store.dump()
}

/// Exported with the Rust ABI: no `extern "C"`.
#[no_mangle]
pub fn kv_len(store: &Store) -> usize {
    store.len()
}

/// A Rust-ABI callback type at the C boundary.
#[no_mangle]
pub extern "C" fn kv_for_each(store: &Store, visit: fn(&str, i64)) {
    store.for_each(visit);
}

/// Keys as a slice: C has no slices.
#[no_mangle]
pub extern "C" fn kv_put_many(store: &mut Store, keys: &[*const c_char], value: i64) -> usize {
    keys.len().min(store.len() + value as usize)
}
