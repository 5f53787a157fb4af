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
    pub fn glyph_width(g: Glyph) -> u32 {
        u32::from(g.width.n) * g.code.len_utf8() as u32
    }

    /// C entry point for [`glyph_width`]: the same function with C types at the boundary.
    ///
    /// # Safety
    ///
    /// `out` must be null or valid for a write. Returns 0, or -1 when an argument is invalid (nothing is written).
    #[export_name = "glyph_width"]
    pub unsafe extern "C" fn glyph_width_ffi(g: GlyphC, out: *mut u32) -> i32 {
        let Ok(g) = <crate::text::glyphs::Glyph as std::convert::TryFrom<GlyphC>>::try_from(g) else {
            return -1;
        };
        let result = glyph_width(g);
        if !out.is_null() {
            unsafe { out.write(result) };
        }
        0
    }

    /// [`Glyph`](crate::text::glyphs::Glyph) as C builds it: the same fields in the same order, each `char` as a `u32`.
    #[repr(C)]
    pub struct GlyphC {
        pub code: u32,
        pub width: crate::text::glyphs::Cells,
    }

    impl From<crate::text::glyphs::Glyph> for GlyphC {
        fn from(v: crate::text::glyphs::Glyph) -> Self {
            Self { code: u32::from(v.code), width: v.width }
        }
    }

    impl std::convert::TryFrom<GlyphC> for crate::text::glyphs::Glyph {
        type Error = ();

        /// Fails when a `char` field is not a Unicode scalar value.
        fn try_from(v: GlyphC) -> Result<Self, ()> {
            Ok(Self { code: std::primitive::char::from_u32(v.code).ok_or(())?, width: v.width })
        }
    }
}

/// Returned, from the crate root this time.
pub fn glyph_wide(code: u32) -> text::glyphs::Glyph {
    text::glyphs::Glyph { code: char::from_u32(code).unwrap_or('?'), width: text::glyphs::Cells { n: 2 } }
}

/// C entry point for [`glyph_wide`]: the same function with C types at the boundary.
///
/// # Safety
///
/// Every pointer argument must be valid as its type says.
#[export_name = "glyph_wide"]
pub unsafe extern "C" fn glyph_wide_ffi(code: u32) -> crate::api::GlyphC {
    crate::api::GlyphC::from(glyph_wide(code))
}
