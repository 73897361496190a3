//! The kiosk's condition as staff and hall IT see it: one line per part, with a level.

/// Words for staff, as a code the UI translates (`StaffWords.text` in
/// `ui/screens/staff.slint`) and up to two values it fills in: never prose built here, so a
/// Chinese kiosk's staff never read English. Values are numbers, ticket numbers, times and
/// versions, not words.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Phrase {
    pub code: &'static str,
    pub a: String,
    pub b: String,
}

impl Phrase {
    pub fn new(code: &'static str) -> Phrase {
        Phrase {
            code,
            a: String::new(),
            b: String::new(),
        }
    }

    pub fn with(code: &'static str, a: impl ToString) -> Phrase {
        Phrase {
            a: a.to_string(),
            ..Phrase::new(code)
        }
    }

    pub fn with2(code: &'static str, a: impl ToString, b: impl ToString) -> Phrase {
        Phrase {
            a: a.to_string(),
            b: b.to_string(),
            ..Phrase::new(code)
        }
    }
}

/// One line of the staff status screen, built by whoever knows the state (devices, link):
/// the part's code (`printer`, `backend`, ...), its level and what is known of it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatusLine {
    pub name: String,
    pub level: Level,
    pub phrases: Vec<Phrase>,
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
