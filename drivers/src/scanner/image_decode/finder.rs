//! The finder-pattern pre-scan: where in a frame the QR codes may be, for a fraction of what
//! rqrr costs on the whole frame.
//!
//! Every QR code has three finder patterns (7x7 modules: a dark ring, a light ring, a dark
//! 3x3 stone). Any line through a finder's centre crosses dark, light, dark, light, dark in
//! the ratio 1:1:3:1:1, whatever the code's rotation (the squares are concentric). Rows are
//! scanned for that ratio, each hit is checked along its column, and the hits are grouped
//! into regions (with the code's likely extent and a quiet-zone margin) that rqrr then
//! decodes at full resolution.
//!
//! Pixels are made dark or light by rqrr's rule (below 95 % of the mean grey around them,
//! reaching an eighth of the frame's width), over a square window rather than rqrr's row,
//! and the regions are handed to rqrr binarised this way: a crop keeps the whole frame's
//! thresholds, which rqrr's own (a window an eighth of the crop's width) would not. The
//! ratio test is looser than rqrr's, since a missed candidate can cost a code while a spare
//! one costs only a small crop.

/// A finder-pattern candidate, in full-resolution pixels.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) struct Candidate {
    pub x: f32,
    pub y: f32,
    /// Estimated module size (pixels).
    pub module: f32,
}

/// A rectangle of the frame to decode: `x0..x1` by `y0..y1`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Region {
    pub x0: usize,
    pub y0: usize,
    pub x1: usize,
    pub y1: usize,
}

impl Region {
    pub fn width(&self) -> usize {
        self.x1 - self.x0
    }

    pub fn height(&self) -> usize {
        self.y1 - self.y0
    }

    pub fn area(&self) -> usize {
        self.width() * self.height()
    }

    /// Whether the point (frame pixels) is inside.
    pub fn holds(&self, x: f32, y: f32) -> bool {
        x >= self.x0 as f32 && y >= self.y0 as f32 && x < self.x1 as f32 && y < self.y1 as f32
    }

    pub fn overlaps(&self, o: &Region) -> bool {
        self.x0 < o.x1 && o.x0 < self.x1 && self.y0 < o.y1 && o.y0 < self.y1
    }

    pub fn union(&self, o: &Region) -> Region {
        Region {
            x0: self.x0.min(o.x0),
            y0: self.y0.min(o.y0),
            x1: self.x1.max(o.x1),
            y1: self.y1.max(o.y1),
        }
    }

    /// The same rectangle in a frame scaled down by 2 (rounded outwards).
    pub fn halved(&self, w2: usize, h2: usize) -> Region {
        Region {
            x0: self.x0 / 2,
            y0: self.y0 / 2,
            x1: self.x1.div_ceil(2).min(w2),
            y1: self.y1.div_ceil(2).min(h2),
        }
    }
}

/// More candidates than this and the frame is texture or noise, not a few codes: the
/// caller decodes all of it instead of guessing regions.
pub(super) const MAX_CANDIDATES: usize = 48;

/// Block sides as shifts: a threshold block is 8x8 pixels of the full-size frame
/// ([`Plane::shift`] 3), 4x4 of the half-size one (2).
pub(super) const FULL_SHIFT: u32 = 3;
pub(super) const HALF_SHIFT: u32 = 2;

/// Dark/light thresholds of a frame, one per 8x8 block: 95 % of the mean grey of the
/// blocks around it (rqrr's rule), over a window an eighth of the frame's width each way
/// (rqrr's reach; the mean over so wide a window hardly changes from block to block). One
/// map serves the full-size and the half-size frame; it is built from an eighth-size frame
/// (one pixel a block), so it costs a sixty-fourth of the pixels.
#[derive(Debug, Default)]
pub(super) struct ThresholdMap {
    /// Blocks across and down.
    bw: usize,
    bh: usize,
    thr: Vec<u8>,
    /// Scratch: the quarter- and eighth-size frames, and the summed-area table.
    quarter: Vec<u8>,
    eighth: Vec<u8>,
    table: Vec<u32>,
}

