#![allow(dead_code)]

#[no_mangle]
pub extern "C" fn label(n: u32) -> Box<str> {
    format!("item #{n}").into_boxed_str()
}

#[no_mangle]
pub extern "C" fn squares(n: u32) -> Box<[u64]> {
    (1..=u64::from(n)).map(|i| i * i).collect()
}
