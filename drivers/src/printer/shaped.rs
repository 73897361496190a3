//! Tibetan on paper. Receipt printers carry Chinese and ASCII in ROM but no Tibetan, and
//! Tibetan cannot be printed a character at a time anyway: consonants stack below each other
//! and vowel signs sit above or below the stack, which only a shaper knows how to place. So a
//! Tibetan line is shaped with harfrust (HarfBuzz ported to Rust), drawn with ab_glyph at the
//! shaped glyph positions into a 1-bit [`Bitmap`] cropped to its ink, and sent as a raster
//! image (GS v 0, see `layout::JobBuilder::raster_text`). Chinese stays in text mode.
//!
//! The face is looked up once through fontdb ([`FAMILIES`], Debian's fonts-tibetan-machine
//! first); `HALL_KIOSK_PRINTER_TIBETAN_FONT=/path/font.ttf` overrides the lookup. Without a
//! face [`face`] answers a [`ShapeError`] and callers print the Chinese alone: a kiosk without
//! the font still prints every ticket.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use ab_glyph::{Font as _, GlyphId, OutlinedGlyph, PxScale};
use harfrust::{BufferFlags, Direction, ShapeOptions, ShaperData, UnicodeBuffer};

use super::glyph::Bitmap;
use super::text;

/// Families tried in order. Tibetan Machine Uni is what Debian ships (fonts-tibetan-machine)
/// and what the kiosk image installs; the Noto faces and Jomolhari are what other
/// distributions and hand-built images tend to have.
pub const FAMILIES: &[&str] = &[
    "Tibetan Machine Uni",
    "Noto Serif Tibetan",
    "Noto Sans Tibetan",
    "Jomolhari",
];

/// Environment variable naming a font file that replaces the fontdb lookup.
pub const FONT_ENV: &str = "HALL_KIOSK_PRINTER_TIBETAN_FONT";

/// Coverage from which a dot is black. Half coverage keeps stroke weight as the
/// anti-aliased picture has it: thin tsheg dots and vowel hooks neither vanish nor swell.
pub const THRESHOLD: f32 = 0.5;

/// No raster grows past this many dots either way, whatever it is asked to draw: far more
/// than any paper, and a bound on memory for runaway input.
const MAX_DOTS: usize = 4096;

/// Why no Tibetan can be drawn. Carries no text and no path, so it can be logged as is.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ShapeError {
    #[error("no Tibetan font is installed")]
    NoFont,
    #[error("the Tibetan font file cannot be read")]
    Unreadable,
    #[error("the Tibetan font file is not a font with Tibetan glyphs")]
    NotTibetan,
}

impl ShapeError {
    /// A short stable name for logs and metrics.
    pub fn kind(&self) -> &'static str {
        match self {
            ShapeError::NoFont => "no_font",
            ShapeError::Unreadable => "font_unreadable",
            ShapeError::NotTibetan => "font_not_tibetan",
        }
    }
}

/// One glyph of a shaped line, in font units (y up), as HarfBuzz reports it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ShapedGlyph {
    pub id: u32,
    /// Byte offset in the shaped text of the cluster this glyph belongs to (`hb-shape
    /// --utf8-clusters` prints the same numbers).
    pub cluster: u32,
    pub x_advance: i32,
    pub x_offset: i32,
    pub y_offset: i32,
}

/// A shaped line, left to right.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ShapedLine {
    pub glyphs: Vec<ShapedGlyph>,
    pub units_per_em: u16,
}

impl ShapedLine {
    /// `(glyph id, cluster)` pairs: what a comparison with `hb-shape` looks at.
    pub fn ids_and_clusters(&self) -> Vec<(u32, u32)> {
        self.glyphs.iter().map(|g| (g.id, g.cluster)).collect()
    }
}

/// A Tibetan font, ready to shape and draw.
pub struct TibetanFace {
    data: Box<[u8]>,
    index: u32,
    path: Option<PathBuf>,
    /// harfrust's per-font caches; they hold table offsets, not borrows, so they are built
    /// once and paired with a `FontRef` over `data` on each call.
    shaper: ShaperData,
    units_per_em: u16,
    /// ab_glyph scales by line height (ascent − descent), harfrust positions by the em:
    /// this converts one into the other.
    height_per_em: f32,
}

impl std::fmt::Debug for TibetanFace {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TibetanFace")
            .field("path", &self.path)
            .field("index", &self.index)
            .field("units_per_em", &self.units_per_em)
            .finish_non_exhaustive()
    }
}

