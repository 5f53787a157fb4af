#![allow(dead_code)]

/// Adds the four values.
#[no_mangle]
pub extern "C" fn sum4(values: [i32; 4]) -> i32 {
    values.iter().sum()
}

#[no_mangle]
pub extern "C" fn origin() -> [f32; 2] {
    [0.0, 0.0]
}
