//! The Rust side: an ordinary, idiomatic Rust type.

use crate::types::{Entry, Stats};
use std::collections::BTreeMap;

#[derive(Default)]
pub struct Store {
    map: BTreeMap<String, i64>,
}

impl Store {
    pub fn put(&mut self, key: &str, value: i64) {
        self.map.insert(key.to_owned(), value);
    }

    pub fn get(&self, key: &str) -> Option<i64> {
        self.map.get(key).copied()
    }

    pub fn len(&self) -> usize {
        self.map.len()
    }

    pub fn first(&self) -> Option<Entry> {
        self.map.iter().next().map(|(k, v)| Entry { key_len: k.len() as u32, value: *v })
    }

    pub fn stats(&self) -> Stats {
        Stats { entries: self.map.len() as u64, bytes: self.map.keys().map(|k| k.len() as u64).sum() }
    }

    pub fn dump(&self) -> String {
        self.map.iter().map(|(k, v)| format!("{k}={v}\n")).collect()
    }

    pub fn for_each(&self, visit: fn(&str, i64)) {
        for (k, v) in &self.map {
            visit(k, *v);
        }
    }
}
