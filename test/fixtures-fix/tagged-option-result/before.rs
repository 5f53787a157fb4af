// fix-choose: tagged types
#![allow(dead_code)]

#[no_mangle]
pub extern "C" fn find(key: u32) -> Option<u64> {
    if key == 0 { None } else { Some(u64::from(key) * 2) }
}

#[no_mangle]
pub extern "C" fn checked_div(a: u32, b: u32) -> Result<u32, i32> {
    a.checked_div(b).ok_or(-1)
}

#[no_mangle]
pub extern "C" fn validate(x: u8) -> Result<(), u8> {
    if x < 10 { Ok(()) } else { Err(x) }
}

#[no_mangle]
pub extern "C" fn scale(factor: Option<f64>, value: f64) -> f64 {
    value * factor.unwrap_or(1.0)
}
