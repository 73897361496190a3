//! The handwriting pad: the strokes of the character being written, drawn back as ink and
//! recognised with zinnia after each stroke. Strokes are in the 300 x 300 box of the stroke
//! files (`kiosk input handwriting`), y downward, whatever the pad's size on screen.

use std::cell::{OnceCell, RefCell};
use std::fmt::Write;

use kiosk_handwriting::{
    Recognizer, Strokes, BOX_SIZE, MAX_POINTS_PER_STROKE, MAX_STROKES, MAX_TOTAL_POINTS,
};

/// Candidates asked of the recogniser (the bar pages through them).
const CANDIDATES: usize = 8;
/// A finger's tremor: points closer than this to the last one add nothing but work.
const MIN_STEP: f32 = 2.0;

#[derive(Default)]
pub struct Pad {
    strokes: RefCell<Vec<Vec<(f32, f32)>>>,
    /// The recogniser, opened on first use; `None` inside when zinnia or its model is
    /// missing (logged once), and the keyboard then offers no handwriting.
    recognizer: OnceCell<Option<Recognizer>>,
}

/// What a pen event did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pen {
    Down,
    Move,
    Up,
}

impl Pad {
    /// Whether handwriting works on this kiosk (opens the recogniser the first time).
    pub fn available(&self) -> bool {
        self.recognizer().is_some()
    }

    fn recognizer(&self) -> Option<&Recognizer> {
        self.recognizer
            .get_or_init(|| match Recognizer::open_default() {
                Ok(r) => Some(r),
                Err(e) => {
                    tracing::warn!("handwriting unavailable, the keyboard offers pinyin only: {e}");
                    None
                }
            })
            .as_ref()
    }

    /// A pen event at (x, y) in the 300 box. Returns true when a stroke was finished.
    pub fn pen(&self, pen: Pen, x: f32, y: f32) -> bool {
        let point = (x.clamp(0.0, BOX_SIZE), y.clamp(0.0, BOX_SIZE));
        if !point.0.is_finite() || !point.1.is_finite() {
            return false;
        }
        let mut strokes = self.strokes.borrow_mut();
        // Past the recogniser's limits a pen adds nothing (a leaning hand, a stuck touch).
        let total: usize = strokes.iter().map(Vec::len).sum();
        let room = total < MAX_TOTAL_POINTS;
        match pen {
            Pen::Down => {
                if strokes.len() < MAX_STROKES && room {
                    strokes.push(vec![point]);
                }
                false
            }
            Pen::Move | Pen::Up => {
                let Some(stroke) = strokes.last_mut() else {
                    return false;
                };
                let last = stroke.last().copied().unwrap_or(point);
                let far = (point.0 - last.0).hypot(point.1 - last.1) >= MIN_STEP;
                if (far || pen == Pen::Up) && stroke.len() < MAX_POINTS_PER_STROKE && room {
                    stroke.push(point);
                }
                pen == Pen::Up
            }
        }
    }

    /// Takes back the last stroke; false when there was none.
    pub fn undo(&self) -> bool {
        self.strokes.borrow_mut().pop().is_some()
    }

    pub fn clear(&self) {
        self.strokes.borrow_mut().clear();
    }

    pub fn is_empty(&self) -> bool {
        self.strokes.borrow().is_empty()
    }

    /// The strokes as SVG path commands in the 300 box, for the pad's Path.
    pub fn ink(&self) -> String {
        let mut ink = String::new();
        for stroke in self.strokes.borrow().iter() {
            for (i, (x, y)) in stroke.iter().enumerate() {
                let cmd = if i == 0 { 'M' } else { 'L' };
                let _ = write!(ink, "{cmd}{x:.0} {y:.0} ");
            }
            // A tap is a dot, drawn as a short line so it shows.
            if stroke.len() == 1 {
                let (x, y) = stroke[0];
                let _ = write!(ink, "L{:.0} {:.0} ", x + 1.0, y + 1.0);
            }
        }
        ink
    }

    /// The characters the strokes may be, best first; empty without strokes or recogniser.
    pub fn candidates(&self) -> Vec<String> {
        let strokes = self.strokes.borrow().clone();
        if strokes.is_empty() {
            return Vec::new();
        }
        let Some(recognizer) = self.recognizer() else {
            return Vec::new();
        };
        let started = std::time::Instant::now();
        let result = Strokes::new(strokes)
            .map_err(|e| e.to_string())
            .and_then(|s| {
                recognizer
                    .recognize(&s, CANDIDATES)
                    .map_err(|e| e.to_string())
            });
        match result {
            Ok(c) => {
                tracing::debug!(target: "perf", ms = started.elapsed().as_secs_f64() * 1000.0, candidates = c.len(), "handwriting recognised");
                c.into_iter().map(|c| c.text).collect()
            }
            Err(e) => {
                tracing::warn!("handwriting not recognised: {e}");
                Vec::new()
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strokes_are_kept_in_the_box_and_drawn_as_paths() {
        let pad = Pad::default();
        assert!(
            !pad.pen(Pen::Move, 5.0, 5.0),
            "a move with no stroke is nothing"
        );
        pad.pen(Pen::Down, 20.0, 150.0);
        pad.pen(Pen::Move, 20.5, 150.5); // tremor
        pad.pen(Pen::Move, 150.0, 150.0);
        assert!(pad.pen(Pen::Up, 400.0, -3.0));
        assert_eq!(pad.ink(), "M20 150 L150 150 L300 0 ");
        pad.pen(Pen::Down, 10.0, 10.0);
        pad.pen(Pen::Up, 10.0, 10.0);
        assert!(pad.ink().ends_with("M10 10 L10 10 "));
        assert!(pad.undo());
        assert!(pad.undo());
        assert!(!pad.undo());
        assert!(pad.is_empty());
        assert_eq!(pad.ink(), "");
    }

    #[test]
    fn a_runaway_pen_is_bounded() {
        let pad = Pad::default();
        for i in 0..(MAX_STROKES + 10) {
            pad.pen(Pen::Down, 1.0, 1.0);
            for j in 0..(MAX_POINTS_PER_STROKE + 10) {
                pad.pen(Pen::Move, (j % 300) as f32, (i % 300) as f32);
            }
        }
        let strokes = pad.strokes.borrow();
        assert!(strokes.len() <= MAX_STROKES && strokes.len() > 3);
        assert!(strokes.iter().all(|s| s.len() <= MAX_POINTS_PER_STROKE));
        assert!(strokes.iter().map(Vec::len).sum::<usize>() <= MAX_TOTAL_POINTS);
        assert!(Strokes::new(strokes.clone()).is_ok());
    }
}
