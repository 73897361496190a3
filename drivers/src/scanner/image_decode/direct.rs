//! Reading a code straight from its three finder patterns, without rqrr's grid search.
//!
//! On a code's first frame rqrr's grid search is most of the time (about 4 ms of 5.5 at
//! 640x480): it adjusts a perspective 80 times against the timing and finder patterns, and
//! does it twice per code (once to accept the finder triple, once to return the grid),
//! whatever the crop it is given. The pre-scan has already placed the finders' centres to a
//! fraction of a pixel, and three centres fix the grid but for perspective: its size is the
//! one whose timing patterns count as many modules, and from version 2 on the alignment
//! pattern by the fourth corner gives the perspective. The modules are read off the
//! binarised frame and rqrr decodes them (format check and Reed-Solomon correction, so a
//! grid that does not fit fails rather than misreads). A triple that gives nothing leaves
//! its region to rqrr, as before.

use super::decode_sampled;
use super::finder::{Candidate, Plane, Triple};
use super::geometry::Homography;
use super::track::Tracked;

/// Finder triples tried in a frame at most: more is texture rather than codes, and rqrr
/// still decodes their regions.
pub(super) const MAX_TRIPLES: usize = 6;

/// Grid sizes tried for a triple at most: the best by their timing patterns.
const MAX_SIZES: usize = 2;

/// Least share of the timing patterns' modules read right for a grid size to be tried, or
/// most modules its timing pattern may count more or fewer.
const MIN_TIMING_MATCH: f64 = 0.8;
const MAX_TIMING_MISCOUNT: usize = 1;

/// The grid sizes looked at, as a share of the size the finders' own module size suggests:
/// that estimate is taken across a finder, which reads up to 1.41 times too wide on a code
/// turned by 45 degrees, and blur makes it too narrow.
const SIZE_RANGE: (f64, f64) = (0.7, 1.5);

/// How far from where the finders put it the alignment pattern is looked for (modules, or
/// a share of the code's size when that is more: a slant moves it further on a larger
/// code), and in steps of how much (modules): first coarse, then fine around the best.
const ALIGN_REACH: f64 = 3.0;
const ALIGN_REACH_SHARE: f64 = 0.125;
const ALIGN_STEP: f64 = 0.5;
const ALIGN_FINE_STEP: f64 = 0.25;

/// Least of the alignment pattern's 25 modules read right for it to be believed.
const MIN_ALIGN_MATCH: usize = 22;

/// A code read from a finder triple: its grid in frame pixels and its bytes.
pub(super) struct Read {
    pub grid: Tracked,
    pub raw: Vec<u8>,
}

/// The code whose finders `triple` are, read off `plane` (the full-size frame), or None.
pub(super) fn read(plane: &Plane<'_>, triple: &Triple) -> Option<Read> {
    let finders = Finders::upright(triple);
    for size in finders.sizes(plane) {
        let Some(affine) = finders.affine(size) else {
            continue;
        };
        // The perspective from the alignment pattern when it is found, else none.
        let grids = [finders.aligned(plane, &affine, size), Some(affine)];
        for grid in grids.into_iter().flatten() {
            // A grid off the code still passes rqrr's format check about half the time,
            // and then costs its Reed-Solomon decoding: only grids whose timing patterns
            // read right get that far.
            if timing_match(plane, &grid, size) < MIN_TIMING_MATCH {
                continue;
            }
            let grid = Tracked {
                grid,
                size,
                scale: 1.0,
                anchors: Vec::new(),
            };
            let raw = grid
                .sample(plane)
                .and_then(|bits| decode_sampled(&bits, size));
            if let Some(raw) = raw {
                return Some(Read { grid, raw });
            }
        }
    }
    None
}

/// The three finder centres (frame pixels) as the code is read: top-left, top-right and
/// bottom-left, and the module size the finders suggest.
struct Finders {
    top_left: (f64, f64),
    top_right: (f64, f64),
    bottom_left: (f64, f64),
    module: f64,
}

impl Finders {
    /// The triple with its other two finders told apart: with y pointing down, top-right
    /// then bottom-left turns clockwise about the corner.
    fn upright(triple: &Triple) -> Finders {
        let [c, a, b] = triple;
        let p = |c: &Candidate| (f64::from(c.x), f64::from(c.y));
        let (corner, a, b) = (p(c), p(a), p(b));
        let cross = (a.0 - corner.0) * (b.1 - corner.1) - (a.1 - corner.1) * (b.0 - corner.0);
        let (top_right, bottom_left) = if cross > 0.0 { (a, b) } else { (b, a) };
        let module = triple.iter().map(|c| f64::from(c.module)).sum::<f64>() / 3.0;
        Finders {
            top_left: corner,
            top_right,
            bottom_left,
            module,
        }
    }

