//! 好差评: the citizen names a service (scans its ticket or receipt, or places an ID card
//! and picks from their recent services), gives one of five levels, and for a bad one says
//! why. The hall counts one rating per service; the desk says so when it is a second one.

use super::{reference_of, short_text};
use crate::domain::{
    ProgressFailure, RatingOrder, RatingResult, RecentService, ScannedCode, ServiceRef,
};

/// Levels up to this one are bad: the citizen is asked why before it is sent.
pub const BAD_UP_TO: u8 = 2;

/// The flow's screens.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum View {
    Start,
    Rate,
    Reasons,
    Done,
}

/// What the start screen says while the citizen names the service.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StartState {
    Scan,
    LookingUp,
    BadCode,
    List,
    /// The card holder has no recent services here.
    NoneFound,
    Offline,
}

/// Where the rating stands once sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Sending,
    Thanks,
    /// Kept on the kiosk until the link returns; it still counts.
    Queued,
    Already,
    /// Nothing was kept: the citizen is sent to the service desk.
    NotSaved,
}

/// Why a rating is bad, in the order the screen offers them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reason {
    WaitedTooLong,
    AskedToComeAgain,
    Attitude,
    MaterialsTwice,
    ProcessUnclear,
    Other,
}

impl Reason {
    pub const ALL: [Reason; 6] = [
        Reason::WaitedTooLong,
        Reason::AskedToComeAgain,
        Reason::Attitude,
        Reason::MaterialsTwice,
        Reason::ProcessUnclear,
        Reason::Other,
    ];

    /// How the hall's API names it.
    pub fn code(self) -> &'static str {
        match self {
            Reason::WaitedTooLong => "waited_too_long",
            Reason::AskedToComeAgain => "asked_to_come_again",
            Reason::Attitude => "attitude",
            Reason::MaterialsTwice => "materials_twice",
            Reason::ProcessUnclear => "process_unclear",
            Reason::Other => "other",
        }
    }
}

/// One of the card holder's recent services, as listed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecentLine {
    pub name: String,
    pub ref_text: String,
    pub date: String,
}

/// What the citizen and the devices did.
#[derive(Debug, Clone)]
pub enum Input {
    /// The 好差评 tile.
    Start,
    /// The service is known (scanned, picked, or handed over by another flow).
    Rate(ServiceRef),
    Card {
        id_number: String,
    },
    Recent {
        request: u64,
        result: Result<Vec<RecentService>, ProgressFailure>,
    },
    /// Row `i` of the recent services.
    PickRecent(usize),
    Scanned(ScannedCode),
    ChooseLevel(u8),
    ToggleReason(Reason),
    FocusComment,
    /// The comment as the keyboard left it.
    TypeComment(String),
    KeyboardDone,
    Submit,
    Rated {
        request: u64,
        result: RatingResult,
    },
    /// Home, idle timeout: forget everything.
    Reset,
}

/// What the controller is asked to do, in order.
#[derive(Debug, Clone, PartialEq)]
pub enum Effect {
    Show(View),
    StartState(StartState),
    Recent(Vec<RecentLine>),
    /// The service being rated, as the screen names it.
    RefText(String),
    Level(u8),
    /// Every reason with whether it is chosen.
    Reasons(Vec<(Reason, bool)>),
    CommentFocused(bool),
    Comment(String),
    /// Show the keyboard for the comment (true) or hide it.
    Keyboard(bool),
    Outcome(Outcome),
    LookUpRecent {
        request: u64,
        id_number: String,
    },
    Rate {
        request: u64,
        order: RatingOrder,
    },
    /// Everything of this rating is gone: clear the screen's fields.
    Cleared,
}

/// The state of one citizen's rating.
#[derive(Debug, Default)]
pub struct RatingFlow {
    /// On a rating screen: scans, and a card before a service is known, are ours.
    active: bool,
    /// Answers carry the request they belong to; a late one for an abandoned rating is
    /// ignored.
    request: u64,
    reference: Option<ServiceRef>,
    recent: Vec<ServiceRef>,
    level: u8,
    reasons: Vec<Reason>,
    comment: String,
}

impl RatingFlow {
    /// Whether a scanned code is for this flow.
    pub fn wants_scan(&self) -> bool {
        self.active
    }

    /// Whether a card placed on the reader is for this flow: it lists the holder's recent
    /// services until one is chosen.
    pub fn wants_card(&self) -> bool {
        self.active && self.reference.is_none()
    }

    /// Whether `request` is the one the flow waits for.
    pub fn awaits(&self, request: u64) -> bool {
        request == self.request
    }

    pub fn comment(&self) -> &str {
        &self.comment
    }

    fn next_request(&mut self) -> u64 {
        self.request += 1;
        self.request
    }