impl ThresholdMap {
    /// Builds the map of a frame `width` pixels wide from its half-size version.
    pub fn build(&mut self, width: usize, half: &[u8], w2: usize, h2: usize) {
        let (w4, h4) = super::downscale2_into(w2, h2, half, &mut self.quarter);
        let (bw, bh) = super::downscale2_into(w4, h4, &self.quarter, &mut self.eighth);
        (self.bw, self.bh) = (bw, bh);
        self.fill_table();
        // Blocks are 8 pixels: an eighth of the width is width / 64 blocks.
        let radius = (width >> (FULL_SHIFT + 4)).max(1);
        let stride = bw + 1;
        let t = &self.table;
        // 0.95 / k for every window width k, so the loop below only multiplies.
        let scale: Vec<f32> = (0..=2 * radius + 1)
            .map(|k| 0.95 / k.max(1) as f32)
            .collect();
        self.thr.clear();
        self.thr.reserve(bw * bh);
        for by in 0..bh {
            let (y0, y1) = (by.saturating_sub(radius), (by + radius + 1).min(bh));
            let per_row = 1.0 / (y1 - y0).max(1) as f32;
            let (top, bottom) = (
                &t[y0 * stride..y0 * stride + stride],
                &t[y1 * stride..y1 * stride + stride],
            );
            for bx in 0..bw {
                let (x0, x1) = (bx.saturating_sub(radius), (bx + radius + 1).min(bw));
                let sum = bottom[x1] + top[x0] - top[x1] - bottom[x0];
                let k = scale.get(x1 - x0).copied().unwrap_or(0.0);
                // Dark means v < 0.95 * mean; for a whole v, v < ceil(0.95 * mean). (`ceil`
                // is a library call on baseline x86-64; truncating and rounding up is not.)
                let limit = sum as f32 * k * per_row;
                let whole = limit as u32;
                let up = whole + u32::from((whole as f32) < limit);
                self.thr.push(up.min(255) as u8);
            }
        }
    }

    /// The summed-area table ((bw + 1) x (bh + 1)) of the eighth-size frame. A u32 holds
    /// it: 50 megapixels are 0.8 million blocks of at most 255.
    fn fill_table(&mut self) {
        let (bw, bh) = (self.bw, self.bh);
        let stride = bw + 1;
        self.table.clear();
        self.table.resize(stride * (bh + 1), 0);
        for (by, row) in self.eighth.chunks_exact(bw.max(1)).take(bh).enumerate() {
            let mut run = 0u32;
            for (bx, &v) in row.iter().enumerate() {
                run += u32::from(v);
                let above = self.table[by * stride + bx + 1];
                self.table[(by + 1) * stride + bx + 1] = above + run;
            }
        }
    }

    /// The thresholds of block row `by` (clamped to the map; empty for an empty map).
    fn row(&self, by: usize) -> &[u8] {
        let by = by.min(self.bh.saturating_sub(1));
        self.thr
            .get(by * self.bw..(by + 1) * self.bw)
            .unwrap_or(&[])
    }
}

/// A greyscale image with its thresholds: the full-size frame ([`FULL_SHIFT`]) or the
/// half-size one ([`HALF_SHIFT`]).
pub(super) struct Plane<'a> {
    pub luma: &'a [u8],
    pub width: usize,
    pub height: usize,
    pub map: &'a ThresholdMap,
    pub shift: u32,
}

/// Scratch space of a row scan.
#[derive(Debug, Default)]
pub(super) struct RowScratch {
    /// The row, 1 dark and 0 light.
    bits: Vec<u8>,
    /// The thresholds of the row's block row, one a pixel, and which block row that is.
    thr: Vec<u8>,
    thr_of: Option<usize>,
}

