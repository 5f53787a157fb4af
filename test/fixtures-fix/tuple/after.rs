#![allow(dead_code)]

pub fn min_max(a: i32, b: i32) -> (i32, i32) {
    if a <= b { (a, b) } else { (b, a) }
}

/// C entry point for [`min_max`]: the same function with C types at the boundary.
///
/// # Safety
///
/// Every pointer argument must be valid as its type says.
#[export_name = "min_max"]
pub unsafe extern "C" fn min_max_ffi(a: i32, b: i32) -> MinMaxOutput {
    MinMaxOutput::from(min_max(a, b))
}

/// The return value as C sees it: the tuple `(i32, i32)` with C's field order and padding.
#[repr(C)]
pub struct MinMaxOutput {
    pub _0: i32,
    pub _1: i32,
}

impl From<(i32, i32)> for MinMaxOutput {
    fn from((v0, v1): (i32, i32)) -> Self {
        Self { _0: v0, _1: v1 }
    }
}

impl From<MinMaxOutput> for (i32, i32) {
    fn from(v: MinMaxOutput) -> Self {
        (v._0, v._1)
    }
}

pub fn area(size: (u32, u32)) -> u64 {
    u64::from(size.0) * u64::from(size.1)
}

/// C entry point for [`area`]: the same function with C types at the boundary.
///
/// # Safety
///
/// Every pointer argument must be valid as its type says.
#[export_name = "area"]
pub unsafe extern "C" fn area_ffi(size: AreaSize) -> u64 {
    let size: (u32, u32) = size.into();
    area(size)
}

/// Parameter `size` as C sees it: the tuple `(u32, u32)` with C's field order and padding.
#[repr(C)]
pub struct AreaSize {
    pub _0: u32,
    pub _1: u32,
}

impl From<(u32, u32)> for AreaSize {
    fn from((v0, v1): (u32, u32)) -> Self {
        Self { _0: v0, _1: v1 }
    }
}

impl From<AreaSize> for (u32, u32) {
    fn from(v: AreaSize) -> Self {
        (v._0, v._1)
    }
}

pub fn swap(p: (u8, u16)) -> (u16, u8) {
    (p.1, p.0)
}

/// C entry point for [`swap`]: the same function with C types at the boundary.
///
/// # Safety
///
/// Every pointer argument must be valid as its type says.
#[export_name = "swap"]
pub unsafe extern "C" fn swap_ffi(p: SwapP) -> SwapOutput {
    let p: (u8, u16) = p.into();
    SwapOutput::from(swap(p))
}

/// Parameter `p` as C sees it: the tuple `(u8, u16)` with C's field order and padding.
#[repr(C)]
pub struct SwapP {
    pub _0: u8,
    pub _1: u16,
}

impl From<(u8, u16)> for SwapP {
    fn from((v0, v1): (u8, u16)) -> Self {
        Self { _0: v0, _1: v1 }
    }
}

impl From<SwapP> for (u8, u16) {
    fn from(v: SwapP) -> Self {
        (v._0, v._1)
    }
}

/// The return value as C sees it: the tuple `(u16, u8)` with C's field order and padding.
#[repr(C)]
pub struct SwapOutput {
    pub _0: u16,
    pub _1: u8,
}

impl From<(u16, u8)> for SwapOutput {
    fn from((v0, v1): (u16, u8)) -> Self {
        Self { _0: v0, _1: v1 }
    }
}

impl From<SwapOutput> for (u16, u8) {
    fn from(v: SwapOutput) -> Self {
        (v._0, v._1)
    }
}

pub fn bounds(xs: &[f64]) -> (f64, f64) {
    xs.iter().fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), &x| (lo.min(x), hi.max(x)))
}

/// C entry point for [`bounds`]: the same function with C types at the boundary.
///
/// # Safety
///
/// `xs` must be null or point to `xs_len` initialised elements during the call.
/// `out` must be null or valid for a write. Returns 0, or -1 when an argument is invalid (nothing is written).
#[export_name = "bounds"]
pub unsafe extern "C" fn bounds_ffi(xs: *const f64, xs_len: usize, out: *mut BoundsOutput) -> i32 {
    let xs: &[f64] = if xs_len == 0 {
        &[]
    } else if xs.is_null() {
        return -1;
    } else {
        unsafe { std::slice::from_raw_parts(xs, xs_len) }
    };
    let result = BoundsOutput::from(bounds(xs));
    if !out.is_null() {
        unsafe { out.write(result) };
    }
    0
}

