/// The struct is defined in another module than the functions that pass it by value: the mirror is
/// generated beside the shims and names it by its path.
pub mod text {
    pub mod glyphs {
        /// How wide a cell is.
        #[repr(C)]
        #[derive(Clone, Copy)]
        pub struct Cells {
            pub n: u8,
        }

        /// A character and how many cells it takes.
        #[repr(C)]
        pub struct Glyph {
            pub code: char,
            pub width: Cells,
        }
    }
}

mod api {
    use crate::text::glyphs::Glyph;

    /// By value: C builds a `GlyphC` (the `char` as a `u32`).
    #[no_mangle]
    pub extern "C" fn glyph_width(g: Glyph) -> u32 {
        u32::from(g.width.n) * g.code.len_utf8() as u32
    }
}

/// Returned, from the crate root this time.
#[no_mangle]
pub extern "C" fn glyph_wide(code: u32) -> text::glyphs::Glyph {
    text::glyphs::Glyph { code: char::from_u32(code).unwrap_or('?'), width: text::glyphs::Cells { n: 2 } }
}
