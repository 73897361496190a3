//! zinnia's C API (zinnia.h of zinnia 0.06), opened at run time with libloading.

use std::ffi::{c_char, c_int, CStr, CString};
use std::fmt;
use std::os::unix::ffi::OsStrExt;
use std::path::{Path, PathBuf};
use std::ptr::NonNull;
use std::time::Instant;

use libloading::Library;

use crate::strokes::{Strokes, BOX_SIZE};
use crate::vertex;

/// The shared library opened at run time (Debian's libzinnia0).
pub const LIBRARY_NAME: &str = "libzinnia.so.0";

/// Where Debian's tegaki-zinnia-simplified-chinese puts its model, tried in order by
/// [`Recognizer::open_default`].
pub const DEFAULT_MODEL_PATHS: &[&str] =
    &["/usr/share/tegaki/models/zinnia/handwriting-zh_CN.model"];

/// The most candidates [`Recognizer::recognize`] returns: the keyboard shows up to 8.
pub const MAX_CANDIDATES: usize = 8;

/// zinnia reads `magic`, `version` and `size` (three 32-bit words) before it checks the
/// file's length against them.
const MODEL_HEADER_BYTES: u64 = 12;

/// One character the strokes may be, with zinnia's score (higher is likelier; the scale is
/// the model's own, and may be negative).
#[derive(Debug, Clone, PartialEq)]
pub struct Candidate {
    /// The character, one Unicode scalar for this model.
    pub text: String,
    /// zinnia's score.
    pub score: f32,
}

/// Why handwriting is not available, or a recognition failed.
#[derive(Debug, thiserror::Error)]
pub enum HandwritingError {
    /// `libzinnia.so.0` could not be opened (not installed, or of another architecture).
    #[error("handwriting library {LIBRARY_NAME} cannot be loaded: {reason}")]
    LibraryMissing { reason: String },
    /// The library lacks a function of zinnia's C API.
    #[error("handwriting library {LIBRARY_NAME} has no function {symbol}: {reason}")]
    SymbolMissing {
        symbol: &'static str,
        reason: String,
    },
    /// There is no file at the model's path.
    #[error("handwriting model {} not found", path.display())]
    ModelMissing { path: PathBuf },
    /// The model's file exists but cannot be read or is not a zinnia model; `reason` is
    /// zinnia's own text where it gave one.
    #[error("handwriting model {} cannot be used: {reason}", path.display())]
    ModelUnreadable { path: PathBuf, reason: String },
    /// None of [`DEFAULT_MODEL_PATHS`] holds a file.
    #[error("no handwriting model installed (looked for {})", paths_text(tried))]
    NoModelInstalled { tried: Vec<PathBuf> },
    /// zinnia returned no object where it allocates one.
    #[error("zinnia could not create a {what}")]
    Allocation { what: &'static str },
}

fn paths_text(paths: &[PathBuf]) -> String {
    let names: Vec<String> = paths.iter().map(|p| p.display().to_string()).collect();
    names.join(", ")
}

#[repr(C)]
struct RawCharacter {
    _opaque: [u8; 0],
}

#[repr(C)]
struct RawRecognizer {
    _opaque: [u8; 0],
}

#[repr(C)]
struct RawResult {
    _opaque: [u8; 0],
}

/// The functions of zinnia.h used here, with the library that keeps them valid.
struct Api {
    character_new: unsafe extern "C" fn() -> *mut RawCharacter,
    character_destroy: unsafe extern "C" fn(*mut RawCharacter),
    character_set_width: unsafe extern "C" fn(*mut RawCharacter, usize),
    character_set_height: unsafe extern "C" fn(*mut RawCharacter, usize),
    character_add: unsafe extern "C" fn(*mut RawCharacter, usize, c_int, c_int) -> c_int,
    result_value: unsafe extern "C" fn(*mut RawResult, usize) -> *const c_char,
    result_score: unsafe extern "C" fn(*mut RawResult, usize) -> f32,
    result_size: unsafe extern "C" fn(*mut RawResult) -> usize,
    result_destroy: unsafe extern "C" fn(*mut RawResult),
    recognizer_new: unsafe extern "C" fn() -> *mut RawRecognizer,
    recognizer_destroy: unsafe extern "C" fn(*mut RawRecognizer),
    recognizer_open: unsafe extern "C" fn(*mut RawRecognizer, *const c_char) -> c_int,
    recognizer_size: unsafe extern "C" fn(*mut RawRecognizer) -> usize,
    recognizer_strerror: unsafe extern "C" fn(*mut RawRecognizer) -> *const c_char,
    recognizer_classify:
        unsafe extern "C" fn(*mut RawRecognizer, *const RawCharacter, usize) -> *mut RawResult,
    /// Last field, so it is dropped (and the library closed) after every use above.
    _library: Library,
}

/// The function `name` of `library` as a `T`.
///
/// # Safety
/// `T` must be the `extern "C"` function pointer type zinnia.h declares for `name`.
unsafe fn function<T: Copy>(library: &Library, name: &'static str) -> Result<T, HandwritingError> {
    // SAFETY: the caller names the symbol's true type; the pointer is copied out and used
    // only while `Api` holds `library` open.
    match unsafe { library.get::<T>(name.as_bytes()) } {
        Ok(symbol) => Ok(*symbol),
        Err(e) => Err(HandwritingError::SymbolMissing {
            symbol: name,
            reason: e.to_string(),
        }),
    }
}

impl Api {
    fn load() -> Result<Api, HandwritingError> {
        Api::load_from(LIBRARY_NAME)
    }

