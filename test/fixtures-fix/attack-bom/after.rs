// A file that starts with a byte-order mark: every edit must land where it was planned.
#![allow(dead_code)]

#[repr(transparent)]
pub struct Meters {
    value: u32,
}

#[no_mangle]
pub extern "C" fn double(m: Meters) -> u32 {
    m.value * 2
}

pub fn label_len(label: &str) -> usize {
    label.len()
}

/// C entry point for [`label_len`]: the same function with C types at the boundary.
///
/// # Safety
///
/// `label` must be null or point to a NUL-terminated string that stays valid during the call.
/// `out` must be null or valid for a write. Returns 0, or -1 when an argument is invalid (nothing is written).
#[export_name = "label_len"]
pub unsafe extern "C" fn label_len_ffi(label: *const std::ffi::c_char, out: *mut usize) -> i32 {
    if label.is_null() {
        return -1;
    }
    let Ok(label) = unsafe { std::ffi::CStr::from_ptr(label) }.to_str() else {
        return -1;
    };
    let result = label_len(label);
    if !out.is_null() {
        unsafe { out.write(result) };
    }
    0
}
