#![allow(dead_code)]

#[no_mangle]
pub extern "C" fn for_each_line(text: &str, visit: fn(&str, usize)) {
    for (i, line) in text.lines().enumerate() {
        visit(line, i);
    }
}

#[no_mangle]
pub extern "C" fn sum_with(values: &[i32], weight: fn(i32) -> i64) -> i64 {
    values.iter().map(|&v| weight(v)).sum()
}

/// An optional callback: a null C callback is `None`.
#[no_mangle]
pub extern "C" fn count_words(text: &str, visit: Option<fn(&str, usize)>) -> usize {
    let words: Vec<&str> = text.split(' ').collect();
    if let Some(visit) = visit {
        for (i, w) in words.iter().enumerate() {
            visit(w, i);
        }
    }
    words.len()
}

/// Closures: C's callback plus user data.
#[no_mangle]
pub extern "C" fn each_even(limit: u32, f: &dyn Fn(u32), done: &mut dyn FnMut(&str) -> bool) -> bool {
    for i in (0..limit).step_by(2) {
        f(i);
    }
    done("finished")
}
