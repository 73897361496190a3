//! Citizen flows as plain logic with no I/O and no UI: what to show and what to ask for,
//! given what the devices and the backend said. Tested without a window or a socket.
//!
//! Each citizen flow with stages is a state machine, `handle(Input, ..) -> Vec<Effect>`,
//! driven by its controller in `crate::app`, which turns Slint callbacks and `AppEvent`s
//! into inputs and carries out the effects (property writes, screens, desk calls, timers):
//! [`ticket`] (取号, 预约签到), [`booking`] (预约办理), [`payment`] (缴费), [`submit`] (自助申报), [`progress`] (进度查询), [`guide`]
//! (办事指南), [`feedback`] (好差评, 投诉建议), [`help`] (呼叫帮办) and [`staff`] (staff mode,
//! with its PIN gate and lockout); [`form`] and [`validate`] hold the rules of what citizens type;
//! [`pinyin_ime`] the on-screen keyboard's input method; [`screen_rest`] when the screen
//! rests after hours.

pub mod booking;
pub mod feedback;
pub mod form;
pub mod guide;
pub mod help;
pub mod payment;
pub mod pinyin_ime;
pub mod progress;
pub mod screen_rest;
pub mod staff;
pub mod submit;
pub mod ticket;
pub mod validate;
