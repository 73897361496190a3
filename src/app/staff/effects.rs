//! Carries out the staff flow's effects on the window, the kiosk and [`StaffActions`].

use slint::{ComponentHandle, ModelRc, VecModel};

use super::StaffController;
use crate::app::KioskLink;
use crate::domain::{Level, Phrase};
use crate::flows::staff::{Confirm, Effect, Input, PinMessage as Message, Reason, Test, View};
use crate::ui::{
    self, ConfirmAction, DeadRow, DeviceTest, DeviceTestState, KioskInfo, Nav, OutOfServiceReason,
    PinMessage, Screen, Shell, Staff, StatusLevel, StatusRow,
};

impl StaffController {
    pub(super) fn apply(&self, effect: Effect) {
        match effect {
            Effect::Show(view) => self.show(view),
            Effect::PinDots(n) => self.kiosk.ui(|w| {
                let staff = w.global::<Staff>();
                staff.set_pin_length(n as i32);
                staff.set_pin_dots("● ".repeat(n).trim_end().into());
            }),
            Effect::PinMessage(message) => self.pin_message(message),
            Effect::Audit { who, what } => self.actions.borrow().audit(&who, &what),
            Effect::Alert { what, staff } => match staff {
                Some(staff) => {
                    tracing::warn!(target: "alert", message_id = hall_link::journal::ALERT, staff = %staff, "{what}")
                }
                None => {
                    tracing::warn!(target: "alert", message_id = hall_link::journal::ALERT, "{what}")
                }
            },
            Effect::StaffLocked(on) => self.actions.borrow().set_staff_locked(on),
            Effect::Activity => {
                if let Some(k) = self.kiosk.upgrade() {
                    k.activity();
                }
            }
            Effect::Run(action) => {
                let notice = self.actions.borrow().act(action);
                self.notice(notice);
            }
            Effect::DeadLetter { key, action } => {
                let notice = self.actions.borrow().dead_letter(&key, action);
                self.notice(notice);
            }
            Effect::Confirm(asked) => self.kiosk.ui(|w| {
                let staff = w.global::<Staff>();
                let (key, action) = asked.map_or((String::new(), ConfirmAction::None), |(k, a)| {
                    (k, confirm_action(a))
                });
                staff.set_confirm_key(key.into());
                staff.set_confirm_action(action);
            }),
            Effect::Notice(notice) => self.notice(notice),
            Effect::GateChanged => {
                let state = self
                    .flow
                    .borrow()
                    .gate_state(std::time::Instant::now(), hall_link::clock::now_ms());
                self.actions.borrow().save_gate(state);
            }
            Effect::ClearHelp => {
                if let Some(k) = self.kiosk.upgrade() {
                    k.help().end(false);
                }
            }
            Effect::StepVolume(step) => {
                let percent = self
                    .kiosk
                    .upgrade()
                    .map_or(0, |k| k.voice().step_volume(i32::from(step)));
                self.feed(Input::Volume(percent));
            }
            Effect::StepBrightness(step) => {
                let percent = self
                    .kiosk
                    .upgrade()
                    .map_or(0, |k| k.screen().step_brightness(i32::from(step)));
                self.feed(Input::Brightness(percent));
            }
            Effect::TestStarted(test) => self.kiosk.ui(|w| {
                let staff = w.global::<Staff>();
                staff.set_test_kind(match test {
                    Test::Card => DeviceTest::Card,
                    Test::Scan => DeviceTest::Scan,
                });
                staff.set_test_state(DeviceTestState::Waiting);
                staff.set_test_result("".into());
            }),
            Effect::TestResult { ok, result } => self.kiosk.ui(|w| {
                let staff = w.global::<Staff>();
                staff.set_test_state(if ok {
                    DeviceTestState::Ok
                } else {
                    DeviceTestState::Failed
                });
                staff.set_test_result(result.into());
            }),
            Effect::Taken => {}
            Effect::KeepOutOfService { on, reason } => self
                .actions
                .borrow()
                .set_out_of_service(on, reason.map_or("", Reason::code)),
            Effect::ShowOutOfService { on, reason } => self.kiosk.ui(|w| {
                w.global::<Staff>().set_out_of_service(on);
                let shell = w.global::<Shell>();
                shell.set_out_of_service(on);
                shell.set_out_of_service_reason(reason_ui(reason));
            }),
            Effect::RequestRestart => {
                if let Some(k) = self.kiosk.upgrade() {
                    k.request_restart();
                }
            }
            Effect::GoHome => {
                if let Some(k) = self.kiosk.upgrade() {
                    k.go_home();
                }
            }
        }
    }

    fn notice(&self, notice: Phrase) {
        self.kiosk
            .ui(|w| w.global::<Staff>().set_notice(phrase_ui(&notice)));
    }

