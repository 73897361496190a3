//! Second-generation resident ID-card readers (GA 467 SAM frames).
//!
//! - [`protocol`]: frames and status words, pure functions over bytes (fuzzed).
//! - [`text`]: the 256-byte text block of the three card types; masking; check digits.
//! - [`reader`]: [`CardReader`] and the serial implementation, with timeouts and retries.
//! - [`watch`]: the card watch on its own thread, events on tokio.
//! - [`sim`]: a reader simulator on a pty speaking the same frames.
//! - [`cli`]: `kiosk device idcard read|sam`.

pub mod cli;
pub mod protocol;
pub mod reader;
pub mod sim;
pub mod text;
pub mod watch;

pub use reader::{CardReader, IdCardError, SerialCardReader};
pub use text::{CardType, IdCard, Validity};
pub use watch::{spawn_card_watch, CardEvent, WatchConfig, WatchHandle};
