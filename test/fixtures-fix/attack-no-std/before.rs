// A `#![no_std]` crate: the shim names `core`, which it has, not `std`.
#![no_std]

#[no_mangle]
pub extern "C" fn count(s: &str) -> usize {
    s.len()
}

#[no_mangle]
pub extern "C" fn sum(values: &[u32]) -> u32 {
    values.iter().sum()
}

#[no_mangle]
pub extern "C" fn parse_digit(c: char) -> Option<u32> {
    c.to_digit(10)
}
