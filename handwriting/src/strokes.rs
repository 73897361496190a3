//! A written character as strokes of points, and its JSON stroke file.

use std::fmt::{self, Write as _};

use serde::de::{self, DeserializeSeed, IgnoredAny, SeqAccess, Visitor};

/// Width and height of the writing box; x grows to the right, y downward.
pub const BOX_SIZE: f32 = 300.0;
/// The most strokes one character may have (the most complex common characters have
/// about 30).
pub const MAX_STROKES: usize = 64;
/// The most points one stroke may have.
pub const MAX_POINTS_PER_STROKE: usize = 2048;
/// The most points all strokes together may have.
pub const MAX_TOTAL_POINTS: usize = 8192;

/// Why a stroke set was refused. Errors name positions (stroke and point indices,
/// line and column), never coordinates, so they can be logged.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum StrokeError {
    /// The text is not JSON (or holds a number too large for a double, which the parser
    /// refuses).
    #[error("stroke file is not JSON (line {line}, column {column})")]
    NotJson { line: usize, column: usize },
    /// The JSON is not a list of strokes, each a list of `[x, y]` number pairs.
    #[error(
        "stroke file is not a list of strokes of [x, y] points (line {line}, column {column})"
    )]
    Shape { line: usize, column: usize },
    /// The list of strokes is empty.
    #[error("no strokes")]
    NoStrokes,
    /// A stroke has no points.
    #[error("stroke {stroke} has no points")]
    EmptyStroke { stroke: usize },
    /// A coordinate lies outside `0..=300`.
    #[error("point {point} of stroke {stroke} is outside the 300 x 300 box")]
    OutOfBox { stroke: usize, point: usize },
    /// A coordinate is NaN or infinite.
    #[error("point {point} of stroke {stroke} is not a finite number")]
    NotFinite { stroke: usize, point: usize },
    /// More than [`MAX_STROKES`] strokes.
    #[error("more than {MAX_STROKES} strokes")]
    TooManyStrokes,
    /// A stroke with more than [`MAX_POINTS_PER_STROKE`] points.
    #[error("stroke {stroke} has more than {MAX_POINTS_PER_STROKE} points")]
    TooManyPoints { stroke: usize },
    /// More than [`MAX_TOTAL_POINTS`] points in all.
    #[error("more than {MAX_TOTAL_POINTS} points in all")]
    TooManyPointsTotal,
}

/// The strokes of one written character, in writing order: each a list of `(x, y)`
/// points in the 300 x 300 box, y growing downward.
///
/// A value always holds between 1 and [`MAX_STROKES`] strokes, each of 1 to
/// [`MAX_POINTS_PER_STROKE`] points, at most [`MAX_TOTAL_POINTS`] in all, every
/// coordinate finite and within `0..=300`.
#[derive(Debug, Clone, PartialEq)]
pub struct Strokes(Vec<Vec<(f32, f32)>>);

impl Strokes {
    /// Strokes as the keyboard collected them, checked against the limits above.
    pub fn new(strokes: Vec<Vec<(f32, f32)>>) -> Result<Strokes, StrokeError> {
        if strokes.is_empty() {
            return Err(StrokeError::NoStrokes);
        }
        if strokes.len() > MAX_STROKES {
            return Err(StrokeError::TooManyStrokes);
        }
        let mut total = 0usize;
        for (s, stroke) in strokes.iter().enumerate() {
            if stroke.is_empty() {
                return Err(StrokeError::EmptyStroke { stroke: s });
            }
            if stroke.len() > MAX_POINTS_PER_STROKE {
                return Err(StrokeError::TooManyPoints { stroke: s });
            }
            total += stroke.len();
            if total > MAX_TOTAL_POINTS {
                return Err(StrokeError::TooManyPointsTotal);
            }
            for (p, &(x, y)) in stroke.iter().enumerate() {
                check_coordinate(f64::from(x), s, p)?;
                check_coordinate(f64::from(y), s, p)?;
            }
        }
        Ok(Strokes(strokes))
    }

