//! `kiosk screenshot`: any screen to PNG without a display.

use std::path::PathBuf;
use std::process::ExitCode;

use super::fail;
use super::run::load_or_demo;
use crate::platform::config::Locale;
use crate::screenshot::{self, ScreenshotOptions};

#[derive(clap::Args)]
pub struct ScreenshotArgs {
    /// The screen to render (see --list), e.g. ticket-issued.
    #[arg(long, required_unless_present = "list")]
    screen: Option<String>,
    /// List every screen name.
    #[arg(long)]
    list: bool,
    /// The language to render in.
    #[arg(long, value_enum, default_value_t = LocaleArg::ZhCn)]
    locale: LocaleArg,
    /// Render in elderly mode (长辈模式).
    #[arg(long)]
    elderly: bool,
    /// WIDTHxHEIGHT in pixels; 1920x1080 renders the landscape layout.
    #[arg(long, default_value = "1080x1920", value_parser = parse_size)]
    size: (u32, u32),
    /// Where to write the PNG.
    #[arg(long, required_unless_present = "list")]
    out: Option<PathBuf>,
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum LocaleArg {
    #[value(name = "zh-CN")]
    ZhCn,
    #[value(name = "zh-TW")]
    ZhTw,
    #[value(name = "en")]
    En,
    #[value(name = "bo")]
    Bo,
}

impl From<LocaleArg> for Locale {
    fn from(l: LocaleArg) -> Locale {
        match l {
            LocaleArg::ZhCn => Locale::ZhCn,
            LocaleArg::ZhTw => Locale::ZhTw,
            LocaleArg::En => Locale::En,
            LocaleArg::Bo => Locale::Bo,
        }
    }
}

fn parse_size(s: &str) -> Result<(u32, u32), String> {
    let (w, h) = s
        .split_once('x')
        .ok_or_else(|| format!("{s:?} is not WIDTHxHEIGHT"))?;
    let w: u32 = w.parse().map_err(|_| format!("bad width in {s:?}"))?;
    let h: u32 = h.parse().map_err(|_| format!("bad height in {s:?}"))?;
    if !(320..=7680).contains(&w) || !(320..=7680).contains(&h) {
        return Err(format!("{s:?}: each side must be 320..7680 pixels"));
    }
    Ok((w, h))
}

/// Renders a screen; hall name and kiosk id come from `config` when one is named (the
/// global `--config` or `HALL_KIOSK_CONFIG`), else from the demo's.
pub fn run(args: ScreenshotArgs, config: Option<&std::path::Path>) -> ExitCode {
    if args.list {
        for s in crate::app::screens::SCREENS {
            println!("{s}");
        }
        return ExitCode::SUCCESS;
    }
    let config = match load_or_demo(config) {
        Ok(c) => c,
        Err(e) => return fail(e),
    };
    let (width, height) = args.size;
    let opts = ScreenshotOptions {
        screen: args.screen.unwrap_or_default(),
        locale: args.locale.into(),
        elderly: args.elderly,
        width,
        height,
        ui: crate::app::options_from_config(&config),
    };
    let out = args.out.unwrap_or_default();
    match screenshot::render(&opts).and_then(|f| screenshot::write_png(&f, &out)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => fail(e),
    }
}