    /// The grid sizes worth decoding, best first: those near what the finders' spacing
    /// suggests whose timing patterns both count as many modules (at a slant, where the
    /// modules are not evenly spaced) or whose modules read right where they should be.
    fn sizes(&self, plane: &Plane<'_>) -> Vec<usize> {
        let spacing =
            (dist(self.top_left, self.top_right) + dist(self.top_left, self.bottom_left)) / 2.0;
        // Finder centres are 3.5 modules in from the code's edges.
        let estimate = spacing / self.module.max(0.5) + 7.0;
        let (lo, hi) = (estimate * SIZE_RANGE.0, estimate * SIZE_RANGE.1);
        let mut scored: Vec<(usize, f64, usize)> = (1..=40)
            .map(|version| 17 + 4 * version)
            .filter(|&size| (lo..=hi).contains(&(size as f64)))
            .filter_map(|size| {
                let grid = self.affine(size)?;
                let miscount = timing_miscount(plane, &grid, size);
                let matched = timing_match(plane, &grid, size);
                let fits = miscount <= MAX_TIMING_MISCOUNT || matched >= MIN_TIMING_MATCH;
                fits.then_some((miscount, matched, size))
            })
            .collect();
        // The best count first, then the best match.
        scored.sort_by(|a, b| a.0.cmp(&b.0).then(b.1.total_cmp(&a.1)));
        scored
            .into_iter()
            .take(MAX_SIZES)
            .map(|(_, _, s)| s)
            .collect()
    }

    /// The grid of `size` modules the three centres fix without perspective (the fourth
    /// corner completes the parallelogram).
    fn affine(&self, size: usize) -> Option<Homography> {
        let (tl, tr, bl) = (self.top_left, self.top_right, self.bottom_left);
        let fourth = (tr.0 + bl.0 - tl.0, tr.1 + bl.1 - tl.1);
        let far = size as f64 - 3.5;
        Homography::through(
            [(3.5, 3.5), (far, 3.5), (far, far), (3.5, far)],
            [tl, tr, fourth, bl],
        )
    }

    /// The grid with the perspective the alignment pattern by the fourth corner gives, when
    /// the code has one (version 2 and up) and it is found near where `affine` puts it.
    fn aligned(&self, plane: &Plane<'_>, affine: &Homography, size: usize) -> Option<Homography> {
        if size < 25 {
            return None;
        }
        // The bottom-right alignment pattern's centre: module (size - 7, size - 7).
        let centre = size as f64 - 6.5;
        let reach = ALIGN_REACH.max(size as f64 * ALIGN_REACH_SHARE);
        let (du, dv) = find_alignment(plane, affine, centre, reach)?;
        let found = affine.map(centre + du, centre + dv)?;
        let far = size as f64 - 3.5;
        Homography::through(
            [(3.5, 3.5), (far, 3.5), (centre, centre), (3.5, far)],
            [self.top_left, self.top_right, found, self.bottom_left],
        )
    }
}

fn dist(a: (f64, f64), b: (f64, f64)) -> f64 {
    (a.0 - b.0).hypot(a.1 - b.1)
}

/// The share of the timing patterns' modules (row and column 6, between the finders'
/// separators) read dark and light in turn where `grid` puts them.
fn timing_match(plane: &Plane<'_>, grid: &Homography, size: usize) -> f64 {
    let (mut right, mut all) = (0usize, 0usize);
    for i in 8..size.saturating_sub(8) {
        let dark = i % 2 == 0;
        let along = i as f64 + 0.5;
        for (u, v) in [(along, 6.5), (6.5, along)] {
            all += 1;
            if grid
                .map(u, v)
                .is_some_and(|(x, y)| plane.dark_near(x, y) == dark)
            {
                right += 1;
            }
        }
    }
    right as f64 / all.max(1) as f64
}

