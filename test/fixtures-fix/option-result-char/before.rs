#![allow(dead_code)]

#[no_mangle]
pub extern "C" fn find(key: u32) -> Option<u64> {
    if key == 0 { None } else { Some(u64::from(key) * 2) }
}

#[no_mangle]
pub extern "C" fn parse(digit: char) -> Result<u32, String> {
    digit.to_digit(10).ok_or_else(|| format!("not a digit: {digit}"))
}

#[no_mangle]
pub extern "C" fn upper(c: char) -> char {
    c.to_ascii_uppercase()
}

#[no_mangle]
pub extern "C" fn scale(factor: Option<f64>, value: f64) -> f64 {
    value * factor.unwrap_or(1.0)
}

/// Arrays of `char`: `u32`s, each checked.
#[no_mangle]
pub extern "C" fn rotate(cs: [char; 3]) -> [char; 3] {
    [cs[1], cs[2], cs[0]]
}
