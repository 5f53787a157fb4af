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

#[no_mangle]
pub extern "C" fn make_circle(r: f64) -> Box<dyn Shape> {
    Box::new(Circle { r })
}

#[no_mangle]
pub extern "C" fn shape_area(s: &dyn Shape) -> f64 {
    s.area()
}

#[no_mangle]
pub extern "C" fn grow(s: &mut dyn Shape, k: f64) {
    s.scale(k)
}
