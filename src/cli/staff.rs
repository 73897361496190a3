//! `kiosk staff`: PIN hashes for the config, signed staff QR codes.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Subcommand;

use super::fail;
use crate::services::staff_key::read_staff_key;

#[derive(Subcommand)]
pub enum StaffCommand {
    /// Read a PIN (without echo on a terminal; a line of standard input otherwise) and
    /// print its argon2 hash for `staff.pin_hashes`.
    /// Example: kiosk staff hash-pin
    HashPin,
    /// Print the text of a signed staff QR code (print it as a QR code on the badge).
    /// Example: kiosk staff code --key-file staff-qr.key --staff-id S042 --hours 8
    Code {
        /// The hex HMAC key file (the kiosk's `staff.qr_key_file`).
        #[arg(long)]
        key_file: PathBuf,
        /// Who the code names in the audit trail, e.g. a staff number.
        #[arg(long)]
        staff_id: String,
        /// How long the code is valid, in hours.
        #[arg(long, default_value_t = 12)]
        hours: u32,
    },
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
        StaffCommand::Code {
            key_file,
            staff_id,
            hours,
        } => {
            if staff_id.is_empty()
                || staff_id.len() > 32
                || !staff_id
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
            {
                return fail("--staff-id: 1 to 32 letters, digits, '-' or '_'");
            }
            let key = match read_staff_key(&key_file) {
                Ok(k) => k,
                Err(e) => return fail(e),
            };
            let expires =
                time::OffsetDateTime::now_utc().unix_timestamp() + i64::from(hours) * 3600;
            println!(
                "{}",
                key.signed(&format!("hk:staff:v1:{staff_id}:{expires}"))
            );
            ExitCode::SUCCESS
        }
    }
}