/// The return value as C sees it: the tuple `(f64, f64)` with C's field order and padding.
#[repr(C)]
pub struct BoundsOutput {
    pub _0: f64,
    pub _1: f64,
}

impl From<(f64, f64)> for BoundsOutput {
    fn from((v0, v1): (f64, f64)) -> Self {
        Self { _0: v0, _1: v1 }
    }
}

impl From<BoundsOutput> for (f64, f64) {
    fn from(v: BoundsOutput) -> Self {
        (v._0, v._1)
    }
}

/// Elements that need converting: `char`s cross as `u32`s (checked on the way in), nested tuples as
/// their own structs.
pub fn swap_chars(pair: (char, char)) -> (char, char) {
    (pair.1, pair.0)
}

/// C entry point for [`swap_chars`]: the same function with C types at the boundary.
///
/// # Safety
///
/// Every `char` in `pair` must be a Unicode scalar value (else the call is rejected).
/// `out` must be null or valid for a write. Returns 0, or -1 when an argument is invalid (nothing is written).
#[export_name = "swap_chars"]
pub unsafe extern "C" fn swap_chars_ffi(pair: SwapCharsPair, out: *mut SwapCharsOutput) -> i32 {
    let Ok(pair) = <(char, char) as std::convert::TryFrom<_>>::try_from(pair) else {
        return -1;
    };
    let result = SwapCharsOutput::from(swap_chars(pair));
    if !out.is_null() {
        unsafe { out.write(result) };
    }
    0
}

/// Parameter `pair` as C sees it: the tuple `(char, char)` with C's field order and padding, `char`s as `u32`.
#[repr(C)]
pub struct SwapCharsPair {
    pub _0: u32,
    pub _1: u32,
}

impl From<(char, char)> for SwapCharsPair {
    fn from((v0, v1): (char, char)) -> Self {
        Self { _0: u32::from(v0), _1: u32::from(v1) }
    }
}

impl std::convert::TryFrom<SwapCharsPair> for (char, char) {
    type Error = ();

    fn try_from(v: SwapCharsPair) -> Result<Self, ()> {
        Ok((std::primitive::char::from_u32(v._0).ok_or(())?, std::primitive::char::from_u32(v._1).ok_or(())?))
    }
}

/// The return value as C sees it: the tuple `(char, char)` with C's field order and padding, `char`s as `u32`.
#[repr(C)]
pub struct SwapCharsOutput {
    pub _0: u32,
    pub _1: u32,
}

impl From<(char, char)> for SwapCharsOutput {
    fn from((v0, v1): (char, char)) -> Self {
        Self { _0: u32::from(v0), _1: u32::from(v1) }
    }
}

impl std::convert::TryFrom<SwapCharsOutput> for (char, char) {
    type Error = ();

    fn try_from(v: SwapCharsOutput) -> Result<Self, ()> {
        Ok((std::primitive::char::from_u32(v._0).ok_or(())?, std::primitive::char::from_u32(v._1).ok_or(())?))
    }
}

pub fn flatten(t: ((u8, u16), u8)) -> u32 {
    u32::from((t.0).0) + u32::from((t.0).1) + u32::from(t.1)
}

/// C entry point for [`flatten`]: the same function with C types at the boundary.
///
/// # Safety
///
/// Every pointer argument must be valid as its type says.
#[export_name = "flatten"]
pub unsafe extern "C" fn flatten_ffi(t: FlattenT) -> u32 {
    let t: ((u8, u16), u8) = t.into();
    flatten(t)
}

/// Element 0 of parameter `t` as C sees it: the tuple `(u8, u16)` with C's field order and padding.
#[repr(C)]
pub struct FlattenT0 {
    pub _0: u8,
    pub _1: u16,
}

impl From<(u8, u16)> for FlattenT0 {
    fn from((v0, v1): (u8, u16)) -> Self {
        Self { _0: v0, _1: v1 }
    }
}

impl From<FlattenT0> for (u8, u16) {
    fn from(v: FlattenT0) -> Self {
        (v._0, v._1)
    }
}

/// Parameter `t` as C sees it: the tuple `((u8, u16), u8)` with C's field order and padding.
#[repr(C)]
pub struct FlattenT {
    pub _0: FlattenT0,
    pub _1: u8,
}

impl From<((u8, u16), u8)> for FlattenT {
    fn from((v0, v1): ((u8, u16), u8)) -> Self {
        Self { _0: FlattenT0::from(v0), _1: v1 }
    }
}

impl From<FlattenT> for ((u8, u16), u8) {
    fn from(v: FlattenT) -> Self {
        (v._0.into(), v._1)
    }
}
