#[repr(C)]
pub struct Inner {
    pub a: u64,
}

#[repr(C)]
pub struct Outer {
    pub inner: Inner,
    pub tag: u8,
}

#[no_mangle]
pub extern "C" fn outer_tag(o: *const Outer) -> u8 {
    unsafe { (*o).tag }
}
