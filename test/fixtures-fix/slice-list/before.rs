#![allow(dead_code)]

/// The sum of every byte of every buffer, as `writev` would send them.
#[no_mangle]
pub extern "C" fn checksum_all(buffers: &[&[u8]]) -> u32 {
    buffers.iter().flat_map(|b| b.iter()).map(|&b| u32::from(b)).sum()
}