impl Plane<'_> {
    /// Whether the pixel is dark; pixels outside the image are light.
    pub fn dark(&self, x: usize, y: usize) -> bool {
        // Checked first, so that `y * width` cannot overflow for a far-off point.
        if x >= self.width || y >= self.height {
            return false;
        }
        match self.luma.get(y * self.width + x) {
            Some(&v) => v < self.threshold(x, y),
            None => false,
        }
    }

    /// Whether the pixel nearest to a point is dark; points off the image (and NaN) are
    /// light. Rounded by adding a half and truncating: `f64::round` is a library call on
    /// baseline x86-64, and grids are read a thousand points at a time.
    pub fn dark_near(&self, x: f64, y: f64) -> bool {
        if !(x >= -0.5 && y >= -0.5) {
            return false;
        }
        // `as usize` saturates, so a far-off point is still off the image.
        self.dark((x + 0.5) as usize, (y + 0.5) as usize)
    }

    /// A pixel's grey and threshold, as floats; None outside the image.
    pub fn grey(&self, x: usize, y: usize) -> Option<(f32, f32)> {
        if x >= self.width || y >= self.height {
            return None;
        }
        let v = self.luma.get(y * self.width + x)?;
        Some((f32::from(*v), f32::from(self.threshold(x, y))))
    }

    /// The threshold at a pixel: darker is dark. 0 (nothing is darker) outside the map.
    pub fn threshold(&self, x: usize, y: usize) -> u8 {
        let row = self.map.row(y >> self.shift);
        let bx = (x >> self.shift).min(row.len().saturating_sub(1));
        row.get(bx).copied().unwrap_or(0)
    }

    /// The region as dark (1) and light (0) pixels, row by row (outside the image: light).
    pub fn binary_region(&self, r: &Region) -> Vec<u8> {
        let mut out = Vec::with_capacity(r.area());
        for y in r.y0..r.y1 {
            let thr = self.map.row(y >> self.shift);
            let last = thr.len().saturating_sub(1);
            let row = self
                .luma
                .get(y * self.width..(y + 1) * self.width)
                .unwrap_or(&[]);
            for x in r.x0..r.x1 {
                let dark = match (row.get(x), thr.get((x >> self.shift).min(last))) {
                    (Some(&v), Some(&t)) => v < t,
                    _ => false,
                };
                out.push(u8::from(dark));
            }
        }
        out
    }

    /// Row `y` as dark (1) and light (0) into `s.bits`.
    fn binary_row(&self, y: usize, s: &mut RowScratch) {
        s.bits.clear();
        let Some(px) = self.luma.get(y * self.width..(y + 1) * self.width) else {
            return;
        };
        let by = y >> self.shift;
        if s.thr_of != Some(by) {
            self.expand_thresholds(by, &mut s.thr);
            s.thr_of = Some(by);
        }
        // One threshold a pixel, so this compiles to a vector compare.
        s.bits
            .extend(px.iter().zip(&s.thr).map(|(&v, &t)| u8::from(v < t)));
    }

    /// The thresholds of block row `by`, repeated for each pixel of a row (the pixels past
    /// the map's last block, at odd widths, take that block's).
    fn expand_thresholds(&self, by: usize, thr: &mut Vec<u8>) {
        thr.clear();
        let row = self.map.row(by);
        let per = 1usize << self.shift;
        for &t in row {
            thr.extend(std::iter::repeat_n(t, per));
        }
        thr.truncate(self.width);
        let last = row.last().copied().unwrap_or(0);
        thr.resize(self.width, last);
    }
}

/// The 1:1:3:1:1 test on five runs (dark, light, dark, light, dark), with generous
/// tolerance: each outer run between a quarter and twice the mean outer run, the stone
/// between 1.5 and 5 times it (an angled or blurred finder's stone looks thinner or fatter).
fn finder_ratio(runs: &[usize; 5]) -> bool {
    let unit4 = runs[0] + runs[1] + runs[3] + runs[4];
    if unit4 == 0 {
        return false;
    }
    let unit_ok = |r: usize| 16 * r >= unit4 && 2 * r <= unit4;
    let stone = runs[2];
    unit_ok(runs[0])
        && unit_ok(runs[1])
        && unit_ok(runs[3])
        && unit_ok(runs[4])
        && 8 * stone >= 3 * unit4
        && 4 * stone <= 5 * unit4
}

/// Smallest finder (all five runs, pixels) worth a look: 1.5-pixel modules are about 10.
const MIN_FINDER_PX: usize = 6;

/// Least difference of grey between a finder's stone and its light ring: a tenth of the
/// ring's grey, and at least 3 levels. rqrr cannot binarise a code with less (dark is
/// below 95 % of the local mean, so dark modules must be about 10 % under light ones), and
/// sensor noise where the threshold meets a flat background makes 1:1:3:1:1 runs that
/// differ by a few levels only (6 grey levels of noise at mid-grey: at most 12 of 15).
const MIN_CONTRAST_DIVISOR: u32 = 10;
const MIN_CONTRAST_FLOOR: u32 = 3;

