#![allow(dead_code)]

pub fn find(key: u32) -> Option<u64> {
    if key == 0 { None } else { Some(u64::from(key) * 2) }
}

/// C entry point for [`find`]: the same function with C types at the boundary.
///
/// # Safety
///
/// `out` must be null or valid for a write. Returns true and writes the value when there is one, false otherwise.
#[export_name = "find"]
pub unsafe extern "C" fn find_ffi(key: u32, out: *mut u64) -> bool {
    match find(key) {
        Some(value) => {
            if !out.is_null() {
                unsafe { out.write(value) };
            }
            true
        }
        None => false,
    }
}

pub fn parse(digit: char) -> Result<u32, String> {
    digit.to_digit(10).ok_or_else(|| format!("not a digit: {digit}"))
}

/// C entry point for [`parse`]: the same function with C types at the boundary.
///
/// # Safety
///
/// `out` must be null or valid for a write. Returns 0 on success, 1 on error, -1 when an argument is invalid.
#[export_name = "parse"]
pub unsafe extern "C" fn parse_ffi(digit: u32, out: *mut u32) -> i32 {
    let Some(digit) = std::primitive::char::from_u32(digit) else {
        return -1;
    };
    match parse(digit) {
        Ok(value) => {
            if !out.is_null() {
                unsafe { out.write(value) };
            }
            0
        }
        Err(_) => 1,
    }
}

pub fn upper(c: char) -> char {
    c.to_ascii_uppercase()
}

/// C entry point for [`upper`]: the same function with C types at the boundary.
///
/// # Safety
///
/// `out` must be null or valid for a write of the character as a `u32`. Returns 0, or -1 when an argument is invalid.
#[export_name = "upper"]
pub unsafe extern "C" fn upper_ffi(c: u32, out: *mut u32) -> i32 {
    let Some(c) = std::primitive::char::from_u32(c) else {
        return -1;
    };
    let result = upper(c);
    if !out.is_null() {
        unsafe { out.write(u32::from(result)) };
    }
    0
}

pub fn scale(factor: Option<f64>, value: f64) -> f64 {
    value * factor.unwrap_or(1.0)
}

/// C entry point for [`scale`]: the same function with C types at the boundary.
///
/// # Safety
///
/// `factor` must be null (None) or point to a valid `f64`, which is read once.
#[export_name = "scale"]
pub unsafe extern "C" fn scale_ffi(factor: *const f64, value: f64) -> f64 {
    let factor = if factor.is_null() {
        None
    } else {
        Some(unsafe { factor.read() })
    };
    scale(factor, value)
}

/// Arrays of `char`: `u32`s, each checked.
pub fn rotate(cs: [char; 3]) -> [char; 3] {
    [cs[1], cs[2], cs[0]]
}

/// C entry point for [`rotate`]: the same function with C types at the boundary.
///
/// # Safety
///
/// `cs` must be null or point to 3 `u32`s, each a Unicode scalar value (else the call is rejected).
/// `out` must be null or valid for writing 3 elements. Returns 0, or -1 when an argument is invalid (nothing is written).
#[export_name = "rotate"]
pub unsafe extern "C" fn rotate_ffi(cs: *const u32, out: *mut u32) -> i32 {
    if cs.is_null() {
        return -1;
    }
    let cs: [u32; 3] = unsafe { cs.cast::<[u32; 3]>().read() };
    let mut cs_chars = ['\0'; 3];
    for (c, &u) in cs_chars.iter_mut().zip(cs.iter()) {
        let Some(u) = std::primitive::char::from_u32(u) else {
            return -1;
        };
        *c = u;
    }
    let result = rotate(cs_chars);
    if !out.is_null() {
        unsafe { out.cast::<[u32; 3]>().write(result.map(u32::from)) };
    }
    0
}