/// How far the counts of the timing patterns' modules are from what a grid of `size` has, at
/// most: row 6 from the top-left finder's centre to the top-right's, and column 6 to the
/// bottom-left's. Those lines are straight at any slant, and `grid` only places their ends,
/// three modules from the finders' centres; the modules along them are counted by their
/// changes of colour (the finders' rings at both ends, and between them `size` - 14
/// modules: size - 13 changes). At a slant `grid` may put an end near the edge of the row,
/// so each is counted along three lines across it and the best count taken.
fn timing_miscount(plane: &Plane<'_>, grid: &Homography, size: usize) -> usize {
    let far = size as f64 - 3.5;
    let want = size.saturating_sub(13);
    let miss = |a: (f64, f64), b: (f64, f64)| -> Option<usize> {
        let (a, b) = (grid.map(a.0, a.1)?, grid.map(b.0, b.1)?);
        // A change counts once the new colour lasts a third of a module: a line along the
        // edge of a row flickers.
        let module = dist(a, b) / (far - 3.5);
        let least = (module / 3.0).floor().max(1.0) as usize;
        Some(changes(plane, a, b, least).abs_diff(want))
    };
    let best = |line: &dyn Fn(f64) -> Option<usize>| {
        [6.5, 6.25, 6.75]
            .into_iter()
            .filter_map(line)
            .min()
            .unwrap_or(usize::MAX)
    };
    let row = best(&|lane| miss((3.5, lane), (far, lane)));
    let column = best(&|lane| miss((lane, 3.5), (lane, far)));
    row.max(column)
}

/// How many times the colour changes along the line from `a` to `b` (pixels), read a pixel
/// at a time, a change counting once the new colour lasts `least` pixels.
fn changes(plane: &Plane<'_>, a: (f64, f64), b: (f64, f64), least: usize) -> usize {
    // A line longer than any frame's diagonal is no code's.
    let steps = (a.0 - b.0).abs().max((a.1 - b.1).abs()).ceil().min(1e5) as usize;
    let at = |i: usize| {
        let t = i as f64 / steps.max(1) as f64;
        plane.dark_near(a.0 + (b.0 - a.0) * t, a.1 + (b.1 - a.1) * t)
    };
    let (mut colour, mut run, mut count) = (at(0), 0, 0);
    for i in 1..=steps {
        if at(i) == colour {
            run = 0;
            continue;
        }
        run += 1;
        if run == least {
            (colour, run, count) = (!colour, 0, count + 1);
        }
    }
    count
}

/// Where the alignment pattern centred at grid point (`centre`, `centre`) by `grid`
/// really is, as an offset in modules: the best match within `reach` in coarse steps,
/// then the mean of the best matches in fine steps around it. None when no place matches
/// well enough.
fn find_alignment(
    plane: &Plane<'_>,
    grid: &Homography,
    centre: f64,
    reach: f64,
) -> Option<(f64, f64)> {
    let (coarse, score) = best_offsets(plane, grid, centre, (0.0, 0.0), reach, ALIGN_STEP)
        .into_iter()
        .min_by(|a, b| a.0.hypot(a.1).total_cmp(&b.0.hypot(b.1)))
        .map(|o| (o, alignment_match(plane, grid, centre + o.0, centre + o.1)))?;
    if score < MIN_ALIGN_MATCH {
        return None;
    }
    let fine = best_offsets(plane, grid, centre, coarse, ALIGN_STEP, ALIGN_FINE_STEP);
    let n = fine.len().max(1) as f64;
    let (su, sv) = fine.iter().fold((0.0, 0.0), |(u, v), o| (u + o.0, v + o.1));
    Some((su / n, sv / n))
}

/// The offsets (modules) within `reach` of `around`, in `step`s, where the alignment pattern
/// matches best.
fn best_offsets(
    plane: &Plane<'_>,
    grid: &Homography,
    centre: f64,
    around: (f64, f64),
    reach: f64,
    step: f64,
) -> Vec<(f64, f64)> {
    let n = (reach / step).round() as i32;
    let mut best = (0usize, Vec::new());
    for j in -n..=n {
        for i in -n..=n {
            let o = (
                around.0 + f64::from(i) * step,
                around.1 + f64::from(j) * step,
            );
            let score = alignment_match(plane, grid, centre + o.0, centre + o.1);
            if score > best.0 {
                best = (score, vec![o]);
            } else if score == best.0 {
                best.1.push(o);
            }
        }
    }
    best.1
}

/// How many of an alignment pattern's 5x5 modules (dark ring, light ring, dark centre)
/// centred at grid point (u, v) read right.
fn alignment_match(plane: &Plane<'_>, grid: &Homography, u: f64, v: f64) -> usize {
    let mut right = 0;
    for j in -2i32..=2 {
        for i in -2i32..=2 {
            let dark = i.abs().max(j.abs()) != 1;
            let at = grid.map(u + f64::from(i), v + f64::from(j));
            if at.is_some_and(|(x, y)| plane.dark_near(x, y) == dark) {
                right += 1;
            }
        }
    }
    right
}

#[cfg(test)]
mod tests {
    use super::super::{FrameDecoder, Located};
    use super::*;
    use crate::scanner::frames::Frame;
    use crate::scanner::synth;

