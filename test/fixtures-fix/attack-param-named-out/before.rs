// Parameters named like what the shim generates (`out`, `out_len`) or derived from another parameter's (`s` → `s_len`).
#[no_mangle]
pub extern "C" fn lookup(out: u32) -> Option<u32> {
    out.checked_mul(2)
}

#[no_mangle]
pub extern "C" fn prefix(out_len: usize, s: &str) -> &str {
    &s[..out_len.min(s.len())]
}

#[no_mangle]
pub extern "C" fn pair(s: &str, s_len: usize) -> usize {
    s.len() + s_len
}
