//! Types shared with C.

/// Result codes: a C enum.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorCode {
    Ok = 0,
    NullPointer = 1,
    InvalidUtf8 = 2,
}

/// Sizes reported to C.
#[repr(C)]
#[derive(Debug, Default, Clone, Copy)]
pub struct Stats {
    pub entries: u64,
    pub bytes: u64,
}

/// Missing `#[repr(C)]`: Rust may reorder these fields.
#[derive(Debug, Clone, Copy)]
pub struct Entry {
    pub key_len: u32,
    pub value: i64,
}