/// The system's Tibetan face, looked up once; the error says why there is none.
pub fn face() -> Result<&'static TibetanFace, ShapeError> {
    static FACE: OnceLock<Result<TibetanFace, ShapeError>> = OnceLock::new();
    FACE.get_or_init(|| {
        let found = load();
        if let Err(e) = &found {
            tracing::warn!(
                kind = e.kind(),
                "no Tibetan printer font: Tibetan lines are left off printed slips"
            );
        }
        found
    })
    .as_ref()
    .map_err(Clone::clone)
}

fn load() -> Result<TibetanFace, ShapeError> {
    if let Some(path) = std::env::var_os(FONT_ENV).filter(|p| !p.is_empty()) {
        // An explicit choice is not second-guessed with a lookup: a wrong path should show
        // up as missing Tibetan, not as some other face quietly printing.
        return TibetanFace::from_file(Path::new(&path), None);
    }
    let mut db = fontdb::Database::new();
    db.load_system_fonts();
    for family in FAMILIES {
        let Some(id) = db.query(&fontdb::Query {
            families: &[fontdb::Family::Name(family)],
            ..Default::default()
        }) else {
            continue;
        };
        let Some((fontdb::Source::File(path) | fontdb::Source::SharedFile(path, _), index)) =
            db.face_source(id)
        else {
            continue;
        };
        if let Ok(face) = TibetanFace::from_file(&path, Some(index)) {
            return Ok(face);
        }
    }
    Err(ShapeError::NoFont)
}

/// KA: a face without it has no Tibetan to speak of.
const PROBE: char = '\u{0F40}';

impl TibetanFace {
    /// Loads `path`; with no `index`, the first face of a collection that has Tibetan.
    pub fn from_file(path: &Path, index: Option<u32>) -> Result<TibetanFace, ShapeError> {
        let data = std::fs::read(path).map_err(|e| match e.kind() {
            std::io::ErrorKind::NotFound => ShapeError::NoFont,
            _ => ShapeError::Unreadable,
        })?;
        let mut face = TibetanFace::from_bytes(data, index)?;
        face.path = Some(path.to_path_buf());
        Ok(face)
    }

    /// A face from font bytes (TTF, OTF or a collection).
    pub fn from_bytes(data: Vec<u8>, index: Option<u32>) -> Result<TibetanFace, ShapeError> {
        let data = data.into_boxed_slice();
        let candidates = match index {
            Some(i) => i..i + 1,
            None => 0..collection_size(&data),
        };
        for index in candidates {
            let Ok(hr) = harfrust::FontRef::from_index(&data, index) else {
                continue;
            };
            let Ok(ab) = ab_glyph::FontRef::try_from_slice_and_index(&data, index) else {
                continue;
            };
            let Some(upem) = ab.units_per_em() else {
                continue;
            };
            if ab.glyph_id(PROBE).0 == 0 || upem < 16.0 {
                continue;
            }
            let shaper = ShaperData::new(&hr);
            let height_per_em = ab.height_unscaled() / upem;
            return Ok(TibetanFace {
                shaper,
                units_per_em: upem as u16,
                height_per_em,
                index,
                path: None,
                data,
            });
        }
        Err(ShapeError::NotTibetan)
    }

    /// The file the face came from (tests hand it to `hb-shape`, the doctor shows it).
    pub fn path(&self) -> Option<&Path> {
        self.path.as_deref()
    }

    /// The face's index in its file (0 unless a collection).
    pub fn index(&self) -> u32 {
        self.index
    }

