//! Types whose layout depends on the target's data model (test/targets.test.ts): `c_long`, pointers,
//! `usize`, and the alignment of `u64`, `i64` and `f64`.
use std::ffi::{c_char, c_long, c_ulong, c_void};

#[repr(C)]
pub struct Mixed {
    pub a: u8,
    pub b: u64,
    pub c: c_long,
    pub d: *const c_void,
    pub e: f64,
    pub f: u16,
    pub g: usize,
    pub h: c_char,
}

#[repr(C)]
pub struct Nested {
    pub x: u8,
    pub m: Mixed,
    pub y: i64,
    pub z: [u32; 3],
}

#[repr(C)]
pub union Either {
    pub a: u64,
    pub b: [u8; 3],
}

#[repr(C)]
pub enum Mode {
    Fast,
    Slow,
}

#[repr(u16)]
pub enum Small {
    One = 1,
}

#[repr(C)]
pub struct Callback {
    pub f: Option<extern "C" fn(c_long) -> c_ulong>,
    pub n: isize,
    pub e: Either,
    pub mode: Mode,
    pub small: Small,
}

#[no_mangle]
pub extern "C" fn take_all(m: Mixed, n: *const Nested, cb: Callback) -> c_long {
    let _ = (m, n, cb);
    0
}

/// Two `long`s: 16 bytes where `long` is 8 bytes, 8 on Windows and 32-bit targets.
#[repr(C)]
pub struct Longs {
    pub a: c_long,
    pub b: c_ulong,
}

#[no_mangle]
pub extern "C" fn sum_longs(l: Longs) -> c_long {
    l.a.wrapping_add(l.b as c_long)
}
