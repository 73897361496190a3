//! The key that checks signed staff QR codes.

use std::path::{Path, PathBuf};

use kiosk_drivers::scanner::payload::{CodeVerifier, FromHexError, HmacVerifier};

use crate::platform::config::Config;

/// Why the staff key file cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum StaffKeyError {
    #[error("{}: {source}", path.display())]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{}: not a hex key: {source}", path.display())]
    Hex { path: PathBuf, source: FromHexError },
}

/// The HMAC key of staff QR codes from its file (hex, as `staff.qr_key_file` holds it).
pub fn read_staff_key(path: &Path) -> Result<HmacVerifier, StaffKeyError> {
    let text = std::fs::read_to_string(path).map_err(|source| StaffKeyError::Read {
        path: path.to_path_buf(),
        source,
    })?;
    HmacVerifier::from_hex(&text).map_err(|source| StaffKeyError::Hex {
        path: path.to_path_buf(),
        source,
    })
}

/// The verifier of signed staff QR codes from `staff.qr_key_file`; without a usable one,
/// staff codes are refused (and staff sign in with the PIN).
pub fn staff_verifier(config: &Config) -> Option<Box<dyn CodeVerifier + Send + Sync>> {
    let path = config.staff.qr_key_file.as_ref()?;
    match read_staff_key(path) {
        Ok(v) => Some(Box::new(v)),
        Err(e) => {
            tracing::warn!(target: "alert", message_id = hall_link::journal::ALERT, "staff QR key unusable, staff codes refused: {e}");
            None
        }
    }
}
