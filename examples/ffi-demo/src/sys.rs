//! Functions this library imports from C.

use crate::types::Stats;
use std::ffi::{c_char, c_int};

extern "C" {
    /// Sound: C types only.
    pub fn strlen(s: *const c_char) -> usize;
    /// Sound: a pointer to a `#[repr(C)]` struct.
    pub fn report_stats(stats: *const Stats) -> c_int;
    /// A mistake: in an `extern` block rustc looks through pointers, and `Vec` has no C layout.
    pub fn log_lines(lines: *const Vec<String>);
}