    fn load_from(name: &str) -> Result<Api, HandwritingError> {
        // SAFETY: opening libzinnia runs only its C++ static initialisers, which set up
        // nothing but its own globals.
        let library =
            unsafe { Library::new(name) }.map_err(|e| HandwritingError::LibraryMissing {
                reason: e.to_string(),
            })?;
        // SAFETY: each type below is the one zinnia.h declares for that function
        // (size_t is usize, int is c_int, float is f32).
        unsafe {
            Ok(Api {
                character_new: function(&library, "zinnia_character_new")?,
                character_destroy: function(&library, "zinnia_character_destroy")?,
                character_set_width: function(&library, "zinnia_character_set_width")?,
                character_set_height: function(&library, "zinnia_character_set_height")?,
                character_add: function(&library, "zinnia_character_add")?,
                result_value: function(&library, "zinnia_result_value")?,
                result_score: function(&library, "zinnia_result_score")?,
                result_size: function(&library, "zinnia_result_size")?,
                result_destroy: function(&library, "zinnia_result_destroy")?,
                recognizer_new: function(&library, "zinnia_recognizer_new")?,
                recognizer_destroy: function(&library, "zinnia_recognizer_destroy")?,
                recognizer_open: function(&library, "zinnia_recognizer_open")?,
                recognizer_size: function(&library, "zinnia_recognizer_size")?,
                recognizer_strerror: function(&library, "zinnia_recognizer_strerror")?,
                recognizer_classify: function(&library, "zinnia_recognizer_classify")?,
                _library: library,
            })
        }
    }
}

/// A zinnia character, destroyed when dropped.
struct Character<'a> {
    api: &'a Api,
    raw: NonNull<RawCharacter>,
}

impl<'a> Character<'a> {
    fn new(api: &'a Api) -> Result<Character<'a>, HandwritingError> {
        // SAFETY: takes no arguments; the result is checked for null.
        let raw = NonNull::new(unsafe { (api.character_new)() });
        raw.map(|raw| Character { api, raw })
            .ok_or(HandwritingError::Allocation { what: "character" })
    }
}

impl Drop for Character<'_> {
    fn drop(&mut self) {
        // SAFETY: `raw` came from zinnia_character_new and is destroyed only here.
        unsafe { (self.api.character_destroy)(self.raw.as_ptr()) }
    }
}

/// A zinnia result, destroyed when dropped.
struct Classified<'a> {
    api: &'a Api,
    raw: NonNull<RawResult>,
}

impl Drop for Classified<'_> {
    fn drop(&mut self) {
        // SAFETY: `raw` came from zinnia_recognizer_classify and is destroyed only here.
        unsafe { (self.api.result_destroy)(self.raw.as_ptr()) }
    }
}

/// A zinnia recogniser with its model open.
///
/// The model is trusted as an installed system file: zinnia checks its header and length
/// but not the records inside, and maps it rather than reading it, so a model replaced in
/// place (not by a new file, as dpkg does) under a running kiosk would crash it.
pub struct Recognizer {
    raw: NonNull<RawRecognizer>,
    model: PathBuf,
    characters: usize,
    /// After `raw`, which the `Drop` below destroys before the library closes.
    api: Api,
}

