// Exports with Rust types at the boundary: `ffi-guard fix` turns each into a Rust function plus a C shim,
// and main.c calls the shims through the header `ffi-guard header` generates.
#![allow(dead_code)]

#[no_mangle]
pub extern "C" fn count_chars(s: &str) -> usize {
    s.chars().count()
}

#[no_mangle]
pub extern "C" fn sum(xs: &[i32]) -> i64 {
    xs.iter().map(|&x| i64::from(x)).sum()
}

#[no_mangle]
pub extern "C" fn greeting(name: &str) -> String {
    format!("hello, {name}")
}

#[no_mangle]
pub extern "C" fn half(x: u32) -> Option<u32> {
    if x % 2 == 0 { Some(x / 2) } else { None }
}

#[no_mangle]
pub extern "C" fn next_char(c: char) -> char {
    char::from_u32(c as u32 + 1).unwrap_or(c)
}

#[no_mangle]
pub extern "C" fn digits(n: u32) -> Vec<u8> {
    n.to_string().into_bytes()
}

#[no_mangle]
pub extern "C" fn min_max(a: i32, b: i32) -> (i32, i32) {
    if a <= b { (a, b) } else { (b, a) }
}

#[no_mangle]
pub extern "C" fn area(size: (u32, u32)) -> u64 {
    u64::from(size.0) * u64::from(size.1)
}

#[no_mangle]
pub extern "C" fn label(n: u32) -> Box<str> {
    format!("item #{n}").into_boxed_str()
}

#[no_mangle]
pub extern "C" fn squares(n: u32) -> Box<[u64]> {
    (1..=u64::from(n)).map(|i| i * i).collect()
}

pub trait Shape {
    fn area(&self) -> f64;
    fn scale(&mut self, k: f64);
}

pub struct Square {
    side: f64,
}

impl Shape for Square {
    fn area(&self) -> f64 {
        self.side * self.side
    }
    fn scale(&mut self, k: f64) {
        self.side *= k;
    }
}

#[no_mangle]
pub extern "C" fn make_square(side: f64) -> Box<dyn Shape> {
    Box::new(Square { side })
}

#[no_mangle]
pub extern "C" fn shape_area(s: &dyn Shape) -> f64 {
    s.area()
}

#[repr(C)]
pub struct Acc {
    total: i64,
}

impl Acc {
    #[no_mangle]
    pub extern "C" fn acc_add(&mut self, xs: &[i32]) -> i64 {
        self.total += xs.iter().map(|&x| i64::from(x)).sum::<i64>();
        self.total
    }
}

#[no_mangle]
pub extern "C" fn each_word(text: &str, visit: fn(&str, usize)) -> usize {
    let mut n = 0;
    for (i, word) in text.split_whitespace().enumerate() {
        visit(word, i);
        n += 1;
    }
    n
}

/// A Rust value C holds as an opaque handle: made, used (taken over by the call), freed.
pub struct Tally {
    counts: std::collections::HashMap<String, u32>,
}

#[no_mangle]
pub extern "C" fn tally_new(words: &str) -> Tally {
    let mut counts = std::collections::HashMap::new();
    for w in words.split_whitespace() {
        *counts.entry(w.to_owned()).or_insert(0) += 1;
    }
    Tally { counts }
}

#[no_mangle]
pub extern "C" fn tally_distinct(tally: Tally) -> usize {
    tally.counts.len()
}

#[no_mangle]
pub extern "C" fn greet_maybe(name: Option<&str>) -> Option<String> {
    name.map(|n| format!("hi {n}"))
}

#[no_mangle]
pub extern "C" fn shout(text: &mut str) {
    text.make_ascii_uppercase();
}

#[no_mangle]
pub extern "C" fn alphabet() -> &'static [u8] {
    b"abc"
}

#[no_mangle]
pub extern "C" fn with_unit(tag: (), x: u32) -> u32 {
    let () = tag;
    x * 2
}

#[no_mangle]
pub extern "C" fn settle(outcome: Result<u32, i32>) -> i64 {
    match outcome {
        Ok(v) => i64::from(v),
        Err(e) => -i64::from(e),
    }
}

#[no_mangle]
pub extern "C" fn file_stem(path: &std::path::Path) -> Option<&std::ffi::OsStr> {
    path.file_stem()
}

#[no_mangle]
pub extern "C" fn longest(words: &[&str]) -> usize {
    words.iter().map(|w| w.len()).max().unwrap_or(0)
}

#[no_mangle]
pub extern "C" fn version(major: u32) -> Result<String, String> {
    if major == 0 {
        Err("no such version".into())
    } else {
        Ok(format!("{major}.0"))
    }
}

#[no_mangle]
pub extern "C" fn sum_mapped(n: u32, f: &dyn Fn(u32) -> u32) -> u32 {
    (0..n).map(f).sum()
}

#[no_mangle]
pub extern "C" fn total_len(bufs: &[&[u8]]) -> usize {
    bufs.iter().map(|b| b.len()).sum()
}
