//! A key-value store with a C API, for the end-to-end ABI test: `test/header.test.ts` builds it as a
//! cdylib with rustc, generates its C header with `ffi-guard header`, and compiles, links and runs
//! `main.c` against both.

use std::collections::BTreeMap;
use std::ffi::{c_char, c_int, c_void, CStr, CString};

/// Status codes returned by the store's functions.
#[repr(C)]
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum KvStatus {
    Ok = 0,
    NotFound,
    BadKey = 0x10,
    Full = -1,
}

/// The kind of a stored value, one byte wide.
#[repr(u8)]
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum ValueKind {
    Int = 1,
    Real = 0b10,
    Flag = 1 << 2,
}

/// The payload of a value; `Value::kind` says which field is live.
#[repr(C)]
#[derive(Clone, Copy)]
pub union ValueData {
    pub int: i64,
    pub real: f64,
    pub flag: bool,
}

/// A tagged value, as C passes it in and out.
#[repr(C)]
#[derive(Clone, Copy)]
pub struct Value {
    pub kind: ValueKind,
    pub data: ValueData,
}

/// Counts over the whole store. A `*/` in a doc comment must not end the C comment early.
#[repr(C)]
pub struct KvStats {
    pub entries: usize,
    pub longest_key: u32,
    /// Entries per kind: int, real, flag, other.
    pub histogram: [u32; 4],
    pub has_reals: bool,
}

/// Called once per entry, in key order; return non-zero to stop.
pub type KvVisitor = extern "C" fn(key: *const c_char, value: *const Value, user: *mut c_void) -> c_int;

/// How to build a store.
#[repr(C)]
pub struct KvOptions {
    pub capacity: u32,
    /// Told about every key a full store refuses.
    pub on_reject: Option<extern "C" fn(key: *const c_char, user: *mut c_void)>,
    pub user: *mut c_void,
}

/// A pair of coordinates; two modules define a `Point`, and C needs both under distinct names.
pub mod geo {
    #[repr(C)]
    #[derive(Clone, Copy)]
    pub struct Point {
        pub x: i32,
        pub y: i32,
    }
}

pub mod screen {
    #[repr(C)]
    #[derive(Clone, Copy)]
    pub struct Point {
        pub x: f32,
        pub y: f32,
    }
}

/// The store itself: a Rust type C only ever holds a pointer to.
pub struct KvStore {
    map: BTreeMap<String, Value>,
    options: KvOptions,
}

/// The ABI version C code can check at run time.
#[no_mangle]
pub static KV_ABI_VERSION: u32 = 3;

/// The longest key accepted, in bytes.
#[no_mangle]
pub static KV_MAX_KEY: usize = 64;

#[no_mangle]
pub static KV_NAME: [u8; 8] = *b"kvstore\0";

/// Creates a store. `options` may be null. Free it with `kv_free`.
///
/// # Safety
/// `options` must be null or valid.
#[no_mangle]
pub unsafe extern "C" fn kv_new(options: *const KvOptions) -> *mut KvStore {
    let options = match unsafe { options.as_ref() } {
        Some(o) => KvOptions { capacity: o.capacity, on_reject: o.on_reject, user: o.user },
        None => KvOptions { capacity: u32::MAX, on_reject: None, user: std::ptr::null_mut() },
    };
    Box::into_raw(Box::new(KvStore { map: BTreeMap::new(), options }))
}

/// # Safety
/// `store` must come from `kv_new` and not be used afterwards.
#[no_mangle]
pub unsafe extern "C" fn kv_free(store: *mut KvStore) {
    if !store.is_null() {
        drop(unsafe { Box::from_raw(store) });
    }
}

unsafe fn key_of<'a>(key: *const c_char) -> Option<&'a str> {
    if key.is_null() {
        return None;
    }
    unsafe { CStr::from_ptr(key) }.to_str().ok()
}

/// Stores `value` under `key`.
///
/// # Safety
/// `store` must be valid and `key` NUL-terminated.
#[no_mangle]
pub unsafe extern "C" fn kv_put(store: *mut KvStore, key: *const c_char, value: Value) -> KvStatus {
    let (Some(store), Some(k)) = (unsafe { store.as_mut() }, unsafe { key_of(key) }) else {
        return KvStatus::BadKey;
    };
    if k.len() > KV_MAX_KEY {
        return KvStatus::BadKey;
    }
    if store.map.len() >= store.options.capacity as usize && !store.map.contains_key(k) {
        if let Some(cb) = store.options.on_reject {
            cb(key, store.options.user);
        }
        return KvStatus::Full;
    }
    store.map.insert(k.to_owned(), value);
    KvStatus::Ok
}

