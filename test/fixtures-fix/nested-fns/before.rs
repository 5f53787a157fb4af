#![allow(dead_code)]

pub fn install() -> usize {
    // An exported function defined inside a body gets its shim next to it, in the same block.
    #[no_mangle]
    pub extern "C" fn nested_name_len(name: &str) -> usize {
        name.len()
    }
    let words = ["a", "bc"];
    words.iter().map(|w| w.len()).sum::<usize>()
}

/// Called, and named in turbofish method calls (`.sum::<i64>()`), but never taken as a value.
#[no_mangle]
pub extern "C" fn sum(values: &[i64]) -> i64 {
    values.iter().sum::<i64>()
}

pub fn total() -> i64 {
    let two = sum(&[1, 2]);
    two
}

/// Its name in an attribute is not a use as a value either.
#[must_use]
#[no_mangle]
pub extern "C" fn must_use(c: char) -> u32 {
    c as u32
}

pub fn setup() -> u32 {
    // Its shim needs a generated struct: that goes after `setup`, at module level, where other shims see it.
    #[no_mangle]
    pub extern "C" fn nested_span(span: (u32, u32)) -> u32 {
        span.1 - span.0
    }
    7
}
