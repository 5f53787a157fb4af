// Lines end in CRLF: what a fix inserts ends in CRLF too.
#![allow(dead_code)]

pub struct Point {
    x: i32,
    y: i32,
}

#[no_mangle]
pub extern "C" fn norm(p: Point) -> i32 {
    p.x.abs() + p.y.abs()
}

#[no_mangle]
pub extern "C" fn greet(name: &str) -> usize {
    name.len()
}
