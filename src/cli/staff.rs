//! `kiosk staff`: PIN hashes for the config, signed staff QR codes.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Subcommand;

use super::fail;
use crate::services::staff_key::{read_staff_key, StaffCodeSigner};

#[derive(Subcommand)]
pub enum StaffCommand {
    /// Read a PIN (without echo on a terminal; a line of standard input otherwise) and
    /// print its argon2 hash for `staff.pin_hashes`.
    /// Example: kiosk staff hash-pin
    HashPin,
    /// Make the staff office's key pair: DIR/staff-code.key (private, mode 0600, kept in
    /// the staff office) and DIR/staff-code.pub; prints the public key for
    /// `staff.code_public_key` (or provisioning's `staff_code_public_key`).
    /// Example: kiosk staff keygen --out /root/staff-office
    Keygen {
        /// The directory to write the two files to (made if missing; files are not
        /// overwritten).
        #[arg(long)]
        out: PathBuf,
    },
    /// Print a signed, single-use staff QR code (print it as a QR code for the person).
    /// Example: kiosk staff code --key staff-code.key --staff S042 --valid 8h
    Code {
        /// The staff office's private key (`kiosk staff keygen`): a single-use Ed25519 code.
        #[arg(
            long,
            required_unless_present = "hmac_key_file",
            conflicts_with = "hmac_key_file"
        )]
        key: Option<PathBuf>,
        /// An older kiosk's shared HMAC key (`staff.qr_key_file`): a reusable v1 code.
        #[arg(long)]
        hmac_key_file: Option<PathBuf>,
        /// Who the code names in the audit trail, e.g. a staff number.
        #[arg(long, alias = "staff-id")]
        staff: String,
        /// How long the code is valid, e.g. 8h or 30m (at most 24h; kiosks refuse codes
        /// valid longer than their `staff.code_max_hours`).
        #[arg(long, default_value = "8h", value_parser = parse_valid)]
        valid: std::time::Duration,
    },
}

fn parse_valid(s: &str) -> Result<std::time::Duration, String> {
    let d = humantime::parse_duration(s).map_err(|e| format!("{s:?}: {e} (e.g. 8h or 30m)"))?;
    if d.is_zero() || d > std::time::Duration::from_secs(24 * 3600) {
        return Err(format!("{s:?}: a staff code is valid for up to 24h"));
    }
    Ok(d)
}

pub fn run(command: StaffCommand) -> ExitCode {
    match command {
        StaffCommand::HashPin => {
            use std::io::IsTerminal;
            // On a terminal the PIN is typed without echo, so it is not left on the
            // screen or in a console log; a script pipes it in.
            let read = if std::io::stdin().is_terminal() {
                eprint!("staff PIN (not shown): ");
                rpassword::read_password()
            } else {
                let mut line = String::new();
                std::io::stdin().read_line(&mut line).map(|_| line)
            };
            let pin = match read {
                Ok(p) => p,
                Err(e) => return fail(format!("cannot read the PIN: {e}")),
            };
            let pin = pin.trim();
            // Six digits at least: with five tries per lockout, a million PINs keep a
            // guesser busy for years; four digits would not.
            if pin.len() < 6 || pin.len() > 12 || !pin.bytes().all(|b| b.is_ascii_digit()) {
                return fail("a staff PIN is 6 to 12 digits (the pad has digits only)");
            }
            println!("{}", crate::flows::staff::hash_pin(pin));
            ExitCode::SUCCESS
        }
        StaffCommand::Keygen { out } => keygen(&out),
        StaffCommand::Code {
            key,
            hmac_key_file,
            staff,
            valid,
        } => {
            if staff.is_empty()
                || staff.len() > 32
                || !staff
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
            {
                return fail("--staff: 1 to 32 letters, digits, '-' or '_'");
            }
            let expires = hall_link::clock::now_utc().unix_timestamp()
                + i64::try_from(valid.as_secs()).unwrap_or(0);
            let code = match (key, hmac_key_file) {
                (Some(key), _) => match StaffCodeSigner::read(&key) {
                    Ok(signer) => signer.code(&staff, expires),
                    Err(e) => return fail(e),
                },
                (None, Some(file)) => match read_staff_key(&file) {
                    Ok(k) => k.signed(&format!("hk:staff:v1:{staff}:{expires}")),
                    Err(e) => return fail(e),
                },
                (None, None) => return fail("--key or --hmac-key-file is needed"),
            };
            println!("{code}");
            ExitCode::SUCCESS
        }
    }
}

/// Writes a new key pair; never over an existing file (a lost private key is replaced by
/// provisioning the new public key, not by overwriting).
fn keygen(dir: &std::path::Path) -> ExitCode {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    let signer = StaffCodeSigner::generate();
    let write = |name: &str, text: String, mode: u32| -> std::io::Result<()> {
        std::fs::create_dir_all(dir)?;
        let mut f = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(mode)
            .open(dir.join(name))?;
        f.write_all(text.as_bytes())?;
        f.sync_all()
    };
    let written = write("staff-code.key", signer.private_hex() + "\n", 0o600)
        .and_then(|()| write("staff-code.pub", signer.public_hex() + "\n", 0o644));
    match written {
        Ok(()) => {
            println!("{}", signer.public_hex());
            eprintln!(
                "kiosk: private key {} (keep it in the staff office), public key {}",
                dir.join("staff-code.key").display(),
                dir.join("staff-code.pub").display()
            );
            ExitCode::SUCCESS
        }
        Err(e) => fail(format!("{}: {e}", dir.display())),
    }
}
