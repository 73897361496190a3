//! QR codes in camera frames and image files, with rqrr.
//!
//! rqrr's `decode()` insists on UTF-8, so each grid is decoded to raw bytes and then read as
//! UTF-8 or GB18030 ([`super::line::decode_text`]).
//!
//! Most camera frames hold no code, and a code fills a small part of the frame, so rqrr is
//! not run on the whole frame: a finder-pattern pre-scan (`finder`) at full and at half
//! resolution says where codes may be. A frame with no finder pattern is given up after the
//! pre-scan.
//!
//! rqrr fits each code's grid with a fixed amount of work (about 4 ms for a version 4 code
//! on the development machine, whatever the crop), so cropping alone cannot make a frame
//! with a code cheap. Three finder candidates placed as a code's are read first without
//! rqrr's grid search (`direct`): the grid the finders' centres fix, its modules read off
//! the binarised frame and decoded by rqrr (format check and Reed-Solomon correction).
//! rqrr then decodes every region with a finder candidate no code read so explains. Each
//! region gets the passes the whole frame used to get, as it is, at half size (merges blur
//! and noise, shrinks large codes) and at double size (small codes far from the camera),
//! each with the pre-scan's dark and light and with rqrr's own threshold. When three
//! finders are in view and nothing was read, when the regions would cover most of the
//! frame, and when the frame is so busy that the pre-scan cannot tell codes from texture,
//! the whole frame is decoded as before ([`decode_whole_frame`]); the tests hold the two
//! ways against each other so that the pre-scan loses no code.
//!
//! [`FrameDecoder`] keeps its buffers between frames and remembers the last code found: its
//! grid, read again in the next frame where its finders moved to (`track`), which spares
//! even the finder triples' reading while a code is held up; and its region, still tried
//! once when the pre-scan misses in the next frame (motion blur, a reflection).

mod direct;
mod finder;
mod geometry;
mod track;

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::Path;

use finder::{Candidate, Layout, Plane, Region, ThresholdMap, Triple};
use track::Tracked;

use super::line::decode_text;
use super::ScanError;

/// One QR code found in an image.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct DecodedCode {
    /// The text: UTF-8, else GB18030, else UTF-8 with replacement characters.
    pub payload: String,
    /// The bytes the code holds.
    pub raw: Vec<u8>,
}

/// Larger images are refused rather than risk memory (a 48 MP photo is still accepted).
const MAX_PIXELS: usize = 50_000_000;

/// Frames narrower or lower than this are decoded whole: the pre-scan would save nothing
/// and the half-size pass needs some size.
const MIN_SCAN_SIDE: usize = 64;

/// When the regions cover more than this share of the frame (in percent), the frame is
/// decoded whole: crops would cost as much and could cut a code.
const MAX_REGION_SHARE: u64 = 60;

/// Finds and decodes the QR codes in a greyscale frame (`luma` row-major, one byte a pixel,
/// 0 black). A buffer shorter than `width * height` or an empty frame gives no codes.
///
/// Each call starts afresh; a camera's stream of frames is better served by one
/// [`FrameDecoder`].
pub fn decode_luma(width: usize, height: usize, luma: &[u8]) -> Vec<DecodedCode> {
    FrameDecoder::new().decode(width, height, luma)
}

/// Decodes a PNG or JPEG file.
pub fn decode_file(path: impl AsRef<Path>) -> Result<Vec<DecodedCode>, ScanError> {
    let path = path.as_ref();
    let err = |reason: String| ScanError::Image {
        path: path.display().to_string(),
        reason,
    };
    let img = image::ImageReader::open(path)
        .map_err(|e| err(e.to_string()))?
        .with_guessed_format()
        .map_err(|e| err(e.to_string()))?
        .decode()
        .map_err(|e| err(e.to_string()))?
        .into_luma8();
    let (w, h) = (img.width() as usize, img.height() as usize);
    Ok(decode_luma(w, h, img.as_raw()))
}