// SAFETY: zinnia's objects are plain heap objects with no tie to the thread that made
// them (zinnia 0.06 has no thread-locals, locks or thread ids), and the library handle may
// be used from any thread, so the recogniser may move to the kiosk's worker thread. It is
// deliberately not `Sync`: calls through `&self` then stay on one thread at a time. Each
// call makes its own character and result, and classify only reads the mapped model, so
// sharing would likely be sound too, but nothing needs it and zinnia does not promise it.
unsafe impl Send for Recognizer {}

impl Recognizer {
    /// Opens `libzinnia.so.0` and the zinnia model at `model`.
    pub fn open(model: &Path) -> Result<Recognizer, HandwritingError> {
        let api = Api::load()?;
        check_model_file(model)?;
        let unreadable = |reason: String| HandwritingError::ModelUnreadable {
            path: model.to_owned(),
            reason,
        };
        let path = CString::new(model.as_os_str().as_bytes())
            .map_err(|_| unreadable("the path holds a NUL byte".into()))?;
        // SAFETY: takes no arguments; the result is checked for null.
        let raw = NonNull::new(unsafe { (api.recognizer_new)() })
            .ok_or(HandwritingError::Allocation { what: "recogniser" })?;
        // From here on `Drop` destroys `raw`, on the error paths too.
        let mut recognizer = Recognizer {
            raw,
            model: model.to_owned(),
            characters: 0,
            api,
        };
        // SAFETY: `raw` is a live recogniser and `path` a NUL-terminated string that
        // outlives the call.
        let opened = unsafe { (recognizer.api.recognizer_open)(raw.as_ptr(), path.as_ptr()) };
        if opened == 0 {
            return Err(unreadable(recognizer.zinnia_error()));
        }
        // SAFETY: `raw` is a live recogniser.
        recognizer.characters = unsafe { (recognizer.api.recognizer_size)(raw.as_ptr()) };
        if recognizer.characters == 0 {
            return Err(unreadable("the model holds no characters".into()));
        }
        tracing::info!(
            model = %model.display(),
            characters = recognizer.characters,
            "handwriting model loaded"
        );
        Ok(recognizer)
    }

    /// Opens the first of [`DEFAULT_MODEL_PATHS`] that exists: Debian's
    /// tegaki-zinnia-simplified-chinese.
    ///
    /// Fails with [`HandwritingError::LibraryMissing`] first if zinnia itself is missing,
    /// and with [`HandwritingError::NoModelInstalled`] if no model file exists.
    pub fn open_default() -> Result<Recognizer, HandwritingError> {
        let mut tried = Vec::new();
        for path in DEFAULT_MODEL_PATHS {
            match Recognizer::open(Path::new(path)) {
                Err(HandwritingError::ModelMissing { path }) => tried.push(path),
                other => return other,
            }
        }
        Err(HandwritingError::NoModelInstalled { tried })
    }

    /// The model's path.
    pub fn model(&self) -> &Path {
        &self.model
    }

    /// How many characters the model knows.
    pub fn characters(&self) -> usize {
        self.characters
    }

    /// The characters `strokes` may be, best first: at most `max`, and never more than
    /// [`MAX_CANDIDATES`]. Strokes that zinnia cannot describe give an empty list.
    pub fn recognize(
        &self,
        strokes: &Strokes,
        max: usize,
    ) -> Result<Vec<Candidate>, HandwritingError> {
        let max = max.min(MAX_CANDIDATES);
        if max == 0 {
            return Ok(Vec::new());
        }
        let started = Instant::now();
        let character = Character::new(&self.api)?;
        let side = BOX_SIZE as usize;
        let c = character.raw.as_ptr();
        // SAFETY: `c` is a live character; the setters take any size.
        unsafe {
            (self.api.character_set_width)(c, side);
            (self.api.character_set_height)(c, side);
        }
        let mut given = 0usize;
        for (id, stroke) in strokes.strokes().iter().enumerate() {
            // Strokes keeps every coordinate within 0..=300, so rounding fits an int.
            let points: Vec<(i32, i32)> = stroke
                .iter()
                .map(|&(x, y)| (x.round() as i32, y.round() as i32))
                .collect();
            // zinnia's own split of a stroke can take unbounded memory (see vertex.rs);
            // these points give it the same features at a bounded cost.
            let kept = vertex::kept_points(&points, side as u32, side as u32);
            for (x, y) in kept.iter().filter_map(|&i| points.get(i)) {
                // SAFETY: `c` is a live character. Stroke ids rise from 0 in order, as
                // zinnia needs (adding to stroke `id` resizes its stroke list to id + 1).
                // It returns false only if allocation failed, which C++ reports by
                // aborting first.
                unsafe { (self.api.character_add)(c, id, *x, *y) };
                given += 1;
            }
        }
        // SAFETY: the recogniser and the character are live; classify reads both.
        let raw = unsafe { (self.api.recognizer_classify)(self.raw.as_ptr(), c, max) };
        let candidates = match NonNull::new(raw) {
            // zinnia gives no result where it finds no features to compare.
            None => Vec::new(),
            Some(raw) => self.candidates(
                &Classified {
                    api: &self.api,
                    raw,
                },
                max,
            ),
        };
        tracing::debug!(
            strokes = strokes.stroke_count(),
            points = strokes.point_count(),
            points_given = given,
            candidates = candidates.len(),
            micros = started.elapsed().as_micros() as u64,
            "handwriting recognised"
        );
        Ok(candidates)
    }

