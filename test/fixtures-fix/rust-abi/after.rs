#![allow(dead_code)]

#[no_mangle]
pub extern "C" fn add(a: i32, b: i32) -> i32 {
    a + b
}

#[no_mangle]
pub unsafe extern "C" fn read(p: *const i32) -> i32 {
    unsafe { *p }
}
