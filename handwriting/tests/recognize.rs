//! Recognition of recorded strokes with the installed zinnia and model (Debian's
//! libzinnia0 and tegaki-zinnia-simplified-chinese must be installed), and the stroke
//! file's refusals.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use kiosk_handwriting::{
    HandwritingError, Recognizer, StrokeError, Strokes, MAX_CANDIDATES, MAX_POINTS_PER_STROKE,
    MAX_STROKES,
};

fn stroke_file(name: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/strokes")
        .join(format!("{name}.json"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn recognizer() -> Recognizer {
    Recognizer::open_default()
        .unwrap_or_else(|e| panic!("{e} (install libzinnia0 and tegaki-zinnia-simplified-chinese)"))
}

#[test]
fn recorded_characters_are_among_the_first_three() {
    let r = recognizer();
    for (name, want) in [
        ("shi", "十"),
        ("ren", "人"),
        ("da", "大"),
        ("zhong", "中"),
        ("zheng", "政"),
    ] {
        let strokes = Strokes::from_json(&stroke_file(name)).unwrap();
        let candidates = r.recognize(&strokes, MAX_CANDIDATES).unwrap();
        let texts: Vec<&str> = candidates.iter().map(|c| c.text.as_str()).collect();
        println!("{name}: {texts:?}");
        assert!(
            texts.iter().take(3).any(|t| *t == want),
            "{name}: {texts:?}"
        );
        assert_eq!(candidates.len(), MAX_CANDIDATES, "{name}");
        assert!(
            candidates.windows(2).all(|w| w[0].score >= w[1].score),
            "{name}: not best first"
        );
    }
}

/// zinnia compares strokes in writing order: 十 is written across first, then down.
/// Written down first (the order of the example), zinnia reads 卜.
#[test]
fn straight_lines_in_writing_order_are_shi() {
    let r = recognizer();
    let shi = Strokes::from_json("[[[20,150],[280,150]],[[150,20],[150,280]]]").unwrap();
    assert_eq!(r.recognize(&shi, 1).unwrap()[0].text, "十");
    let down_first = Strokes::from_json("[[[150,20],[150,280]],[[20,150],[280,150]]]").unwrap();
    let texts: Vec<String> = r
        .recognize(&down_first, 3)
        .unwrap()
        .into_iter()
        .map(|c| c.text)
        .collect();
    assert!(!texts.contains(&"十".to_string()), "{texts:?}");
}

#[test]
fn never_more_candidates_than_asked_or_eight() {
    let r = recognizer();
    let strokes = Strokes::from_json(&stroke_file("zheng")).unwrap();
    for (max, want) in [(0, 0), (1, 1), (3, 3), (8, 8), (9, 8), (usize::MAX, 8)] {
        assert_eq!(r.recognize(&strokes, max).unwrap().len(), want, "max {max}");
    }
}

#[test]
fn odd_but_valid_strokes_give_candidates_or_none_without_failing() {
    let r = recognizer();
    let odd = [
        "[[[0,0]]]",
        "[[[300,300],[300,300],[300,300]]]",
        "[[[0,0],[300,300]],[[300,0],[0,300]],[[150,0],[150,300]]]",
        // a closed stroke: its chord has no length
        "[[[100,100],[200,100],[200,200],[100,200],[100,100]]]",
    ];
    for text in odd {
        let candidates = r.recognize(&Strokes::from_json(text).unwrap(), 8).unwrap();
        assert!(candidates.len() <= 8, "{text}");
    }
    // The most strokes and points the limits allow.
    let full: Vec<Vec<(f32, f32)>> = (0..MAX_STROKES)
        .map(|s| {
            (0..128)
                .map(|p| ((s * 4) as f32, (p * 2) as f32 + 0.5))
                .collect()
        })
        .collect();
    assert!(r.recognize(&Strokes::new(full).unwrap(), 8).unwrap().len() <= 8);
}

/// zinnia on its own splits a stroke spiralling inwards one corner at a time, doubling the
/// memory it asks for with each (eight square loops took all 24 GB of the machine); the
/// recogniser gives it only the points its features read.
#[test]
fn scribbled_loops_ending_in_the_middle_are_quick() {
    let r = recognizer();
    let corners = [(250.0, 150.0), (150.0, 250.0), (50.0, 150.0), (150.0, 50.0)];
    let mut spiral: Vec<(f32, f32)> = (0..MAX_POINTS_PER_STROKE - 1)
        .map(|k| corners[k % 4])
        .collect();
    spiral.push((150.0, 150.0));
    let started = Instant::now();
    let candidates = r
        .recognize(&Strokes::new(vec![spiral]).unwrap(), 8)
        .unwrap();
    assert!(!candidates.is_empty());
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "{:?}",
        started.elapsed()
    );
}

#[test]
fn recognizer_moves_to_a_worker_thread() {
    let r = recognizer();
    let strokes = Strokes::from_json(&stroke_file("da")).unwrap();
    let first = std::thread::spawn(move || r.recognize(&strokes, 1))
        .join()
        .unwrap()
        .unwrap();
    assert_eq!(first[0].text, "大");
}

#[test]
fn a_missing_model_is_named() {
    let path = PathBuf::from("/nonexistent/handwriting-zh_CN.model");
    let e = Recognizer::open(&path).unwrap_err();
    assert!(
        matches!(&e, HandwritingError::ModelMissing { path: p } if *p == path),
        "{e:?}"
    );
    assert_eq!(
        e.to_string(),
        "handwriting model /nonexistent/handwriting-zh_CN.model not found"
    );
}

#[test]
fn files_that_are_no_model_are_refused_with_zinnia_s_reason() {
    let dir = std::env::temp_dir().join(format!("kiosk-handwriting-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let short = dir.join("short.model");
    std::fs::write(&short, b"zinnia").unwrap();
    let garbage = dir.join("garbage.model");
    std::fs::write(&garbage, vec![0x5au8; 4096]).unwrap();

    let cases = [
        (short.clone(), "too short"),
        (garbage.clone(), "model file is broken"),
        (dir.clone(), "not a regular file"),
    ];
    for (path, reason) in &cases {
        match Recognizer::open(path) {
            Err(HandwritingError::ModelUnreadable { path: p, reason: r }) => {
                assert_eq!(&p, path);
                assert!(r.contains(reason), "{}: {r}", path.display());
            }
            other => panic!("{}: {other:?}", path.display()),
        }
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn malformed_stroke_files_give_typed_errors() {
    let huge_stroke = format!("[[{}]]", vec!["[1,1]"; 100_000].join(","));
    let many_strokes = format!("[{}]", vec!["[[1,1]]"; 10_000].join(","));
    let deep = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
    let long_garbage = "\u{0}\u{ffff}garbage".repeat(100_000);
    type IsExpected = fn(&StrokeError) -> bool;
    let cases: Vec<(&str, IsExpected)> = vec![
        ("garbage", |e| matches!(e, StrokeError::NotJson { .. })),
        (&long_garbage, |e| matches!(e, StrokeError::NotJson { .. })),
        ("", |e| matches!(e, StrokeError::NotJson { .. })),
        ("[]", |e| matches!(e, StrokeError::NoStrokes)),
        ("[[]]", |e| {
            matches!(e, StrokeError::EmptyStroke { stroke: 0 })
        }),
        ("{\"strokes\": []}", |e| {
            matches!(e, StrokeError::Shape { .. })
        }),
        ("[[[1,2],[3]]]", |e| matches!(e, StrokeError::Shape { .. })),
        ("[[[150,20],[150,301]]]", |e| {
            matches!(
                e,
                StrokeError::OutOfBox {
                    stroke: 0,
                    point: 1
                }
            )
        }),
        ("[[[150,20]],[[-1,20]]]", |e| {
            matches!(
                e,
                StrokeError::OutOfBox {
                    stroke: 1,
                    point: 0
                }
            )
        }),
        ("[[[1e400,20]]]", |e| {
            matches!(e, StrokeError::NotJson { .. })
        }),
        ("[[[NaN,20]]]", |e| matches!(e, StrokeError::NotJson { .. })),
        ("[[[Infinity,20]]]", |e| {
            matches!(e, StrokeError::NotJson { .. })
        }),
        ("[[[null,20]]]", |e| matches!(e, StrokeError::Shape { .. })),
        (&huge_stroke, |e| {
            matches!(e, StrokeError::TooManyPoints { stroke: 0 })
        }),
        (&many_strokes, |e| matches!(e, StrokeError::TooManyStrokes)),
        (&deep, |e| matches!(e, StrokeError::Shape { .. })),
    ];
    for (text, is_expected) in cases {
        let e = Strokes::from_json(text).unwrap_err();
        let shown: String = text.chars().take(40).collect();
        assert!(is_expected(&e), "{shown}: {e:?}");
    }
    let nan = Strokes::new(vec![vec![(f32::NAN, 1.0)]]).unwrap_err();
    assert_eq!(
        nan,
        StrokeError::NotFinite {
            stroke: 0,
            point: 0
        }
    );
    let inf = Strokes::new(vec![vec![(1.0, f32::NEG_INFINITY)]]).unwrap_err();
    assert_eq!(
        inf,
        StrokeError::NotFinite {
            stroke: 0,
            point: 0
        }
    );
}

#[test]
fn strokes_round_trip_through_json() {
    for name in ["shi", "ren", "da", "zhong", "zheng"] {
        let strokes = Strokes::from_json(&stroke_file(name)).unwrap();
        let again = Strokes::from_json(&strokes.to_json()).unwrap();
        assert_eq!(again, strokes, "{name}");
    }
    let fractional = Strokes::new(vec![
        vec![(0.1, 0.2), (299.9, 0.0), (123.456, 7.89)],
        vec![(300.0, 300.0)],
    ])
    .unwrap();
    assert_eq!(
        Strokes::from_json(&fractional.to_json()).unwrap(),
        fractional
    );
}
