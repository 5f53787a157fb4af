#![allow(dead_code)]

pub trait Shape {
    fn area(&self) -> f64;
    fn name(&self) -> String;
    fn scale(&mut self, k: f64);
}

pub struct Circle {
    r: f64,
}

impl Shape for Circle {
    fn area(&self) -> f64 {
        3.0 * self.r * self.r
    }
    fn name(&self) -> String {
        "circle".to_owned()
    }
    fn scale(&mut self, k: f64) {
        self.r *= k;
    }
}

pub fn make_circle(r: f64) -> Box<dyn Shape> {
    Box::new(Circle { r })
}

/// C entry point for [`make_circle`]: the same function with C types at the boundary.
///
/// # Safety
///
/// Returns an opaque handle to a `Shape` owned by the caller (null when an argument is invalid): pass it to this library's functions and free it once with `fixcase_free_shape`.
#[export_name = "make_circle"]
pub unsafe extern "C" fn make_circle_ffi(r: f64) -> *mut std::ffi::c_void {
    let result: std::boxed::Box<dyn Shape> = make_circle(r);
    std::boxed::Box::into_raw(std::boxed::Box::new(result)).cast::<std::ffi::c_void>()
}

/// Frees a `Shape` handle returned by this library.
///
/// # Safety
///
/// `handle` must be null or a handle to a `Shape` returned by this library, not yet freed; it must not be used
/// afterwards.
#[no_mangle]
pub unsafe extern "C" fn fixcase_free_shape(handle: *mut std::ffi::c_void) {
    if !handle.is_null() {
        drop(unsafe { std::boxed::Box::from_raw(handle.cast::<std::boxed::Box<dyn Shape>>()) });
    }
}

/// The methods of [`Shape`] that C can call, each taking a handle this library returned first.
/// Get it from `fixcase_shape_vtable`; free a handle with `free` (or `fixcase_free_shape`).
#[repr(C)]
pub struct ShapeVTable {
    pub area: unsafe extern "C" fn(handle: *const std::ffi::c_void) -> f64,
    pub scale: unsafe extern "C" fn(handle: *mut std::ffi::c_void, k: f64),
    pub free: unsafe extern "C" fn(handle: *mut std::ffi::c_void),
}

/// [`Shape::area`] on a handle.
///
/// # Safety
///
/// `handle` must be a live handle to a `Shape` returned by this library.
unsafe extern "C" fn shape_vtable_area(handle: *const std::ffi::c_void) -> f64 {
    let this = unsafe { &*handle.cast::<std::boxed::Box<dyn Shape>>() };
    this.area()
}

/// [`Shape::scale`] on a handle.
///
/// # Safety
///
/// `handle` must be a live handle to a `Shape` returned by this library, not used elsewhere during the call.
unsafe extern "C" fn shape_vtable_scale(handle: *mut std::ffi::c_void, k: f64) {
    let this = unsafe { &mut *handle.cast::<std::boxed::Box<dyn Shape>>() };
    this.scale(k)
}

static SHAPE_VTABLE: ShapeVTable = ShapeVTable {
    area: shape_vtable_area,
    scale: shape_vtable_scale,
    free: fixcase_free_shape,
};

/// The table of [`Shape`]'s C-callable methods; it lives as long as the library.
#[no_mangle]
pub extern "C" fn fixcase_shape_vtable() -> *const ShapeVTable {
    &SHAPE_VTABLE
}

pub fn shape_area(s: &dyn Shape) -> f64 {
    s.area()
}

/// C entry point for [`shape_area`]: the same function with C types at the boundary.
///
/// # Safety
///
/// `s` must be null or a live `Shape` handle returned by this library.
/// `out` must be null or valid for a write. Returns 0, or -1 when an argument is invalid (nothing is written).
#[export_name = "shape_area"]
pub unsafe extern "C" fn shape_area_ffi(s: *const std::ffi::c_void, out: *mut f64) -> i32 {
    let Some(s) = (unsafe { s.cast::<std::boxed::Box<dyn Shape>>().as_ref() }) else {
        return -1;
    };
    let result = shape_area(&**s);
    if !out.is_null() {
        unsafe { out.write(result) };
    }
    0
}

pub fn grow(s: &mut dyn Shape, k: f64) {
    s.scale(k)
}

/// C entry point for [`grow`]: the same function with C types at the boundary.
///
/// # Safety
///
/// `s` must be null or a live `Shape` handle returned by this library, not used elsewhere during the call.
#[export_name = "grow"]
pub unsafe extern "C" fn grow_ffi(s: *mut std::ffi::c_void, k: f64) {
    let Some(s) = (unsafe { s.cast::<std::boxed::Box<dyn Shape>>().as_mut() }) else {
        return;
    };
    grow(&mut **s, k);
}
