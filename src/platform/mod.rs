//! What the kiosk needs from the machine it runs on: configuration, logging, device discovery, backlight
//! (on a device) systemd notification, and software updates through RAUC.

pub mod backlight;
pub mod config;
pub mod doctor;
pub mod liveness;
pub mod logging;
pub mod network;
pub mod probe;
pub mod systemd;
pub mod update;
