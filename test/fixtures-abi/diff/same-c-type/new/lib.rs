use std::ffi::c_char;
use std::ptr::NonNull;

/// A counted buffer.
#[repr(C)]
pub struct Buf {
    pub len: u32,
    pub cap: u32,
    pub data: *mut u8,
}

/// Now a buffer alias: the same layout under another spelling.
pub type Count = u32;

#[no_mangle]
pub extern "C" fn buf_len(buffer: &mut Buf) -> Count {
    buffer.len
}

#[no_mangle]
pub extern "C" fn buf_clear(b: Option<NonNull<Buf>>) {
    let _ = b;
}

#[no_mangle]
pub extern "C" fn buf_cap(b: &Buf) -> u32 {
    b.cap
}

#[no_mangle]
pub extern "C" fn buf_name(_b: Option<&Buf>, out: Option<&mut c_char>) -> usize {
    let _ = out;
    0
}