/// Scans every `row_step`-th row of `img` for finder patterns and adds them to `out` in
/// full-resolution pixels (`scale` full pixels per pixel of `img`). False when there were
/// more than [`MAX_CANDIDATES`] (the scan stops there).
pub(super) fn find_candidates(
    img: &Plane<'_>,
    row_step: usize,
    scale: f32,
    out: &mut Vec<Candidate>,
    scratch: &mut RowScratch,
) -> bool {
    let w = img.width;
    scratch.thr_of = None;
    for y in (0..img.height).step_by(row_step.max(1)) {
        img.binary_row(y, scratch);
        let Some(px) = img.luma.get(y * w..(y + 1) * w) else {
            break;
        };
        let mut ok = true;
        scan_row(&scratch.bits, |x0, runs| {
            if !ok || !contrasted(px, x0, runs) {
                return;
            }
            if let Some(c) = cross_check(img, x0, y, runs) {
                ok = add_candidate(out, scaled(c, scale));
            }
        });
        if !ok {
            return false;
        }
    }
    true
}

/// Whether the stone is darker than the light ring on both sides by the least contrast.
fn contrasted(px: &[u8], x0: usize, runs: &[usize; 5]) -> bool {
    let mean = |from: usize, len: usize| -> Option<u32> {
        let s = px.get(from..from + len)?;
        let sum: u64 = s.iter().map(|&v| u64::from(v)).sum();
        u32::try_from(sum / len.max(1) as u64).ok()
    };
    let light_l = x0 + runs[0];
    let stone = light_l + runs[1];
    let light_r = stone + runs[2];
    match (
        mean(light_l, runs[1]),
        mean(stone, runs[2]),
        mean(light_r, runs[3]),
    ) {
        (Some(a), Some(s), Some(b)) => {
            let light = a.min(b);
            let least = (light / MIN_CONTRAST_DIVISOR).max(MIN_CONTRAST_FLOOR);
            light >= s + least
        }
        _ => false,
    }
}

fn scaled(c: Candidate, scale: f32) -> Candidate {
    // A pixel's centre in the scaled-down image is at (x + 0.5) * scale - 0.5 full pixels.
    let at = |v: f32| (v + 0.5) * scale - 0.5;
    Candidate {
        x: at(c.x),
        y: at(c.y),
        module: c.module * scale,
    }
}

/// Calls `found(start, runs)` for every 1:1:3:1:1 pattern in a binary row (1 dark, 0
/// light), `start` being where its first run begins. The row's end ends a run, so a finder
/// touching the right edge is still seen (as rqrr does).
fn scan_row(row: &[u8], mut found: impl FnMut(usize, &[usize; 5])) {
    let mut runs = [0usize; 5];
    let mut filled = 0;
    let mut x = 0;
    while let Some(&colour) = row.get(x) {
        let end = run_end(row, x, colour);
        runs = [runs[1], runs[2], runs[3], runs[4], end - x];
        filled += 1;
        // A dark run just ended: the last five runs may be dark, light, dark, light, dark.
        // Most rows are speckled with runs of a pixel or two near the threshold, so the
        // stone's length is checked before anything else.
        if colour != 0 && filled >= 5 && runs[2] >= 2 {
            let total: usize = runs.iter().sum();
            if total >= MIN_FINDER_PX && finder_ratio(&runs) {
                found(end - total, &runs);
            }
        }
        x = end;
    }
}

/// Where the run of `colour` starting at `from` ends. Most of a frame is long runs, so
/// eight pixels are compared at a time.
fn run_end(row: &[u8], from: usize, colour: u8) -> usize {
    let same8 = u64::from_ne_bytes([colour; 8]);
    let mut x = from;
    while let Some(Ok(word)) = row.get(x..x + 8).map(<[u8; 8]>::try_from) {
        if u64::from_ne_bytes(word) != same8 {
            break;
        }
        x += 8;
    }
    while row.get(x) == Some(&colour) {
        x += 1;
    }
    x
}

/// Length of the run of `dark` (or light) pixels from (x, y) going up or down, at most
/// `cap`. Leaving the image ends a run.
fn run_from(img: &Plane<'_>, x: usize, y: usize, up: bool, dark: bool, cap: usize) -> usize {
    let mut n = 0;
    let mut yy = y;
    while n < cap && yy < img.height && img.dark(x, yy) == dark {
        n += 1;
        if up {
            match yy.checked_sub(1) {
                Some(v) => yy = v,
                None => break,
            }
        } else {
            yy += 1;
        }
    }
    n
}

