#![allow(dead_code)]

/// The number of characters of every word together.
#[no_mangle]
pub extern "C" fn total_chars(words: &[&str]) -> usize {
    words.iter().map(|w| w.chars().count()).sum()
}

#[no_mangle]
pub extern "C" fn join_lines(lines: Vec<String>) -> usize {
    lines.join("\n").len()
}
