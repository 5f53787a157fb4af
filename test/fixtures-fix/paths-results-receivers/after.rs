#![allow(dead_code)]
use std::ffi::{OsStr, OsString};
use std::path::{Path, PathBuf};

/// Paths and OS strings cross as UTF-8 C strings, which every platform can turn into one.
pub fn path_depth(path: &Path) -> usize {
    path.components().count()
}

/// C entry point for [`path_depth`]: the same function with C types at the boundary.
///
/// # Safety
///
/// `path` must be null or point to a NUL-terminated string that stays valid during the call.
/// `out` must be null or valid for a write. Returns 0, or -1 when an argument is invalid (nothing is written).
#[export_name = "path_depth"]
pub unsafe extern "C" fn path_depth_ffi(path: *const std::ffi::c_char, out: *mut usize) -> i32 {
    if path.is_null() {
        return -1;
    }
    let Ok(path) = unsafe { std::ffi::CStr::from_ptr(path) }.to_str() else {
        return -1;
    };
    let path = std::path::Path::new(path);
    let result = path_depth(path);
    if !out.is_null() {
        unsafe { out.write(result) };
    }
    0
}

pub fn os_len(name: &OsStr) -> usize {
    name.len()
}

/// C entry point for [`os_len`]: the same function with C types at the boundary.
///
/// # Safety
///
/// `name` must be null or point to a NUL-terminated string that stays valid during the call.
/// `out` must be null or valid for a write. Returns 0, or -1 when an argument is invalid (nothing is written).
#[export_name = "os_len"]
pub unsafe extern "C" fn os_len_ffi(name: *const std::ffi::c_char, out: *mut usize) -> i32 {
    if name.is_null() {
        return -1;
    }
    let Ok(name) = unsafe { std::ffi::CStr::from_ptr(name) }.to_str() else {
        return -1;
    };
    let name = std::ffi::OsStr::new(name);
    let result = os_len(name);
    if !out.is_null() {
        unsafe { out.write(result) };
    }
    0
}

pub fn join(dir: PathBuf, file: OsString) -> PathBuf {
    dir.join(file)
}

