// fix-choose: tagged types
#![allow(dead_code)]

pub fn find(key: u32) -> Option<u64> {
    if key == 0 { None } else { Some(u64::from(key) * 2) }
}

/// C entry point for [`find`]: the same function with C types at the boundary.
///
/// # Safety
///
/// Every pointer argument must be valid as its type says.
#[export_name = "find"]
pub unsafe extern "C" fn find_ffi(key: u32) -> FfiOption<u64> {
    FfiOption::from(find(key))
}

/// An `Option` with a C layout (a tag, then the value): `#[repr(C)]` with an FFI-safe `T`.
/// Convert with `From`/`Into` both ways.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FfiOption<T> {
    None,
    Some(T),
}

impl<T> From<Option<T>> for FfiOption<T> {
    fn from(value: Option<T>) -> Self {
        match value {
            Some(v) => FfiOption::Some(v),
            None => FfiOption::None,
        }
    }
}

impl<T> From<FfiOption<T>> for Option<T> {
    fn from(value: FfiOption<T>) -> Self {
        match value {
            FfiOption::Some(v) => Some(v),
            FfiOption::None => None,
        }
    }
}

pub fn checked_div(a: u32, b: u32) -> Result<u32, i32> {
    a.checked_div(b).ok_or(-1)
}

/// C entry point for [`checked_div`]: the same function with C types at the boundary.
///
/// # Safety
///
/// Every pointer argument must be valid as its type says.
#[export_name = "checked_div"]
pub unsafe extern "C" fn checked_div_ffi(a: u32, b: u32) -> FfiResult<u32, i32> {
    FfiResult::from(checked_div(a, b))
}

/// A `Result` with a C layout (a tag, then the value or the error): `#[repr(C)]` with FFI-safe `T`
/// and `E`. Convert with `From`/`Into` both ways, so Rust code keeps using `?`.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FfiResult<T, E> {
    Ok(T),
    Err(E),
}

impl<T, E> From<Result<T, E>> for FfiResult<T, E> {
    fn from(value: Result<T, E>) -> Self {
        match value {
            Ok(v) => FfiResult::Ok(v),
            Err(e) => FfiResult::Err(e),
        }
    }
}

impl<T, E> From<FfiResult<T, E>> for Result<T, E> {
    fn from(value: FfiResult<T, E>) -> Self {
        match value {
            FfiResult::Ok(v) => Ok(v),
            FfiResult::Err(e) => Err(e),
        }
    }
}

pub fn validate(x: u8) -> Result<(), u8> {
    if x < 10 { Ok(()) } else { Err(x) }
}

/// C entry point for [`validate`]: the same function with C types at the boundary.
///
/// # Safety
///
/// Every pointer argument must be valid as its type says.
#[export_name = "validate"]
pub unsafe extern "C" fn validate_ffi(x: u8) -> FfiResult<(), u8> {
    FfiResult::from(validate(x))
}

pub fn scale(factor: Option<f64>, value: f64) -> f64 {
    value * factor.unwrap_or(1.0)
}

/// C entry point for [`scale`]: the same function with C types at the boundary.
///
/// # Safety
///
/// Every pointer argument must be valid as its type says.
#[export_name = "scale"]
pub unsafe extern "C" fn scale_ffi(factor: FfiOption<f64>, value: f64) -> f64 {
    let factor: Option<f64> = factor.into();
    scale(factor, value)
}