/// Checks a row hit along the column through its stone; the candidate with the stone's
/// vertical centre, or None when the column does not show 1:1:3:1:1 of a similar size.
fn cross_check(img: &Plane<'_>, x0: usize, y: usize, runs: &[usize; 5]) -> Option<Candidate> {
    let across: usize = runs.iter().sum();
    let cx = x0 + runs[0] + runs[1] + runs[2] / 2;
    // No run of a real finder is longer than the finder is wide, give or take the angle.
    let cap = 3 * across;
    let stone_up = run_from(img, cx, y, true, true, cap);
    let stone_down = run_from(img, cx, y + 1, false, true, cap);
    let top = (y + 1).checked_sub(stone_up)?;
    let bottom = y + stone_down; // the stone's last dark row
    let light_up = top
        .checked_sub(1)
        .map_or(0, |t| run_from(img, cx, t, true, false, cap));
    let dark_up = (top + 1)
        .checked_sub(light_up + 2)
        .map_or(0, |t| run_from(img, cx, t, true, true, cap));
    let light_down = run_from(img, cx, bottom + 1, false, false, cap);
    let dark_down = run_from(img, cx, bottom + 1 + light_down, false, true, cap);
    let vertical = [
        dark_up,
        light_up,
        stone_up + stone_down,
        light_down,
        dark_down,
    ];
    let down: usize = vertical.iter().sum();
    // A finder turned in the plane is as long down as across (its rings are concentric
    // squares); held at a slant it is somewhat longer one way. The checkerboard of a code's
    // data makes 1:1:3:1:1 now and then too, but seldom the same size both ways.
    let similar = |a: usize, b: usize| 2 * a <= 3 * b + 4;
    if !finder_ratio(&vertical) || !similar(down, across) || !similar(across, down) {
        return None;
    }
    let (x, y) = stone_centre(img, cx, (top + bottom) / 2, cap);
    Some(Candidate {
        x,
        y,
        module: (across + down) as f32 / 14.0,
    })
}

/// The stone's centre, measured again across its middle row and then down its middle
/// column, to a fraction of a pixel: a hit from a row off the centre of a turned finder is
/// off in x too, and a held code is followed from frame to frame by these centres.
fn stone_centre(img: &Plane<'_>, x: usize, y: usize, cap: usize) -> (f32, f32) {
    let cx = middle(x, |p| img.grey(p, y), cap);
    let column = cx.round() as usize;
    let cy = middle(y, |p| img.grey(column, p), cap);
    (cx, cy)
}

/// The middle of the dark run through `at` along a line (`grey` gives each position's grey
/// and threshold), reaching at most `cap` each way. Each end is put where the grey crosses
/// the threshold between the run's last dark pixel and the first light one beyond.
fn middle(at: usize, grey: impl Fn(usize) -> Option<(f32, f32)>, cap: usize) -> f32 {
    let dark = |p: usize| grey(p).is_some_and(|(v, t)| v < t);
    let before = (1..=cap)
        .take_while(|&k| at.checked_sub(k).is_some_and(&dark))
        .count();
    let after = (1..=cap).take_while(|&k| dark(at + k)).count();
    let (first, last) = (at - before, at + after);
    // How far past a dark pixel the crossing lies (half a pixel when it cannot be told).
    let beyond =
        |inside: usize, outside: Option<usize>| match (grey(inside), outside.and_then(&grey)) {
            (Some((vi, t)), Some((vo, _))) if vo > vi => ((t - vi) / (vo - vi)).clamp(0.0, 1.0),
            _ => 0.5,
        };
    let left = first as f32 - beyond(first, first.checked_sub(1));
    let right = last as f32 + beyond(last, Some(last + 1));
    (left + right) / 2.0
}

/// Adds `c` unless it is the same finder as one already found (seen from another row or
/// at the other scale). False when the list is full.
fn add_candidate(out: &mut Vec<Candidate>, c: Candidate) -> bool {
    let same = |o: &Candidate| {
        let reach = 2.0 * o.module.max(c.module);
        (o.x - c.x).abs() < reach && (o.y - c.y).abs() < reach
    };
    if out.iter().any(same) {
        return true;
    }
    if out.len() >= MAX_CANDIDATES {
        return false;
    }
    out.push(c);
    true
}

/// Finders further apart than this many modules are not one code (version 10 is 57
/// modules wide; its finders are under 72 modules apart, even across the diagonal).
const LINK_MODULES: f32 = 80.0;

