//! `kiosk provision sign|verify`: provisioning files a kiosk accepts after its first boot
//! are signed by the hall's provisioning key (Ed25519); the image carries the public key
//! (`/usr/lib/hall-kiosk/provision.pub`), and /usr/lib/hall-kiosk/provision verifies with this.
//! The key pair is made like a staff office's: `kiosk staff keygen --out DIR`.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Subcommand;
use kiosk_drivers::scanner::payload::CodeVerifier;

use super::fail;
use crate::services::staff_key::{Ed25519Verifier, StaffCodeSigner};

#[derive(Subcommand)]
pub enum ProvisionCommand {
    /// Sign a provisioning file: writes FILE.sig beside it (copy both to the boot partition).
    /// Example: kiosk provision sign --key provision.key hall-kiosk-provision.toml
    Sign {
        /// The provisioning private key (made by `kiosk staff keygen`).
        #[arg(long)]
        key: PathBuf,
        /// The provisioning file.
        file: PathBuf,
    },
    /// Check a provisioning file's signature (exit 0 when it is signed by the key).
    /// Example: kiosk provision verify --public-key /usr/lib/hall-kiosk/provision.pub hall-kiosk-provision.toml
    Verify {
        /// The provisioning public key file (64 hex digits).
        #[arg(long)]
        public_key: PathBuf,
        /// The signature file [default: FILE.sig].
        #[arg(long)]
        sig: Option<PathBuf>,
        /// The provisioning file.
        file: PathBuf,
    },
}

fn sig_path(file: &std::path::Path) -> PathBuf {
    let mut name = file.file_name().unwrap_or_default().to_os_string();
    name.push(".sig");
    file.with_file_name(name)
}

pub fn run(command: ProvisionCommand) -> ExitCode {
    match command {
        ProvisionCommand::Sign { key, file } => {
            let signer = match StaffCodeSigner::read(&key) {
                Ok(s) => s,
                Err(e) => return fail(e),
            };
            let bytes = match std::fs::read(&file) {
                Ok(b) => b,
                Err(e) => return fail(format!("{}: {e}", file.display())),
            };
            let out = sig_path(&file);
            match std::fs::write(&out, signer.sign_bytes(&bytes) + "\n") {
                Ok(()) => {
                    println!("{}", out.display());
                    ExitCode::SUCCESS
                }
                Err(e) => fail(format!("{}: {e}", out.display())),
            }
        }
        ProvisionCommand::Verify {
            public_key,
            sig,
            file,
        } => {
            let sig = sig.unwrap_or_else(|| sig_path(&file));
            let read =
                |p: &std::path::Path| std::fs::read(p).map_err(|e| format!("{}: {e}", p.display()));
            let (key, sig_text, bytes) = match (read(&public_key), read(&sig), read(&file)) {
                (Ok(k), Ok(s), Ok(b)) => (k, s, b),
                (Err(e), ..) | (_, Err(e), _) | (.., Err(e)) => return fail(e),
            };
            let Some(verifier) = Ed25519Verifier::from_hex(&String::from_utf8_lossy(&key)) else {
                return fail(format!(
                    "{}: not an Ed25519 public key",
                    public_key.display()
                ));
            };
            if verifier.verify(&bytes, String::from_utf8_lossy(&sig_text).trim()) {
                println!("ok: signed by the provisioning key");
                ExitCode::SUCCESS
            } else {
                fail(format!("{}: the signature does not match", file.display()))
            }
        }
    }
}
