//! Citizen flows as plain logic with no I/O and no UI: what to show and what to ask for,
//! given what the devices and the backend said. Tested without a window or a socket.
//!
//! A citizen flow with stages is a state machine, `handle(Input, &Context) -> Vec<Effect>`,
//! driven by its controller in `crate::app`, which turns Slint callbacks and `AppEvent`s
//! into inputs and carries out the effects (property writes, screens, desk calls, timers):
//! [`ticket`] (取号, 预约签到) and [`submit`] (自助申报). [`form`] and [`validate`] hold the
//! rules of what citizens type.

pub mod form;
pub mod pinyin_ime;
pub mod screen_rest;
pub mod staff;
pub mod submit;
pub mod ticket;
pub mod validate;