    fn outlines(&self) -> Option<ab_glyph::FontRef<'_>> {
        ab_glyph::FontRef::try_from_slice_and_index(&self.data, self.index).ok()
    }

    /// Whether the face has a glyph for `c`.
    pub fn covers(&self, c: char) -> bool {
        self.outlines().is_some_and(|f| f.glyph_id(c).0 != 0)
    }

    /// Shapes one line as Tibetan, left to right. A line is a whole text for the shaper
    /// (beginning and end of text), so a vowel sign with no consonant before it is drawn on
    /// a dotted circle rather than floating over nothing.
    pub fn shape(&self, line: &str) -> ShapedLine {
        let mut out = ShapedLine {
            glyphs: Vec::new(),
            units_per_em: self.units_per_em,
        };
        let Ok(font) = harfrust::FontRef::from_index(&self.data, self.index) else {
            return out;
        };
        if line.is_empty() {
            return out;
        }
        let mut buffer = UnicodeBuffer::new();
        buffer.push_str(line);
        buffer.set_direction(Direction::LeftToRight);
        buffer.set_script(harfrust::script::TIBETAN);
        buffer.set_flags(BufferFlags::BEGINNING_OF_TEXT | BufferFlags::END_OF_TEXT);
        let shaper = self.shaper.shaper(&font).build();
        let shaped = shaper.shape(buffer, ShapeOptions::new());
        out.glyphs = shaped
            .glyph_infos()
            .iter()
            .zip(shaped.glyph_positions())
            .map(|(info, pos)| ShapedGlyph {
                id: info.glyph_id,
                cluster: info.cluster,
                x_advance: pos.x_advance,
                x_offset: pos.x_offset,
                y_offset: pos.y_offset,
            })
            .collect();
        out
    }

    /// The glyphs of `line` outlined at an em of `em_px` dots, the pen starting at x 0 on a
    /// baseline at y 0 (y down).
    fn outline_line(&self, line: &ShapedLine, em_px: f32) -> Vec<OutlinedGlyph> {
        let Some(font) = self.outlines() else {
            return Vec::new();
        };
        if !em_px.is_finite() || line.units_per_em == 0 {
            return Vec::new();
        }
        // Below 4 dots nothing legible comes out; above 512 a single glyph would not fit on
        // any paper.
        let em_px = em_px.clamp(4.0, 512.0);
        let per_unit = em_px / f32::from(line.units_per_em);
        let scale = PxScale::from(em_px * self.height_per_em);
        let mut pen = 0.0f32;
        let mut out = Vec::new();
        for g in &line.glyphs {
            let x = pen + g.x_offset as f32 * per_unit;
            let y = -(g.y_offset as f32) * per_unit;
            pen += g.x_advance as f32 * per_unit;
            if x > MAX_DOTS as f32 {
                break;
            }
            let Ok(id) = u16::try_from(g.id) else {
                continue;
            };
            // Each glyph starts on a whole dot, as screen renderers (cairo, so hb-view) place
            // them: a one-dot stroke then prints as one black column wherever the glyph falls,
            // not as two half-covered columns that the threshold keeps or drops by chance.
            let origin = ab_glyph::point(x.round(), y.round());
            let glyph = GlyphId(id).with_scale_and_position(scale, origin);
            if let Some(o) = font.outline_glyph(glyph) {
                out.push(o);
            }
        }
        out
    }

    /// Dots from the leftmost to the rightmost possible ink of `line` (an upper bound of
    /// [`rasterise`](Self::rasterise)'s width, without drawing).
    pub fn ink_width(&self, line: &ShapedLine, em_px: f32) -> usize {
        let glyphs = self.outline_line(line, em_px);
        let Some((x0, x1)) = glyphs
            .iter()
            .map(|g| g.px_bounds())
            .map(|b| (b.min.x, b.max.x))
            .reduce(|(a0, a1), (b0, b1)| (a0.min(b0), a1.max(b1)))
        else {
            return 0;
        };
        (x1 - x0).max(0.0) as usize
    }

    /// Draws a shaped line at an em of `em_px` dots into a bitmap cropped to its ink on all
    /// four sides (0×0 when nothing has ink): tall stacks are never clipped, short lines cost
    /// no blank rows on the wire.
    pub fn rasterise(&self, line: &ShapedLine, em_px: f32) -> Bitmap {
        let glyphs = self.outline_line(line, em_px);
        let Some((x0, y0, x1, y1)) = glyphs
            .iter()
            .map(|g| g.px_bounds())
            .map(|b| (b.min.x, b.min.y, b.max.x, b.max.y))
            .reduce(|a, b| (a.0.min(b.0), a.1.min(b.1), a.2.max(b.2), a.3.max(b.3)))
        else {
            return Bitmap::new(0, 0);
        };
        let w = ((x1 - x0).max(0.0) as usize).min(MAX_DOTS);
        let h = ((y1 - y0).max(0.0) as usize).min(MAX_DOTS);
        // Overlapping glyphs (a stack drawn from parts, a vowel touching its consonant) are
        // combined as a painter lays one translucent edge over another, then thresholded
        // once, as a screen renderer would; thresholding each glyph alone thins the joins.
        let mut coverage = vec![0.0f32; w * h];
        for g in &glyphs {
            let b = g.px_bounds();
            let (gx0, gy0) = ((b.min.x - x0) as i64, (b.min.y - y0) as i64);
            g.draw(|gx, gy, c| {
                let (x, y) = (gx0 + i64::from(gx), gy0 + i64::from(gy));
                if x >= 0 && y >= 0 && (x as usize) < w && (y as usize) < h {
                    let cell = &mut coverage[y as usize * w + x as usize];
                    *cell = 1.0 - (1.0 - *cell) * (1.0 - c.clamp(0.0, 1.0));
                }
            });
        }
        let mut full = Bitmap::new(w, h);
        for (dot, c) in full.dots.iter_mut().zip(&coverage) {
            *dot = *c >= THRESHOLD;
        }
        crop_to_ink(&full)
    }

    /// Whether `line` drawn at `em_px` is at most `max_dots` wide.
    fn fits(&self, line: &str, em_px: f32, max_dots: usize) -> bool {
        self.ink_width(&self.shape(line.trim()), em_px) <= max_dots
    }

    /// Splits `text` into lines at most `max_dots` wide at an em of `em_px`: after a tsheg
    /// (U+0F0B), a shad (U+0F0D..U+0F12, U+0F14) or a space, and inside a word only when the
    /// word alone is wider than the paper (then at a cluster boundary, never inside a stack).
    /// Line breaks in `text` are kept; other control characters are dropped.
    pub fn wrap(&self, text: &str, em_px: f32, max_dots: usize) -> Vec<String> {
        let mut lines = Vec::new();
        for paragraph in text.split(['\n', '\u{2028}', '\u{2029}']) {
            let paragraph: String = paragraph.chars().filter(|c| !c.is_control()).collect();
            let mut line = String::new();
            for seg in segments(&paragraph) {
                let candidate = format!("{line}{seg}");
                if self.fits(&candidate, em_px, max_dots) {
                    line = candidate;
                    continue;
                }
                push_line(&mut lines, &line);
                line.clear();
                if self.fits(seg, em_px, max_dots) {
                    line.push_str(seg);
                    continue;
                }
                let mut pieces = self.split_clusters(seg, em_px, max_dots);
                line = pieces.pop().unwrap_or_default();
                for p in &pieces {
                    push_line(&mut lines, p);
                }
            }
            push_line(&mut lines, &line);
        }
        lines
    }

    /// A word wider than the paper, cut at the shaper's cluster boundaries into pieces that
    /// fit (a single cluster wider than the paper is a piece of its own).
    fn split_clusters(&self, word: &str, em_px: f32, max_dots: usize) -> Vec<String> {
        let mut bounds: Vec<usize> = self
            .shape(word)
            .glyphs
            .iter()
            .map(|g| g.cluster as usize)
            .filter(|&b| b > 0 && b < word.len() && word.is_char_boundary(b))
            .collect();
        bounds.sort_unstable();
        bounds.dedup();
        bounds.push(word.len());
        let mut pieces = Vec::new();
        let (mut start, mut end) = (0, 0);
        for b in bounds {
            if end > start && !self.fits(&word[start..b], em_px, max_dots) {
                pieces.push(word[start..end].to_string());
                start = end;
            }
            end = b;
        }
        if end > start {
            pieces.push(word[start..end].to_string());
        }
        pieces
    }

    /// `text` wrapped to `max_dots` and drawn, one cropped bitmap a line, none for lines
    /// without ink. No bitmap is wider than `max_dots`.
    pub fn render_lines(&self, text: &str, em_px: f32, max_dots: usize) -> Vec<Bitmap> {
        self.wrap(text, em_px, max_dots)
            .iter()
            .map(|l| self.rasterise(&self.shape(l), em_px))
            .filter(|b| b.width > 0 && b.height > 0)
            .map(|b| {
                if b.width > max_dots {
                    crop(&b, 0, 0, max_dots, b.height)
                } else {
                    b
                }
            })
            .collect()
    }
}

