//! `kiosk input pinyin`: the on-screen keyboard's candidates for typed pinyin, best first,
//! ranked as the keyboard ranks them (the dictionary, the hall's common words, and with
//! `--catalog` the catalog's names, as a kiosk with that catalog has them).
//! `kiosk input handwriting`: the handwriting pad's candidates for recorded strokes.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::Subcommand;
use serde_json::json;

use super::fail;
use crate::domain::catalog::Guides;
use crate::flows::pinyin_ime::{catalog_vocabulary, PinyinIme};

#[derive(Subcommand)]
pub enum InputCommand {
    /// Print the candidates for typed pinyin, one a line, best first: whole syllables
    /// (zhengwu), initials (zw), a begun last syllable (beij), "'" between syllables (xi'an).
    /// Example: kiosk input pinyin banshizhinan --json
    Pinyin {
        /// The letters as typed on the keyboard (a-z, v for ü, ' between syllables).
        letters: String,
        /// One JSON object: {"candidates": ["办事指南", ...]}.
        #[arg(long)]
        json: bool,
        /// How many candidates, at most.
        #[arg(long, default_value_t = 10)]
        limit: usize,
        /// A catalog (JSON, as the hall backend serves it) whose item, department, category
        /// and hall names rank first, as on a kiosk showing that catalog.
        #[arg(long, value_name = "FILE")]
        catalog: Option<PathBuf>,
    },
    /// Recognise a character from recorded strokes as the handwriting pad does, best first
    /// (at most 8). The file is JSON: a list of strokes, each a list of [x, y] points in a
    /// 300 x 300 box, y growing downward, in writing order.
    /// Example: kiosk input handwriting --strokes shi.json --json
    Handwriting {
        /// The recorded strokes (JSON), e.g. handwriting/tests/strokes/zheng.json.
        #[arg(long, value_name = "FILE.json")]
        strokes: PathBuf,
        /// One JSON object: {"candidates": ["十", ...]}.
        #[arg(long)]
        json: bool,
        /// A zinnia model other than the installed Tegaki simplified-Chinese one.
        #[arg(long, value_name = "FILE")]
        model: Option<PathBuf>,
    },
}

pub fn run(command: InputCommand) -> ExitCode {
    let (letters, json, limit, catalog) = match command {
        InputCommand::Pinyin {
            letters,
            json,
            limit,
            catalog,
        } => (letters, json, limit, catalog),
        InputCommand::Handwriting {
            strokes,
            json,
            model,
        } => return handwriting(&strokes, json, model.as_deref()),
    };
    let mut ime = PinyinIme::new();
    if let Some(path) = catalog {
        let doc = std::fs::read_to_string(&path)
            .map_err(anyhow::Error::from)
            .and_then(|text| Ok(serde_json::from_str::<serde_json::Value>(&text)?));
        match doc {
            Ok(doc) => {
                ime = ime.with_vocabulary(catalog_vocabulary(&Guides::from_catalog(&doc)));
            }
            Err(e) => return fail(format!("{}: {e}", path.display())),
        }
    }
    let candidates = ime.candidates(&letters, limit);
    if json {
        println!("{}", json!({ "candidates": candidates }));
    } else if candidates.is_empty() {
        eprintln!("kiosk: no candidates for {letters:?}");
    } else {
        for c in &candidates {
            println!("{c}");
        }
    }
    ExitCode::SUCCESS
}

fn handwriting(file: &Path, json: bool, model: Option<&Path>) -> ExitCode {
    use kiosk_handwriting::{Recognizer, Strokes, MAX_CANDIDATES};
    let strokes = match std::fs::read_to_string(file) {
        Ok(text) => match Strokes::from_json(&text) {
            Ok(s) => s,
            Err(e) => return fail(format!("{}: {e}", file.display())),
        },
        Err(e) => return fail(format!("{}: {e}", file.display())),
    };
    let recognizer = match model {
        Some(m) => Recognizer::open(m),
        None => Recognizer::open_default(),
    };
    let candidates = match recognizer.and_then(|r| r.recognize(&strokes, MAX_CANDIDATES)) {
        Ok(c) => c,
        Err(e) => return fail(e),
    };
    if json {
        let texts: Vec<&str> = candidates.iter().map(|c| c.text.as_str()).collect();
        println!("{}", json!({ "candidates": texts }));
    } else {
        for c in &candidates {
            println!("{}\t{:.3}", c.text, c.score);
        }
    }
    ExitCode::SUCCESS
}
