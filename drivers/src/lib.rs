//! Device drivers of the hall kiosk.
//!
//! Each device has three parts: a pure protocol module (bytes in, values out; fuzzed),
//! a transport that does the I/O, and a simulator that speaks the same bytes over a
//! pseudo-terminal or socket, used by the demo and the tests.
//!
//! - [`idcard`]: second-generation resident ID-card readers (GA 467 SAM frames).
//! - [`printer`]: ESC/POS thermal receipt printers, layouts, and a rendering simulator.
//! - [`scanner`]: QR scanners (serial line, HID keyboard wedge, camera) and payload schemes.
//! - [`gpio`]: lamps, buzzer, help button and sensors (rppal, or simulated).
//! - [`alive`]: the beats device workers stamp, which the app's watchdog reads.

pub mod alive;
pub mod gpio;
pub mod idcard;
pub mod printer;
pub mod scanner;
pub mod sim_pty;
