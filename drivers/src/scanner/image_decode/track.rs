//! Reading a held code again without rqrr's grid search.
//!
//! rqrr fits every code's grid anew (a perspective adjusted 80 times against the timing and
//! finder patterns, twice per code), which costs the same whatever the crop: most of a
//! frame's time while a code is in view. A citizen holds the phone to the glass for many
//! frames, so the grid rqrr found is kept: in the next frame it is moved by how far the
//! code's finder patterns moved, its modules are read off the binarised frame, and rqrr
//! decodes those bits (format check and Reed-Solomon correction, so a grid that no longer
//! fits fails rather than misreads). When that fails the frame goes the normal way.

use super::finder::{Candidate, Plane};

/// A projective map from grid coordinates (modules) to image pixels:
/// x = (a u + b v + c) / (g u + h v + 1), y = (d u + e v + f) / (g u + h v + 1).
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) struct Homography {
    m: [f64; 8],
}

impl Homography {
    /// The map taking the square of side `side` (grid units) with corners (0, 0), (side, 0),
    /// (side, side), (0, side) to the quadrilateral `q` (Heckbert's square-to-quad). None
    /// for a degenerate quadrilateral.
    pub fn from_square(q: [(f64, f64); 4], side: f64) -> Option<Homography> {
        let [(x0, y0), (x1, y1), (x2, y2), (x3, y3)] = q;
        let (sx, sy) = (x0 - x1 + x2 - x3, y0 - y1 + y2 - y3);
        let (dx1, dx2, dy1, dy2) = (x1 - x2, x3 - x2, y1 - y2, y3 - y2);
        let den = dx1 * dy2 - dx2 * dy1;
        if den.abs() < 1e-9 || side <= 0.0 {
            return None;
        }
        let g = (sx * dy2 - dx2 * sy) / den;
        let h = (dx1 * sy - sx * dy1) / den;
        let unit = [
            x1 - x0 + g * x1,
            x3 - x0 + h * x3,
            x0,
            y1 - y0 + g * y1,
            y3 - y0 + h * y3,
            y0,
            g,
            h,
        ];
        // Grid units to the unit square: divide the u and v coefficients by the side.
        let s = 1.0 / side;
        let [a, b, c, d, e, f, g, h] = unit;
        let m = [a * s, b * s, c, d * s, e * s, f, g * s, h * s];
        m.iter().all(|v| v.is_finite()).then_some(Homography { m })
    }

    /// The image point of grid point (u, v); None where the map is undefined.
    pub fn map(&self, u: f64, v: f64) -> Option<(f64, f64)> {
        let [a, b, c, d, e, f, g, h] = self.m;
        let den = g * u + h * v + 1.0;
        if den.abs() < 1e-9 {
            return None;
        }
        let (x, y) = ((a * u + b * v + c) / den, (d * u + e * v + f) / den);
        (x.is_finite() && y.is_finite()).then_some((x, y))
    }

    /// The same map followed by a move of (dx, dy) pixels.
    pub fn shifted(&self, dx: f64, dy: f64) -> Homography {
        self.then(&Affine {
            m: [[1.0, 0.0], [0.0, 1.0]],
            t: (dx, dy),
        })
    }

    /// The same map followed by an affine map of the image.
    pub fn then(&self, aff: &Affine) -> Homography {
        let [a, b, c, d, e, f, g, h] = self.m;
        let ([p, q], [r, s]) = (aff.m[0], aff.m[1]);
        let (tx, ty) = aff.t;
        Homography {
            m: [
                p * a + q * d + tx * g,
                p * b + q * e + tx * h,
                p * c + q * f + tx,
                r * a + s * d + ty * g,
                r * b + s * e + ty * h,
                r * c + s * f + ty,
                g,
                h,
            ],
        }
    }
}

/// An affine map of the image: x' = m x + t.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) struct Affine {
    m: [[f64; 2]; 2],
    t: (f64, f64),
}