/// Reads the value under `key` into `out`.
///
/// # Safety
/// `store` must be valid, `key` NUL-terminated, `out` writable.
#[no_mangle]
pub unsafe extern "C" fn kv_get(store: *const KvStore, key: *const c_char, out: *mut Value) -> KvStatus {
    let (Some(store), Some(k)) = (unsafe { store.as_ref() }, unsafe { key_of(key) }) else {
        return KvStatus::BadKey;
    };
    match store.map.get(k) {
        Some(v) => {
            unsafe { out.write(*v) };
            KvStatus::Ok
        }
        None => KvStatus::NotFound,
    }
}

/// Counts over the store, returned by value.
///
/// # Safety
/// `store` must be valid.
#[no_mangle]
pub unsafe extern "C" fn kv_stats(store: *const KvStore) -> KvStats {
    let store = unsafe { &*store };
    let mut histogram = [0u32; 4];
    for v in store.map.values() {
        histogram[match v.kind {
            ValueKind::Int => 0,
            ValueKind::Real => 1,
            ValueKind::Flag => 2,
        }] += 1;
    }
    KvStats {
        entries: store.map.len(),
        longest_key: store.map.keys().map(|k| k.len() as u32).max().unwrap_or(0),
        histogram,
        has_reals: histogram[1] > 0,
    }
}

/// Calls `visit` for each entry in key order until it returns non-zero; returns how many it saw.
///
/// # Safety
/// `store` must be valid.
#[no_mangle]
pub unsafe extern "C" fn kv_visit(store: *const KvStore, visit: KvVisitor, user: *mut c_void) -> usize {
    let store = unsafe { &*store };
    let mut seen = 0;
    for (k, v) in &store.map {
        seen += 1;
        let key = CString::new(k.as_str()).unwrap_or_default();
        if visit(key.as_ptr(), v, user) != 0 {
            break;
        }
    }
    seen
}

/// The name of a value kind, as a static C string.
#[no_mangle]
pub extern "C" fn kv_kind_name(kind: ValueKind) -> *const c_char {
    match kind {
        ValueKind::Int => c"int".as_ptr(),
        ValueKind::Real => c"real".as_ptr(),
        ValueKind::Flag => c"flag".as_ptr(),
    }
}

/// Whether a status means success.
#[no_mangle]
pub extern "C" fn kv_is_ok(status: KvStatus) -> bool {
    status == KvStatus::Ok
}

/// Exported under another name than the Rust one.
#[export_name = "kv_version"]
pub extern "C" fn version_number() -> u32 {
    KV_ABI_VERSION * 100
}

/// Manhattan distance between two grid points, with a parameter named like a C keyword.
#[no_mangle]
pub extern "C" fn kv_grid_distance(a: geo::Point, int: geo::Point) -> i32 {
    (a.x - int.x).abs() + (a.y - int.y).abs()
}

/// Moves a screen point.
#[no_mangle]
pub extern "C" fn kv_screen_shift(p: screen::Point, dx: f32) -> screen::Point {
    screen::Point { x: p.x + dx, y: p.y }
}

// ---- Not part of the C surface: the header must leave these out ----

/// Mangled: `extern "C"` without `#[no_mangle]` is not visible to C under this name.
pub extern "C" fn kv_internal_hash(x: u32) -> u32 {
    x.wrapping_mul(2654435761)
}

/// The Rust ABI, exported: C cannot call it soundly.
#[no_mangle]
pub fn kv_rust_len(store: &KvStore) -> usize {
    store.map.len()
}

/// A plain Rust function.
pub fn kv_keys(store: &KvStore) -> Vec<String> {
    store.map.keys().cloned().collect()
}

/// Not expressible in C: a `String` return.
#[no_mangle]
pub extern "C" fn kv_dump(store: &KvStore) -> String {
    format!("{} entries", store.map.len())
}

extern "C" {
    /// An import from C: the header declares exports only.
    fn abs(x: c_int) -> c_int;
}

/// Uses the import so it is linked.
#[no_mangle]
pub extern "C" fn kv_abs(x: c_int) -> c_int {
    unsafe { abs(x) }
}

/// What a lookup found: C reads it as a tag plus a union of the variants' fields.
#[repr(C)]
pub enum Lookup {
    Missing,
    Count(u32),
    Span { start: i64, len: u16 },
}

/// Classifies a number, so that C receives each variant of a data-carrying `repr(C)` enum.
#[no_mangle]
pub extern "C" fn kv_lookup(n: i64) -> Lookup {
    match n {
        0 => Lookup::Missing,
        n if n < 0 => Lookup::Span { start: n, len: 3 },
        n => Lookup::Count(n as u32),
    }
}

/// A one-byte tag with explicit discriminants.
#[repr(C, u8)]
pub enum Small {
    Nothing = 0,
    Byte(u8) = 7,
}

#[no_mangle]
pub extern "C" fn kv_small(b: u8) -> Small {
    if b == 0 {
        Small::Nothing
    } else {
        Small::Byte(b)
    }
}
