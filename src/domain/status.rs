//! The kiosk's condition as staff and hall IT see it: one line per part, with a level.

/// One line of the staff status screen, built by whoever knows the state (devices, link).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatusLine {
    pub name: String,
    pub level: Level,
    pub detail: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Level {
    Ok,
    Unknown,
    Warn,
    Fault,
}

impl Level {
    pub fn code(self) -> &'static str {
        match self {
            Level::Ok => "ok",
            Level::Warn => "warn",
            Level::Fault => "fault",
            Level::Unknown => "unknown",
        }
    }
}
