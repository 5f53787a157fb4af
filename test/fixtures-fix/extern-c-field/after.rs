/// A table of operations C receives by value: its Rust-ABI `fn` fields become `extern "C" fn`, and the
/// functions stored into them (by a struct literal, an assignment, `Some(…)`) get `extern "C"` too.
pub mod ops {
    #[repr(C)]
    pub struct Ops {
        pub apply: extern "C" fn(u32) -> u32,
        pub fallback: Option<extern "C" fn(u32) -> u32>,
    }

    pub extern "C" fn double(x: u32) -> u32 {
        x * 2
    }

    pub extern "C" fn halve(x: u32) -> u32 {
        x / 2
    }

    pub(crate) extern "C" fn negate(x: u32) -> u32 {
        x.wrapping_neg()
    }
}

use ops::{double, Ops};

pub fn table(twice: bool) -> Ops {
    let mut t = Ops { apply: double, fallback: None };
    if !twice {
        t.apply = ops::halve;
        t.fallback = Some(crate::ops::negate);
    }
    t
}

/// Called from Rust too: an `extern "C" fn` is an ordinary function to Rust callers.
pub fn quadruple(x: u32) -> u32 {
    double(double(x))
}

#[no_mangle]
pub extern "C" fn ops_run(ops: Ops, x: u32) -> u32 {
    match ops.fallback {
        Some(f) if x == 0 => f(x),
        _ => (ops.apply)(x),
    }
}