    const TICKET: &[u8] = b"https://hall.example.gov.cn/track/t/20261105/A017";

    /// What `read` makes of each finder triple the pre-scan finds in `f`.
    fn read_all(f: &Frame) -> Vec<Vec<u8>> {
        let mut decoder = FrameDecoder::new();
        let triples = match decoder.locate(f.width, f.height, &f.luma) {
            Located::Regions(layout) | Located::Wide(layout) => layout.triples,
            Located::Busy => Vec::new(),
        };
        let plane = decoder.scratch.full(f.width, f.height, &f.luma);
        triples
            .iter()
            .filter_map(|t| read(&plane, t))
            .map(|r| r.raw)
            .collect()
    }

    fn on_grey(code: &Frame) -> Frame {
        let mut f = synth::blank(640, 480, 150);
        synth::paste(&mut f, code, 40, 30);
        synth::noise(&f, 6, 1)
    }

    #[test]
    fn codes_of_several_versions_and_turns_are_read_from_their_finders() {
        // Versions 1, 2 and 4 upright and turned, and 13 square to the frame (turned, its
        // repeated data makes more finder lookalikes than the pre-scan takes).
        let long = [b'x'; 300];
        let cases: [(&[u8], &[f32]); 4] = [
            (b"A", &[0.0, 30.0, -45.0, 90.0]),
            (b"hk:appt:v1:HZ01", &[0.0, 30.0, -45.0, 90.0]),
            (TICKET, &[0.0, 30.0, -45.0, 90.0]),
            (&long, &[0.0, 90.0]),
        ];
        for (payload, turns) in cases {
            for &deg in turns {
                let code = synth::rotate(&synth::render(payload, 3).unwrap(), deg, 255);
                let raws = read_all(&on_grey(&code));
                assert!(
                    raws.iter().any(|r| r == payload),
                    "{} bytes at {deg} degrees: {raws:?}",
                    payload.len()
                );
            }
        }
    }

    /// `code` seen at a slant on a grey 640x480 frame: its corners (top-left, top-right,
    /// bottom-right, bottom-left) at `corners`, in true perspective.
    fn slanted(code: &Frame, corners: [(f64, f64); 4]) -> Frame {
        let (w, h) = (code.width as f64, code.height as f64);
        let back = Homography::through(corners, [(0.0, 0.0), (w, 0.0), (w, h), (0.0, h)])
            .expect("a quadrilateral");
        let mut f = synth::blank(640, 480, 150);
        for y in 0..f.height {
            for x in 0..f.width {
                let Some((u, v)) = back.map(x as f64 + 0.5, y as f64 + 0.5) else {
                    continue;
                };
                if (0.0..w).contains(&u) && (0.0..h).contains(&v) {
                    f.luma[y * f.width + x] = code.luma[v as usize * code.width + u as usize];
                }
            }
        }
        synth::noise(&f, 4, 2)
    }

    #[test]
    fn codes_seen_at_a_slant_are_read_from_their_finders() {
        // A version 4 code 200 pixels high, its top or its left side a fifth narrower: the
        // modules are unevenly spaced, which the timing count and the alignment pattern
        // follow.
        let code = synth::render(TICKET, 4).unwrap();
        let top = [(120.0, 40.0), (280.0, 40.0), (300.0, 240.0), (100.0, 240.0)];
        let left = [(100.0, 60.0), (300.0, 40.0), (300.0, 240.0), (100.0, 220.0)];
        for (what, corners) in [("top", top), ("left", left)] {
            let raws = read_all(&slanted(&code, corners));
            assert!(
                raws.iter().any(|r| r == TICKET),
                "{what} narrower: {raws:?}"
            );
        }
    }

    #[test]
    fn finders_round_anything_but_a_code_read_nothing() {
        // A version 4 code (33 modules) whose every module outside the finders and their
        // separators is noise: the finders are placed as a code's, but there is none.
        let mut code = synth::render(TICKET, 4).unwrap();
        let mut state = 0x2545_F491_4F6C_DD1Du64;
        // A finder with its separator: 8 modules in from a corner, but the bottom-right.
        let edge = |m: usize| !(8..25).contains(&m);
        for my in 0..33 {
            for mx in 0..33 {
                if edge(mx) && edge(my) && (mx < 8 || my < 8) {
                    continue;
                }
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                let grey = if state & 1 == 0 { 0 } else { 255 };
                for y in 0..4 {
                    let row = ((my + 4) * 4 + y) * code.width + (mx + 4) * 4;
                    code.luma[row..row + 4].fill(grey);
                }
            }
        }
        assert!(read_all(&on_grey(&code)).is_empty());
    }
}