/// One pass of rqrr over the frame as it is, without the pre-scan or the retry passes (for
/// comparisons and tests).
pub fn decode_single_pass(width: usize, height: usize, luma: &[u8]) -> Vec<DecodedCode> {
    match frame_pixels(width, height, luma) {
        Some(luma) => decode_pass(width, height, luma),
        None => Vec::new(),
    }
}

/// All passes over the whole frame, without the pre-scan: as it is, at half size, and the
/// centre at double size. The reference the pre-scan must lose nothing against (the tests
/// compare the two), and the way busy frames are decoded.
pub fn decode_whole_frame(width: usize, height: usize, luma: &[u8]) -> Vec<DecodedCode> {
    match frame_pixels(width, height, luma) {
        Some(luma) => whole_frame(width, height, luma),
        None => Vec::new(),
    }
}

/// The frame's pixels, or None when the dimensions are empty, too large or longer than the
/// buffer.
fn frame_pixels(width: usize, height: usize, luma: &[u8]) -> Option<&[u8]> {
    let n = width.checked_mul(height)?;
    if n == 0 || n > MAX_PIXELS {
        return None;
    }
    luma.get(..n)
}

/// A QR decoder for a stream of frames: reuses its buffers, and remembers the last code
/// found in a frame of the same size (its grid, read again first; its region, tried when
/// the pre-scan finds nothing). The memory never stands in for the pre-scan: every region
/// the remembered code does not explain is decoded as usual, so a code that moved or a new
/// one is found where it is now.
#[derive(Debug, Default)]
pub struct FrameDecoder {
    /// Where the last code was: (frame width, frame height, region).
    last_hit: Option<(usize, usize, Region)>,
    /// The last code's grid: (frame width, frame height, grid).
    tracked: Option<(usize, usize, Tracked)>,
    scratch: Scratch,
}

/// Buffers reused from frame to frame.
#[derive(Debug, Default)]
struct Scratch {
    /// The frame at half size.
    half: Vec<u8>,
    map: ThresholdMap,
    row: finder::RowScratch,
    candidates: Vec<Candidate>,
}

impl Scratch {
    /// The full-size frame with its thresholds.
    fn full<'a>(&'a self, width: usize, height: usize, luma: &'a [u8]) -> Plane<'a> {
        Plane {
            luma,
            width,
            height,
            map: &self.map,
            shift: finder::FULL_SHIFT,
        }
    }

    /// The half-size frame with its thresholds.
    fn half(&self, width: usize, height: usize) -> Plane<'_> {
        Plane {
            luma: &self.half,
            width: width / 2,
            height: height / 2,
            map: &self.map,
            shift: finder::HALF_SHIFT,
        }
    }
}

/// What the pre-scan found.
enum Located {
    /// Regions that may hold codes (none: the frame holds no code), and the finder triples
    /// among the candidates.
    Regions(Layout),
    /// Regions that cover most of the frame: crops would cost as much as the whole frame
    /// and could cut a code. Their finder triples can still be read straight.
    Wide(Layout),
    /// Too many finder-like patterns to tell codes from texture.
    Busy,
}

/// A finder candidate this close to a code read (modules) is one of its own patterns.
const OWN_MARGIN: f64 = 2.0;

/// Codes found so far, the regions (frame pixels) they were found in, the grid of the
/// first that can be read again in the next frame, and the grids of the codes read without
/// rqrr's grid search (which explain the finder candidates on them).
#[derive(Default)]
struct Found {
    codes: Vec<DecodedCode>,
    places: Vec<Region>,
    grid: Option<Tracked>,
    read: Vec<Tracked>,
}

impl Found {
    /// Adds a decoded code unless it is already there.
    fn add(&mut self, raw: Vec<u8>) {
        if self.codes.iter().any(|c| c.raw == raw) {
            return;
        }
        let payload =
            decode_text(&raw).unwrap_or_else(|_| String::from_utf8_lossy(&raw).into_owned());
        self.codes.push(DecodedCode { payload, raw });
    }

