//! `kiosk generate`: man pages and shell completions from the same clap definitions the
//! command parses with, so they can never disagree with it. The package build runs these.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{CommandFactory, Subcommand};

use super::fail;
use crate::platform::config::{DEFAULT_PATH, EXAMPLE, REQUIRED};

#[derive(Subcommand)]
pub enum GenerateCommand {
    /// Write kiosk.1, one page per command (kiosk-doctor.1, ...), kiosk.toml.5 and
    /// hall-sim.1 into DIR.
    /// Example: kiosk generate man --out target/man
    Man {
        /// The directory to write the pages to (made if missing).
        #[arg(long)]
        out: PathBuf,
    },
    /// Print the completion script of a shell, or write it into --out.
    /// Example: kiosk generate completions bash > /usr/share/bash-completion/completions/kiosk
    Completions {
        /// The shell to complete for.
        #[arg(value_enum)]
        shell: clap_complete::Shell,
        /// A directory to write the script to, under the shell's usual file name.
        #[arg(long)]
        out: Option<PathBuf>,
    },
}

pub fn run(command: GenerateCommand) -> ExitCode {
    let result = match command {
        GenerateCommand::Man { out } => man(&out),
        GenerateCommand::Completions { shell, out } => {
            let mut cmd = super::Cli::command();
            match out {
                Some(dir) => std::fs::create_dir_all(&dir)
                    .and_then(|()| clap_complete::generate_to(shell, &mut cmd, "kiosk", &dir))
                    .map(|_| ()),
                None => {
                    clap_complete::generate(shell, &mut cmd, "kiosk", &mut std::io::stdout());
                    Ok(())
                }
            }
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => fail(e),
    }
}

fn man(out: &Path) -> std::io::Result<()> {
    std::fs::create_dir_all(out)?;
    clap_mangen::generate_to(super::Cli::command(), out)?;
    // hall-sim(1): its own program, with the options `kiosk hall-sim` takes too.
    let sim = <hall_link::sim_cli::SimArgs as clap::Args>::augment_args(
        clap::Command::new("hall-sim")
            .version(env!("CARGO_PKG_VERSION"))
            .about("Reference hall backend of the hall kiosk (interface v1)"),
    );
    let mut page = Vec::new();
    clap_mangen::Man::new(sim).render(&mut page)?;
    std::fs::write(out.join("hall-sim.1"), page)?;
    std::fs::write(out.join("kiosk.toml.5"), config_page())
}

/// kiosk.toml(5): how the files combine, what must be set, and the packaged file itself,
/// whose comments are the reference of every key.
pub fn config_page() -> String {
    let mut page = format!(
        ".TH KIOSK.TOML 5 \"\" \"hall-kiosk {version}\" \"File Formats\"\n\
         .SH NAME\n\
         kiosk.toml \\- configuration of the hall kiosk\n\
         .SH SYNOPSIS\n\
         {DEFAULT_PATH}\n\
         .br\n\
         {DEFAULT_PATH}.d/*.toml\n\
         .SH DESCRIPTION\n\
         The kiosk reads its TOML configuration from \\fB{DEFAULT_PATH}\\fR (or the file \
         named by \\fB\\-\\-config\\fR or \\fBHALL_KIOSK_CONFIG\\fR), then every \\fI*.toml\\fR \
         file of the directory beside it whose name is the file's with \\fI.d\\fR added, in \
         name order. Tables merge key by key and a later file's value wins; arrays are \
         replaced whole. The packaged file is a dpkg conffile: a hall's settings go in a \
         drop-in (provisioning writes \\fI50-provision.toml\\fR), so upgrades never ask \
         about it.\n\
         .PP\n\
         Unknown keys and wrong types are errors that name the file, line, column and key. \
         \\fBkiosk config check\\fR prints the files it read, or the error, or every key \
         still to set, and exits 78 when the configuration cannot be used.\n\
         .SH REQUIRED KEYS\n\
         Only the tables \\fB[kiosk]\\fR and \\fB[backend]\\fR must be written; these keys \
         have no default:\n",
        version = env!("CARGO_PKG_VERSION"),
    );
    for key in REQUIRED {
        page.push_str(&format!(".TP\n\\fB{key}\\fR\n{}\n", required_note(key)));
    }
    page.push_str(
        ".SH DEFAULTS\n\
         Every other key has the default shown in the packaged file below; device ports \
         default to the names the package's udev rules give (\\fI/dev/hall\\-kiosk/idcard\\fR, \
         \\fIscanner\\fR, \\fIprinter\\fR); \\fB\"none\"\\fR means the kiosk has no such device.\n\
         .SH THE PACKAGED FILE\n\
         .nf\n",
    );
    for line in EXAMPLE.lines() {
        page.push_str(&roff_line(line));
        page.push('\n');
    }
    page.push_str(
        ".fi\n\
         .SH FILES\n\
         .TP\n\
         /etc/hall\\-kiosk/token\n\
         The backend's bearer token (mode 0600); never in a config file.\n\
         .SH SEE ALSO\n\
         \\fBkiosk\\fR(1), \\fBkiosk\\-config\\fR(1), \\fBkiosk\\-doctor\\fR(1)\n",
    );
    page
}

fn required_note(key: &str) -> &'static str {
    match key {
        "kiosk.id" => "The kiosk's name, shown to staff and sent as X\\-Kiosk\\-Id.",
        "kiosk.hall_id" => {
            "The hall's id as its appointment codes carry it; other halls' codes are refused."
        }
        "kiosk.hall_name" => "The header of every screen and ticket.",
        "kiosk.public_url" => "The hall's https:// site; every printed QR code points there.",
        _ => "The hall platform's kiosk interface (https://).",
    }
}

/// A line of text as roff shows it verbatim: backslashes escaped, and a leading dot or
/// quote (which roff would take as a request) made plain.
fn roff_line(line: &str) -> String {
    let escaped = line.replace('\\', "\\e").replace('-', "\\-");
    if escaped.starts_with('.') || escaped.starts_with('\'') {
        format!("\\&{escaped}")
    } else {
        escaped
    }
}