    fn candidates(&self, result: &Classified, max: usize) -> Vec<Candidate> {
        let r = result.raw.as_ptr();
        // SAFETY: `r` is a live result.
        let size = unsafe { (self.api.result_size)(r) }.min(max);
        let mut candidates = Vec::with_capacity(size);
        for i in 0..size {
            // SAFETY: `r` is live and `i` below its size; the text is the model's
            // NUL-terminated record, valid while the model is open, and copied at once.
            let (value, score) =
                unsafe { ((self.api.result_value)(r, i), (self.api.result_score)(r, i)) };
            if value.is_null() {
                continue;
            }
            // SAFETY: non-null, NUL-terminated (see above).
            let text = unsafe { CStr::from_ptr(value) }
                .to_string_lossy()
                .into_owned();
            if !text.is_empty() {
                candidates.push(Candidate { text, score });
            }
        }
        candidates
    }

    /// zinnia's text for why `open` failed.
    fn zinnia_error(&self) -> String {
        // SAFETY: `raw` is live; the text is owned by it and copied at once.
        let text = unsafe { (self.api.recognizer_strerror)(self.raw.as_ptr()) };
        if text.is_null() {
            return "zinnia could not open it".into();
        }
        // SAFETY: non-null and NUL-terminated (a C++ std::string's c_str()).
        let text = unsafe { CStr::from_ptr(text) }.to_string_lossy();
        match text.trim() {
            "" => "zinnia could not open it".into(),
            t => format!("zinnia: {t}"),
        }
    }
}

impl Drop for Recognizer {
    fn drop(&mut self) {
        // SAFETY: `raw` came from zinnia_recognizer_new and is destroyed only here, before
        // `api` (and so the library) is dropped; destroy closes the model first.
        unsafe { (self.api.recognizer_destroy)(self.raw.as_ptr()) }
    }
}

impl fmt::Debug for Recognizer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Recognizer")
            .field("model", &self.model)
            .field("characters", &self.characters)
            .finish_non_exhaustive()
    }
}