    fn pin_message(&self, message: Message) {
        if let Message::Wrong { tries_left } = message {
            tracing::warn!("staff PIN wrong; {tries_left} tries left");
        }
        self.kiosk.ui(|w| {
            let staff = w.global::<Staff>();
            match message {
                Message::None => staff.set_message(PinMessage::None),
                Message::Wrong { tries_left } => {
                    staff.set_message(PinMessage::Wrong);
                    staff.set_tries_left(tries_left as i32);
                }
                Message::Locked { minutes } => {
                    staff.set_message(PinMessage::Locked);
                    staff.set_locked_minutes(minutes as i32);
                }
                Message::CodeOnly => staff.set_message(PinMessage::CodeOnly),
            }
        });
    }

    fn show(&self, view: View) {
        let screen = match view {
            View::Pin => Screen::StaffPin,
            View::Status => {
                self.fill_status();
                Screen::StaffStatus
            }
            View::Outbox => {
                self.fill_outbox();
                Screen::StaffOutbox
            }
            View::Test => Screen::StaffTest,
        };
        // Not `KioskLink::show`: staff screens are not citizen activity, and staff mode
        // keeps its own idle countdown.
        self.kiosk.ui(|w| w.global::<Nav>().set_screen(screen));
    }

    fn fill_status(&self) {
        let lines = self.actions.borrow().status();
        let kiosk = self.kiosk.upgrade();
        let info = kiosk.as_ref().map(|k| KioskInfo {
            id: k.options().kiosk_id.clone().into(),
            version: env!("CARGO_PKG_VERSION").into(),
            // Empty: the screen says "no network" in its own language.
            address: crate::platform::network::route_address()
                .unwrap_or_default()
                .into(),
        });
        let help_open =
            self.actions.borrow().help_open() || kiosk.as_ref().is_some_and(|k| k.help().active());
        let (brightness, backlight) = kiosk.as_ref().map_or((0, false), |k| {
            (k.screen().brightness(), k.screen().has_backlight())
        });
        let (volume, speaks) = kiosk.as_ref().map_or((0, false), |k| {
            let voice = k.voice().voice();
            (
                voice.volume(),
                voice.mode() != crate::domain::voice::VoiceMode::Off,
            )
        });
        let rows: Vec<StatusRow> = lines
            .into_iter()
            .map(|l| StatusRow {
                name: l.name.into(),
                level: level_ui(l.level),
                phrases: ModelRc::new(VecModel::from(
                    l.phrases.iter().map(phrase_ui).collect::<Vec<_>>(),
                )),
            })
            .collect();
        self.kiosk.ui(|w| {
            let staff = w.global::<Staff>();
            staff.set_status(ModelRc::new(VecModel::from(rows)));
            staff.set_help_open(help_open);
            staff.set_brightness(i32::from(brightness));
            staff.set_has_backlight(backlight);
            staff.set_volume(i32::from(volume));
            staff.set_has_voice(speaks);
            if let Some(info) = info {
                staff.set_kiosk_info(info);
            }
        });
    }

    fn fill_outbox(&self) {
        let rows: Vec<DeadRow> = self
            .actions
            .borrow()
            .dead_letters()
            .into_iter()
            .map(|(key, kind, why)| DeadRow {
                key: key.into(),
                kind: kind.into(),
                why: phrase_ui(&why),
            })
            .collect();
        self.kiosk.ui(|w| {
            w.global::<Staff>()
                .set_dead(ModelRc::new(VecModel::from(rows)))
        });
    }
}

fn phrase_ui(p: &Phrase) -> ui::StaffPhrase {
    ui::StaffPhrase {
        code: p.code.into(),
        a: p.a.as_str().into(),
        b: p.b.as_str().into(),
    }
}

fn level_ui(level: Level) -> StatusLevel {
    match level {
        Level::Ok => StatusLevel::Ok,
        Level::Warn => StatusLevel::Warn,
        Level::Fault => StatusLevel::Fault,
        Level::Unknown => StatusLevel::Unknown,
    }
}

fn confirm_action(confirm: Confirm) -> ConfirmAction {
    match confirm {
        Confirm::Restart => ConfirmAction::Restart,
        Confirm::Retry => ConfirmAction::Retry,
        Confirm::Discard => ConfirmAction::Discard,
    }
}

fn reason_ui(reason: Option<Reason>) -> OutOfServiceReason {
    match reason {
        None => OutOfServiceReason::None,
        Some(Reason::Maintenance) => OutOfServiceReason::Maintenance,
        Some(Reason::Printer) => OutOfServiceReason::Printer,
        Some(Reason::Network) => OutOfServiceReason::Network,
        Some(Reason::Closed) => OutOfServiceReason::Closed,
    }
}
