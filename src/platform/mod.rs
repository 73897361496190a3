//! What the kiosk needs from the machine it runs on: configuration, logging, device discovery, backlight
//! and (on a device) systemd notification.

pub mod backlight;
pub mod config;
pub mod doctor;
pub mod liveness;
pub mod logging;
pub mod network;
pub mod probe;
pub mod systemd;
