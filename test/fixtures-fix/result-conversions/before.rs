#![allow(dead_code)]
// `Result`s whose `Ok` value itself needs converting: a status code, and the converted value written to
// an out-parameter the caller owns afterwards.

pub struct Config {
    pub name: String,
}

#[no_mangle]
pub extern "C" fn version(major: u32) -> Result<String, String> {
    if major == 0 { Err("no such version".into()) } else { Ok(format!("{major}.0")) }
}

#[no_mangle]
pub extern "C" fn load(name: &str) -> Result<Config, std::io::Error> {
    Ok(Config { name: name.to_owned() })
}

#[no_mangle]
pub extern "C" fn read_all(n: usize) -> Result<Vec<u8>, ()> {
    Ok(vec![7; n])
}

#[no_mangle]
pub extern "C" fn bounds(values: &[i32]) -> Result<(i32, i32), i32> {
    let min = values.iter().min().ok_or(-1)?;
    let max = values.iter().max().ok_or(-1)?;
    Ok((*min, *max))
}

#[no_mangle]
pub extern "C" fn initial(word: &str) -> Result<char, ()> {
    word.chars().next().ok_or(())
}