    /// Handles one input; returns what to do, in order.
    pub fn handle(&mut self, input: Input) -> Vec<Effect> {
        let mut fx = Vec::new();
        match input {
            Input::Start => {
                self.reset(&mut fx);
                self.active = true;
                fx.extend([
                    Effect::StartState(StartState::Scan),
                    Effect::Show(View::Start),
                ]);
            }
            Input::Rate(reference) => self.rate(reference, &mut fx),
            Input::Card { id_number } => {
                if self.wants_card() {
                    let request = self.next_request();
                    fx.extend([
                        Effect::StartState(StartState::LookingUp),
                        Effect::LookUpRecent { request, id_number },
                    ]);
                }
            }
            Input::Recent { request, result } => {
                if self.awaits(request) {
                    self.recent_services(result, &mut fx);
                }
            }
            Input::PickRecent(i) => {
                if let Some(reference) = self.recent.get(i).cloned() {
                    self.rate(reference, &mut fx);
                }
            }
            Input::Scanned(code) => {
                if self.wants_scan() {
                    match reference_of(&code) {
                        Some(reference) => self.rate(reference, &mut fx),
                        None => fx.push(Effect::StartState(StartState::BadCode)),
                    }
                }
            }
            Input::ChooseLevel(level) => {
                self.level = level;
                fx.push(Effect::Level(level));
                if level <= BAD_UP_TO {
                    fx.extend([self.reasons_shown(), Effect::Show(View::Reasons)]);
                } else {
                    self.send(&mut fx);
                }
            }
            Input::ToggleReason(reason) => {
                match self.reasons.iter().position(|r| *r == reason) {
                    Some(i) => {
                        self.reasons.remove(i);
                    }
                    None => self.reasons.push(reason),
                }
                fx.push(self.reasons_shown());
            }
            Input::FocusComment => {
                fx.extend([Effect::CommentFocused(true), Effect::Keyboard(true)])
            }
            Input::TypeComment(text) => {
                self.comment = text.clone();
                fx.push(Effect::Comment(text));
            }
            Input::KeyboardDone => {
                fx.extend([Effect::Keyboard(false), Effect::CommentFocused(false)])
            }
            Input::Submit => self.send(&mut fx),
            Input::Rated { request, result } => {
                if self.awaits(request) {
                    let outcome = match result {
                        RatingResult::Accepted => Outcome::Thanks,
                        RatingResult::Queued => Outcome::Queued,
                        RatingResult::AlreadyRated => Outcome::Already,
                        RatingResult::NotSaved => Outcome::NotSaved,
                    };
                    self.active = false;
                    fx.extend([Effect::Outcome(outcome), Effect::Show(View::Done)]);
                }
            }
            Input::Reset => self.reset(&mut fx),
        }
        fx
    }

    fn reset(&mut self, fx: &mut Vec<Effect>) {
        let request = self.request + 1;
        *self = RatingFlow {
            request,
            ..RatingFlow::default()
        };
        fx.push(Effect::Cleared);
    }

    fn rate(&mut self, reference: ServiceRef, fx: &mut Vec<Effect>) {
        let text = match &reference {
            // The date tells apart this morning's A017 from last week's.
            ServiceRef::Ticket { ticket_no, date } => format!("{ticket_no} · {date}"),
            ServiceRef::Receipt(no) => no.clone(),
        };
        self.reference = Some(reference);
        fx.extend([Effect::RefText(text), Effect::Show(View::Rate)]);
    }

    fn recent_services(
        &mut self,
        result: Result<Vec<RecentService>, ProgressFailure>,
        fx: &mut Vec<Effect>,
    ) {
        let Ok(list) = result else {
            fx.push(Effect::StartState(StartState::Offline));
            return;
        };
        self.recent = list.iter().map(|s| s.reference.clone()).collect();
        let lines: Vec<RecentLine> = list
            .into_iter()
            .map(|s| RecentLine {
                ref_text: short_text(&s.reference),
                name: s.name,
                date: s.date,
            })
            .collect();
        let state = if lines.is_empty() {
            StartState::NoneFound
        } else {
            StartState::List
        };
        fx.extend([Effect::Recent(lines), Effect::StartState(state)]);
    }

    fn reasons_shown(&self) -> Effect {
        Effect::Reasons(
            Reason::ALL
                .iter()
                .map(|r| (*r, self.reasons.contains(r)))
                .collect(),
        )
    }

    fn send(&mut self, fx: &mut Vec<Effect>) {
        let Some(reference) = self.reference.clone() else {
            return;
        };
        let order = RatingOrder {
            reference,
            level: self.level,
            reasons: self.reasons.iter().map(|r| r.code().to_string()).collect(),
            comment: self.comment.clone(),
        };
        let request = self.next_request();
        fx.extend([
            Effect::Keyboard(false),
            Effect::Outcome(Outcome::Sending),
            Effect::Rate { request, order },
        ]);
    }
}