/// Faces in a font file: the count of a TrueType collection, else 1.
fn collection_size(data: &[u8]) -> u32 {
    if data.starts_with(b"ttcf") && data.len() >= 12 {
        // Bounded, so a corrupt header cannot make the probe loop run for billions of faces.
        u32::from_be_bytes([data[8], data[9], data[10], data[11]]).min(64)
    } else {
        1
    }
}

fn push_line(lines: &mut Vec<String>, line: &str) {
    let line = line.trim();
    if !line.is_empty() {
        lines.push(line.to_string());
    }
}

/// After these a line may break: tsheg, the shad family, gter tsheg, and spaces. The
/// non-breaking tsheg U+0F0C is not among them, by its definition.
fn breaks_after(c: char) -> bool {
    matches!(c, '\u{0F0B}' | '\u{0F0D}'..='\u{0F12}' | '\u{0F14}') || c.is_whitespace()
}

/// `s` cut after each break opportunity. A break never comes before another break
/// character (a shad after a tsheg stays on its line) nor before a combining mark.
fn segments(s: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut start = 0;
    let mut chars = s.char_indices().peekable();
    while let Some((_, c)) = chars.next() {
        let Some(&(next_at, next)) = chars.peek() else {
            break;
        };
        if breaks_after(c) && !breaks_after(next) && text::char_columns(next) > 0 {
            out.push(&s[start..next_at]);
            start = next_at;
        }
    }
    if start < s.len() {
        out.push(&s[start..]);
    }
    out
}

