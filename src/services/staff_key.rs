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
    /// Shorter than [`MIN_KEY_BYTES`]: an empty key lets anyone sign staff codes.
    #[error("{}: a key of {len} bytes is too short: it must be at least {MIN_KEY_BYTES} (64 hex digits)", path.display())]
    Short { path: PathBuf, len: usize },
    #[error("{}: permissions {mode:04o} let other users read the key that opens staff mode; run `chmod 600 {}`", path.display(), path.display())]
    Readable { path: PathBuf, mode: u32 },
}

/// The shortest HMAC key accepted: SHA-256's own size.
pub const MIN_KEY_BYTES: usize = 32;

/// The HMAC key of staff QR codes from its file (hex, as `staff.qr_key_file` holds it).
/// The file must be readable by its owner only, and the key at least [`MIN_KEY_BYTES`].
pub fn read_staff_key(path: &Path) -> Result<HmacVerifier, StaffKeyError> {
    use std::os::unix::fs::PermissionsExt;
    let read = |source| StaffKeyError::Read {
        path: path.to_path_buf(),
        source,
    };
    let mode = std::fs::metadata(path).map_err(read)?.permissions().mode() & 0o777;
    if mode & 0o077 != 0 {
        return Err(StaffKeyError::Readable {
            path: path.to_path_buf(),
            mode,
        });
    }
    let text = std::fs::read_to_string(path).map_err(read)?;
    let len = text.trim().len() / 2;
    if len < MIN_KEY_BYTES {
        return Err(StaffKeyError::Short {
            path: path.to_path_buf(),
            len,
        });
    }
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