    /// Reads a stroke file: a JSON list of strokes, each a list of `[x, y]` points, e.g.
    /// `[[[20,150],[280,150]],[[150,20],[150,280]]]` for 十.
    ///
    /// The text is read as a stream and refused at the first point past a limit, so a
    /// huge input costs no more memory than the limits allow.
    pub fn from_json(text: &str) -> Result<Strokes, StrokeError> {
        let mut refused = None;
        let mut de = serde_json::Deserializer::from_str(text);
        let parsed = StrokesSeed {
            refused: &mut refused,
        }
        .deserialize(&mut de)
        .and_then(|strokes| de.end().map(|()| strokes));
        match parsed {
            Ok(strokes) if strokes.is_empty() => Err(StrokeError::NoStrokes),
            Ok(strokes) => Ok(Strokes(strokes)),
            // Our own refusals travel through serde as a message-less error; the typed
            // reason waits in `refused`.
            Err(e) => Err(refused.unwrap_or_else(|| json_error(&e))),
        }
    }

    /// The stroke file of these strokes, one stroke a line; whole coordinates are written
    /// as integers, others exactly (as the double of the `f32`), so
    /// [`from_json`](Self::from_json) gives back equal strokes.
    pub fn to_json(&self) -> String {
        let mut out = String::from("[\n");
        for (s, stroke) in self.0.iter().enumerate() {
            out.push_str("  [");
            for (p, &(x, y)) in stroke.iter().enumerate() {
                if p > 0 {
                    out.push_str(", ");
                }
                out.push('[');
                write_coordinate(&mut out, x);
                out.push_str(", ");
                write_coordinate(&mut out, y);
                out.push(']');
            }
            out.push(']');
            if s + 1 < self.0.len() {
                out.push(',');
            }
            out.push('\n');
        }
        out.push_str("]\n");
        out
    }

    /// The strokes in writing order.
    pub fn strokes(&self) -> &[Vec<(f32, f32)>] {
        &self.0
    }

    /// How many strokes (at least 1).
    pub fn stroke_count(&self) -> usize {
        self.0.len()
    }

    /// How many points in all strokes together.
    pub fn point_count(&self) -> usize {
        self.0.iter().map(Vec::len).sum()
    }
}

fn check_coordinate(v: f64, stroke: usize, point: usize) -> Result<(), StrokeError> {
    if !v.is_finite() {
        Err(StrokeError::NotFinite { stroke, point })
    } else if !(0.0..=f64::from(BOX_SIZE)).contains(&v) {
        Err(StrokeError::OutOfBox { stroke, point })
    } else {
        Ok(())
    }
}

fn write_coordinate(out: &mut String, v: f32) {
    // Coordinates are within 0..=300, so a whole one fits an i32 exactly.
    if v.fract() == 0.0 {
        let _ = write!(out, "{}", v as i32);
    } else {
        // The f64 widening is exact and Rust prints the shortest text that reads back to
        // the same double, which narrows back to the same f32; printing the f32 itself
        // would be parsed as a double first and could round twice.
        let _ = write!(out, "{}", f64::from(v));
    }
}

fn json_error(e: &serde_json::Error) -> StrokeError {
    let (line, column) = (e.line(), e.column());
    match e.classify() {
        serde_json::error::Category::Data => StrokeError::Shape { line, column },
        _ => StrokeError::NotJson { line, column },
    }
}

/// Hands a typed refusal out of serde: it is kept in `refused` and serde carries an empty
/// custom error up to [`Strokes::from_json`].
fn refuse<E: de::Error>(refused: &mut Option<StrokeError>, why: StrokeError) -> E {
    *refused = Some(why);
    E::custom("")
}

struct StrokesSeed<'a> {
    refused: &'a mut Option<StrokeError>,
}

impl<'de> DeserializeSeed<'de> for StrokesSeed<'_> {
    type Value = Vec<Vec<(f32, f32)>>;

    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_seq(self)
    }
}

impl<'de> Visitor<'de> for StrokesSeed<'_> {
    type Value = Vec<Vec<(f32, f32)>>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a list of strokes")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let mut strokes = Vec::new();
        let mut total = 0usize;
        loop {
            if strokes.len() == MAX_STROKES {
                // Only whether one more follows matters; it is skipped unread.
                if seq.next_element::<IgnoredAny>()?.is_some() {
                    return Err(refuse(self.refused, StrokeError::TooManyStrokes));
                }
                break;
            }
            let seed = StrokeSeed {
                index: strokes.len(),
                total: &mut total,
                refused: self.refused,
            };
            match seq.next_element_seed(seed)? {
                Some(stroke) => strokes.push(stroke),
                None => break,
            }
        }
        Ok(strokes)
    }
}

