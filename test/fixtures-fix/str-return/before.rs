#![allow(dead_code)]

#[no_mangle]
pub extern "C" fn version() -> String {
    "1.2.3".to_owned()
}

#[no_mangle]
pub extern "C" fn label(code: u32) -> &'static str {
    if code == 0 { "ok" } else { "error" }
}

#[no_mangle]
pub extern "C" fn bytes(n: usize) -> Vec<u8> {
    vec![0; n]
}
