//! What staff and the devices tell the staff flow, and what it asks its controller to do.

use std::time::Instant;

use crate::domain::{AppEvent, Phrase, StaffRefusal};

/// A button on the status screen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    ClearHelp,
    TestPrint,
    PaperReplaced,
    TestCard,
    TestScan,
    Reprint,
    Flush,
    Restart,
    BrightnessDown,
    BrightnessUp,
    VolumeDown,
    VolumeUp,
}

impl Action {
    /// The code [`crate::domain::StaffActions`] and the audit log know the button by.
    pub fn code(self) -> &'static str {
        match self {
            Action::ClearHelp => "clear-help",
            Action::TestPrint => "test-print",
            Action::PaperReplaced => "paper-replaced",
            Action::TestCard => "test-card",
            Action::TestScan => "test-scan",
            Action::Reprint => "reprint",
            Action::Flush => "flush",
            Action::Restart => "restart",
            Action::BrightnessDown => "brightness-down",
            Action::BrightnessUp => "brightness-up",
            Action::VolumeDown => "volume-down",
            Action::VolumeUp => "volume-up",
        }
    }
}

/// What a dead letter's button does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DeadAction {
    Retry,
    Discard,
}

impl DeadAction {
    pub fn code(self) -> &'static str {
        match self {
            DeadAction::Retry => "retry",
            DeadAction::Discard => "discard",
        }
    }
}

/// What a first tap asked "tap again" for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Confirm {
    Restart,
    Retry,
    Discard,
}

/// Why the kiosk is out of service; citizens are told in these words.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reason {
    Maintenance,
    Printer,
    Network,
    Closed,
}

impl Reason {
    /// The code [`crate::domain::StaffActions::set_out_of_service`] keeps across a restart.
    pub fn code(self) -> &'static str {
        match self {
            Reason::Maintenance => "maintenance",
            Reason::Printer => "printer",
            Reason::Network => "network",
            Reason::Closed => "closed",
        }
    }

    /// A kept reason this build does not know shows as maintenance, the screen's general
    /// words; "" is no reason.
    pub fn from_code(code: &str) -> Option<Reason> {
        match code {
            "" => None,
            "printer" => Some(Reason::Printer),
            "network" => Some(Reason::Network),
            "closed" => Some(Reason::Closed),
            _ => Some(Reason::Maintenance),
        }
    }
}

/// The device staff are testing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Test {
    Card,
    Scan,
}

/// The staff screens.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum View {
    Pin,
    /// The status lines, read fresh each time it is shown.
    Status,
    /// The dead letters, read fresh each time it is shown.
    Outbox,
    Test,
}

/// What the PIN pad says under the dots.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PinMessage {
    None,
    Wrong {
        tries_left: u32,
    },
    Locked {
        minutes: u32,
    },
    /// PINs are off until a staff code is used.
    CodeOnly,
}

#[derive(Debug, Clone)]
pub enum Input {
    /// The hidden long press: the PIN pad opens.
    Start,
    Digit(String),
    Erase,
    Submit {
        now: Instant,
    },
    /// A staff code whose signature the scanner checked; `expires` and `now` are Unix
    /// seconds, `at` the monotonic now the lockout is kept in.
    Code {
        staff_id: String,
        expires: i64,
        now: i64,
        at: Instant,
        /// Refused by the services although signed (replayed, valid too long).
        refused: Option<StaffRefusal>,
    },
    Action(Action),
    /// The voice's volume after a [`Effect::StepVolume`], in per cent.
    Volume(u8),
    /// The screen's brightness after a [`Effect::StepBrightness`], in per cent.
    Brightness(u8),
    ShowOutbox,
    DeadLetter {
        key: String,
        action: DeadAction,
    },
    BackToStatus,
    /// A device event, offered to a test in progress before any citizen flow sees it.
    Device(AppEvent),
    /// Staff took the kiosk out of service (`on`) or put it back.
    OutOfService {
        on: bool,
        reason: Option<Reason>,
    },
    /// The state staff left before a restart (its kept code), shown without a sign-in.
    KeptOutOfService {
        on: bool,
        reason: String,
    },
    /// The exit button or staff mode's idle time.
    Leave,
}

/// What the controller is asked to do, in order.
#[derive(Debug, Clone, PartialEq)]
pub enum Effect {
    /// Switches to a staff screen (Status and Outbox are read fresh first).
    Show(View),
    /// How many digits are typed; the pad shows as many dots.
    PinDots(usize),
    PinMessage(PinMessage),
    /// Written to the audit log and sent to the backend.
    Audit {
        who: String,
        what: String,
    },
    /// An alert-level log line for hall IT, naming the staff code's person if one was used.
    Alert {
        what: &'static str,
        staff: Option<String>,
    },
    /// Staff mode is locked after wrong PINs (the alert stands until staff sign in).
    StaffLocked(bool),
    /// Restarts staff mode's own, shorter idle countdown.
    Activity,
    /// Runs an action through [`crate::domain::StaffActions::act`]; its notice is shown.
    Run(&'static str),
    /// Retries or discards a dead letter; its notice is shown.
    DeadLetter {
        key: String,
        action: &'static str,
    },
    /// The confirmation the screen asks for ("tap again"), or none.
    Confirm(Option<(String, Confirm)>),
    Notice(Phrase),
    /// The PIN gate's count or lockout changed: keep it (see [`StaffFlow::gate_state`]).
    GateChanged,
    /// Ends the citizen's help call at this kiosk.
    ClearHelp,
    /// Steps the screen's brightness by this many per cent; answer with
    /// [`Input::Brightness`].
    StepBrightness(i8),
    /// Steps the voice's volume by this many per cent and says a prompt at the new volume;
    /// answer with [`Input::Volume`].
    StepVolume(i8),
    /// The test screen waits for this device.
    TestStarted(Test),
    /// What the device read (masked) or why it failed.
    TestResult {
        ok: bool,
        result: String,
    },
    /// The device event was the test's: no citizen flow gets it.
    Taken,
    /// Keeps the state across a restart; the lamp and heartbeat follow.
    KeepOutOfService {
        on: bool,
        reason: Option<Reason>,
    },
    /// What citizens see: the out-of-service screen with its reason, or the tiles.
    ShowOutOfService {
        on: bool,
        reason: Option<Reason>,
    },
    RequestRestart,
    /// Home, which wipes the session.
    GoHome,
}
