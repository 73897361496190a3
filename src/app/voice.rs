//! When the kiosk speaks: a screen's prompt shortly after it is entered (cut off by the next
//! touch), the issued ticket's number and window, faults, and the speaker button that
//! repeats the prompt and turns voice on for the session. What is said never includes a
//! name, an ID number or anything else personal: prompts are fixed texts, and the only
//! thing spelled out is the ticket number.

use std::cell::{Cell, RefCell};
use std::rc::Weak;
use std::time::Duration;

use slint::ComponentHandle;

use super::Kiosk;
use crate::domain::voice::Utterance;
use crate::platform::config::Locale;
use crate::services::voice::Voice;
use crate::ui::{
    AppWindow, Complaint, Language, Nav, PrintState, Rating, RatingOutcome, Screen, Shell, Speech,
    Submit, Theme, TicketFlow,
};

/// A screen's prompt waits this long: a citizen who taps straight on is not talked over,
/// and one who hesitates is told what to do.
const SCREEN_DELAY: Duration = Duration::from_millis(700);
/// The ticket is said as soon as its screen shows.
const TICKET_DELAY: Duration = Duration::from_millis(200);

pub struct VoiceController {
    kiosk: Weak<Kiosk>,
    voice: RefCell<Voice>,
    /// The citizen pressed the speaker button in this session.
    asked: Cell<bool>,
}

impl VoiceController {
    pub fn new(kiosk: Weak<Kiosk>) -> VoiceController {
        VoiceController {
            kiosk,
            voice: RefCell::new(Voice::off()),
            asked: Cell::new(false),
        }
    }

    pub fn wire(&self, window: &crate::ui::AppWindow) {
        let kiosk = self.kiosk.clone();
        window.global::<Speech>().on_read_aloud(move || {
            if let Some(k) = kiosk.upgrade() {
                k.voice().read_aloud();
            }
        });
    }

    pub fn set_voice(&self, voice: Voice) {
        *self.voice.borrow_mut() = voice;
    }

    pub fn voice(&self) -> Voice {
        self.voice.borrow().clone()
    }

    /// Staff turn the volume up or down by `step` percent and hear the home prompt at the
    /// new volume; returns the new value.
    pub fn step_volume(&self, step: i32) -> u8 {
        let voice = self.voice.borrow();
        let percent = (i32::from(voice.volume()) + step).clamp(0, 100) as u8;
        voice.set_volume(percent);
        let locale = self.kiosk.upgrade().map_or(Locale::ZhCn, |k| {
            locale_of(k.window().global::<Shell>().get_language())
        });
        voice.say(Utterance::prompt("screen-home"), locale, Duration::ZERO);
        percent
    }

    /// A screen was entered.
    pub fn entered(&self, screen: Screen) {
        let Some(k) = self.kiosk.upgrade() else {
            return;
        };
        if !self.speaks(&k) {
            return;
        }
        let locale = locale_of(k.window().global::<Shell>().get_language());
        if let Some(said) = words_for(k.window(), screen, locale) {
            let delay = if screen == Screen::TicketIssued {
                TICKET_DELAY
            } else {
                SCREEN_DELAY
            };
            self.voice.borrow().say(said, locale, delay);
        }
    }

    /// Something went wrong that the citizen must hear about (paper out, printer down). On
    /// the ticket's screen the number is said again before it: with no slip, the citizen
    /// has only the number they remember.
    pub fn fault(&self, id: &str) {
        let Some(k) = self.kiosk.upgrade() else {
            return;
        };
        if !self.speaks(&k) {
            return;
        }
        let window = k.window();
        let locale = locale_of(window.global::<Shell>().get_language());
        let ticket = window.global::<TicketFlow>();
        let number = ticket.get_ticket_no();
        let said =
            if window.global::<Nav>().get_screen() == Screen::TicketIssued && !number.is_empty() {
                Utterance::ticket(&number, &ticket.get_windows(), locale).then(id)
            } else {
                Utterance::prompt(id)
            };
        self.voice.borrow().say(said, locale, Duration::ZERO);
    }

