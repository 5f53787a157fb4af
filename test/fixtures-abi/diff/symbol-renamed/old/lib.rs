use std::ffi::c_char;

/// Result codes.
#[repr(C)]
pub enum Status {
    Ok = 0,
    Failed = 1,
}

/// A counted buffer.
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
