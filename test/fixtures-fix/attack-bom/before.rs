// A file that starts with a byte-order mark: every edit must land where it was planned.
#![allow(dead_code)]

pub struct Meters {
    value: u32,
}

#[no_mangle]
pub extern "C" fn double(m: Meters) -> u32 {
    m.value * 2
}

#[no_mangle]
pub extern "C" fn label_len(label: &str) -> usize {
    label.len()
}
