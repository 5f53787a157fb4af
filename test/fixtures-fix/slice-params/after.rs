#![allow(dead_code)]

pub fn sum(xs: &[u32]) -> u64 {
    xs.iter().map(|&x| u64::from(x)).sum()
}

/// C entry point for [`sum`]: the same function with C types at the boundary.
///
/// # Safety
///
/// `xs` must be null or point to `xs_len` initialised elements during the call.
/// `out` must be null or valid for a write. Returns 0, or -1 when an argument is invalid (nothing is written).
#[export_name = "sum_u32"]
pub unsafe extern "C" fn sum_ffi(xs: *const u32, xs_len: usize, out: *mut u64) -> i32 {
    let xs: &[u32] = if xs_len == 0 {
        &[]
    } else if xs.is_null() {
        return -1;
    } else {
        unsafe { std::slice::from_raw_parts(xs, xs_len) }
    };
    let result = sum(xs);
    if !out.is_null() {
        unsafe { out.write(result) };
    }
    0
}

pub fn fill(buf: &mut [u8], value: u8) {
    buf.fill(value);
}

/// C entry point for [`fill`]: the same function with C types at the boundary.
///
/// # Safety
///
/// `buf` must be null or point to `buf_len` initialised elements that nothing else accesses during the call.
#[export_name = "fill"]
pub unsafe extern "C" fn fill_ffi(buf: *mut u8, buf_len: usize, value: u8) {
    let buf: &mut [u8] = if buf_len == 0 {
        &mut []
    } else if buf.is_null() {
        return;
    } else {
        unsafe { std::slice::from_raw_parts_mut(buf, buf_len) }
    };
    fill(buf, value);
}

pub fn total(values: Vec<i32>) {
    let _ = values;
}

/// C entry point for [`total`]: the same function with C types at the boundary.
///
/// # Safety
///
/// `values` must be null or point to `values_len` initialised elements (they are copied).
#[export_name = "total"]
pub unsafe extern "C" fn total_ffi(values: *const i32, values_len: usize) {
    let values: std::vec::Vec<i32> = if values_len == 0 {
        std::vec::Vec::new()
    } else if values.is_null() {
        return;
    } else {
        unsafe { std::slice::from_raw_parts(values, values_len) }.to_vec()
    };
    total(values);
}

/// Arrays of strings arrive as `argv` and `argc` do.
pub fn longest(words: &[&str]) -> usize {
    words.iter().map(|w| w.len()).max().unwrap_or(0)
}

/// C entry point for [`longest`]: the same function with C types at the boundary.
///
/// # Safety
///
/// `words` must be null or point to `words_len` pointers to NUL-terminated strings, all valid during the call.
/// `out` must be null or valid for a write. Returns 0, or -1 when an argument is invalid (nothing is written).
#[export_name = "longest"]
pub unsafe extern "C" fn longest_ffi(words: *const *const std::ffi::c_char, words_len: usize, out: *mut usize) -> i32 {
    let words: &[*const std::ffi::c_char] = if words_len == 0 {
        &[]
    } else if words.is_null() {
        return -1;
    } else {
        unsafe { std::slice::from_raw_parts(words, words_len) }
    };
    let mut words_items = std::vec::Vec::with_capacity(words.len());
    for &item in words {
        if item.is_null() {
            return -1;
        }
        let Ok(item) = unsafe { std::ffi::CStr::from_ptr(item) }.to_str() else {
            return -1;
        };
        words_items.push(item);
    }
    let result = longest(&words_items);
    if !out.is_null() {
        unsafe { out.write(result) };
    }
    0
}

pub fn join_all(parts: Vec<String>, sep: u8) -> usize {
    parts.join(&char::from(sep).to_string()).len()
}

/// C entry point for [`join_all`]: the same function with C types at the boundary.
///
/// # Safety
///
/// `parts` must be null or point to `parts_len` pointers to NUL-terminated strings, all valid during the call.
/// `out` must be null or valid for a write. Returns 0, or -1 when an argument is invalid (nothing is written).
#[export_name = "join_all"]
pub unsafe extern "C" fn join_all_ffi(parts: *const *const std::ffi::c_char, parts_len: usize, sep: u8, out: *mut usize) -> i32 {
    let parts: &[*const std::ffi::c_char] = if parts_len == 0 {
        &[]
    } else if parts.is_null() {
        return -1;
    } else {
        unsafe { std::slice::from_raw_parts(parts, parts_len) }
    };
    let mut parts_items = std::vec::Vec::with_capacity(parts.len());
    for &item in parts {
        if item.is_null() {
            return -1;
        }
        let Ok(item) = unsafe { std::ffi::CStr::from_ptr(item) }.to_str() else {
            return -1;
        };
        parts_items.push(item.to_owned());
    }
    let result = join_all(parts_items, sep);
    if !out.is_null() {
        unsafe { out.write(result) };
    }
    0
}

/// A struct without `Clone` is moved out of the caller's array, not cloned.
#[repr(C)]
pub struct Point {
    pub x: i32,
    pub y: i32,
}

pub fn manhattan(points: Vec<Point>) -> i32 {
    points.iter().map(|p| p.x.abs() + p.y.abs()).sum()
}

/// C entry point for [`manhattan`]: the same function with C types at the boundary.
///
/// # Safety
///
/// `points` must be null or point to `points_len` initialised elements, which move into the call: the caller must not use or free what they own afterwards.
/// `out` must be null or valid for a write. Returns 0, or -1 when an argument is invalid (nothing is written).
#[export_name = "manhattan"]
pub unsafe extern "C" fn manhattan_ffi(points: *const Point, points_len: usize, out: *mut i32) -> i32 {
    let points: std::vec::Vec<Point> = if points_len == 0 {
        std::vec::Vec::new()
    } else if points.is_null() {
        return -1;
    } else {
        (0..points_len).map(|i| unsafe { points.add(i).read() }).collect()
    };
    let result = manhattan(points);
    if !out.is_null() {
        unsafe { out.write(result) };
    }
    0
}

/// A batch of buffers, as `writev` takes them: pointers, lengths, count.
pub fn total_len(bufs: &[&[u8]]) -> usize {
    bufs.iter().map(|b| b.len()).sum()
}

/// C entry point for [`total_len`]: the same function with C types at the boundary.
///
/// # Safety
///
/// `bufs` and `bufs_lens` must be null or point to `bufs_len` buffer pointers and their lengths; each buffer must hold its length in elements, all valid during the call.
/// `out` must be null or valid for a write. Returns 0, or -1 when an argument is invalid (nothing is written).
#[export_name = "total_len"]
pub unsafe extern "C" fn total_len_ffi(bufs: *const *const u8, bufs_lens: *const usize, bufs_len: usize, out: *mut usize) -> i32 {
    let (bufs, bufs_lens): (&[*const u8], &[usize]) = if bufs_len == 0 {
        (&[], &[])
    } else if bufs.is_null() || bufs_lens.is_null() {
        return -1;
    } else {
        unsafe { (std::slice::from_raw_parts(bufs, bufs_len), std::slice::from_raw_parts(bufs_lens, bufs_len)) }
    };
    let mut bufs_items: std::vec::Vec<&[u8]> = std::vec::Vec::with_capacity(bufs_len);
    for (&p, &n) in bufs.iter().zip(bufs_lens) {
        if n == 0 {
            bufs_items.push(&[]);
        } else if p.is_null() {
            return -1;
        } else {
            bufs_items.push(unsafe { std::slice::from_raw_parts(p, n) });
        }
    }
    let result = total_len(&bufs_items);
    if !out.is_null() {
        unsafe { out.write(result) };
    }
    0
}