struct StrokeSeed<'a> {
    index: usize,
    /// Points in the strokes before this one, and this one's as they are read.
    total: &'a mut usize,
    refused: &'a mut Option<StrokeError>,
}

impl<'de> DeserializeSeed<'de> for StrokeSeed<'_> {
    type Value = Vec<(f32, f32)>;

    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_seq(self)
    }
}

impl<'de> Visitor<'de> for StrokeSeed<'_> {
    type Value = Vec<(f32, f32)>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a stroke: a list of [x, y] points")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let stroke = self.index;
        let mut points = Vec::new();
        loop {
            if points.len() == MAX_POINTS_PER_STROKE || *self.total == MAX_TOTAL_POINTS {
                if seq.next_element::<IgnoredAny>()?.is_none() {
                    break;
                }
                let why = if points.len() == MAX_POINTS_PER_STROKE {
                    StrokeError::TooManyPoints { stroke }
                } else {
                    StrokeError::TooManyPointsTotal
                };
                return Err(refuse(self.refused, why));
            }
            let Some(Point(x, y)) = seq.next_element::<Point>()? else {
                break;
            };
            let point = points.len();
            for v in [x, y] {
                if let Err(why) = check_coordinate(v, stroke, point) {
                    return Err(refuse(self.refused, why));
                }
            }
            // Exact for whole numbers; others are rounded to the nearest f32, which is
            // finer than any touch screen.
            points.push((x as f32, y as f32));
            *self.total += 1;
        }
        if points.is_empty() {
            return Err(refuse(self.refused, StrokeError::EmptyStroke { stroke }));
        }
        Ok(points)
    }
}

/// An `[x, y]` pair. serde's own `[f64; 2]` leaves a third number to serde_json, which
/// reports it as a syntax error rather than a wrong shape.
struct Point(f64, f64);

impl<'de> de::Deserialize<'de> for Point {
    fn deserialize<D: de::Deserializer<'de>>(d: D) -> Result<Point, D::Error> {
        d.deserialize_seq(PointVisitor)
    }
}

struct PointVisitor;

impl<'de> Visitor<'de> for PointVisitor {
    type Value = Point;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a point: [x, y]")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Point, A::Error> {
        let x = seq
            .next_element::<f64>()?
            .ok_or_else(|| de::Error::invalid_length(0, &self))?;
        let y = seq
            .next_element::<f64>()?
            .ok_or_else(|| de::Error::invalid_length(1, &self))?;
        if seq.next_element::<IgnoredAny>()?.is_some() {
            return Err(de::Error::invalid_length(3, &self));
        }
        Ok(Point(x, y))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_issue_example() {
        let s = Strokes::from_json("[[[150,20],[150,280]],[[20,150],[280,150]]]").unwrap();
        assert_eq!(
            s.strokes(),
            &[
                vec![(150.0, 20.0), (150.0, 280.0)],
                vec![(20.0, 150.0), (280.0, 150.0)]
            ]
        );
        assert_eq!((s.stroke_count(), s.point_count()), (2, 4));
    }

    #[test]
    fn box_edges_and_fractions_are_accepted() {
        let s = Strokes::from_json("[[[0,0],[300,300],[0.5,299.25],[-0.0,1e2]]]").unwrap();
        assert_eq!(s.point_count(), 4);
    }

    #[test]
    fn refusals_are_typed() {
        use StrokeError::*;
        let cases: &[(&str, StrokeError)] = &[
            ("", NotJson { line: 1, column: 0 }),
            ("[[[1,2]]", NotJson { line: 1, column: 8 }),
            (
                "[[[1,2]]] x",
                NotJson {
                    line: 1,
                    column: 11,
                },
            ),
            ("[[[NaN,2]]]", NotJson { line: 1, column: 4 }),
            ("{}", Shape { line: 1, column: 0 }),
            ("[[[1,2,3]]]", Shape { line: 1, column: 9 }),
            ("[[[\"1\",2]]]", Shape { line: 1, column: 6 }),
            ("[[1,2]]", Shape { line: 1, column: 3 }),
            ("[]", NoStrokes),
            ("[[[1,2]],[]]", EmptyStroke { stroke: 1 }),
            (
                "[[[1,2],[301,2]]]",
                OutOfBox {
                    stroke: 0,
                    point: 1,
                },
            ),
            (
                "[[[1,-0.1]]]",
                OutOfBox {
                    stroke: 0,
                    point: 0,
                },
            ),
        ];
        for (text, want) in cases {
            assert_eq!(Strokes::from_json(text).as_ref(), Err(want), "{text}");
        }
    }

