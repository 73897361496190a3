//! hall kiosk: the self-service kiosk of a government service hall.
//!
//! A tap travels `ui` -> [`app`] -> [`flows`] -> (effects) -> [`services`] -> `hall_link` /
//! `kiosk_drivers`, and the answer comes back as an event to the flow that owns it. Arrows
//! point only downward; nothing below [`app`] knows Slint.
//!
//! - [`ui`]: the generated Slint code (`ui/*.slint`): the window, its globals and enums.
//! - [`app`]: Slint controllers: callbacks to flow inputs, effects to property writes and
//!   desk calls; `app::start` / `app::run` wire a window to the services.
//! - [`flows`]: each citizen flow's rules as plain state machines, tested without I/O.
//! - [`domain`]: the kiosk's own types and rules (tickets, cards, submissions, status),
//!   the events to the UI and the traits the services implement; no Slint, no I/O.
//! - [`services`]: `Services::start` / `shutdown`: the link, the device loops, the desk
//!   (one file per business), conversions to the interface's types, the demo's world.
//! - [`health`]: the status board, the pure assessment, the monitor (lamps, heartbeat,
//!   metrics) and staff's live actions.
//! - [`printing`]: what goes on each slip, and the printer's condition.
//! - [`tasks`]: background tasks, tracked, with one stop signal.
//! - [`platform`]: configuration, logging, doctor, backlight, systemd.
//! - [`cli`]: the `kiosk` command's subcommands, one file per group.
//! - [`screenshot`]: headless rendering of any screen to PNG.
//! - `kiosk_drivers` (drivers/): ID-card reader, printer, scanner, GPIO, and their simulators.
//! - `hall_link` (hall/): interface v1 client, durable outbox, and the reference backend.
//!
//! Layers: `app` -> `flows` -> `domain`; `app` -> `services` -> `health` -> `printing` ->
//! `domain`; every layer may use `platform` and `tasks`; none uses one above it.

pub mod app;
pub mod cli;
pub mod domain;
pub mod flows;
pub mod health;
pub mod platform;
pub mod printing;
pub mod screenshot;
pub mod services;
pub mod tasks;
pub mod ui;
