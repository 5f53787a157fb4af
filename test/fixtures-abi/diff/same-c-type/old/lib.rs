use std::ffi::c_char;

/// A counted buffer.
#[repr(C)]
pub struct Buf {
    pub len: u32,
    pub cap: u32,
    pub data: *mut u8,
}

#[no_mangle]
pub extern "C" fn buf_len(b: *mut Buf) -> u32 {
    unsafe { (*b).len }
}

#[no_mangle]
pub extern "C" fn buf_clear(b: *mut Buf) {
    let _ = b;
}

#[no_mangle]
pub extern "C" fn buf_cap(b: *const Buf) -> u32 {
    unsafe { (*b).cap }
}

#[no_mangle]
pub extern "C" fn buf_name(_b: *const Buf, out: *mut c_char) -> usize {
    let _ = out;
    0
}