    #[test]
    fn limits_are_enforced_while_reading() {
        let stroke = "[[1,1]]";
        let strokes = |n: usize| format!("[{}]", vec![stroke; n].join(","));
        assert!(Strokes::from_json(&strokes(MAX_STROKES)).is_ok());
        assert_eq!(
            Strokes::from_json(&strokes(MAX_STROKES + 1)),
            Err(StrokeError::TooManyStrokes)
        );

        let points = |n: usize| format!("[{}]", vec!["[1,1]"; n].join(","));
        let one = format!("[{}]", points(MAX_POINTS_PER_STROKE));
        assert!(Strokes::from_json(&one).is_ok());
        let one_over = format!("[{}]", points(MAX_POINTS_PER_STROKE + 1));
        assert_eq!(
            Strokes::from_json(&one_over),
            Err(StrokeError::TooManyPoints { stroke: 0 })
        );

        let full = vec![points(MAX_POINTS_PER_STROKE); MAX_TOTAL_POINTS / MAX_POINTS_PER_STROKE];
        let mut over = full.clone();
        assert!(Strokes::from_json(&format!("[{}]", full.join(","))).is_ok());
        over.push(points(1));
        assert_eq!(
            Strokes::from_json(&format!("[{}]", over.join(","))),
            Err(StrokeError::TooManyPointsTotal)
        );
    }

    #[test]
    fn new_checks_the_same_limits() {
        use StrokeError::*;
        assert_eq!(Strokes::new(vec![]), Err(NoStrokes));
        assert_eq!(Strokes::new(vec![vec![]]), Err(EmptyStroke { stroke: 0 }));
        let nan = Strokes::new(vec![vec![(1.0, 1.0)], vec![(f32::NAN, 1.0)]]);
        assert_eq!(
            nan,
            Err(NotFinite {
                stroke: 1,
                point: 0
            })
        );
        let inf = Strokes::new(vec![vec![(1.0, 1.0), (1.0, f32::INFINITY)]]);
        assert_eq!(
            inf,
            Err(NotFinite {
                stroke: 0,
                point: 1
            })
        );
        assert_eq!(
            Strokes::new(vec![vec![(300.5, 1.0)]]),
            Err(OutOfBox {
                stroke: 0,
                point: 0
            })
        );
        assert_eq!(
            Strokes::new(vec![vec![(1.0, 1.0)]; MAX_STROKES + 1]),
            Err(TooManyStrokes)
        );
        assert_eq!(
            Strokes::new(vec![vec![(1.0, 1.0); MAX_POINTS_PER_STROKE + 1]]),
            Err(TooManyPoints { stroke: 0 })
        );
        assert_eq!(
            Strokes::new(vec![vec![(1.0, 1.0); MAX_POINTS_PER_STROKE]; 5]),
            Err(TooManyPointsTotal)
        );
    }

    #[test]
    fn to_json_reads_back_equal_including_awkward_fractions() {
        let awkward = [
            0.1f32,
            1.0 / 3.0,
            299.99998,
            f32::MIN_POSITIVE,
            16_777_215.0 / 65536.0,
        ];
        let stroke: Vec<(f32, f32)> = awkward.iter().map(|&v| (v, 300.0 - v)).collect();
        let s = Strokes::new(vec![stroke, vec![(0.0, 300.0)]]).unwrap();
        let text = s.to_json();
        assert!(text.contains("[0, 300]"), "{text}");
        assert_eq!(Strokes::from_json(&text), Ok(s));
    }

    #[test]
    fn errors_name_no_coordinates() {
        let e = Strokes::from_json("[[[123.456,2]],[[\"secret\",1]]]").unwrap_err();
        let text = e.to_string();
        assert!(!text.contains("secret") && !text.contains("123"), "{text}");
    }
}