    /// A touch: whatever is being said stops (the next screen has its own prompt).
    pub fn touched(&self) {
        self.voice.borrow().stop();
    }

    /// The session ended: silence, and the next citizen starts with voice as configured.
    pub fn end_session(&self) {
        self.asked.set(false);
        if let Some(k) = self.kiosk.upgrade() {
            k.window().global::<Speech>().set_asked(false);
        }
        self.voice.borrow().stop();
    }

    /// The speaker button: say this screen's prompt now, and speak from here on.
    fn read_aloud(&self) {
        let Some(k) = self.kiosk.upgrade() else {
            return;
        };
        self.asked.set(true);
        k.window().global::<Speech>().set_asked(true);
        let screen = k.window().global::<Nav>().get_screen();
        let locale = locale_of(k.window().global::<Shell>().get_language());
        if let Some(said) = words_for(k.window(), screen, locale) {
            self.voice.borrow().say(said, locale, Duration::ZERO);
        }
    }

    /// The idle countdown's warning is showing: the citizen who cannot read it hears it.
    pub fn idle_warning(&self) {
        let Some(k) = self.kiosk.upgrade() else {
            return;
        };
        if self.speaks(&k) {
            let locale = locale_of(k.window().global::<Shell>().get_language());
            self.voice
                .borrow()
                .say(Utterance::prompt("ending-idle"), locale, Duration::ZERO);
        }
    }

    fn speaks(&self, k: &Kiosk) -> bool {
        let elderly = k.window().global::<Theme>().get_elderly();
        self.voice.borrow().mode().speaks(elderly, self.asked.get())
    }
}

/// What is said on entering `screen`: its prompt, with what the screen's state adds (the
/// ticket's number and window, a receipt to take, a goodbye); nothing where the prompt
/// would be wrong (a rating that was not kept is not thanked for).
fn words_for(window: &AppWindow, screen: Screen, locale: Locale) -> Option<Utterance> {
    match screen {
        Screen::TicketIssued => {
            let ticket = window.global::<TicketFlow>();
            let number = ticket.get_ticket_no();
            if number.is_empty() {
                return None;
            }
            let mut said = Utterance::ticket(&number, &ticket.get_windows(), locale);
            if ticket.get_offline() {
                said = said.then("fault-offline");
            }
            if !matches!(
                ticket.get_print_state(),
                PrintState::PaperOut | PrintState::PrinterOffline
            ) {
                said = said.then("ticket-take");
            }
            Some(said)
        }
        Screen::SubmitDone => {
            let printing = matches!(
                window.global::<Submit>().get_print_state(),
                PrintState::Printing | PrintState::Printed
            );
            let said = Utterance::prompt("screen-submit-done");
            let said = if printing {
                said.then("ending-take-receipt")
            } else {
                said
            };
            Some(said.then("ending-thanks"))
        }
        Screen::RatingDone => match window.global::<Rating>().get_result() {
            RatingOutcome::Already | RatingOutcome::NotSaved => None,
            _ => Some(Utterance::prompt("screen-rating-done").then("ending-thanks")),
        },
        Screen::ComplaintDone => {
            let c = window.global::<Complaint>();
            if c.get_not_saved() {
                return None;
            }
            let said = Utterance::prompt("screen-complaint-done");
            let said = if c.get_slip_printed() {
                said.then("ending-take-receipt")
            } else {
                said
            };
            Some(said.then("ending-thanks"))
        }
        _ => prompt_of(screen).map(Utterance::prompt),
    }
}

fn locale_of(language: Language) -> Locale {
    match language {
        Language::ZhCn => Locale::ZhCn,
        Language::ZhTw => Locale::ZhTw,
        Language::En => Locale::En,
        Language::Bo => Locale::Bo,
    }
}