    /// Adds a code read off its grid (in a `width` x `height` frame) without rqrr's search.
    fn add_read(&mut self, raw: Vec<u8>, grid: Tracked, width: usize, height: usize) {
        self.add(raw);
        if let Some((x0, y0, x1, y1)) = grid.bounds() {
            self.places
                .extend(finder::clamp_region(x0, y0, x1, y1, width, height));
        }
        if self.grid.is_none() {
            self.grid = Some(grid.clone());
        }
        self.read.push(grid);
    }

    /// Whether the point (frame pixels) is on a code read off its grid, or next to it.
    fn explains(&self, x: f32, y: f32) -> bool {
        self.read.iter().any(|g| g.covers(x, y, OWN_MARGIN))
    }
}

/// How a pass's pixels map to the frame's: frame = origin + pass * scale. Passes over the
/// full-size (scale 1) and half-size (scale 2) frames can be tracked: their pixels are the
/// planes' own.
#[derive(Clone, Copy)]
struct Placement {
    x0: f32,
    y0: f32,
    scale: f32,
}

impl Placement {
    fn trackable(&self) -> bool {
        self.scale >= 1.0
    }
}

/// The passes over a region, in order. Each scale is tried with the frame's thresholds
/// (the pre-scan's dark and light) and with rqrr's own (a window an eighth of the crop's
/// width along each row), which follows a blurred or faint code differently, though it
/// cannot be trusted with large modules in a small crop: between them they read what the
/// whole-frame passes read.
const PASSES: [Pass; 6] = [
    Pass::FullBits,
    Pass::FullGrey,
    Pass::HalfBits,
    Pass::HalfGrey,
    Pass::DoubleBits,
    Pass::DoubleGrey,
];

#[derive(Clone, Copy)]
enum Pass {
    FullBits,
    FullGrey,
    HalfBits,
    HalfGrey,
    DoubleBits,
    DoubleGrey,
}

/// A frame's pixels with its size.
struct Frame<'a> {
    width: usize,
    height: usize,
    luma: &'a [u8],
}

impl FrameDecoder {
    pub fn new() -> Self {
        Self::default()
    }

    /// Finds and decodes the QR codes in a greyscale frame, as [`decode_luma`] does.
    pub fn decode(&mut self, width: usize, height: usize, luma: &[u8]) -> Vec<DecodedCode> {
        let Some(luma) = frame_pixels(width, height, luma) else {
            return Vec::new();
        };
        if width < MIN_SCAN_SIDE || height < MIN_SCAN_SIDE {
            return whole_frame(width, height, luma);
        }
        let found = match self.locate(width, height, luma) {
            Located::Busy => {
                self.last_hit = None;
                self.tracked = None;
                return whole_frame(width, height, luma);
            }
            Located::Regions(layout) => self.read(width, height, luma, layout),
            Located::Wide(layout) => self.read_wide(width, height, luma, &layout.triples),
        };
        self.remember(&found, width, height);
        found.codes
    }

    /// The codes in a frame whose regions would cover most of it: those read off their
    /// grids, and the whole-frame passes unless those explain every finder candidate.
    fn read_wide(&mut self, width: usize, height: usize, luma: &[u8], triples: &[Triple]) -> Found {
        let mut found = Found::default();
        self.read_tracked(width, height, luma, &mut found);
        self.read_triples(width, height, luma, triples, &mut found);
        let candidates = &self.scratch.candidates;
        if found.read.is_empty() || candidates.iter().any(|c| !found.explains(c.x, c.y)) {
            for code in whole_frame(width, height, luma) {
                found.add(code.raw);
            }
        }
        found
    }

    /// The codes in the located regions: the held code read again, the codes read straight
    /// from finder triples, and rqrr on every region with a finder candidate those do not
    /// explain; the whole-frame passes when three finders are in view and nothing was read
    /// (so that nothing they would read is lost to a crop); the last code's region when
    /// the frame gave nothing at all.
    fn read(&mut self, width: usize, height: usize, luma: &[u8], layout: Layout) -> Found {
        let mut found = Found::default();
        self.read_tracked(width, height, luma, &mut found);
        self.read_triples(width, height, luma, &layout.triples, &mut found);
        for r in &self.unexplained(layout.regions, &found) {
            self.decode_region(width, height, luma, r, &mut found);
        }
        if found.codes.is_empty() && !layout.triples.is_empty() {
            for code in whole_frame(width, height, luma) {
                found.add(code.raw);
            }
        }
        if found.codes.is_empty() {
            self.retry_last_hit(width, height, luma, &mut found);
        }
        found
    }

