//! The plugin: two exports take `&str` (one returns a `String`), which `fix` turns into C shims.

#[no_mangle]
pub extern "C" fn textfx_version() -> u32 {
    1
}

#[no_mangle]
pub extern "C" fn textfx_count(input: &str) -> usize {
    input.split_whitespace().count()
}

#[no_mangle]
pub extern "C" fn textfx_upper(input: &str) -> String {
    input.to_uppercase()
}