fn crop(bm: &Bitmap, x0: usize, y0: usize, w: usize, h: usize) -> Bitmap {
    let mut out = Bitmap::new(w, h);
    for y in 0..h {
        for x in 0..w {
            if bm.get(x0 + x, y0 + y) {
                out.set(x, y);
            }
        }
    }
    out
}

/// `bm` cut down to the bounding box of its black dots (0×0 when it has none).
pub fn crop_to_ink(bm: &Bitmap) -> Bitmap {
    let (mut x0, mut y0, mut x1, mut y1) = (usize::MAX, usize::MAX, 0, 0);
    for y in 0..bm.height {
        for x in 0..bm.width {
            if bm.get(x, y) {
                x0 = x0.min(x);
                y0 = y0.min(y);
                x1 = x1.max(x + 1);
                y1 = y1.max(y + 1);
            }
        }
    }
    if x0 == usize::MAX {
        return Bitmap::new(0, 0);
    }
    crop(bm, x0, y0, x1 - x0, y1 - y0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_break_after_tsheg_and_shad_but_not_before_a_shad_or_a_mark() {
        assert_eq!(
            segments("བཀྲ་ཤིས་བདེ་ལེགས། ཡིན།"),
            vec!["བཀྲ་", "ཤིས་", "བདེ་", "ལེགས། ", "ཡིན།"]
        );
        // ང་། keeps its tsheg and shad together; a stray vowel sign after a tsheg stays put.
        assert_eq!(segments("ང་།ཀ"), vec!["ང་།", "ཀ"]);
        assert_eq!(segments("ཀ་\u{0F72}ཁ"), vec!["ཀ་\u{0F72}ཁ"]);
        // The non-breaking tsheg does not break.
        assert_eq!(segments("ཀ\u{0F0C}ཁ"), vec!["ཀ\u{0F0C}ཁ"]);
        assert!(segments("").is_empty());
    }

    #[test]
    fn crop_to_ink_finds_the_box_and_empty_is_zero_by_zero() {
        let mut bm = Bitmap::new(10, 8);
        bm.set(3, 2);
        bm.set(6, 5);
        let c = crop_to_ink(&bm);
        assert_eq!((c.width, c.height), (4, 4));
        assert!(c.get(0, 0) && c.get(3, 3));
        let e = crop_to_ink(&Bitmap::new(5, 5));
        assert_eq!((e.width, e.height), (0, 0));
    }

    #[test]
    fn wrapped_lines_fit_the_paper_and_break_only_between_syllables() {
        let Ok(face) = face() else {
            // CI installs fonts-tibetan-machine; a developer machine may lack it.
            eprintln!("SKIPPED: no Tibetan font");
            return;
        };
        let text = "ཨང་འབོད་བརྙན་ཡོལ་ལ་ལྟ་ཞིང་རང་གི་ཨང་གྲངས་ལ་ཉན་རོགས། བཀྲ་ཤིས་བདེ་ལེགས།";
        for max in [120, 200, 384, 576] {
            let lines = face.wrap(text, 26.0, max);
            assert_eq!(
                lines.concat().replace(' ', ""),
                text.replace(' ', ""),
                "{max}"
            );
            for (i, l) in lines.iter().enumerate() {
                let bm = face.rasterise(&face.shape(l), 26.0);
                assert!(bm.width <= max, "{max}: {l} is {} dots", bm.width);
                if i + 1 < lines.len() {
                    assert!(
                        l.ends_with(['\u{0F0B}', '\u{0F0D}']),
                        "{max}: broke inside {l}"
                    );
                }
            }
        }
        // A word wider than the paper is cut between clusters, each piece fitting.
        let word = "བསྒྲུབས".repeat(12);
        let pieces = face.wrap(&word, 26.0, 100);
        assert!(pieces.len() > 1);
        assert_eq!(pieces.concat(), word);
        for p in &pieces {
            assert!(face.ink_width(&face.shape(p), 26.0) <= 100, "{p}");
        }
    }

    #[test]
    fn a_file_that_is_not_a_tibetan_font_is_a_typed_error() {
        assert_eq!(
            TibetanFace::from_bytes(b"not a font".to_vec(), None).unwrap_err(),
            ShapeError::NotTibetan
        );
        assert_eq!(
            TibetanFace::from_file(Path::new("/nonexistent/tibetan.ttf"), None).unwrap_err(),
            ShapeError::NoFont
        );
    }
}