/// Refuses what zinnia would mishandle: it opens with `open(2)`, so a FIFO would block
/// it, and it reads a 12-byte header before checking the length.
fn check_model_file(path: &Path) -> Result<(), HandwritingError> {
    let unreadable = |reason: String| HandwritingError::ModelUnreadable {
        path: path.to_owned(),
        reason,
    };
    let meta = match std::fs::metadata(path) {
        Ok(meta) => meta,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Err(HandwritingError::ModelMissing {
                path: path.to_owned(),
            })
        }
        Err(e) => return Err(unreadable(e.to_string())),
    };
    if !meta.is_file() {
        return Err(unreadable("not a regular file".into()));
    }
    if meta.len() < MODEL_HEADER_BYTES {
        return Err(unreadable(format!(
            "{} bytes, too short for a zinnia model",
            meta.len()
        )));
    }
    std::fs::File::open(path).map_err(|e| unreadable(e.to_string()))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_missing_library_is_named() {
        match Api::load_from("libzinnia-absent.so.0") {
            Err(HandwritingError::LibraryMissing { reason }) => {
                assert!(reason.contains("libzinnia-absent.so.0"), "{reason}");
            }
            Err(e) => panic!("{e}"),
            Ok(_) => panic!("loaded a library that does not exist"),
        }
    }

    #[test]
    fn a_library_without_zinnia_s_functions_is_refused() {
        // libc is loaded in every process and has none of them.
        match Api::load_from("libc.so.6") {
            Err(HandwritingError::SymbolMissing { symbol, .. }) => {
                assert_eq!(symbol, "zinnia_character_new");
            }
            Err(e) => panic!("{e}"),
            Ok(_) => panic!("libc passed for zinnia"),
        }
    }

    /// The recogniser of the installed model, or None where zinnia or the model is
    /// missing (tests/recognize.rs requires them; these compare internals only).
    fn installed() -> Option<Recognizer> {
        Recognizer::open_default().ok()
    }

    /// What zinnia answers for all points, without the cut of vertex.rs.
    fn classify_all_points(r: &Recognizer, strokes: &[Vec<(i32, i32)>]) -> Vec<(String, f32)> {
        let character = Character::new(&r.api).unwrap();
        let c = character.raw.as_ptr();
        unsafe {
            (r.api.character_set_width)(c, 300);
            (r.api.character_set_height)(c, 300);
            for (id, stroke) in strokes.iter().enumerate() {
                for &(x, y) in stroke {
                    (r.api.character_add)(c, id, x, y);
                }
            }
            let raw = NonNull::new((r.api.recognizer_classify)(r.raw.as_ptr(), c, 8)).unwrap();
            let result = Classified { api: &r.api, raw };
            r.candidates(&result, 8)
                .into_iter()
                .map(|c| (c.text, c.score))
                .collect()
        }
    }

    /// A small deterministic generator, so the comparison needs no extra crate.
    struct Lcg(u64);

    impl Lcg {
        fn next(&mut self, below: i32) -> i32 {
            self.0 = self
                .0
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            ((self.0 >> 33) % below as u64) as i32
        }
    }

    #[test]
    fn the_cut_points_give_zinnia_the_same_candidates_and_scores() {
        let Some(r) = installed() else {
            eprintln!("zinnia or its model is missing: comparison skipped");
            return;
        };
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/strokes");
        let mut sets: Vec<Vec<Vec<(i32, i32)>>> = Vec::new();
        for name in ["shi", "ren", "da", "zhong", "zheng"] {
            let text = std::fs::read_to_string(dir.join(format!("{name}.json"))).unwrap();
            let strokes = Strokes::from_json(&text).unwrap();
            let ints: Vec<Vec<(i32, i32)>> = strokes
                .strokes()
                .iter()
                .map(|s| s.iter().map(|&(x, y)| (x as i32, y as i32)).collect())
                .collect();
            // The same strokes as a touch screen reports them: a point every ~3 px.
            let dense = ints
                .iter()
                .map(|s| {
                    let mut out = vec![s[0]];
                    for w in s.windows(2) {
                        let (a, b) = (w[0], w[1]);
                        let n = ((b.0 - a.0).abs().max((b.1 - a.1).abs()) / 3).max(1);
                        out.extend(
                            (1..=n).map(|k| (a.0 + (b.0 - a.0) * k / n, a.1 + (b.1 - a.1) * k / n)),
                        );
                    }
                    out
                })
                .collect();
            sets.push(ints);
            sets.push(dense);
        }
        // Random scribbles: jittery walks of 1 to 6 strokes.
        let mut rng = Lcg(7);
        for _ in 0..200 {
            let strokes = (0..1 + rng.next(6))
                .map(|_| {
                    let (mut x, mut y) = (rng.next(301), rng.next(301));
                    (0..1 + rng.next(80))
                        .map(|_| {
                            x = (x + rng.next(41) - 20).clamp(0, 300);
                            y = (y + rng.next(41) - 20).clamp(0, 300);
                            (x, y)
                        })
                        .collect()
                })
                .collect();
            sets.push(strokes);
        }
        for ints in &sets {
            let all = classify_all_points(&r, ints);
            let floats = ints
                .iter()
                .map(|s| s.iter().map(|&(x, y)| (x as f32, y as f32)).collect())
                .collect();
            let cut: Vec<(String, f32)> = r
                .recognize(&Strokes::new(floats).unwrap(), 8)
                .unwrap()
                .into_iter()
                .map(|c| (c.text, c.score))
                .collect();
            assert_eq!(all, cut, "{ints:?}");
        }
    }
}
