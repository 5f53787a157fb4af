#[repr(C)]
pub struct Range {
    pub first: u32,
    pub end: u32,
}

#[no_mangle]
pub extern "C" fn span_len(s: *const Range) -> u32 {
    unsafe { (*s).end - (*s).first }
}
