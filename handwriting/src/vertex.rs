//! The points of a stroke that zinnia's features can see, and no others.
//!
//! zinnia 0.06 (`Features::getVertex` in feature.cpp) describes a stroke by splitting it
//! recursively at the point farthest from the chord between its ends, numbering the
//! pieces like a binary heap (piece `id` splits into `2 id + 1` and `2 id + 2`). It grows
//! a vector to the largest id and keeps splitting while a piece bends by more than
//! about 3 % of the box. Its ids are C `int`s and double with each level, so a
//! stroke that spirals inwards (a child scribbling loops that end in the middle) is split
//! one quarter turn at a time: eight loops of a square ask for a vector of 2^32 pieces and
//! took all 24 GB of this machine before being killed, and past 31 levels the id
//! overflows. Yet only pieces 0 to 50 (`kMaxCharacterSize`) become features.
//!
//! So each stroke is cut down here to the points that bound pieces 0 to 50 — the ends and
//! the split point of every piece up to id 24 — computed with zinnia's own `float`
//! arithmetic. zinnia, given only these points, splits them into the same pieces 0 to 50
//! (each split point is still the farthest one, first in order on ties, and a piece that
//! did not bend still does not) and finds no piece past 50 with a point inside, so the
//! features, and with them the candidates and scores, are the same, at a bounded cost.

/// zinnia's `kMaxCharacterSize`: pieces with a larger id are not read.
const LAST_PIECE_READ: usize = 50;
/// The largest id whose two halves are still read.
const LAST_SPLIT_READ: usize = (LAST_PIECE_READ - 2) / 2;
/// zinnia's `static const float error`: the least squared bend (in box units) that splits.
const SPLIT_BEND: f32 = 0.001;

/// A point as zinnia holds it: the coordinate over the box size, as a `float`.
#[derive(Clone, Copy)]
struct Node {
    x: f32,
    y: f32,
}

/// The indices of `points` (integer coordinates in a `width` x `height` box, as given to
/// `zinnia_character_add`) that zinnia's features depend on, in order. At most 27.
pub(crate) fn kept_points(points: &[(i32, i32)], width: u32, height: u32) -> Vec<usize> {
    let Some(last) = points.len().checked_sub(1) else {
        return Vec::new();
    };
    let nodes: Vec<Node> = points
        .iter()
        .map(|&(x, y)| Node {
            // `1.0 * x / width` in double, stored to float, as zinnia does
            x: (f64::from(x) / f64::from(width)) as f32,
            y: (f64::from(y) / f64::from(height)) as f32,
        })
        .collect();
    let mut kept = vec![0, last];
    split(&nodes, 0, last, 0, &mut kept);
    kept.sort_unstable();
    kept.dedup();
    kept
}

fn split(nodes: &[Node], first: usize, last: usize, id: usize, kept: &mut Vec<usize>) {
    if id > LAST_SPLIT_READ {
        return;
    }
    let Some((bend, best)) = farthest(nodes, first, last) else {
        return;
    };
    // A closed stroke has a chord of no length: 0 / 0 is NaN, which does not split, as in C.
    if bend > SPLIT_BEND {
        kept.push(best);
        split(nodes, first, best, 2 * id + 1, kept);
        split(nodes, best, last, 2 * id + 2, kept);
    }
}

/// zinnia's `minimum_distance`: the squared distance of the farthest point of
/// `first..last` (the first one on ties) from the chord, over the chord's squared length.
fn farthest(nodes: &[Node], first: usize, last: usize) -> Option<(f32, usize)> {
    if first == last {
        return None;
    }
    let (f, l) = (nodes[first], nodes[last]);
    let a = l.x - f.x;
    let b = l.y - f.y;
    // The products are float, their difference double, stored to float, as in C.
    let c = (f64::from(l.y * f.x) - f64::from(l.x * f.y)) as f32;
    let mut max = -1.0f32;
    let mut best = first;
    for (i, n) in nodes.iter().enumerate().take(last).skip(first) {
        let dist = ((a * n.y) - (b * n.x) + c).abs();
        if dist > max {
            max = dist;
            best = i;
        }
    }
    Some((max * max / (a * a + b * b), best))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_straight_stroke_keeps_its_ends() {
        let line: Vec<(i32, i32)> = (0..100).map(|i| (i * 3, 150)).collect();
        assert_eq!(kept_points(&line, 300, 300), vec![0, 99]);
        assert_eq!(kept_points(&[(5, 5)], 300, 300), vec![0]);
        assert!(kept_points(&[], 300, 300).is_empty());
    }

    #[test]
    fn a_corner_is_kept() {
        let mut l: Vec<(i32, i32)> = (0..50).map(|i| (100, 50 + i * 4)).collect();
        l.extend((1..50).map(|i| (100 + i * 4, 246)));
        assert_eq!(kept_points(&l, 300, 300), vec![0, 49, 98]);
    }

    #[test]
    fn an_inward_spiral_is_cut_to_the_pieces_zinnia_reads() {
        // Square loops ending in the middle: zinnia alone splits these one corner at a time.
        let mut spiral: Vec<(i32, i32)> = (0..2000)
            .map(|k| [(250, 150), (150, 250), (50, 150), (150, 50)][k % 4])
            .collect();
        spiral.push((150, 150));
        let kept = kept_points(&spiral, 300, 300);
        assert!(kept.len() <= LAST_SPLIT_READ + 3, "{}", kept.len());
        assert_eq!(kept.first(), Some(&0));
        assert_eq!(kept.last(), Some(&2000));
    }
}
