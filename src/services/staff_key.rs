//! The keys that check signed staff QR codes: the staff office's Ed25519 public key for
//! single-use `hk:staff:v2` codes (`staff.code_public_key`), and the older shared HMAC key
//! (`staff.qr_key_file`) for `hk:staff:v1`, accepted only when long and private enough.

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
    /// Readable by others, or not the kiosk's own: the key opens staff mode.
    #[error("{}: {source}", path.display())]
    NotPrivate {
        path: PathBuf,
        source: crate::platform::config::SecretError,
    },
}

/// The shortest HMAC key accepted: SHA-256's own size.
pub const MIN_KEY_BYTES: usize = 32;

/// The HMAC key of staff QR codes from its file (hex, as `staff.qr_key_file` holds it).
/// A key file's text, read as every secret is ([`crate::platform::config::read_secret`]).
fn read_key_file(path: &Path) -> Result<String, StaffKeyError> {
    use crate::platform::config::{read_secret, SecretError};
    read_secret(path).map_err(|e| match e {
        SecretError::Io(source) => StaffKeyError::Read {
            path: path.to_path_buf(),
            source,
        },
        other => StaffKeyError::NotPrivate {
            path: path.to_path_buf(),
            source: other,
        },
    })
}

/// The file must be readable by its owner only, and the key at least [`MIN_KEY_BYTES`].
pub fn read_staff_key(path: &Path) -> Result<HmacVerifier, StaffKeyError> {
    let text = read_key_file(path)?;
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

/// Checks `hk:staff:v2` signatures with the staff office's public key. A kiosk holds only
/// this: a stolen kiosk cannot make codes.
pub struct Ed25519Verifier(ed25519_dalek::VerifyingKey);

impl Ed25519Verifier {
    /// From the key's 64 hex digits (`staff.code_public_key`).
    pub fn from_hex(text: &str) -> Option<Ed25519Verifier> {
        let bytes: [u8; 32] = hex::decode(text.trim()).ok()?.try_into().ok()?;
        ed25519_dalek::VerifyingKey::from_bytes(&bytes)
            .ok()
            .map(Ed25519Verifier)
    }
}

impl CodeVerifier for Ed25519Verifier {
    fn verify(&self, message: &[u8], sig_hex: &str) -> bool {
        let Some(sig) = hex::decode(sig_hex)
            .ok()
            .and_then(|b| <[u8; 64]>::try_from(b).ok())
        else {
            return false;
        };
        // Strict: no malleable or small-order signatures.
        self.0
            .verify_strict(message, &ed25519_dalek::Signature::from_bytes(&sig))
            .is_ok()
    }
}

/// The verifier of `hk:staff:v2` codes from `staff.code_public_key`, if set (the config
/// check has already refused a malformed one).
pub fn staff_code_key(config: &Config) -> Option<Box<dyn CodeVerifier + Send + Sync>> {
    let key = config.staff.code_public_key.as_deref()?;
    match Ed25519Verifier::from_hex(key) {
        Some(v) => Some(Box::new(v)),
        None => {
            tracing::warn!(target: "alert", message_id = hall_link::journal::ALERT, "staff.code_public_key is not an Ed25519 public key: staff codes refused");
            None
        }
    }
}

/// The staff office's side: a private key that makes single-use staff codes.
pub struct StaffCodeSigner(ed25519_dalek::SigningKey);

impl StaffCodeSigner {
    /// A new key from the system's random source.
    pub fn generate() -> StaffCodeSigner {
        let mut seed = [0u8; 32];
        argon2::password_hash::rand_core::RngCore::fill_bytes(
            &mut argon2::password_hash::rand_core::OsRng,
            &mut seed,
        );
        StaffCodeSigner(ed25519_dalek::SigningKey::from_bytes(&seed))
    }

    /// Reads a private key file as `kiosk staff keygen` writes it (64 hex digits, 0600).
    pub fn read(path: &Path) -> Result<StaffCodeSigner, StaffKeyError> {
        let text = read_key_file(path)?;
        let seed: [u8; 32] = hex::decode(text.trim())
            .map_err(|source| StaffKeyError::Hex {
                path: path.to_path_buf(),
                source,
            })?
            .try_into()
            .map_err(|b: Vec<u8>| StaffKeyError::Short {
                path: path.to_path_buf(),
                len: b.len(),
            })?;
        Ok(StaffCodeSigner(ed25519_dalek::SigningKey::from_bytes(
            &seed,
        )))
    }

    /// The private key's file text (hex).
    pub fn private_hex(&self) -> String {
        hex::encode(self.0.to_bytes())
    }

    /// The public key for `staff.code_public_key` (hex).
    pub fn public_hex(&self) -> String {
        hex::encode(self.0.verifying_key().to_bytes())
    }

    /// The signature (hex) of a file's bytes, e.g. a provisioning file.
    pub fn sign_bytes(&self, bytes: &[u8]) -> String {
        use ed25519_dalek::Signer;
        hex::encode(self.0.sign(bytes).to_bytes())
    }

    /// A single-use code for `staff_id`, valid until `expires` (Unix seconds).
    pub fn code(&self, staff_id: &str, expires: i64) -> String {
        use ed25519_dalek::Signer;
        let mut nonce = [0u8; 12];
        argon2::password_hash::rand_core::RngCore::fill_bytes(
            &mut argon2::password_hash::rand_core::OsRng,
            &mut nonce,
        );
        let message = format!("hk:staff:v2:{staff_id}:{expires}:{}", hex::encode(nonce));
        let sig = self.0.sign(message.as_bytes());
        format!("{message}:{}", hex::encode(sig.to_bytes()))
    }
}
