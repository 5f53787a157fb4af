#![allow(dead_code)]

/// The sum of every byte of every buffer, as `writev` would send them.
pub fn checksum_all(buffers: &[&[u8]]) -> u32 {
    buffers.iter().flat_map(|b| b.iter()).map(|&b| u32::from(b)).sum()
}

/// C entry point for [`checksum_all`]: the same function with C types at the boundary.
///
/// # Safety
///
/// `buffers` and `buffers_lens` must be null or point to `buffers_len` buffer pointers and their lengths; each buffer must hold its length in elements, all valid during the call.
/// `out` must be null or valid for a write. Returns 0, or -1 when an argument is invalid (nothing is written).
#[export_name = "checksum_all"]
pub unsafe extern "C" fn checksum_all_ffi(buffers: *const *const u8, buffers_lens: *const usize, buffers_len: usize, out: *mut u32) -> i32 {
    let (buffers, buffers_lens): (&[*const u8], &[usize]) = if buffers_len == 0 {
        (&[], &[])
    } else if buffers.is_null() || buffers_lens.is_null() {
        return -1;
    } else {
        unsafe { (std::slice::from_raw_parts(buffers, buffers_len), std::slice::from_raw_parts(buffers_lens, buffers_len)) }
    };
    let mut buffers_items: std::vec::Vec<&[u8]> = std::vec::Vec::with_capacity(buffers_len);
    for (&p, &n) in buffers.iter().zip(buffers_lens) {
        if n == 0 {
            buffers_items.push(&[]);
        } else if p.is_null() {
            return -1;
        } else {
            buffers_items.push(unsafe { std::slice::from_raw_parts(p, n) });
        }
    }
    let result = checksum_all(&buffers_items);
    if !out.is_null() {
        unsafe { out.write(result) };
    }
    0
}
