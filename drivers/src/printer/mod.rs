//! ESC/POS thermal receipt printers (58 and 80 mm).
//!
//! - [`text`]: encodings (GB 18030 in FS & mode, GBK, UTF-8), column widths, wrapping.
//! - [`shaped`]: Tibetan shaped (harfrust) and drawn into raster lines, for the printers'
//!   lack of a Tibetan font.
//! - [`layout`]: tickets, material checklists, receipts and the test page, as job bytes.
//! - [`status`]: DLE EOT / GS r status bytes.
//! - [`device`]: [`ReceiptPrinter`] over serial, `/dev/usb/lp0` or `tcp:HOST:9100`.
//! - [`escpos_parse`], [`document`], [`render`]: the printer's side of the stream (fuzzed),
//!   the page model the tests read, and 203 dpi PNG pages.
//! - [`sim`]: a printer on a pty that prints into documents and PNG files.
//! - [`cli`]: `kiosk device printer test|status|render`.

pub mod cli;
pub mod device;
pub mod document;
pub mod escpos_parse;
pub mod glyph;
pub mod layout;
pub mod render;
pub mod shaped;
pub mod sim;
pub mod status;
pub mod text;

pub use device::{EscPosPrinter, PortSpec, PrintError, PrintReport, ReceiptPrinter};
pub use layout::{Job, PaperWidth, Profile};
pub use status::{Condition, Paper, PrinterStatus};
pub use text::TextEncoding;
