// The shim keeps the ABI the function was exported with.
#[no_mangle]
pub extern "system" fn count(s: &str) -> usize {
    s.len()
}

#[no_mangle]
pub extern "C-unwind" fn parse(s: &str) -> u32 {
    s.parse().unwrap()
}
