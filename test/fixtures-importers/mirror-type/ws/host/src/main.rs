//! The host has its own `Glyph` and cannot name the plugin's new `GlyphC`: both declarations are left,
//! and the fix says why. `glyph_width`'s shim also gains an out-parameter, which `abi-mismatch` reports;
//! `glyph_wide` returns the mirror, which C reads as it read `Glyph` (a `char` is four bytes, as the
//! mirror's `u32`): no `abi-mismatch` follows, and the fix says to change it by hand (the host's own
//! `char-type` finding asks for it too).

#[repr(C)]
pub struct Glyph {
    pub code: char,
    pub width: u8,
}

extern "C" {
    fn glyph_width(g: Glyph) -> u32;
    fn glyph_wide(code: u32) -> Glyph;
}

fn main() {
    let w = unsafe { glyph_width(Glyph { code: 'x', width: 1 }) };
    let g = unsafe { glyph_wide(0x41) };
    println!("{w} {}", g.code);
}
