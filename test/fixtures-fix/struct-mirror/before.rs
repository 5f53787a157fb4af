/// A character and how many cells it takes.
#[repr(C)]
pub struct Glyph {
    pub code: char,
    pub width: u8,
}

/// By value: C builds a `GlyphC` (the `char` as a `u32`), never a handle it could not obtain.
#[no_mangle]
pub extern "C" fn glyph_width(g: Glyph) -> u32 {
    u32::from(g.width) * g.code.len_utf8() as u32
}

/// Returned: the mirror again, converted with `From`.
#[no_mangle]
pub extern "C" fn glyph_wide(code: u32) -> Glyph {
    Glyph { code: char::from_u32(code).unwrap_or('?'), width: 2 }
}

/// A second function taking it shares the one mirror.
#[no_mangle]
pub extern "C" fn glyph_code(g: Glyph) -> u32 {
    u32::from(g.code)
}
