//! A text-effects plugin: a host loads it at run time (`libloading`) and calls it through the C ABI.
//! As written here it has the mistakes `ffi-guard check` finds; `ffi-guard fix` fixes them
//! (docs/plugins.md walks through it).

/// The plugin's interface version: a host refuses a plugin of another one.
#[no_mangle]
pub extern "C" fn textfx_version() -> u32 {
    1
}

/// How many words a text has.
#[no_mangle]
pub extern "C" fn textfx_count(input: &str) -> usize {
    input.split_whitespace().count()
}

/// The text in upper case.
#[no_mangle]
pub extern "C" fn textfx_upper(input: &str) -> String {
    input.to_uppercase()
}

/// The `n`th byte of a buffer.
#[no_mangle]
pub extern "C" fn textfx_byte_at(bytes: *const u8, len: usize, n: usize) -> i32 {
    let bytes = unsafe { std::slice::from_raw_parts(bytes, len) };
    i32::from(bytes[n])
}
