//! Handwritten Chinese characters for the on-screen keyboard, recognised with zinnia.
//!
//! A citizen writes a character with a finger; the keyboard keeps the finished strokes as
//! [`Strokes`] (a 300 x 300 box, y growing downward) and asks a [`Recognizer`] for up to
//! [`MAX_CANDIDATES`] [`Candidate`]s, best first.
//!
//! zinnia (`libzinnia.so.0`) is opened at run time rather than linked, so the kiosk starts
//! without handwriting where the library or its model is missing, and the ARM cross build
//! needs no arm64 zinnia: [`Recognizer::open_default`] then returns an error to log and the
//! keyboard hides its handwriting pad.
//!
//! ```no_run
//! use kiosk_handwriting::{Recognizer, Strokes};
//!
//! let recognizer = Recognizer::open_default()?;
//! // 十: across, then down (zinnia compares strokes in writing order)
//! let strokes = Strokes::from_json("[[[20,150],[280,150]],[[150,20],[150,280]]]")?;
//! for candidate in recognizer.recognize(&strokes, 8)? {
//!     println!("{} {:.3}", candidate.text, candidate.score);
//! }
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! Strokes are personal data: nothing here logs coordinates, only kinds and counts.

mod strokes;
mod vertex;
mod zinnia;

pub use strokes::{
    StrokeError, Strokes, BOX_SIZE, MAX_POINTS_PER_STROKE, MAX_STROKES, MAX_TOTAL_POINTS,
};
pub use zinnia::{
    Candidate, HandwritingError, Recognizer, DEFAULT_MODEL_PATHS, LIBRARY_NAME, MAX_CANDIDATES,
};