    /// Remembers where the codes were and the first one's grid, for the next frame.
    fn remember(&mut self, found: &Found, width: usize, height: usize) {
        self.last_hit = remembered(&found.places, width, height).map(|r| (width, height, r));
        self.tracked = found.grid.clone().map(|mut grid| {
            if grid.anchors.is_empty() {
                grid.anchor(&self.scratch.candidates);
            }
            (width, height, grid)
        });
    }

    /// Reads the code held up in the last frame again, from its grid moved as far as its
    /// finders moved.
    fn read_tracked(&mut self, width: usize, height: usize, luma: &[u8], found: &mut Found) {
        let Some((w, h, last)) = self.tracked.take() else {
            return;
        };
        if (w, h) != (width, height) {
            return;
        }
        let s = &self.scratch;
        let grid = last.follow(&s.candidates);
        let plane = match grid.scale > 1.0 {
            true => s.half(width, height),
            false => s.full(width, height, luma),
        };
        let raw = grid
            .sample(&plane)
            .and_then(|bits| decode_sampled(&bits, grid.size));
        if let Some(raw) = raw {
            found.add_read(raw, grid, width, height);
        }
    }

    /// Reads codes straight from the finder triples (`direct`), but for triples on a code
    /// already read.
    fn read_triples(
        &self,
        width: usize,
        height: usize,
        luma: &[u8],
        triples: &[Triple],
        found: &mut Found,
    ) {
        let plane = self.scratch.full(width, height, luma);
        let mut tried = 0;
        for triple in triples {
            // The held code, or a code read from an earlier triple, may be this one's.
            if triple.iter().any(|c| found.explains(c.x, c.y)) {
                continue;
            }
            if tried == direct::MAX_TRIPLES {
                break;
            }
            tried += 1;
            if let Some(read) = direct::read(&plane, triple) {
                found.add_read(read.raw, read.grid, width, height);
            }
        }
    }

    /// The regions still to decode: all of them when no code was read off its grid, else
    /// those with a finder candidate no such code explains (another code, or a code that
    /// moved on).
    fn unexplained(&self, regions: Vec<Region>, found: &Found) -> Vec<Region> {
        if found.read.is_empty() {
            return regions;
        }
        let candidates = &self.scratch.candidates;
        regions
            .into_iter()
            .filter(|r| {
                candidates
                    .iter()
                    .any(|c| r.holds(c.x, c.y) && !found.explains(c.x, c.y))
            })
            .collect()
    }

    /// The pre-scan: finder patterns at full size and at half size, since noise hides them
    /// at full size and small codes vanish at half size. Every other row is enough: a
    /// finder's stone is at least two rows high (1.5-pixel modules at full size, 2-pixel
    /// modules at half size), and the ratio test takes rows a little off its centre.
    fn locate(&mut self, width: usize, height: usize, luma: &[u8]) -> Located {
        let s = &mut self.scratch;
        let (w2, h2) = downscale2_into(width, height, luma, &mut s.half);
        s.map.build(width, &s.half, w2, h2);
        let mut candidates = std::mem::take(&mut s.candidates);
        let mut row = std::mem::take(&mut s.row);
        candidates.clear();
        let full = s.full(width, height, luma);
        let quiet = finder::find_candidates(&full, 2, 1.0, &mut candidates, &mut row)
            && finder::find_candidates(&s.half(width, height), 2, 2.0, &mut candidates, &mut row);
        let layout = finder::regions(&candidates, width, height);
        s.candidates = candidates;
        s.row = row;
        // In u64: a 32-bit kiosk could overflow on a large frame.
        let covered: u64 = layout.regions.iter().map(|r| r.area() as u64).sum();
        let frame = (width * height) as u64;
        if !quiet {
            return Located::Busy;
        }
        if covered * 100 > MAX_REGION_SHARE * frame {
            return Located::Wide(layout);
        }
        Located::Regions(layout)
    }

