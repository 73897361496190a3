//! What goes into the ticket flow and what comes out of it.

use std::time::Duration;

use crate::domain::{
    CardHolder, CheckinFailure, CheckinKey, IssuedTicket, PrintOutcome, Priority, ScannedCode,
    TicketFailure, TicketOrder,
};

/// The flow's screens.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum View {
    Categories,
    Method,
    CardWait,
    Printing,
    Issued,
    Failed,
    Checkin,
    CheckinFailed,
}

/// Why a card placed on the reader cannot be used.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CardProblem {
    NoCard,
    ReadFailed,
    ReaderOffline,
    Unreadable,
    Expired,
}

/// Why no ticket was issued, as the citizen is told.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Failure {
    /// Outside opening hours; the next opening as the screen shows it ("08:30" today, or
    /// "2026-11-25 08:30").
    Closed {
        next_opening: String,
    },
    NoOfflineNumbers,
    Unavailable,
    /// The card holder already holds `ticket_no` in this category: one ticket per person,
    /// and a reprint of it is offered instead.
    AlreadyHeld {
        ticket_no: String,
    },
}

/// Where a check-in stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CheckinState {
    Waiting,
    LookingUp,
    BadCode,
    Failed(CheckinFailure),
}

/// What became of the slip.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PrintState {
    Printing,
    Printed,
    PaperOut,
    PrinterOffline,
}

impl PrintState {
    /// A finished print as the screen says it, and how long the screen then stays:
    /// `printed_s` when the slip came out, `on_screen_s` when the citizen must read or
    /// photograph the screen instead.
    pub fn after(outcome: PrintOutcome, printed_s: u32, on_screen_s: u32) -> (PrintState, u32) {
        match outcome {
            PrintOutcome::Printed | PrintOutcome::PrintedPaperLow => {
                (PrintState::Printed, printed_s)
            }
            PrintOutcome::PaperOut => (PrintState::PaperOut, on_screen_s),
            PrintOutcome::PrinterOffline => (PrintState::PrinterOffline, on_screen_s),
        }
    }
}

/// What the citizen and the devices did.
#[derive(Debug, Clone)]
pub enum Input {
    /// The 取号 tile (or "take an ordinary ticket" from check-in).
    Start,
    /// The 预约签到 tile.
    StartCheckin,
    ChooseCategory(String),
    ChoosePriority(Option<Priority>),
    WithCard,
    WithoutCard,
    CancelCard,
    Card(CardHolder),
    CardUnreadable,
    ReaderOffline,
    CardRemoved,
    Scanned(ScannedCode),
    Issued {
        request: u64,
        result: Result<IssuedTicket, TicketFailure>,
    },
    CheckedIn {
        request: u64,
        result: Result<IssuedTicket, CheckinFailure>,
    },
    Printed {
        request: u64,
        outcome: PrintOutcome,
    },
    /// Reprint the ticket the card holder already holds (after [`Failure::AlreadyHeld`]).
    ReprintHeld,
    /// The card wait timer ran out.
    CardWaitElapsed,
    /// The issue timer of `request` ran out.
    IssueTimedOut {
        request: u64,
    },
    /// Home, idle timeout: forget everything.
    Reset,
}

/// What the controller is asked to do, in order.
#[derive(Debug, Clone, PartialEq)]
pub enum Effect {
    Show(View),
    /// Refresh the category list (live figures, open or closed).
    ShowCategories,
    AskForQueueFigures,
    CategoryChosen {
        code: String,
        name: String,
        windows: String,
    },
    Priority {
        priority: Option<Priority>,
        /// The card holder's age gave it: the screen says why, and switches to the larger
        /// type (适老化) without being asked.
        from_card: bool,
    },
    CardProblem(Option<CardProblem>),
    Failed(Failure),
    Checkin(CheckinState),
    /// The ticket to show; the holder is shown masked.
    ShowTicket {
        ticket: IssuedTicket,
        category_name: String,
        windows: String,
        holder: Option<CardHolder>,
    },
    PrintState(PrintState),
    /// Return home after this many seconds (counted down on screen).
    HomeIn(u32),
    /// The card left: its data leaves the screen.
    ForgetHolder,
    TakeTicket {
        request: u64,
        order: TicketOrder,
    },
    CheckIn {
        request: u64,
        key: CheckinKey,
    },
    PrintTicket {
        request: u64,
        ticket: IssuedTicket,
        category_name: String,
        windows: String,
    },
    /// Reprints a ticket the citizen already holds: its number and category, marked as a
    /// reprint (the backend's answer gave only the number).
    ReprintHeld {
        request: u64,
        ticket_no: String,
        category: String,
        category_name: String,
        windows: String,
    },
    StartCardWait(Duration),
    StartIssueTimeout {
        request: u64,
        after: Duration,
    },
    StopTimers,
    /// Everything personal and every pending wait is gone: clear the screen's fields.
    Cleared,
}
