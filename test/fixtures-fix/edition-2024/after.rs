//@ edition: 2024
#![allow(dead_code)]

#[unsafe(no_mangle)]
pub extern "C" fn answer() -> i32 {
    42
}

unsafe extern "C" {
    fn abs(x: i32) -> i32;
}
