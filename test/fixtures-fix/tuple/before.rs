#![allow(dead_code)]

#[no_mangle]
pub extern "C" fn min_max(a: i32, b: i32) -> (i32, i32) {
    if a <= b { (a, b) } else { (b, a) }
}

#[no_mangle]
pub extern "C" fn area(size: (u32, u32)) -> u64 {
    u64::from(size.0) * u64::from(size.1)
}

#[no_mangle]
pub extern "C" fn swap(p: (u8, u16)) -> (u16, u8) {
    (p.1, p.0)
}

#[no_mangle]
pub extern "C" fn bounds(xs: &[f64]) -> (f64, f64) {
    xs.iter().fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), &x| (lo.min(x), hi.max(x)))
}

/// Elements that need converting: `char`s cross as `u32`s (checked on the way in), nested tuples as
/// their own structs.
#[no_mangle]
pub extern "C" fn swap_chars(pair: (char, char)) -> (char, char) {
    (pair.1, pair.0)
}

#[no_mangle]
pub extern "C" fn flatten(t: ((u8, u16), u8)) -> u32 {
    u32::from((t.0).0) + u32::from((t.0).1) + u32::from(t.1)
}
