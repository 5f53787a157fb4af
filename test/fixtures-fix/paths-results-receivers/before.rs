#![allow(dead_code)]
use std::ffi::{OsStr, OsString};
use std::path::{Path, PathBuf};

/// Paths and OS strings cross as UTF-8 C strings, which every platform can turn into one.
#[no_mangle]
pub extern "C" fn path_depth(path: &Path) -> usize {
    path.components().count()
}

#[no_mangle]
pub extern "C" fn os_len(name: &OsStr) -> usize {
    name.len()
}

#[no_mangle]
pub extern "C" fn join(dir: PathBuf, file: OsString) -> PathBuf {
    dir.join(file)
}

#[no_mangle]
pub extern "C" fn home_name(home: &Path) -> &OsStr {
    home.file_name().unwrap_or_default()
}

/// Results as arguments: the tagged `FfiResult`, or a nullable pointer when one side is `()`.
#[no_mangle]
pub extern "C" fn score(outcome: Result<u32, i32>) -> i64 {
    match outcome {
        Ok(v) => i64::from(v),
        Err(e) => i64::from(e),
    }
}

#[no_mangle]
pub extern "C" fn errno_of(status: Result<(), i32>) -> i32 {
    status.err().unwrap_or(0)
}

#[no_mangle]
pub extern "C" fn flag(on: Option<()>, done: Result<(), ()>) -> bool {
    on.is_some() && done.is_ok()
}

/// Aliases are looked through.
pub type Bytes<'a> = &'a [u8];
pub type Pair = (u16, u16);

#[no_mangle]
pub extern "C" fn first_byte(bytes: Bytes<'_>) -> u8 {
    bytes.first().copied().unwrap_or(0)
}

#[no_mangle]
pub extern "C" fn sum_pair(pair: Pair) -> u32 {
    u32::from(pair.0) + u32::from(pair.1)
}

/// Generic ones too: their arguments are substituted.
pub type Outcome<T> = Result<T, i32>;
pub type Twin<A, B = A> = (A, B);

#[no_mangle]
pub extern "C" fn parse_port(text: &str) -> Outcome<u16> {
    text.parse().map_err(|_| -1)
}

#[no_mangle]
pub extern "C" fn swap(t: Twin<u8>) -> Twin<u8, u8> {
    (t.1, t.0)
}

/// Raw trait-object pointers are handles, like references.
pub trait Sensor {
    fn read(&self) -> i32;
}

/// # Safety
///
/// `sensor` must point to a live sensor.
#[no_mangle]
pub unsafe extern "C" fn read_raw(sensor: *const dyn Sensor) -> i32 {
    unsafe { (*sensor).read() }
}

/// Methods that take `self` by value take a handle, also on an impl with concrete generic arguments.
pub struct Session {
    log: Vec<String>,
}

impl Session {
    pub extern "C" fn finish(self) -> usize {
        self.log.len()
    }
}

pub struct Labeled<T> {
    label: T,
}

impl Labeled<String> {
    pub extern "C" fn label_len(self) -> usize {
        self.label.len()
    }
}
