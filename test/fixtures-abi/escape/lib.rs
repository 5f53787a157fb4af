//! Strings from the code that a report must escape: a type named `script`, and doc comments with markup.

/// Holds one value. <script>alert("doc")</script> & <img src=x onerror=alert(1)> | a pipe
#[repr(C)]
pub struct Holder<T> {
    pub value: T,
}

#[allow(non_camel_case_types)]
#[repr(C)]
pub struct script {
    pub x: u8,
}

/// Unwraps a holder. <script>alert('fn')</script>
#[no_mangle]
pub extern "C" fn hold(h: Holder<script>) -> u8 {
    h.value.x
}

/// A string slice: not FFI-safe.
#[no_mangle]
pub extern "C" fn name_len(s: &str) -> usize {
    s.len()
}

extern "C" {
    /// Imported from C.
    pub fn strlen(s: *const std::ffi::c_char) -> usize;
}

/// The Rust ABI, exported.
#[no_mangle]
pub fn rust_abi_export(x: u32) -> u32 {
    x
}

#[no_mangle]
pub static mut COUNTER: u64 = 0;
