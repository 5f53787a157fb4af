#![allow(dead_code)]

#[export_name = "sum_u32"]
pub extern "C" fn sum(xs: &[u32]) -> u64 {
    xs.iter().map(|&x| u64::from(x)).sum()
}

#[no_mangle]
pub extern "C" fn fill(buf: &mut [u8], value: u8) {
    buf.fill(value);
}

#[no_mangle]
pub extern "C" fn total(values: Vec<i32>) {
    let _ = values;
}