/// Margin around a group's finder centres: half a finder (3.5 modules) and most of the
/// quiet zone. rqrr needs no more: the crop is thresholded with the whole frame's map, and a
/// crop's edge ends a finder's ring as well as light does.
const MARGIN_MODULES: f32 = 6.5;

/// A lone finder's code may reach this far from it in any direction (a version 7 code,
/// when the other two finders were missed).
const LONE_MODULES: f32 = 45.0;

/// Groups larger than this are not searched for finder triples (the search is cubic); they
/// get the margin of a group without one.
const MAX_TRIPLE_SEARCH: usize = 40;

/// Three candidates placed as a code's finders are: the corner (top-left as the code is
/// read), then the other two in either order.
pub(super) type Triple = [Candidate; 3];

/// Where a frame's codes may be.
#[derive(Debug, Default)]
pub(super) struct Layout {
    /// Rectangles each holding what may be one or more codes with their quiet zones.
    pub regions: Vec<Region>,
    /// The finder triples among the candidates (a code is almost surely there).
    pub triples: Vec<Triple>,
}

/// Groups the candidates into regions of a `width` x `height` frame, each holding what may
/// be one or more codes with their quiet zones; overlapping regions are merged. With them
/// the groups' candidates placed as a code's three finders are, the widest first: a code's
/// own finders are its corners, and the data patterns taken for finders lie between them.
pub(super) fn regions(cands: &[Candidate], width: usize, height: usize) -> Layout {
    let mut layout = Layout::default();
    let mut triples = Vec::new();
    for group in groups(cands) {
        let members: Vec<Candidate> = group
            .iter()
            .filter_map(|&i| cands.get(i))
            .copied()
            .collect();
        let (region, group_triples) = group_region(&members, width, height);
        triples.extend(group_triples);
        if let Some(r) = region {
            push_merged(&mut layout.regions, r);
        }
    }
    triples.sort_by(|a: &(f32, Triple), b| b.0.total_cmp(&a.0));
    layout.triples = triples.into_iter().map(|(_, t)| t).collect();
    layout
}

/// Single-linkage groups of candidate indices.
fn groups(cands: &[Candidate]) -> Vec<Vec<usize>> {
    let mut group_of: Vec<usize> = (0..cands.len()).collect();
    for i in 0..cands.len() {
        for j in 0..i {
            let (a, b) = (cands[i], cands[j]);
            if distance(&a, &b) <= LINK_MODULES * a.module.max(b.module) {
                let (from, to) = (group_of[i], group_of[j]);
                if from != to {
                    group_of
                        .iter_mut()
                        .filter(|g| **g == from)
                        .for_each(|g| *g = to);
                }
            }
        }
    }
    let mut out: Vec<Vec<usize>> = Vec::new();
    for (i, &g) in group_of.iter().enumerate() {
        match out
            .iter_mut()
            .find(|m| m.first().is_some_and(|&f| group_of[f] == g))
        {
            Some(m) => m.push(i),
            None => out.push(vec![i]),
        }
    }
    out
}

fn distance(a: &Candidate, b: &Candidate) -> f32 {
    (a.x - b.x).hypot(a.y - b.y)
}

/// Whether `a` could be the top-left finder of a code whose other two are `b` and `c`:
/// similar sizes, legs of about the same length at about a right angle, and at least the
/// spacing of a version 1 code (14 modules; fewer as estimated across a turned finder).
fn l_corner(a: &Candidate, b: &Candidate, c: &Candidate) -> bool {
    let small = a.module.min(b.module).min(c.module);
    let large = a.module.max(b.module).max(c.module);
    if large > 1.4 * small {
        return false;
    }
    let (ab, ac) = (distance(a, b), distance(a, c));
    if ab.min(ac) < 9.0 * small || ab > 1.25 * ac || ac > 1.25 * ab {
        return false;
    }
    // Within about 15 degrees of square: held at a slant the corner opens or closes a bit.
    let dot = (b.x - a.x) * (c.x - a.x) + (b.y - a.y) * (c.y - a.y);
    (dot / (ab * ac)).abs() <= 0.26
}

