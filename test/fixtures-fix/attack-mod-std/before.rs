// A local module named `std` shadows the standard library in paths written `std::…`.
#![allow(dead_code)]

mod std {
    pub fn helper() {}
}

#[no_mangle]
pub extern "C" fn count(s: &str) -> usize {
    s.len()
}

#[no_mangle]
pub extern "C" fn sum(values: &[u32]) -> u32 {
    values.iter().sum()
}
