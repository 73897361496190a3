//! hall kiosk: the self-service kiosk of a government service hall.
//!
//! A tap travels `ui` -> `app` -> `flows` -> (`hall_link` store and backend, `kiosk_drivers`)
//! and the answer comes back the same way; nothing below [`app`] knows Slint.
//!
//! - [`ui`]: the generated Slint code (`ui/*.slint`): the window and its globals.
//! - [`app`]: controllers that set the globals and handle their callbacks.
//! - [`platform`]: configuration, logging, opening hours.
//! - [`screenshot`]: headless rendering of any screen to PNG.
//! - `kiosk_drivers` (drivers/): ID-card reader, printer, scanner, GPIO, and their simulators.
//! - `hall_link` (hall/): interface v1 client, durable outbox, and the reference backend.

pub mod app;
pub mod flows;
pub mod live_staff;
pub mod metrics;
pub mod monitor;
pub mod platform;
pub mod printing;
pub mod runtime;
pub mod screenshot;
pub mod ui;