impl Affine {
    /// The map taking three points to three others; None when the first three are nearly
    /// in a line.
    fn through(from: [(f64, f64); 3], to: [(f64, f64); 3]) -> Option<Affine> {
        let [p0, p1, p2] = from;
        let [q0, q1, q2] = to;
        let (u1, u2) = ((p1.0 - p0.0, p1.1 - p0.1), (p2.0 - p0.0, p2.1 - p0.1));
        let (v1, v2) = ((q1.0 - q0.0, q1.1 - q0.1), (q2.0 - q0.0, q2.1 - q0.1));
        let det = u1.0 * u2.1 - u2.0 * u1.1;
        if det.abs() < 1e-3 * (u1.0.hypot(u1.1) * u2.0.hypot(u2.1)).max(1e-9) {
            return None;
        }
        // M = V U^-1, with U = [u1 u2] and V = [v1 v2] as columns.
        let inv = [[u2.1 / det, -u2.0 / det], [-u1.1 / det, u1.0 / det]];
        let m = [
            [
                v1.0 * inv[0][0] + v2.0 * inv[1][0],
                v1.0 * inv[0][1] + v2.0 * inv[1][1],
            ],
            [
                v1.1 * inv[0][0] + v2.1 * inv[1][0],
                v1.1 * inv[0][1] + v2.1 * inv[1][1],
            ],
        ];
        let t = (
            q0.0 - (m[0][0] * p0.0 + m[0][1] * p0.1),
            q0.1 - (m[1][0] * p0.0 + m[1][1] * p0.1),
        );
        Some(Affine { m, t })
    }

    /// Whether it is a small change: a hand turning or tilting the phone a little between
    /// frames, not a mismatched anchor.
    fn is_small(&self) -> bool {
        let [[a, b], [c, d]] = self.m;
        (a - 1.0).abs() < 0.15 && (d - 1.0).abs() < 0.15 && b.abs() < 0.15 && c.abs() < 0.15
    }

    /// The same map in the coordinates of a plane `scale` frame pixels a pixel.
    fn scaled_down(&self, scale: f64) -> Affine {
        Affine {
            m: self.m,
            t: (self.t.0 / scale, self.t.1 / scale),
        }
    }
}

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
                // Rounded to the nearest pixel, as rqrr reads its grids; off the image is light.
                let (px, py) = (px.round(), py.round());
                let inside = px >= 0.0 && py >= 0.0;
                bits.push(inside && plane.dark(px as usize, py as usize));
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
    fn the_square_maps_onto_the_quadrilateral_corners() {
        let q = [(10.0, 20.0), (110.0, 25.0), (105.0, 130.0), (5.0, 118.0)];
        let h = Homography::from_square(q, 30.0).unwrap();
        for ((u, v), want) in [(0.0, 0.0), (30.0, 0.0), (30.0, 30.0), (0.0, 30.0)]
            .iter()
            .zip(q)
        {
            let (x, y) = h.map(*u, *v).unwrap();
            assert!(
                (x - want.0).abs() < 1e-6 && (y - want.1).abs() < 1e-6,
                "{u},{v}: {x},{y}"
            );
        }
        let (x, y) = h.shifted(3.0, -2.0).map(30.0, 30.0).unwrap();
        assert!((x - 108.0).abs() < 1e-6 && (y - 128.0).abs() < 1e-6);
        // A parallelogram (no perspective) and a degenerate one.
        let p = [(0.0, 0.0), (10.0, 0.0), (15.0, 10.0), (5.0, 10.0)];
        let (x, y) = Homography::from_square(p, 1.0)
            .unwrap()
            .map(0.5, 0.5)
            .unwrap();
        assert!((x - 7.5).abs() < 1e-9 && (y - 5.0).abs() < 1e-9);
        assert!(Homography::from_square([(1.0, 1.0); 4], 1.0).is_none());
    }

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