/// The rectangle a group's code(s) may occupy, with the quiet zone. Three finders fix a
/// code, but its fourth corner lies outside their bounding box when the code is turned, so
/// for each finder triple the fourth point b + c - a is included. A group with no triple
/// (a finder missed) gets room for the missing part instead. Returned with the triples.
fn group_region(
    members: &[Candidate],
    width: usize,
    height: usize,
) -> (Option<Region>, Vec<(f32, Triple)>) {
    // The median: data patterns taken for finders tend to overestimate.
    let mut modules: Vec<f32> = members.iter().map(|c| c.module).collect();
    modules.sort_by(f32::total_cmp);
    let Some(&module) = modules.get(modules.len() / 2) else {
        return (None, Vec::new());
    };
    let triples = triples(members);
    let mut points: Vec<(f32, f32)> = members.iter().map(|c| (c.x, c.y)).collect();
    points.extend(
        triples
            .iter()
            .map(|(_, [c, a, b])| (a.x + b.x - c.x, a.y + b.y - c.y)),
    );
    let spread = members
        .iter()
        .flat_map(|a| members.iter().map(move |b| distance(a, b)))
        .fold(0.0f32, f32::max);
    let extra = match (!triples.is_empty(), members.len()) {
        (true, _) => 0.0,
        (false, 1) => LONE_MODULES * module,
        // The missing finder is one finder spacing from the others, on either side.
        (false, _) => spread.min(LONE_MODULES * module),
    };
    let margin = extra + MARGIN_MODULES * module + 2.0;
    let (mut x0, mut y0, mut x1, mut y1) = (f32::MAX, f32::MAX, f32::MIN, f32::MIN);
    for (x, y) in points {
        x0 = x0.min(x);
        y0 = y0.min(y);
        x1 = x1.max(x);
        y1 = y1.max(y);
    }
    let region = clamp_region(
        x0 - margin,
        y0 - margin,
        x1 + margin,
        y1 + margin,
        width,
        height,
    );
    (region, triples)
}

/// The finder triples of a group: each pair with a candidate at their corner, with the
/// length of its legs.
fn triples(members: &[Candidate]) -> Vec<(f32, Triple)> {
    let mut out = Vec::new();
    if members.len() > MAX_TRIPLE_SEARCH {
        return out;
    }
    for (i, a) in members.iter().enumerate() {
        for (j, b) in members.iter().enumerate().skip(i + 1) {
            for (k, c) in members.iter().enumerate() {
                if k == i || k == j {
                    continue;
                }
                if l_corner(c, a, b) {
                    out.push((distance(c, a) + distance(c, b), [*c, *a, *b]));
                }
            }
        }
    }
    out
}

/// The rectangle clipped to the frame; None when nothing of it is left.
pub(super) fn clamp_region(
    x0: f32,
    y0: f32,
    x1: f32,
    y1: f32,
    width: usize,
    height: usize,
) -> Option<Region> {
    // `as usize` saturates (negative and NaN to 0), so no float can index out of the frame.
    let clip = |v: f32, max: usize| (v.max(0.0) as usize).min(max);
    let r = Region {
        x0: clip(x0.floor(), width),
        y0: clip(y0.floor(), height),
        x1: clip(x1.ceil() + 1.0, width),
        y1: clip(y1.ceil() + 1.0, height),
    };
    (r.x0 < r.x1 && r.y0 < r.y1).then_some(r)
}