    /// A region's passes, each tried only when the ones before read nothing (a grid read
    /// counts, even of a code another region gave already).
    fn decode_region(
        &self,
        width: usize,
        height: usize,
        luma: &[u8],
        r: &Region,
        found: &mut Found,
    ) {
        let before = found.places.len();
        let frame = Frame {
            width,
            height,
            luma,
        };
        for pass in PASSES {
            self.run_pass(pass, &frame, r, found);
            if found.places.len() > before {
                return;
            }
        }
    }

    /// One pass over a region.
    fn run_pass(&self, pass: Pass, f: &Frame<'_>, r: &Region, found: &mut Found) {
        let s = &self.scratch;
        let full = s.full(f.width, f.height, f.luma);
        // A pass at `scale` frame pixels a pixel, its crop starting at (x0, y0) of its own.
        let at = |x0: usize, y0: usize, scale: f32| Placement {
            x0: x0 as f32 * scale,
            y0: y0 as f32 * scale,
            scale,
        };
        let half = s.half(f.width, f.height);
        let r2 = r.halved(half.width, half.height);
        // Doubling costs four times the region: only for a region small enough to hold a
        // small code, which is what those passes are for.
        let small = 4 * r.area() <= f.width * f.height;
        match pass {
            Pass::FullBits => decode_bits(&full, r, at(r.x0, r.y0, 1.0), found),
            Pass::FullGrey => {
                let c = crop(f.width, f.luma, r);
                decode_grey(r.width(), r.height(), &c, at(r.x0, r.y0, 1.0), found);
            }
            Pass::HalfBits if r2.area() > 0 => {
                decode_bits(&half, &r2, at(r2.x0, r2.y0, 2.0), found)
            }
            Pass::HalfGrey if r2.area() > 0 => {
                let c = crop(half.width, half.luma, &r2);
                decode_grey(r2.width(), r2.height(), &c, at(r2.x0, r2.y0, 2.0), found);
            }
            Pass::DoubleBits if small => {
                let (w2, h2, double) = upscale2(r.width(), r.height(), &crop(f.width, f.luma, r));
                // The doubled pixels against the frame's thresholds.
                let dark = |x: usize, y: usize| {
                    let v = double.get(y * w2 + x).copied().unwrap_or(255);
                    v < full.threshold(r.x0 + x / 2, r.y0 + y / 2)
                };
                decode_bitmap(w2, h2, dark, at(r.x0, r.y0, 0.5), found);
            }
            Pass::DoubleGrey if small => {
                let (w2, h2, double) = upscale2(r.width(), r.height(), &crop(f.width, f.luma, r));
                decode_grey(w2, h2, &double, at(r.x0, r.y0, 0.5), found);
            }
            _ => {}
        }
    }

    /// Tries the region of the last code found, when this frame is the same size.
    fn retry_last_hit(&mut self, width: usize, height: usize, luma: &[u8], found: &mut Found) {
        if let Some((w, h, r)) = self.last_hit.take() {
            if (w, h) == (width, height) {
                self.decode_region(width, height, luma, &r, found);
            }
        }
    }
}

/// The region to remember: around all the codes found, with room for the hand to move.
fn remembered(places: &[Region], width: usize, height: usize) -> Option<Region> {
    let all = places.iter().copied().reduce(|a, b| a.union(&b))?;
    let margin = (all.width().max(all.height()) / 2) as f32;
    finder::clamp_region(
        all.x0 as f32 - margin,
        all.y0 as f32 - margin,
        all.x1 as f32 + margin,
        all.y1 as f32 + margin,
        width,
        height,
    )
}

