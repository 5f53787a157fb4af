#![allow(dead_code)]

#[export_name = "sum_u32"]
pub extern "C" fn sum(xs: &[u32]) -> u64 {
    xs.iter().map(|&x| u64::from(x)).sum()
}

#[no_mangle]
pub extern "C" fn fill(buf: &mut [u8], value: u8) {
    buf.fill(value);
}

#[no_mangle]
pub extern "C" fn total(values: Vec<i32>) {
    let _ = values;
}

/// Arrays of strings arrive as `argv` and `argc` do.
#[no_mangle]
pub extern "C" fn longest(words: &[&str]) -> usize {
    words.iter().map(|w| w.len()).max().unwrap_or(0)
}

#[no_mangle]
pub extern "C" fn join_all(parts: Vec<String>, sep: u8) -> usize {
    parts.join(&char::from(sep).to_string()).len()
}

/// A struct without `Clone` is moved out of the caller's array, not cloned.
#[repr(C)]
pub struct Point {
    pub x: i32,
    pub y: i32,
}

#[no_mangle]
pub extern "C" fn manhattan(points: Vec<Point>) -> i32 {
    points.iter().map(|p| p.x.abs() + p.y.abs()).sum()
}

/// A batch of buffers, as `writev` takes them: pointers, lengths, count.
#[no_mangle]
pub extern "C" fn total_len(bufs: &[&[u8]]) -> usize {
    bufs.iter().map(|b| b.len()).sum()
}
