#![allow(dead_code)]

#[repr(C)]
pub struct Point {
    pub x: f64,
    pub y: f64,
}

#[repr(transparent)]
pub struct Meters(pub f64);

#[repr(u8)]
#[derive(Clone, Copy)]
pub enum Mode {
    Read = 1,
    Write = 2,
}

#[repr(C)]
pub enum Shape {
    Circle(f64),
    Square(f64),
}

#[repr(C, align(8))]
pub struct Aligned {
    pub v: u32,
}

#[no_mangle]
pub extern "C" fn norm(p: Point) -> f64 {
    (p.x * p.x + p.y * p.y).sqrt()
}

#[no_mangle]
pub extern "C" fn to_feet(m: Meters) -> f64 {
    m.0 * 3.28
}

#[no_mangle]
pub extern "C" fn mode() -> Mode {
    Mode::Read
}

#[no_mangle]
pub extern "C" fn area(s: Shape) -> f64 {
    match s {
        Shape::Circle(r) => 3.14 * r * r,
        Shape::Square(a) => a * a,
    }
}

#[no_mangle]
pub extern "C" fn aligned(a: Aligned) -> u32 {
    a.v
}

/// An explicit `#[repr(Rust)]` is replaced, not merged with (`repr(C, Rust)` does not compile).
#[repr(C)]
pub struct Explicit {
    pub a: u8,
    pub b: u32,
}

#[no_mangle]
pub extern "C" fn explicit_sum(e: Explicit) -> u32 {
    u32::from(e.a) + e.b
}
