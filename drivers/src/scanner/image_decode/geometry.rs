//! Maps between a code's grid (modules) and image pixels, for reading grids without rqrr's
//! grid search (`track`, `direct`).

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

    /// The map taking four grid points to four image points (no three of either in a
    /// line): the unit square's map to the image points after the inverse of its map to
    /// the grid points. None when either set is degenerate.
    pub fn through(grid: [(f64, f64); 4], image: [(f64, f64); 4]) -> Option<Homography> {
        let to_grid = Homography::from_square(grid, 1.0)?.matrix();
        let to_image = Homography::from_square(image, 1.0)?.matrix();
        Homography::from_matrix(product(&to_image, &adjugate(&to_grid)))
    }

    /// As a 3x3 matrix acting on (u, v, 1).
    fn matrix(&self) -> [[f64; 3]; 3] {
        let [a, b, c, d, e, f, g, h] = self.m;
        [[a, b, c], [d, e, f], [g, h, 1.0]]
    }

    /// From a 3x3 matrix, scaled so that its last entry is 1; None when it cannot be.
    fn from_matrix(m: [[f64; 3]; 3]) -> Option<Homography> {
        let k = m[2][2];
        if k.abs() < 1e-12 {
            return None;
        }
        let [[a, b, c], [d, e, f], [g, h, _]] = m;
        let m = [a / k, b / k, c / k, d / k, e / k, f / k, g / k, h / k];
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

fn product(a: &[[f64; 3]; 3], b: &[[f64; 3]; 3]) -> [[f64; 3]; 3] {
    let mut out = [[0.0; 3]; 3];
    for (i, row) in out.iter_mut().enumerate() {
        for (j, v) in row.iter_mut().enumerate() {
            *v = (0..3).map(|k| a[i][k] * b[k][j]).sum();
        }
    }
    out
}

/// The adjugate: the inverse up to a factor, which a projective map does not mind.
fn adjugate(m: &[[f64; 3]; 3]) -> [[f64; 3]; 3] {
    // Entry (i, j) is the cofactor of (j, i); the cyclic indices give the signs.
    let mut out = [[0.0; 3]; 3];
    for (i, row) in out.iter_mut().enumerate() {
        for (j, v) in row.iter_mut().enumerate() {
            let (r1, r2) = ((j + 1) % 3, (j + 2) % 3);
            let (c1, c2) = ((i + 1) % 3, (i + 2) % 3);
            *v = m[r1][c1] * m[r2][c2] - m[r1][c2] * m[r2][c1];
        }
    }
    out
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
    pub fn through(from: [(f64, f64); 3], to: [(f64, f64); 3]) -> Option<Affine> {
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
    pub fn is_small(&self) -> bool {
        let [[a, b], [c, d]] = self.m;
        (a - 1.0).abs() < 0.15 && (d - 1.0).abs() < 0.15 && b.abs() < 0.15 && c.abs() < 0.15
    }

    /// The same map in the coordinates of a plane `scale` frame pixels a pixel.
    pub fn scaled_down(&self, scale: f64) -> Affine {
        Affine {
            m: self.m,
            t: (self.t.0 / scale, self.t.1 / scale),
        }
    }
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
    fn four_grid_points_map_onto_four_image_points() {
        let grid = [(3.5, 3.5), (29.5, 3.5), (26.5, 26.5), (3.5, 29.5)];
        let image = [(50.0, 40.0), (160.0, 45.0), (150.0, 150.0), (45.0, 170.0)];
        let h = Homography::through(grid, image).unwrap();
        for ((u, v), want) in grid.iter().zip(image) {
            let (x, y) = h.map(*u, *v).unwrap();
            assert!(
                (x - want.0).abs() < 1e-6 && (y - want.1).abs() < 1e-6,
                "{u},{v}: {x},{y}"
            );
        }
        assert!(Homography::through(grid, [(0.0, 0.0); 4]).is_none());
        assert!(Homography::through([(1.0, 1.0); 4], image).is_none());
    }
}