/// C entry point for [`join`]: the same function with C types at the boundary.
///
/// # Safety
///
/// `dir` must be null or point to a NUL-terminated string that stays valid during the call.
/// `file` must be null or point to a NUL-terminated string that stays valid during the call.
/// Returns a NUL-terminated string owned by the caller, to be freed with `fixcase_free_string`, or null when an argument is invalid, the text is not UTF-8 or the text contains a NUL byte.
#[export_name = "join"]
pub unsafe extern "C" fn join_ffi(dir: *const std::ffi::c_char, file: *const std::ffi::c_char) -> *mut std::ffi::c_char {
    if dir.is_null() {
        return std::ptr::null_mut();
    }
    let Ok(dir) = unsafe { std::ffi::CStr::from_ptr(dir) }.to_str() else {
        return std::ptr::null_mut();
    };
    let dir = std::path::PathBuf::from(dir);
    if file.is_null() {
        return std::ptr::null_mut();
    }
    let Ok(file) = unsafe { std::ffi::CStr::from_ptr(file) }.to_str() else {
        return std::ptr::null_mut();
    };
    let file = std::ffi::OsString::from(file);
    let Some(result) = join(dir, file).into_os_string().into_string().ok() else {
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

pub fn home_name(home: &Path) -> &OsStr {
    home.file_name().unwrap_or_default()
}

/// C entry point for [`home_name`]: the same function with C types at the boundary.
///
/// # Safety
///
/// `home` must be null or point to a NUL-terminated string that stays valid during the call.
/// Returns a NUL-terminated string owned by the caller, to be freed with `fixcase_free_string`, or null when an argument is invalid, the text is not UTF-8 or the text contains a NUL byte.
#[export_name = "home_name"]
pub unsafe extern "C" fn home_name_ffi(home: *const std::ffi::c_char) -> *mut std::ffi::c_char {
    if home.is_null() {
        return std::ptr::null_mut();
    }
    let Ok(home) = unsafe { std::ffi::CStr::from_ptr(home) }.to_str() else {
        return std::ptr::null_mut();
    };
    let home = std::path::Path::new(home);
    let Some(result) = home_name(home).to_str() else {
        return std::ptr::null_mut();
    };
    std::ffi::CString::new(result).map_or(std::ptr::null_mut(), std::ffi::CString::into_raw)
}

/// Results as arguments: the tagged `FfiResult`, or a nullable pointer when one side is `()`.
pub fn score(outcome: Result<u32, i32>) -> i64 {
    match outcome {
        Ok(v) => i64::from(v),
        Err(e) => i64::from(e),
    }
}

/// C entry point for [`score`]: the same function with C types at the boundary.
///
/// # Safety
///
/// Every pointer argument must be valid as its type says.
#[export_name = "score"]
pub unsafe extern "C" fn score_ffi(outcome: FfiResult<u32, i32>) -> i64 {
    let outcome: Result<u32, i32> = outcome.into();
    score(outcome)
}

/// A `Result` with a C layout (a tag, then the value or the error): `#[repr(C)]` with FFI-safe `T`
/// and `E`. Convert with `From`/`Into` both ways, so Rust code keeps using `?`.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FfiResult<T, E> {
    Ok(T),
    Err(E),
}

impl<T, E> From<Result<T, E>> for FfiResult<T, E> {
    fn from(value: Result<T, E>) -> Self {
        match value {
            Ok(v) => FfiResult::Ok(v),
            Err(e) => FfiResult::Err(e),
        }
    }
}

impl<T, E> From<FfiResult<T, E>> for Result<T, E> {
    fn from(value: FfiResult<T, E>) -> Self {
        match value {
            FfiResult::Ok(v) => Ok(v),
            FfiResult::Err(e) => Err(e),
        }
    }
}

pub fn errno_of(status: Result<(), i32>) -> i32 {
    status.err().unwrap_or(0)
}

/// C entry point for [`errno_of`]: the same function with C types at the boundary.
///
/// # Safety
///
/// `status` must be null (`Ok(())`) or point to a valid `i32` (`Err`), which is read once.
#[export_name = "errno_of"]
pub unsafe extern "C" fn errno_of_ffi(status: *const i32) -> i32 {
    let status = if status.is_null() {
        Ok(())
    } else {
        Err(unsafe { status.read() })
    };
    errno_of(status)
}

pub fn flag(on: Option<()>, done: Result<(), ()>) -> bool {
    on.is_some() && done.is_ok()
}

/// C entry point for [`flag`]: the same function with C types at the boundary.
///
/// # Safety
///
/// Every pointer argument must be valid as its type says.
#[export_name = "flag"]
pub unsafe extern "C" fn flag_ffi(on: bool, done: bool) -> bool {
    let on = on.then_some(());
    let done = if done { Ok(()) } else { Err(()) };
    flag(on, done)
}

/// Aliases are looked through.
pub type Bytes<'a> = &'a [u8];
pub type Pair = (u16, u16);

pub fn first_byte(bytes: Bytes<'_>) -> u8 {
    bytes.first().copied().unwrap_or(0)
}

/// C entry point for [`first_byte`]: the same function with C types at the boundary.
///
/// # Safety
///
/// `bytes` must be null or point to `bytes_len` initialised elements during the call.
/// `out` must be null or valid for a write. Returns 0, or -1 when an argument is invalid (nothing is written).
#[export_name = "first_byte"]
pub unsafe extern "C" fn first_byte_ffi(bytes: *const u8, bytes_len: usize, out: *mut u8) -> i32 {
    let bytes: &[u8] = if bytes_len == 0 {
        &[]
    } else if bytes.is_null() {
        return -1;
    } else {
        unsafe { std::slice::from_raw_parts(bytes, bytes_len) }
    };
    let result = first_byte(bytes);
    if !out.is_null() {
        unsafe { out.write(result) };
    }
    0
}

pub fn sum_pair(pair: Pair) -> u32 {
    u32::from(pair.0) + u32::from(pair.1)
}

/// C entry point for [`sum_pair`]: the same function with C types at the boundary.
///
/// # Safety
///
/// Every pointer argument must be valid as its type says.
#[export_name = "sum_pair"]
pub unsafe extern "C" fn sum_pair_ffi(pair: SumPairPair) -> u32 {
    let pair: Pair = pair.into();
    sum_pair(pair)
}

/// Parameter `pair` as C sees it: the tuple `(u16, u16)` with C's field order and padding.
#[repr(C)]
pub struct SumPairPair {
    pub _0: u16,
    pub _1: u16,
}

impl From<(u16, u16)> for SumPairPair {
    fn from((v0, v1): (u16, u16)) -> Self {
        Self { _0: v0, _1: v1 }
    }
}

impl From<SumPairPair> for (u16, u16) {
    fn from(v: SumPairPair) -> Self {
        (v._0, v._1)
    }
}

/// Generic ones too: their arguments are substituted.
pub type Outcome<T> = Result<T, i32>;
pub type Twin<A, B = A> = (A, B);

pub fn parse_port(text: &str) -> Outcome<u16> {
    text.parse().map_err(|_| -1)
}

/// C entry point for [`parse_port`]: the same function with C types at the boundary.
///
/// # Safety
///
/// `text` must be null or point to a NUL-terminated string that stays valid during the call.
/// `out` must be null or valid for a write. Returns 0 on success, 1 on error, -1 when an argument is invalid.
#[export_name = "parse_port"]
pub unsafe extern "C" fn parse_port_ffi(text: *const std::ffi::c_char, out: *mut u16) -> i32 {
    if text.is_null() {
        return -1;
    }
    let Ok(text) = unsafe { std::ffi::CStr::from_ptr(text) }.to_str() else {
        return -1;
    };
    match parse_port(text) {
        Ok(value) => {
            if !out.is_null() {
                unsafe { out.write(value) };
            }
            0
        }
        Err(_) => 1,
    }
}

pub fn swap(t: Twin<u8>) -> Twin<u8, u8> {
    (t.1, t.0)
}

/// C entry point for [`swap`]: the same function with C types at the boundary.
///
/// # Safety
///
/// Every pointer argument must be valid as its type says.
#[export_name = "swap"]
pub unsafe extern "C" fn swap_ffi(t: SwapT) -> SwapOutput {
    let t: Twin<u8> = t.into();
    SwapOutput::from(swap(t))
}

/// Parameter `t` as C sees it: the tuple `(u8, u8)` with C's field order and padding.
#[repr(C)]
pub struct SwapT {
    pub _0: u8,
    pub _1: u8,
}

impl From<(u8, u8)> for SwapT {
    fn from((v0, v1): (u8, u8)) -> Self {
        Self { _0: v0, _1: v1 }
    }
}

impl From<SwapT> for (u8, u8) {
    fn from(v: SwapT) -> Self {
        (v._0, v._1)
    }
}

/// The return value as C sees it: the tuple `(u8, u8)` with C's field order and padding.
#[repr(C)]
pub struct SwapOutput {
    pub _0: u8,
    pub _1: u8,
}

impl From<(u8, u8)> for SwapOutput {
    fn from((v0, v1): (u8, u8)) -> Self {
        Self { _0: v0, _1: v1 }
    }
}

impl From<SwapOutput> for (u8, u8) {
    fn from(v: SwapOutput) -> Self {
        (v._0, v._1)
    }
}

/// Raw trait-object pointers are handles, like references.
pub trait Sensor {
    fn read(&self) -> i32;
}

/// # Safety
///
/// `sensor` must point to a live sensor.
pub unsafe fn read_raw(sensor: *const dyn Sensor) -> i32 {
    unsafe { (*sensor).read() }
}

/// C entry point for [`read_raw`]: the same function with C types at the boundary.
///
/// # Safety
///
/// `sensor` must be null or a live `Sensor` handle returned by this library.
/// `out` must be null or valid for a write. Returns 0, or -1 when an argument is invalid (nothing is written).
#[export_name = "read_raw"]
pub unsafe extern "C" fn read_raw_ffi(sensor: *const std::ffi::c_void, out: *mut i32) -> i32 {
    let Some(sensor) = (unsafe { sensor.cast::<std::boxed::Box<dyn Sensor>>().as_ref() }) else {
        return -1;
    };
    let result = unsafe { read_raw(&**sensor) };
    if !out.is_null() {
        unsafe { out.write(result) };
    }
    0
}

/// Methods that take `self` by value take a handle, also on an impl with concrete generic arguments.
pub struct Session {
    log: Vec<String>,
}

impl Session {
    pub fn finish(self) -> usize {
        self.log.len()
    }
}

/// C entry point for [`Session::finish`]: the same function with C types at the boundary.
///
/// # Safety
///
/// `this` must be null or a `Session` handle returned by this library, not yet freed; the call takes it over (it must not be used or freed afterwards).
/// `out` must be null or valid for a write. Returns 0, or -1 when an argument is invalid (nothing is written).
pub unsafe extern "C" fn session_finish_ffi(this: *mut Session, out: *mut usize) -> i32 {
    if this.is_null() {
        return -1;
    }
    let result = Session::finish(*unsafe { std::boxed::Box::from_raw(this) });
    if !out.is_null() {
        unsafe { out.write(result) };
    }
    0
}

pub struct Labeled<T> {
    label: T,
}

impl Labeled<String> {
    pub fn label_len(self) -> usize {
        self.label.len()
    }
}

/// C entry point for [`<Labeled<String>>::label_len`]: the same function with C types at the boundary.
///
/// # Safety
///
/// `this` must be null or a `Labeled<String>` handle returned by this library, not yet freed; the call takes it over (it must not be used or freed afterwards).
/// `out` must be null or valid for a write. Returns 0, or -1 when an argument is invalid (nothing is written).
pub unsafe extern "C" fn labeled_label_len_ffi(this: *mut Labeled<String>, out: *mut usize) -> i32 {
    if this.is_null() {
        return -1;
    }
    let result = <Labeled<String>>::label_len(*unsafe { std::boxed::Box::from_raw(this) });
    if !out.is_null() {
        unsafe { out.write(result) };
    }
    0
}
