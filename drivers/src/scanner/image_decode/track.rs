//! Reading a held code again without searching for its grid.
//!
//! rqrr fits every code's grid anew (a perspective adjusted 80 times against the timing and
//! finder patterns, twice per code), which costs the same whatever the crop; reading the
//! grid from the finder triples (`direct`) is cheaper, but still a search. A citizen holds
//! the phone to the glass for many frames, so the grid found (by either) is kept: in the
//! next frame it is moved by how far the code's finder patterns moved, its modules are read
//! off the binarised frame, and rqrr decodes those bits (format check and Reed-Solomon
//! correction, so a grid that no longer fits fails rather than misreads). When that fails
//! the frame goes the normal way.

use super::finder::{Candidate, Plane};
use super::geometry::{Affine, Homography};

/// An anchor (frame pixels) and the candidate it was matched with in the next frame.
type Match = ((f32, f32), (f32, f32));

/// A code's grid as found in an earlier frame.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Tracked {
    /// Grid modules to pixels of the plane it was read from.
    pub grid: Homography,
    /// Modules a side.
    pub size: usize,
    /// Frame pixels per plane pixel: 1 for the full-size frame, 2 for the half-size one.
    pub scale: f64,
    /// The finder candidates that matched the code's finders, in frame pixels.
    pub anchors: Vec<(f32, f32)>,
}

impl Tracked {
    /// A code's grid from rqrr's bounds (the images of grid corners (0, 0), (size + 1, 0),
    /// (size + 1, size + 1) and (0, size + 1)) in plane pixels.
    pub fn from_bounds(bounds: [(f64, f64); 4], size: usize, scale: f64) -> Option<Tracked> {
        Some(Tracked {
            grid: Homography::from_square(bounds, size as f64 + 1.0)?,
            size,
            scale,
            anchors: Vec::new(),
        })
    }

    /// Module size in frame pixels, along the top edge.
    pub fn module(&self) -> f64 {
        match (
            self.grid.map(0.0, 0.0),
            self.grid.map(self.size as f64, 0.0),
        ) {
            (Some(a), Some(b)) => {
                (a.0 - b.0).hypot(a.1 - b.1) / self.size.max(1) as f64 * self.scale
            }
            _ => 0.0,
        }
    }

    /// Where the code's three finder centres are, in frame pixels.
    fn finder_centres(&self) -> Vec<(f32, f32)> {
        let far = self.size as f64 - 3.5;
        [(3.5, 3.5), (far, 3.5), (3.5, far)]
            .iter()
            .filter_map(|&(u, v)| self.grid.map(u, v))
            .map(|(x, y)| ((x * self.scale) as f32, (y * self.scale) as f32))
            .collect()
    }

    /// Takes as anchors the candidates found on the code's finders.
    pub fn anchor(&mut self, candidates: &[Candidate]) {
        let reach = (2.0 * self.module()).max(3.0) as f32;
        self.anchors = self
            .finder_centres()
            .into_iter()
            .filter_map(|p| nearest(candidates, p, reach))
            .collect();
    }

    /// Whether a point (frame pixels) is on the code or within `margin` modules of it.
    pub fn covers(&self, x: f32, y: f32, margin: f64) -> bool {
        let (lo, hi) = (-margin, self.size as f64 + margin);
        let mut corners = [(0.0, 0.0); 4];
        for (corner, (u, v)) in corners
            .iter_mut()
            .zip([(lo, lo), (hi, lo), (hi, hi), (lo, hi)])
        {
            match self.grid.map(u, v) {
                Some((cx, cy)) => *corner = (cx * self.scale, cy * self.scale),
                None => return false,
            }
        }
        // Inside a convex quadrilateral: on the same side of all four edges.
        let (px, py) = (f64::from(x), f64::from(y));
        let sides = (0..4).map(|i| {
            let (a, b) = (corners[i], corners[(i + 1) % 4]);
            (b.0 - a.0) * (py - a.1) - (b.1 - a.1) * (px - a.0)
        });
        let (mut left, mut right) = (false, false);
        for s in sides {
            left |= s < 0.0;
            right |= s > 0.0;
        }
        !(left && right)
    }

    /// The bounding box of the code in frame pixels: (x0, y0, x1, y1).
    pub fn bounds(&self) -> Option<(f32, f32, f32, f32)> {
        let side = self.size as f64;
        let mut b = (f64::MAX, f64::MAX, f64::MIN, f64::MIN);
        for (u, v) in [(0.0, 0.0), (side, 0.0), (side, side), (0.0, side)] {
            let (x, y) = self.grid.map(u, v)?;
            b = (b.0.min(x), b.1.min(y), b.2.max(x), b.3.max(y));
        }
        let s = self.scale;
        Some((
            (b.0 * s) as f32,
            (b.1 * s) as f32,
            (b.2 * s) as f32,
            (b.3 * s) as f32,
        ))
    }

