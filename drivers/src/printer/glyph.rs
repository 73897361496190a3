//! The CJK font the printer side draws with: the simulator's PNG pages, and the raster
//! glyphs sent for characters a printer's ROM font does not have.
//!
//! The font is looked up once through the system's fontconfig directories (fontdb):
//! Noto Sans CJK (Debian's fonts-noto-cjk, which the kiosk image depends on) first, then
//! WenQuanYi, then any sans-serif face. `HALL_KIOSK_PRINTER_FONT=/path/font.ttc` overrides it.

use std::sync::OnceLock;

use ab_glyph::{Font, FontRef, PxScale, ScaleFont};

/// Faces tried in order (monospaced first: printer ROM fonts are); a character is drawn from the first face that has it (the HK face
/// of Noto Sans CJK carries Extension B characters used in names that the SC face lacks).
const FAMILIES: &[&str] = &[
    "Noto Sans Mono CJK SC",
    "Noto Sans CJK SC",
    "Noto Sans CJK HK",
    "Noto Sans CJK TC",
    "WenQuanYi Micro Hei",
    "WenQuanYi Zen Hei",
    "Droid Sans Fallback",
];

/// Where the top of the ideographic em box sits above the baseline, as a share of the em:
/// the baseline goes this far down a 24-dot cell so ideographs fill it as the ROM font does.
const BASELINE: f32 = 0.88;

pub struct PrinterFont {
    faces: Vec<FontRef<'static>>,
}

/// A 1-bit picture, row-major, `true` is black.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Bitmap {
    pub width: usize,
    pub height: usize,
    pub dots: Vec<bool>,
}

impl Bitmap {
    pub fn new(width: usize, height: usize) -> Bitmap {
        Bitmap {
            width,
            height,
            dots: vec![false; width * height],
        }
    }

    pub fn get(&self, x: usize, y: usize) -> bool {
        x < self.width && y < self.height && self.dots[y * self.width + x]
    }

    pub fn set(&mut self, x: usize, y: usize) {
        if x < self.width && y < self.height {
            self.dots[y * self.width + x] = true;
        }
    }

    pub fn black_dots(&self) -> usize {
        self.dots.iter().filter(|d| **d).count()
    }
}

/// The font, loaded on first use; None when the machine has no usable font at all.
pub fn font() -> Option<&'static PrinterFont> {
    static FONT: OnceLock<Option<PrinterFont>> = OnceLock::new();
    FONT.get_or_init(load).as_ref()
}

fn leak(data: Vec<u8>) -> &'static [u8] {
    // The font lives as long as the process; it is loaded once.
    Box::leak(data.into_boxed_slice())
}

fn load() -> Option<PrinterFont> {
    if let Ok(path) = std::env::var("HALL_KIOSK_PRINTER_FONT") {
        let data = leak(std::fs::read(&path).ok()?);
        let faces: Vec<_> = (0..ttc_faces(data))
            .filter_map(|i| FontRef::try_from_slice_and_index(data, i).ok())
            .collect();
        return (!faces.is_empty()).then_some(PrinterFont { faces });
    }
    let mut db = fontdb::Database::new();
    db.load_system_fonts();
    let mut files: Vec<(std::path::PathBuf, &'static [u8])> = Vec::new();
    let mut faces = Vec::new();
    let mut wanted: Vec<fontdb::Family> =
        FAMILIES.iter().map(|f| fontdb::Family::Name(f)).collect();
    wanted.push(fontdb::Family::SansSerif);
    for family in wanted {
        let Some(id) = db.query(&fontdb::Query {
            families: &[family],
            ..Default::default()
        }) else {
            continue;
        };
        let Some((fontdb::Source::File(path) | fontdb::Source::SharedFile(path, _), index)) =
            db.face_source(id)
        else {
            continue;
        };
        let data = match files.iter().find(|(p, _)| *p == path) {
            Some((_, d)) => *d,
            None => {
                let Ok(bytes) = std::fs::read(&path) else {
                    continue;
                };
                let d = leak(bytes);
                files.push((path.clone(), d));
                d
            }
        };
        if let Ok(face) = FontRef::try_from_slice_and_index(data, index) {
            faces.push(face);
        }
    }
    (!faces.is_empty()).then_some(PrinterFont { faces })
}

fn ttc_faces(data: &[u8]) -> u32 {
    if data.starts_with(b"ttcf") && data.len() >= 12 {
        u32::from_be_bytes([data[8], data[9], data[10], data[11]])
    } else {
        1
    }
}

impl PrinterFont {
    fn face_for(&self, c: char) -> Option<&FontRef<'static>> {
        self.faces.iter().find(|f| f.glyph_id(c).0 != 0)
    }

    pub fn covers(&self, c: char) -> bool {
        self.face_for(c).is_some()
    }

    /// Draws `c` into a cell `cell_w` dots wide whose top-left corner is (`x`, `y`), at an
    /// em of `em_w`×`em_h` dots (24×24 in font A, times the character magnification);
    /// `plot` receives each black dot.
    #[allow(clippy::too_many_arguments)]
    pub fn draw(
        &self,
        c: char,
        x: i32,
        y: i32,
        cell_w: u32,
        em_w: u32,
        em_h: u32,
        bold: bool,
        plot: &mut dyn FnMut(i32, i32),
    ) {
        let Some(face) = self.face_for(c) else {
            // A visible box rather than nothing: the reader sees something is missing.
            for i in 2..cell_w.saturating_sub(2) as i32 {
                plot(x + i, y + 2);
                plot(x + i, y + em_h as i32 - 3);
            }
            for j in 2..em_h.saturating_sub(2) as i32 {
                plot(x + 2, y + j);
                plot(x + cell_w as i32 - 3, y + j);
            }
            return;
        };
        // ab_glyph scales by the font's line height (ascent − descent), not by the em; CJK
        // fonts have a line height of about 1.45 em, and a printer glyph fills its em.
        let per_em = face.height_unscaled() / face.units_per_em().unwrap_or(1000.0);
        let scale = PxScale {
            x: em_w as f32 * per_em,
            y: em_h as f32 * per_em,
        };
        let scaled = face.as_scaled(scale);
        let glyph = scaled.scaled_glyph(c);
        let advance = scaled.h_advance(glyph.id);
        // Centre narrow glyphs (digits in a CJK-width cell) in their cell.
        let dx = ((cell_w as f32 - advance) / 2.0).max(0.0);
        let glyph = ab_glyph::Glyph {
            position: ab_glyph::point(x as f32 + dx, y as f32 + em_h as f32 * BASELINE),
            ..glyph
        };
        if let Some(outline) = face.outline_glyph(glyph) {
            let b = outline.px_bounds();
            outline.draw(|gx, gy, coverage| {
                if coverage > 0.45 {
                    let px = b.min.x as i32 + gx as i32;
                    let py = b.min.y as i32 + gy as i32;
                    plot(px, py);
                    if bold {
                        plot(px + 1, py);
                    }
                }
            });
        }
    }

    /// `c` as a 24×24 bitmap (the size of a ROM glyph in font A), for raster fallback.
    pub fn bitmap(&self, c: char, size: usize) -> Bitmap {
        let mut bm = Bitmap::new(size, size);
        let s = size as u32;
        self.draw(c, 0, 0, s, s, s, false, &mut |x, y| {
            if x >= 0 && y >= 0 {
                bm.set(x as usize, y as usize);
            }
        });
        bm
    }
}