/// rqrr on a region of an image, dark and light as the pre-scan saw them.
fn decode_bits(img: &Plane<'_>, r: &Region, at: Placement, found: &mut Found) {
    let bits = img.binary_region(r);
    let w = r.width();
    let dark = |x: usize, y: usize| bits.get(y * w + x) == Some(&1);
    decode_bitmap(w, r.height(), dark, at, found);
}

/// rqrr on a `width` x `height` image of dark (true) and light pixels.
fn decode_bitmap(
    width: usize,
    height: usize,
    dark: impl Fn(usize, usize) -> bool,
    at: Placement,
    found: &mut Found,
) {
    // rqrr is not written to be fed hostile frames; a panic in it must not kill the camera.
    let _ = catch_unwind(AssertUnwindSafe(|| {
        let mut prepared = rqrr::PreparedImage::prepare_from_bitmap(width, height, dark);
        collect(prepared.detect_grids(), at, found);
    }));
}

/// rqrr, thresholding by itself, on a greyscale image.
fn decode_grey(width: usize, height: usize, luma: &[u8], at: Placement, found: &mut Found) {
    let _ = catch_unwind(AssertUnwindSafe(|| {
        let mut img = rqrr::PreparedImage::prepare_from_greyscale(width, height, |x, y| {
            luma.get(y * width + x).copied().unwrap_or(255)
        });
        collect(img.detect_grids(), at, found);
    }));
}

/// Decodes rqrr's grids into `found`, skipping codes already there.
fn collect<G: rqrr::BitGrid>(grids: Vec<rqrr::Grid<G>>, at: Placement, found: &mut Found) {
    for grid in grids {
        let mut raw = Vec::new();
        let Ok(meta) = grid.decode_to(&mut raw) else {
            continue;
        };
        if let Some(place) = placed(&grid.bounds, at) {
            found.places.push(place);
        }
        if found.grid.is_none() && at.trackable() {
            found.grid = tracked(&grid.bounds, meta.version.0, at);
        }
        found.add(raw);
    }
}

/// A decoded grid to read again in the next frame: rqrr's bounds in the pass's plane.
fn tracked(bounds: &[rqrr::Point; 4], version: usize, at: Placement) -> Option<Tracked> {
    let scale = f64::from(at.scale);
    let origin = (f64::from(at.x0) / scale, f64::from(at.y0) / scale);
    let plane = |p: &rqrr::Point| (origin.0 + f64::from(p.x), origin.1 + f64::from(p.y));
    let [a, b, c, d] = bounds;
    Tracked::from_bounds(
        [plane(a), plane(b), plane(c), plane(d)],
        17 + 4 * version,
        scale,
    )
}

/// rqrr's decoding of modules read off a frame (`size` x `size`, row by row, dark true).
fn decode_sampled(bits: &[bool], size: usize) -> Option<Vec<u8>> {
    catch_unwind(|| {
        let grid = rqrr::SimpleGrid::from_func(size, |x, y| bits.get(y * size + x) == Some(&true));
        let mut raw = Vec::new();
        rqrr::Grid::new(grid).decode_to(&mut raw).ok().map(|_| raw)
    })
    .ok()
    .flatten()
}

/// A grid's bounding box in frame pixels.
fn placed(bounds: &[rqrr::Point; 4], at: Placement) -> Option<Region> {
    let xs = bounds.iter().map(|p| at.x0 + p.x as f32 * at.scale);
    let ys = bounds.iter().map(|p| at.y0 + p.y as f32 * at.scale);
    let (x0, x1) = xs.fold((f32::MAX, f32::MIN), |(a, b), v| (a.min(v), b.max(v)));
    let (y0, y1) = ys.fold((f32::MAX, f32::MIN), |(a, b), v| (a.min(v), b.max(v)));
    // Unclipped: the caller clips when it widens the box.
    finder::clamp_region(x0, y0, x1, y1, usize::MAX, usize::MAX)
}

