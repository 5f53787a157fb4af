//! A struct with a `char` field passed by value: its shim takes a `GlyphC` mirror the fix generates here.

#[repr(C)]
pub struct Glyph {
    pub code: char,
    pub width: u8,
}

pub fn glyph_width(g: Glyph) -> u32 {
    u32::from(g.width) * g.code.len_utf8() as u32
}

/// C entry point for [`glyph_width`]: the same function with C types at the boundary.
///
/// # Safety
///
/// `out` must be null or valid for a write. Returns 0, or -1 when an argument is invalid (nothing is written).
#[export_name = "glyph_width"]
pub unsafe extern "C" fn glyph_width_ffi(g: GlyphC, out: *mut u32) -> i32 {
    let Ok(g) = <Glyph as std::convert::TryFrom<GlyphC>>::try_from(g) else {
        return -1;
    };
    let result = glyph_width(g);
    if !out.is_null() {
        unsafe { out.write(result) };
    }
    0
}

/// [`Glyph`] as C builds it: the same fields in the same order, each `char` as a `u32`.
#[repr(C)]
pub struct GlyphC {
    pub code: u32,
    pub width: u8,
}

impl From<Glyph> for GlyphC {
    fn from(v: Glyph) -> Self {
        Self { code: u32::from(v.code), width: v.width }
    }
}

impl std::convert::TryFrom<GlyphC> for Glyph {
    type Error = ();

    /// Fails when a `char` field is not a Unicode scalar value.
    fn try_from(v: GlyphC) -> Result<Self, ()> {
        Ok(Self { code: std::primitive::char::from_u32(v.code).ok_or(())?, width: v.width })
    }
}

pub fn glyph_wide(code: u32) -> Glyph {
    Glyph { code: char::from_u32(code).unwrap_or('?'), width: 2 }
}

/// C entry point for [`glyph_wide`]: the same function with C types at the boundary.
///
/// # Safety
///
/// Every pointer argument must be valid as its type says.
#[export_name = "glyph_wide"]
pub unsafe extern "C" fn glyph_wide_ffi(code: u32) -> GlyphC {
    GlyphC::from(glyph_wide(code))
}
