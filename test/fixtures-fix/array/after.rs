#![allow(dead_code)]

/// Adds the four values.
pub fn sum4(values: [i32; 4]) -> i32 {
    values.iter().sum()
}

/// C entry point for [`sum4`]: the same function with C types at the boundary.
///
/// # Safety
///
/// `values` must be null or point to 4 initialised elements, which are copied.
/// `out` must be null or valid for a write. Returns 0, or -1 when an argument is invalid (nothing is written).
#[export_name = "sum4"]
pub unsafe extern "C" fn sum4_ffi(values: *const i32, out: *mut i32) -> i32 {
    if values.is_null() {
        return -1;
    }
    let values: [i32; 4] = unsafe { values.cast::<[i32; 4]>().read() };
    let result = sum4(values);
    if !out.is_null() {
        unsafe { out.write(result) };
    }
    0
}

pub fn origin() -> [f32; 2] {
    [0.0, 0.0]
}

/// C entry point for [`origin`]: the same function with C types at the boundary.
///
/// # Safety
///
/// `out` must be null or valid for writing 2 elements.
#[export_name = "origin"]
pub unsafe extern "C" fn origin_ffi(out: *mut f32) {
    let result = origin();
    if !out.is_null() {
        unsafe { out.cast::<[f32; 2]>().write(result) };
    }
}
