use std::ffi::c_char;

/// Result codes.
#[repr(C)]
pub enum Status {
    Ok = 0,
    Failed = 1,
    Busy = 2,
}

/// A counted buffer of bytes.
#[repr(C)]
pub struct Buf {
    pub len: u32,
    pub cap: u32,
    pub data: *mut u8,
}

#[no_mangle]
pub extern "C" fn buf_len(b: *const Buf) -> u32 {
    unsafe { (*b).len }
}

#[no_mangle]
pub extern "C" fn buf_status(b: *const Buf) -> Status {
    if b.is_null() { Status::Failed } else { Status::Ok }
}

#[no_mangle]
pub extern "C" fn buf_name(_b: *const Buf) -> *const c_char {
    c"buf".as_ptr()
}

/// A new type, reached from a new function.
#[repr(C)]
pub struct Span {
    pub start: u32,
    pub end: u32,
}

#[no_mangle]
pub extern "C" fn buf_span(b: *const Buf) -> Span {
    Span { start: 0, end: buf_len(b) }
}
