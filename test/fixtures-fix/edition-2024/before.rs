//@ edition: 2024
#![allow(dead_code)]

#[no_mangle]
pub extern "C" fn answer() -> i32 {
    42
}

extern "C" {
    fn abs(x: i32) -> i32;
}
