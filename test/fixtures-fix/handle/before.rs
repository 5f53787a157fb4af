#![allow(dead_code)]
// Values C cannot hold cross as opaque handles: `Box::into_raw` out, `Box::from_raw` back in, and one
// generated free function per type.

use std::collections::HashMap;
use std::time::Duration;

/// A `#[repr(C)]` struct with a Rust field: C cannot build one, but it can hold a handle to it.
#[repr(C)]
pub struct Config {
    pub name: String,
    pub retries: u32,
}

pub trait Plugin {
    fn id(&self) -> u32;
}

#[no_mangle]
pub extern "C" fn config_new(retries: u32) -> Config {
    Config { name: String::from("default"), retries }
}

#[no_mangle]
pub extern "C" fn config_retries(config: Config) -> u32 {
    config.retries
}

#[no_mangle]
pub extern "C" fn counts_new() -> HashMap<u32, u32> {
    HashMap::new()
}

#[no_mangle]
pub extern "C" fn counts_len(counts: HashMap<u32, u32>, scale: u32) -> usize {
    counts.len() * scale as usize
}

#[no_mangle]
pub extern "C" fn maybe_timeout(on: bool) -> Option<Duration> {
    on.then(|| Duration::from_millis(250))
}

#[no_mangle]
pub extern "C" fn plugin_id(plugin: Box<dyn Plugin>) -> u32 {
    plugin.id()
}

#[no_mangle]
pub extern "C" fn title_len(title: Box<str>) -> usize {
    title.len()
}

#[no_mangle]
pub extern "C" fn sum_boxed(values: Box<[u64]>) -> u64 {
    values.iter().sum()
}
