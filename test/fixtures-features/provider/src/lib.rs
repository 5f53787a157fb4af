//! Which providers ship depends on the features, as in rustls-ffi.

/// The aws-lc-rs provider: in the default build.
#[cfg(feature = "aws-lc-rs")]
#[no_mangle]
pub extern "C" fn provider_aws_lc_rs_crypto_provider() -> *const u8 {
    core::ptr::null()
}

/// The ring provider: only with `--features ring`.
#[cfg(feature = "ring")]
#[no_mangle]
pub extern "C" fn provider_ring_crypto_provider() -> *const u8 {
    core::ptr::null()
}

/// Only without the default features.
#[cfg(not(feature = "std"))]
#[no_mangle]
pub extern "C" fn provider_no_std_marker() -> u32 {
    0
}
