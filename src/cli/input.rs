//! `kiosk input pinyin`: the on-screen keyboard's candidates for typed pinyin, best first,
//! ranked as the keyboard ranks them (the dictionary, the hall's common words, and with
//! `--catalog` the catalog's names, as a kiosk with that catalog has them).

use std::path::PathBuf;
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
}

pub fn run(command: InputCommand) -> ExitCode {
    let InputCommand::Pinyin {
        letters,
        json,
        limit,
        catalog,
    } = command;
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
