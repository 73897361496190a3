//! Citizen flows as plain logic with no I/O and no UI: what to show and what to ask for,
//! given what the devices and the backend said. Tested without a window or a socket.
//!
//! [`ticket`], [`help`] and [`progress`] are state machines: the controller feeds them
//! what happened and carries out the effects they return.

pub mod feedback;
pub mod form;
pub mod guide;
pub mod help;
pub mod pinyin_ime;
pub mod progress;
pub mod screen_rest;
pub mod staff;
pub mod ticket;
pub mod validate;
