//! `kiosk voice`: the voice prompts for technicians and hall IT. `list` prints every prompt
//! id with its text (what to record), `check` finds missing or unplayable clips in each
//! language, `say` renders what the kiosk would say to a WAV file to listen to.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Args, Subcommand};
use serde_json::json;

use super::fail;
use crate::domain::voice::{Prompts, Utterance};
use crate::platform::config::{AudioSection, Locale};
use crate::services::voice::{write_wav, ClipStore, Origin, RATE};

#[derive(Subcommand)]
pub enum VoiceCommand {
    /// Print every prompt id with its kind and its text in each language (a hall's list of
    /// what to record). Example: kiosk voice list --json
    List {
        /// A JSON array of {"id", "kind", "zh-CN", "zh-TW", "en", "bo"}.
        #[arg(long)]
        json: bool,
    },
    /// List, per language, prompts with no clip and clips that cannot be played. Exit 1 when
    /// a clip cannot be played or Mandarin (every language's fallback) lacks one.
    /// Example: kiosk voice check
    Check {
        #[command(flatten)]
        dirs: Dirs,
        /// One JSON object: {"ok", "locales": [{"locale", "pack", "clips", "recordings",
        /// "missing", "unreadable"}]}.
        #[arg(long)]
        json: bool,
    },
    /// Render what the kiosk says for a prompt to a WAV file.
    /// Example: kiosk voice say --prompt ticket-issued --number A023 --window 3 --out a023.wav
    Say {
        /// A prompt id (`kiosk voice list`); ticket-issued with --number says a ticket.
        #[arg(long)]
        prompt: String,
        /// The ticket number, spelled as the kiosk spells it (with --prompt ticket-issued).
        #[arg(long)]
        number: Option<String>,
        /// The window(s) the ticket is called to, as the catalog names them ("3", "3, 5").
        #[arg(long, default_value = "")]
        window: String,
        /// zh-CN, zh-TW, en or bo.
        #[arg(long, default_value = "zh-CN")]
        locale: String,
        /// The WAV file to write (16-bit mono, 22050 Hz, as the clips).
        #[arg(long, value_name = "FILE.wav")]
        out: PathBuf,
        #[command(flatten)]
        dirs: Dirs,
    },
}

/// Where the clips are: the config's `[audio]` by default.
#[derive(Args)]
pub struct Dirs {
    /// The packs' directory [default: the config's audio.packs]
    #[arg(long, value_name = "DIR")]
    packs: Option<PathBuf>,
    /// The hall's recordings [default: the config's audio.recordings]
    #[arg(long, value_name = "DIR")]
    recordings: Option<PathBuf>,
}

impl Dirs {
    /// The store these name. A config that does not exist (a technician's laptop) leaves
    /// the defaults; a broken one is an error.
    fn store(&self, config: &Path) -> Result<ClipStore, ExitCode> {
        let audio = if config.exists() {
            super::load_config(config)?.audio
        } else {
            AudioSection::default()
        };
        let packs = self.packs.clone().unwrap_or(audio.packs);
        let recordings = self.recordings.clone().unwrap_or(audio.recordings);
        Ok(ClipStore::open(&packs, &recordings))
    }
}

pub fn run(command: VoiceCommand, config: &Path) -> ExitCode {
    match command {
        VoiceCommand::List { json } => list(json),
        VoiceCommand::Check { dirs, json } => match dirs.store(config) {
            Ok(store) => check(&store, json),
            Err(code) => code,
        },
        VoiceCommand::Say {
            prompt,
            number,
            window,
            locale,
            out,
            dirs,
        } => {
            let Some(locale) = Locale::parse(&locale) else {
                return fail(format!("--locale {locale:?}: zh-CN, zh-TW, en or bo"));
            };
            match dirs.store(config) {
                Ok(store) => say(&store, &prompt, number.as_deref(), &window, locale, &out),
                Err(code) => code,
            }
        }
    }
}

fn list(as_json: bool) -> ExitCode {
    use std::io::Write;
    let prompts = Prompts::builtin();
    let mut text = String::new();
    if as_json {
        let all: Vec<_> = prompts.iter().collect();
        match serde_json::to_string_pretty(&all) {
            Ok(t) => text = t + "\n",
            Err(e) => return fail(e),
        }
    } else {
        for p in prompts.iter() {
            let kind = serde_json::to_value(p.kind)
                .ok()
                .and_then(|v| v.as_str().map(str::to_owned))
                .unwrap_or_default();
            text += &format!("{:<26} {:<7} {}\n", p.id, kind, p.zh_cn);
            for locale in [Locale::ZhTw, Locale::En, Locale::Bo] {
                let t = p.text(locale);
                if !t.is_empty() {
                    text += &format!("{:<26} {:<7} {t}\n", "", locale.code());
                }
            }
        }
    }
    // A reader that stops early (`| head`) is not an error worth a panic.
    let _ = std::io::stdout().lock().write_all(text.as_bytes());
    ExitCode::SUCCESS
}

fn check(store: &ClipStore, as_json: bool) -> ExitCode {
    let reports = store.check(Prompts::builtin());
    let bad = reports
        .iter()
        .any(|r| !r.unreadable.is_empty() || (r.locale == "zh-CN" && !r.missing.is_empty()));
    if as_json {
        println!("{}", json!({ "ok": !bad, "locales": reports }));
    } else {
        for r in &reports {
            let pack = if r.pack.is_empty() {
                "no pack".to_string()
            } else {
                format!("pack: {}", r.pack)
            };
            println!(
                "{:<6} {pack}; {} clips ({} recorded by the hall), {} missing, {} unreadable",
                r.locale,
                r.clips,
                r.recordings,
                r.missing.len(),
                r.unreadable.len()
            );
            if !r.missing.is_empty() {
                let fallback = if r.locale == "zh-CN" {
                    ""
                } else {
                    " (Mandarin is said instead)"
                };
                println!("       missing{fallback}: {}", r.missing.join(" "));
            }
            for u in &r.unreadable {
                println!("       unreadable: {u}");
            }
        }
    }
    if bad {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}

fn say(
    store: &ClipStore,
    prompt: &str,
    number: Option<&str>,
    window: &str,
    locale: Locale,
    out: &Path,
) -> ExitCode {
    if Prompts::builtin().get(prompt).is_none() {
        return fail(format!(
            "no prompt {prompt:?} (kiosk voice list shows them)"
        ));
    }
    let utterance = match number {
        Some(n) if prompt == "ticket-issued" => Utterance::ticket(n, window, locale),
        Some(_) => return fail("--number goes with --prompt ticket-issued"),
        None => Utterance::prompt(prompt),
    };
    let rendered = store.render(&utterance, locale);
    for p in &rendered.problems {
        eprintln!("kiosk: {p}");
    }
    if rendered.played.is_empty() {
        return fail(format!("nothing to say for {prompt:?} in {locale}"));
    }
    if let Err(e) = write_wav(out, &rendered.samples) {
        return fail(format!("{}: {e}", out.display()));
    }
    for p in &rendered.played {
        let origin = match p.origin {
            Origin::Recording => "recording",
            Origin::Pack => "pack",
        };
        println!(
            "{:<24} {:<6} {origin:<9} {:>5} ms",
            p.id,
            p.locale,
            p.samples as u64 * 1000 / u64::from(RATE)
        );
    }
    println!(
        "wrote {} ({} ms)",
        out.display(),
        rendered.samples.len() as u64 * 1000 / u64::from(RATE)
    );
    if rendered.problems.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}