    /// The grid moved with its finders to the nearest candidates of this frame: turned and
    /// moved with all three when all three are found (a hand turns the phone a little from
    /// frame to frame), else moved by their mean move (none found: where it was).
    pub fn follow(&self, candidates: &[Candidate]) -> Tracked {
        let reach = (2.0 * self.module()).max(3.0) as f32;
        let pairs: Vec<Match> = self
            .anchors
            .iter()
            .filter_map(|&a| nearest(candidates, a, reach).map(|b| (a, b)))
            .collect();
        if let Some(t) = self.turned(&pairs) {
            return t;
        }
        let n = pairs.len().max(1) as f32;
        let (dx, dy) = pairs.iter().fold((0.0, 0.0), |(x, y), (a, b)| {
            (x + (b.0 - a.0) / n, y + (b.1 - a.1) / n)
        });
        let s = self.scale as f32;
        Tracked {
            grid: self.grid.shifted(f64::from(dx / s), f64::from(dy / s)),
            size: self.size,
            scale: self.scale,
            anchors: self.anchors.iter().map(|a| (a.0 + dx, a.1 + dy)).collect(),
        }
    }

    /// The grid taken by the affine map of three anchors to their matches, when that is a
    /// small change.
    fn turned(&self, pairs: &[Match]) -> Option<Tracked> {
        let [a, b, c] = pairs else {
            return None;
        };
        let wide = |p: (f32, f32)| (f64::from(p.0), f64::from(p.1));
        let from = [wide(a.0), wide(b.0), wide(c.0)];
        let to = [wide(a.1), wide(b.1), wide(c.1)];
        let aff = Affine::through(from, to).filter(Affine::is_small)?;
        Some(Tracked {
            grid: self.grid.then(&aff.scaled_down(self.scale)),
            size: self.size,
            scale: self.scale,
            anchors: pairs.iter().map(|p| p.1).collect(),
        })
    }

    /// The grid's modules read off `plane` (dark true), row by row; None when part of the
    /// grid maps nowhere.
    pub fn sample(&self, plane: &Plane<'_>) -> Option<Vec<bool>> {
        let mut bits = Vec::with_capacity(self.size * self.size);
        for y in 0..self.size {
            for x in 0..self.size {
                let (px, py) = self.grid.map(x as f64 + 0.5, y as f64 + 0.5)?;
                // The nearest pixel, as rqrr reads its grids.
                bits.push(plane.dark_near(px, py));
            }
        }
        Some(bits)
    }
}

/// The candidate nearest to `p` within `reach`, as a point.
fn nearest(candidates: &[Candidate], p: (f32, f32), reach: f32) -> Option<(f32, f32)> {
    candidates
        .iter()
        .map(|c| ((c.x - p.0).hypot(c.y - p.1), (c.x, c.y)))
        .filter(|(d, _)| *d <= reach)
        .min_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, q)| q)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_tracked_grid_follows_its_anchors() {
        let q = [
            (100.0, 100.0),
            (200.0, 100.0),
            (200.0, 200.0),
            (100.0, 200.0),
        ];
        let mut t = Tracked::from_bounds(q, 24, 1.0).unwrap();
        assert!((t.module() - 4.0).abs() < 1e-9);
        let at = |x: f32, y: f32| Candidate { x, y, module: 4.0 };
        let finders = t.finder_centres();
        let now: Vec<Candidate> = finders.iter().map(|p| at(p.0, p.1)).collect();
        t.anchor(&now);
        assert_eq!(t.anchors.len(), 3);
        let moved: Vec<Candidate> = finders.iter().map(|p| at(p.0 + 3.0, p.1 - 1.0)).collect();
        let f = t.follow(&moved);
        let (x0, y0, _, _) = f.bounds().unwrap();
        assert!(
            (x0 - 103.0).abs() < 1e-3 && (y0 - 99.0).abs() < 1e-3,
            "{x0},{y0}"
        );
        // Nothing to follow: it stays.
        assert_eq!(t.follow(&[]).grid, t.grid);
        // Turned by 2 degrees about the code's centre (150, 150): the corners follow.
        let (sin, cos) = 2f32.to_radians().sin_cos();
        let turn = |p: &(f32, f32)| {
            let (x, y) = (p.0 - 150.0, p.1 - 150.0);
            (150.0 + cos * x - sin * y, 150.0 + sin * x + cos * y)
        };
        let turned: Vec<Candidate> = finders.iter().map(turn).map(|p| at(p.0, p.1)).collect();
        let f = t.follow(&turned);
        let (x, y) = f.grid.map(0.0, 0.0).unwrap();
        let want = turn(&(100.0, 100.0));
        assert!(
            (x as f32 - want.0).abs() < 1e-2 && (y as f32 - want.1).abs() < 1e-2,
            "{x},{y}"
        );
        assert_eq!(
            f.anchors,
            turned.iter().map(|c| (c.x, c.y)).collect::<Vec<_>>()
        );
    }
}
