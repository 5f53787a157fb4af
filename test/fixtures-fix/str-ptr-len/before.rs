// fix-choose: strings as pointer + length
#![allow(dead_code)]

#[no_mangle]
pub extern "C" fn count_words(text: &str) -> usize {
    text.split_whitespace().count()
}

#[no_mangle]
pub extern "C" fn shout(name: String, times: u32) -> u32 {
    name.to_uppercase().len() as u32 * times
}