/// Adds `r` to the list, merged with every region it overlaps (repeatedly, since a merged
/// region may reach others).
pub(super) fn push_merged(list: &mut Vec<Region>, mut r: Region) {
    while let Some(i) = list.iter().position(|o| o.overlaps(&r)) {
        r = r.union(&list.swap_remove(i));
    }
    list.push(r);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_ratio_test_takes_finders_and_refuses_stripes() {
        assert!(finder_ratio(&[4, 4, 12, 4, 4]));
        assert!(finder_ratio(&[1, 2, 4, 1, 2]), "1.5-pixel modules, rounded");
        assert!(!finder_ratio(&[4, 4, 4, 4, 4]), "even stripes");
        assert!(!finder_ratio(&[4, 4, 30, 4, 4]), "a stone far too wide");
        assert!(!finder_ratio(&[0, 0, 0, 0, 0]));
    }

    #[test]
    fn a_row_through_a_finder_is_found_and_its_edge_counts_as_light() {
        let row = [0, 0, 1, 1, 0, 0, 1, 1, 1, 1, 1, 1, 0, 0, 1, 1, 0, 0];
        let mut hits = Vec::new();
        scan_row(&row, |x, r| hits.push((x, *r)));
        assert_eq!(hits, vec![(2, [2, 2, 6, 2, 2])]);
        let row = [1, 1, 0, 0, 1, 1, 1, 1, 1, 1, 0, 0, 1, 1];
        let mut hits = Vec::new();
        scan_row(&row, |x, r| hits.push((x, *r)));
        assert_eq!(hits, vec![(0, [2, 2, 6, 2, 2])]);
    }

    #[test]
    fn a_drawn_finder_is_one_candidate_at_its_centre() {
        // 7x7 modules of 3 pixels at (10, 20), black on a white 40x50 image.
        let (w, h) = (40, 50);
        let mut luma = vec![255u8; w * h];
        for my in 0..7 {
            for mx in 0..7 {
                let ring = my == 0 || my == 6 || mx == 0 || mx == 6;
                let stone = (2..=4).contains(&my) && (2..=4).contains(&mx);
                if ring || stone {
                    for y in 0..3 {
                        for x in 0..3 {
                            luma[(20 + my * 3 + y) * w + 10 + mx * 3 + x] = 0;
                        }
                    }
                }
            }
        }
        let mut half = Vec::new();
        let (w2, h2) = super::super::downscale2_into(w, h, &luma, &mut half);
        let mut scratch = RowScratch::default();
        let mut map = ThresholdMap::default();
        map.build(w, &half, w2, h2);
        let img = Plane {
            luma: &luma,
            width: w,
            height: h,
            map: &map,
            shift: FULL_SHIFT,
        };
        let mut out = Vec::new();
        assert!(find_candidates(&img, 1, 1.0, &mut out, &mut scratch));
        assert_eq!(out.len(), 1, "{out:?}");
        let c = out[0];
        assert!(
            (c.x - 20.5).abs() <= 1.0 && (c.y - 30.5).abs() <= 1.0,
            "{c:?}"
        );
        assert!((c.module - 3.0).abs() < 0.5, "{c:?}");
        // A washed-out copy (grey 140 on 150) is sensor noise, not a finder.
        let faint: Vec<u8> = luma
            .iter()
            .map(|&v| if v == 0 { 140 } else { 150 })
            .collect();
        let (w2, h2) = super::super::downscale2_into(w, h, &faint, &mut half);
        map.build(w, &half, w2, h2);
        let img = Plane {
            luma: &faint,
            width: w,
            height: h,
            map: &map,
            shift: FULL_SHIFT,
        };
        out.clear();
        assert!(find_candidates(&img, 1, 1.0, &mut out, &mut scratch));
        assert!(out.is_empty(), "{out:?}");
    }

    #[test]
    fn three_finders_make_one_region_that_holds_the_turned_code() {
        // A code turned 45 degrees: the fourth corner is below the three finders.
        let c = |x, y| Candidate { x, y, module: 2.0 };
        let Layout {
            regions: r,
            triples,
        } = regions(&[c(100.0, 50.0), c(150.0, 100.0), c(50.0, 100.0)], 400, 400);
        assert_eq!(triples.len(), 1);
        assert_eq!(triples[0][0], c(100.0, 50.0), "the corner first");
        assert_eq!(r.len(), 1);
        // The fourth corner's finder-sized neighbourhood is in: 3.5 modules and the quiet zone.
        assert!(r[0].y1 as f32 >= 150.0 + MARGIN_MODULES * 2.0, "{r:?}");
        // Far apart: two groups, and a lone finder gets room for a whole code around it.
        let Layout {
            regions: far,
            triples,
        } = regions(&[c(10.0, 10.0), c(390.0, 390.0)], 400, 400);
        assert!(triples.is_empty());
        assert_eq!(far.len(), 2, "{far:?}");
        assert!(
            far.iter().all(|r| r.width() >= 100 && r.height() >= 100),
            "{far:?}"
        );
    }

    #[test]
    fn regions_are_clipped_to_the_frame() {
        assert_eq!(clamp_region(-5.0, -5.0, 1e9, f32::NAN, 10, 10), None);
        assert_eq!(
            clamp_region(-5.0, -5.0, 1e9, 4.0, 10, 10),
            Some(Region {
                x0: 0,
                y0: 0,
                x1: 10,
                y1: 5
            })
        );
    }
}