/// The old whole-frame passes: as it is, at half size, and the centre at double size.
fn whole_frame(width: usize, height: usize, luma: &[u8]) -> Vec<DecodedCode> {
    let found = decode_pass(width, height, luma);
    if !found.is_empty() {
        return found;
    }
    if width >= MIN_SCAN_SIDE && height >= MIN_SCAN_SIDE {
        let mut half = Vec::new();
        let (w2, h2) = downscale2_into(width, height, luma, &mut half);
        let found = decode_pass(w2, h2, &half);
        if !found.is_empty() {
            return found;
        }
    }
    let (cw, ch) = (width / 2, height / 2);
    if cw < 16 || ch < 16 {
        // A thumbnail: enlarge all of it.
        let (w2, h2, double) = upscale2(width, height, luma);
        return decode_pass(w2, h2, &double);
    }
    // A small code far from the camera is one held at the marked spot on the glass, the
    // centre of view; the centre crop keeps this pass the cost of the first.
    let centre = Region {
        x0: (width - cw) / 2,
        y0: (height - ch) / 2,
        x1: (width - cw) / 2 + cw,
        y1: (height - ch) / 2 + ch,
    };
    let (w2, h2, double) = upscale2(cw, ch, &crop(width, luma, &centre));
    decode_pass(w2, h2, &double)
}

fn decode_pass(width: usize, height: usize, luma: &[u8]) -> Vec<DecodedCode> {
    let mut found = Found::default();
    let at = Placement {
        x0: 0.0,
        y0: 0.0,
        scale: 1.0,
    };
    decode_grey(width, height, luma, at, &mut found);
    found.codes
}

/// A copy of a region of the frame (`width` wide).
fn crop(width: usize, luma: &[u8], r: &Region) -> Vec<u8> {
    let mut out = Vec::with_capacity(r.area());
    for y in r.y0..r.y1 {
        if let Some(row) = luma.get(y * width + r.x0..y * width + r.x1) {
            out.extend_from_slice(row);
        }
    }
    out
}

/// Half size by 2x2 averages into `out`; the new dimensions.
fn downscale2_into(width: usize, height: usize, luma: &[u8], out: &mut Vec<u8>) -> (usize, usize) {
    let (w2, h2) = (width / 2, height / 2);
    out.clear();
    out.reserve(w2 * h2);
    for pair in luma.chunks_exact(2 * width).take(h2) {
        let (r0, r1) = pair.split_at(width);
        for (a, b) in r0.chunks_exact(2).zip(r1.chunks_exact(2)).take(w2) {
            let s = u16::from(a[0]) + u16::from(a[1]) + u16::from(b[0]) + u16::from(b[1]);
            out.push((s / 4) as u8);
        }
    }
    (w2, h2)
}

