// Comments between `extern` and its ABI string go with the `extern` the shim takes away.
#[no_mangle]
pub extern /* the C ABI */ "C" fn count(s: &str) -> usize {
    s.len()
}

#[no_mangle]
pub extern // the C ABI
"C" fn first(s: &str) -> u8 {
    s.bytes().next().unwrap_or(0)
}
