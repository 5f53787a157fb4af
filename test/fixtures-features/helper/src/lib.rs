/// On when `provider`'s `aws-lc-rs` turns `helper/fast` on.
#[cfg(feature = "fast")]
#[no_mangle]
pub extern "C" fn helper_fast() -> u32 {
    1
}

/// `provider`'s `std` reaches it through `helper?/std`, once `helper` is on.
#[cfg(feature = "std")]
#[no_mangle]
pub extern "C" fn helper_std() -> u32 {
    2
}