/// Each citizen screen's prompt (data/voice/prompts.toml); staff screens say nothing.
pub fn prompt_of(screen: Screen) -> Option<&'static str> {
    Some(match screen {
        Screen::Home => "screen-home",
        Screen::Unavailable => "screen-unavailable",
        Screen::TicketCategories => "screen-ticket-categories",
        Screen::TicketMethod => "screen-ticket-method",
        Screen::TicketCardWait => "screen-ticket-card-wait",
        Screen::TicketPrinting => "screen-ticket-printing",
        Screen::TicketIssued => "ticket-issued",
        Screen::TicketFailed => "screen-ticket-failed",
        Screen::Checkin => "screen-checkin",
        Screen::CheckinNotFound => "screen-checkin-not-found",
        Screen::BookPick => "screen-book-pick",
        Screen::BookCard => "screen-book-card",
        Screen::BookDate => "screen-book-date",
        Screen::BookSlot => "screen-book-slot",
        Screen::BookConfirm => "screen-book-confirm",
        Screen::BookBooking => "screen-book-booking",
        Screen::BookDone => "screen-book-done",
        Screen::BookFailed => "screen-book-failed",
        Screen::PayMethod => "screen-pay-method",
        Screen::PayQr => "screen-pay-qr",
        Screen::PayScan => "screen-pay-scan",
        Screen::PayDone => "screen-pay-done",
        Screen::PayFailed => "screen-pay-failed",
        Screen::GuideList => "screen-guide-list",
        Screen::GuideDetail => "screen-guide-detail",
        Screen::HelpCalled => "screen-help-called",
        Screen::SubmitPick => "screen-submit-pick",
        Screen::SubmitCard => "screen-submit-card",
        Screen::SubmitForm => "screen-submit-form",
        Screen::SubmitMaterials => "screen-submit-materials",
        Screen::SubmitReview => "screen-submit-review",
        Screen::SubmitSending => "screen-submit-sending",
        Screen::SubmitDone => "screen-submit-done",
        Screen::SubmitFailed => "screen-submit-failed",
        Screen::Progress => "screen-progress",
        Screen::ProgressResult => "screen-progress-result",
        Screen::RatingStart => "screen-rating-start",
        Screen::Rating => "screen-rating",
        Screen::RatingReasons => "screen-rating-reasons",
        Screen::RatingDone => "screen-rating-done",
        Screen::Complaint => "screen-complaint",
        Screen::ComplaintDone => "screen-complaint-done",
        Screen::OutOfService => "screen-out-of-service",
        Screen::StaffPin | Screen::StaffStatus | Screen::StaffOutbox | Screen::StaffTest => {
            return None
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::voice::Prompts;

    #[test]
    fn every_citizen_screen_has_a_prompt_in_the_catalogue() {
        let screens = [
            Screen::Home,
            Screen::Unavailable,
            Screen::TicketCategories,
            Screen::TicketMethod,
            Screen::TicketCardWait,
            Screen::TicketPrinting,
            Screen::TicketIssued,
            Screen::TicketFailed,
            Screen::Checkin,
            Screen::CheckinNotFound,
            Screen::BookPick,
            Screen::BookCard,
            Screen::BookDate,
            Screen::BookSlot,
            Screen::BookConfirm,
            Screen::BookBooking,
            Screen::BookDone,
            Screen::BookFailed,
            Screen::PayMethod,
            Screen::PayQr,
            Screen::PayScan,
            Screen::PayDone,
            Screen::PayFailed,
            Screen::GuideList,
            Screen::GuideDetail,
            Screen::HelpCalled,
            Screen::SubmitPick,
            Screen::SubmitCard,
            Screen::SubmitForm,
            Screen::SubmitMaterials,
            Screen::SubmitReview,
            Screen::SubmitSending,
            Screen::SubmitDone,
            Screen::SubmitFailed,
            Screen::Progress,
            Screen::ProgressResult,
            Screen::RatingStart,
            Screen::Rating,
            Screen::RatingReasons,
            Screen::RatingDone,
            Screen::Complaint,
            Screen::ComplaintDone,
            Screen::OutOfService,
        ];
        for s in screens {
            let id = prompt_of(s).unwrap_or_else(|| panic!("{s:?} has no prompt"));
            assert!(
                Prompts::builtin().get(id).is_some(),
                "{id} not in prompts.toml"
            );
        }
        assert_eq!(prompt_of(Screen::StaffStatus), None);
    }
}
