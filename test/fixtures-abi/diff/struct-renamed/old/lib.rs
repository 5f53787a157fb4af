#[repr(C)]
pub struct Span {
    pub start: u32,
    pub end: u32,
}

#[no_mangle]
pub extern "C" fn span_len(s: *const Span) -> u32 {
    unsafe { (*s).end - (*s).start }
}
