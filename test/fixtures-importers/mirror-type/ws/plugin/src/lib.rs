//! A struct with a `char` field passed by value: its shim takes a `GlyphC` mirror the fix generates here.

#[repr(C)]
pub struct Glyph {
    pub code: char,
    pub width: u8,
}

#[no_mangle]
pub extern "C" fn glyph_width(g: Glyph) -> u32 {
    u32::from(g.width) * g.code.len_utf8() as u32
}

#[no_mangle]
pub extern "C" fn glyph_wide(code: u32) -> Glyph {
    Glyph { code: char::from_u32(code).unwrap_or('?'), width: 2 }
}