/// Double size, bilinear with pixel centres kept (weights 3/4 and 1/4), in integers and
/// separably: this pass runs on every frame without a code, so it must stay cheap.
fn upscale2(width: usize, height: usize, luma: &[u8]) -> (usize, usize, Vec<u8>) {
    let (w2, h2) = (width * 2, height * 2);
    if luma.len() < width * height || width == 0 {
        return (0, 0, Vec::new());
    }
    // Horizontal pass; values are 4x the grey level.
    let mut rows = vec![0u16; w2 * height];
    for (src, dst) in luma.chunks_exact(width).zip(rows.chunks_exact_mut(w2)) {
        for x in 0..width {
            let c = 3 * u16::from(src[x]);
            dst[2 * x] = c + u16::from(src[x.saturating_sub(1)]);
            dst[2 * x + 1] = c + u16::from(src[(x + 1).min(width - 1)]);
        }
    }
    let mut out = vec![0u8; w2 * h2];
    for y in 0..height {
        let (up, down) = (y.saturating_sub(1), (y + 1).min(height - 1));
        for x in 0..w2 {
            let c = 3 * u32::from(rows[y * w2 + x]);
            // 16x the grey level; +8 rounds.
            out[2 * y * w2 + x] = ((c + u32::from(rows[up * w2 + x]) + 8) / 16) as u8;
            out[(2 * y + 1) * w2 + x] = ((c + u32::from(rows[down * w2 + x]) + 8) / 16) as u8;
        }
    }
    (w2, h2, out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_or_empty_buffers_give_no_codes_and_no_panic() {
        assert!(decode_luma(0, 0, &[]).is_empty());
        assert!(decode_luma(10, 10, &[0; 99]).is_empty());
        assert!(decode_luma(usize::MAX, 2, &[0; 4]).is_empty());
        assert!(decode_luma(64, 64, &[255; 64 * 64]).is_empty());
    }

    #[test]
    fn scaling_keeps_sizes_and_averages() {
        let mut half = Vec::new();
        let (w, h) = downscale2_into(4, 2, &[0, 100, 200, 200, 100, 200, 200, 200], &mut half);
        assert_eq!((w, h), (2, 1));
        assert_eq!(half, vec![100, 200]);
        let (w, h, double) = upscale2(2, 1, &[0, 200]);
        assert_eq!((w, h), (4, 2));
        // Edges repeat; inner pixels are 3/4 of the nearer source pixel and 1/4 of the other.
        assert_eq!(double, vec![0, 50, 150, 200, 0, 50, 150, 200]);
        let (_, _, flat) = upscale2(3, 3, &[255; 9]);
        assert!(flat.iter().all(|&v| v == 255));
    }

    #[test]
    fn a_codes_first_frame_is_read_off_its_finders_and_leaves_rqrr_nothing() {
        // The benchmark's frames: a code's first frame costs no grid search of rqrr's.
        let payload = b"https://hall.example.gov.cn/track/t/20261105/A017";
        for (w, h, module) in [(640, 480, 4), (1280, 720, 6)] {
            let scene = crate::scanner::synth::scene(w, h, payload, module).expect("fits");
            let f = crate::scanner::synth::noise(&scene, 6, 7);
            let mut decoder = FrameDecoder::new();
            let Located::Regions(layout) = decoder.locate(w, h, &f.luma) else {
                panic!("{w}x{h}: the pre-scan should find the code's region");
            };
            let mut found = Found::default();
            decoder.read_triples(w, h, &f.luma, &layout.triples, &mut found);
            assert_eq!(found.read.len(), 1, "{w}x{h}");
            assert_eq!(found.codes[0].raw, payload.to_vec());
            assert!(
                decoder.unexplained(layout.regions, &found).is_empty(),
                "{w}x{h}: a region left for rqrr"
            );
        }
    }

    #[test]
    fn odd_sizes_and_hostile_pixels_never_panic() {
        // Deterministic pseudo-random frames of awkward sizes, through every path.
        let mut state = 0x9E37_79B9_7F4A_7C15u64;
        let mut next = || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        let mut decoder = FrameDecoder::new();
        for (w, h) in [
            (64, 64),
            (65, 97),
            (301, 64),
            (64, 300),
            (127, 129),
            (1, 5000),
        ] {
            for kind in 0..4 {
                let luma: Vec<u8> = (0..w * h)
                    .map(|i| match kind {
                        0 => (next() & 0xFF) as u8,
                        1 => {
                            if (i % w) / 3 % 2 == 0 {
                                0
                            } else {
                                255
                            }
                        }
                        2 => {
                            if (i / w) / 5 % 2 == 0 {
                                0
                            } else {
                                255
                            }
                        }
                        _ => {
                            if next() % 7 == 0 {
                                0
                            } else {
                                255
                            }
                        }
                    })
                    .collect();
                let _ = decoder.decode(w, h, &luma);
                let _ = decode_luma(w, h, &luma[..luma.len() - 1]);
            }
        }
        // A remembered code, then garbage of the same size: the grid is read off noise.
        let code = crate::scanner::synth::scene(320, 240, b"hk:appt:v1:HZ01:Q7K2M9", 3);
        let code = code.expect("fits");
        assert_eq!(decoder.decode(320, 240, &code.luma).len(), 1);
        for _ in 0..3 {
            let noise: Vec<u8> = (0..320 * 240).map(|_| (next() & 0xFF) as u8).collect();
            assert!(decoder.decode(320, 240, &noise).is_empty());
        }
    }
}
