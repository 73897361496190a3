//! What staff see and do on a running kiosk: the status of each device and of the link to
//! the hall, and the actions behind the staff screen's buttons.

use hall_link::HallLink;

use super::assess::{clock_skewed, offline_numbers_low, printer_level};
use super::board::{DeviceState, HealthBoard};
use crate::domain::{Level, Phrase, StaffActions, StatusLine};
use crate::printing::{Known, PrintService};
use crate::tasks::Tasks;
use kiosk_drivers::printer::Condition;

/// Where the PIN gate's state is kept in the store.
const GATE_KEY: &str = "staff_gate";

pub struct LiveStaff {
    pub link: HallLink,
    pub printer: Option<PrintService>,
    pub health: HealthBoard,
    pub tasks: Tasks,
    pub kiosk_id: String,
    /// The kiosk's data directory, where provisioning leaves its notes.
    pub data_dir: std::path::PathBuf,
}

/// Left by /usr/lib/hall-kiosk/provision when it ignored an unsigned file on a kiosk
/// provisioned before: someone tried to re-point the kiosk, and staff should know.
pub const PROVISION_REFUSED: &str = "provision-refused";

fn device_line(
    code: &str,
    state: &DeviceState,
    last_use: (&'static str, Option<i64>),
) -> StatusLine {
    // The driver's own reason stays in the journal and `kiosk doctor`: it is English, and
    // staff need what to do, not errno.
    let (level, state) = match state {
        DeviceState::Unknown => (Level::Unknown, Phrase::new("no-report")),
        DeviceState::Ready => (Level::Ok, Phrase::new("ready")),
        DeviceState::Offline(_) => (Level::Fault, Phrase::new("device-offline")),
    };
    let mut phrases = vec![state];
    if let (what, Some(ms)) = last_use {
        phrases.push(ago(what, Some(ms)));
    }
    StatusLine {
        name: code.into(),
        level,
        phrases,
    }
}

/// The printer's line, from what it last said.
fn printer_line(known: Known) -> StatusLine {
    let (level, phrase) = match known {
        Known::Never => (Level::Unknown, Phrase::new("not-asked")),
        Known::Condition(c) => (printer_level(c), Phrase::new(printer_condition(c))),
        Known::Unreachable(_) => (Level::Fault, Phrase::new("device-offline")),
    };
    StatusLine {
        name: "printer".into(),
        level,
        phrases: vec![phrase],
    }
}

fn printer_condition(c: Condition) -> &'static str {
    match c {
        Condition::Ready => "ready",
        Condition::PaperNearEnd => "paper-near-end",
        Condition::PaperOut => "paper-out",
        Condition::CoverOpen => "cover-open",
        Condition::Error => "printer-error",
        Condition::Offline => "device-offline",
    }
}

/// The software's line: the running version and slot, the other slot's version, and an
/// update offered, waiting for closing time or for its restart (from the updater's state
/// file; without one, just this program's version).
fn software_line(
    version: &str,
    state: Option<&crate::platform::update::UpdateState>,
) -> StatusLine {
    use crate::platform::update::Step;
    let Some(st) = state else {
        return StatusLine {
            name: "software".into(),
            level: Level::Ok,
            phrases: vec![Phrase::with("version", version)],
        };
    };
    let mut phrases = vec![Phrase::with2(
        "version-slot",
        &st.running_version,
        &st.running_slot,
    )];
    if let Some(other) = &st.other_slot {
        phrases.push(match (&st.other_version, st.other_good) {
            (Some(v), true) => Phrase::with2("other-slot", other, v),
            (Some(v), false) => Phrase::with2("other-slot-bad", other, v),
            (None, _) => Phrase::with("other-slot-empty", other),
        });
    }
    let offered = st.offered.as_deref().unwrap_or("-");
    let (level, step) = match (st.step, st.wait.as_deref()) {
        (Step::NoSource | Step::UpToDate, _) => (Level::Ok, None),
        (Step::Waiting, Some("opening-hours" | "window")) => (
            Level::Ok,
            Some(Phrase::with2("update-waits-closing", offered, &st.window)),
        ),
        (Step::Waiting, _) => (Level::Ok, Some(Phrase::with("update-installing", offered))),
        (Step::RestartPending, _) => (Level::Ok, Some(Phrase::with("update-restart", offered))),
        (Step::FailedBefore, _) => (
            Level::Warn,
            Some(Phrase::with("update-failed-before", offered)),
        ),
        (Step::Failed, _) => (Level::Warn, Some(Phrase::new("update-failed"))),
    };
    phrases.extend(step);
    StatusLine {
        name: "software".into(),
        level,
        phrases,
    }
}

/// "`what` N s / min ago" (or never), as `what-s`, `what-min` or `what-never`.
fn ago(what: &'static str, ms: Option<i64>) -> Phrase {
    let Some(ms) = ms else {
        return Phrase::with2(what, "never", "");
    };
    let s = ((hall_link::clock::now_ms() - ms) / 1000).max(0);
    if s < 120 {
        Phrase::with2(what, "s", s)
    } else {
        Phrase::with2(what, "min", s / 60)
    }
}

impl StaffActions for LiveStaff {
    fn status(&self) -> Vec<StatusLine> {
        let mut lines = Vec::new();
        match &self.printer {
            Some(p) => {
                // Asked fresh in the background; this screen shows what was last known and
                // refreshes after each action.
                let p2 = p.clone();
                self.tasks.spawn_blocking(move || {
                    p2.poll();
                });
                lines.push(printer_line(p.known()));
            }
            None => lines.push(StatusLine {
                name: "printer".into(),
                level: Level::Unknown,
                phrases: vec![Phrase::new("not-configured")],
            }),
        }
        let health = self.health.snapshot();
        lines.push(device_line(
            "idcard",
            &health.reader,
            ("last-read", health.last_read_ms),
        ));
        lines.push(device_line(
            "scanner",
            &health.scanner,
            ("last-scan", health.last_scan_ms),
        ));
        let s = self.link.status();
        let mut backend = Vec::new();
        if s.auth_failed {
            backend.push(Phrase::new("token-refused"));
        } else {
            backend.push(Phrase::new(if s.online { "online" } else { "offline" }));
            // A lab's plain HTTP (`backend.allow_insecure_http`): staff are told, so it is
            // never left that way in a hall by mistake.
            if health.insecure_backend {
                backend.push(Phrase::new("insecure-http"));
            }
            backend.push(ago("last-answer", s.last_contact_ms));
            if let Some(k) = s.clock_skew_s.filter(|_| clock_skewed(s.clock_skew_s)) {
                backend.push(Phrase::with("clock-off", format!("{k:+}")));
            }
            backend.push(Phrase::with(
                "catalog",
                s.catalog_version.as_deref().unwrap_or("-"),
            ));
            backend.push(ago("catalog-confirmed", s.catalog_fetched_ms));
        }
        lines.push(StatusLine {
            name: "backend".into(),
            level: if s.auth_failed {
                Level::Fault
            } else if clock_skewed(s.clock_skew_s) || health.insecure_backend {
                Level::Warn
            } else if s.online {
                Level::Ok
            } else {
                Level::Warn
            },
            phrases: backend,
        });
        let mut outbox = vec![Phrase::with("waiting", s.outbox.pending)];
        if s.outbox.dead > 0 {
            outbox.push(Phrase::with("refused", s.outbox.dead));
        }
        lines.push(StatusLine {
            name: "outbox".into(),
            level: if s.outbox.dead > 0 {
                Level::Fault
            } else if s.outbox.pending > 0 {
                Level::Warn
            } else {
                Level::Ok
            },
            phrases: outbox,
        });
        // SQLite's message is for the journal and `kiosk doctor`; staff are told the kiosk
        // cannot save, or that it started over from a damaged store.
        if s.store_failing.is_some() || s.store_recreated.is_some() {
            lines.push(StatusLine {
                name: "database".into(),
                level: Level::Fault,
                phrases: vec![Phrase::new(if s.store_failing.is_some() {
                    "store-failing"
                } else {
                    "store-recreated"
                })],
            });
        }
        // Orders paid after their citizen left: their receipts were printed for staff to
        // hand over; today's are listed (older ones are in the store for the records).
        let day_ago = hall_link::store::now_ms() - 24 * 3600 * 1000;
        let late: Vec<_> = self
            .link
            .payments_paid_unshown()
            .unwrap_or_default()
            .into_iter()
            .filter(|p| p.created_ms > day_ago)
            .collect();
        let open = self.link.payments_open().map(|o| o.len()).unwrap_or(0);
        if !late.is_empty() || open > 0 {
            let mut phrases: Vec<Phrase> = late
                .iter()
                .take(5)
                .map(|p| {
                    Phrase::with2(
                        "paid-late",
                        p.payment_no.as_deref().unwrap_or("-"),
                        crate::domain::payment::yuan(p.amount_fen),
                    )
                })
                .collect();
            if open > 0 {
                phrases.push(Phrase::with("payments-open", open));
            }
            lines.push(StatusLine {
                name: "payments".into(),
                level: if late.is_empty() {
                    Level::Ok
                } else {
                    Level::Warn
                },
                phrases,
            });
        }
        if let Some(help) = &health.help {
            lines.push(StatusLine {
                name: "help".into(),
                level: Level::Warn,
                phrases: vec![
                    help.request_no.as_deref().map_or_else(
                        || Phrase::new("help-not-sent"),
                        |no| Phrase::with("help-no", no),
                    ),
                    ago("help-since", Some(help.since_ms)),
                ],
            });
        }
        if let Ok(note) = std::fs::read_to_string(self.data_dir.join(PROVISION_REFUSED)) {
            let when = note
                .split_whitespace()
                .next()
                .unwrap_or_default()
                .to_string();
            lines.push(StatusLine {
                name: "provisioning".into(),
                level: Level::Warn,
                phrases: vec![Phrase::with("provision-refused", when)],
            });
        }
        lines.push(software_line(
            env!("CARGO_PKG_VERSION"),
            crate::platform::update::UpdateState::read(&self.data_dir).as_ref(),
        ));
        let mut left: Vec<Phrase> = s
            .offline_left
            .iter()
            .map(|(c, n)| Phrase::with2("numbers-left", c, n))
            // The screen shows six phrases a line (StaffWords.joined).
            .take(6)
            .collect();
        if left.is_empty() {
            left.push(Phrase::new("none-reserved"));
        }
        lines.push(StatusLine {
            name: "offline-numbers".into(),
            level: if offline_numbers_low(&s.offline_left) {
                Level::Warn
            } else {
                Level::Ok
            },
            phrases: left,
        });
        lines
    }

    fn act(&self, action: &str) -> Phrase {
        let no_printer = || Phrase::new("no-printer");
        match action {
            "test-print" => match &self.printer {
                None => no_printer(),
                Some(p) => match p.test_page(&self.kiosk_id) {
                    Ok(_) => Phrase::new("test-page-printed"),
                    Err(e) => {
                        tracing::warn!("staff test page not printed: {e}");
                        Phrase::new("not-printed")
                    }
                },
            },
            "paper-replaced" => match &self.printer {
                None => no_printer(),
                Some(p) => match p.poll() {
                    Known::Condition(c) => Phrase::with("printer-now", printer_condition(c)),
                    _ => Phrase::with("printer-now", "device-offline"),
                },
            },
            "reprint" => match &self.printer {
                None => no_printer(),
                Some(p) => match p.reprint_last() {
                    None => Phrase::new("nothing-to-reprint"),
                    Some(Ok(_)) => Phrase::new("reprinted"),
                    Some(Err(e)) => {
                        tracing::warn!("staff reprint not printed: {e}");
                        Phrase::new("not-printed")
                    }
                },
            },
            "flush" => {
                let link = self.link.clone();
                self.tasks.spawn(async move {
                    if let Err(e) = link.flush().await {
                        tracing::warn!("flush: {e}");
                    }
                });
                Phrase::new("sending")
            }
            _ => Phrase::new("not-available"),
        }
    }

    fn audit(&self, who: &str, what: &str) {
        tracing::info!(target: "audit", message_id = hall_link::journal::AUDIT, staff = who, "staff: {what}");
        // Through the outbox: an action taken while the backend is down still reaches
        // the hall's audit trail, with the time it happened.
        let body = serde_json::to_value(hall_link::api::StaffAction {
            at: hall_link::clock::now_utc()
                .format(&time::format_description::well_known::Rfc3339)
                .unwrap_or_default(),
            staff: who.to_string(),
            action: what.to_string(),
        })
        .unwrap_or_default();
        let link = self.link.clone();
        self.tasks.spawn(async move {
            if let Err(e) = link
                .post_or_queue("staff_action", "/staff-actions", body)
                .await
            {
                tracing::error!(target: "alert", message_id = hall_link::journal::ALERT, "staff action could not be stored: {e}");
            }
        });
    }

    fn help_open(&self) -> bool {
        self.health.help().is_some()
    }

    fn set_staff_locked(&self, on: bool) {
        self.health.set_staff_locked(on);
    }

    fn load_gate(&self) -> Option<crate::flows::staff::GateState> {
        let text = self.link.kept_state(GATE_KEY).ok()??;
        serde_json::from_str(&text).ok()
    }

    fn save_gate(&self, state: crate::flows::staff::GateState) {
        let kept = serde_json::to_string(&state)
            .map_err(|e| e.to_string())
            .and_then(|t| {
                self.link
                    .keep_state(GATE_KEY, &t)
                    .map_err(|e| e.to_string())
            });
        if let Err(e) = kept {
            tracing::warn!(target: "alert", message_id = hall_link::journal::ALERT, "staff PIN lockout not kept: {e}");
        }
    }

    fn dead_letters(&self) -> Vec<(String, String, Phrase)> {
        self.link
            .dead_letters()
            .unwrap_or_default()
            .into_iter()
            .map(|e| {
                let why = refusal(e.last_error.as_deref().unwrap_or_default());
                (e.key.to_string(), e.kind, why)
            })
            .collect()
    }

    fn dead_letter(&self, key: &str, action: &str) -> Phrase {
        let Ok(key) = uuid::Uuid::parse_str(key) else {
            return Phrase::new("not-available");
        };
        use hall_link::Revived;
        let store_error = |e: hall_link::store::StoreError| {
            tracing::warn!(target: "alert", message_id = hall_link::journal::ALERT, "staff {action} of a dead letter: {e}");
            Phrase::new("store-failing")
        };
        match action {
            "retry" => match self.link.retry_dead(key) {
                Ok(Revived::Pending) => Phrase::new("queued-again"),
                Ok(Revived::Voided) => Phrase::new("voided-instead"),
                Ok(Revived::NotDead) => Phrase::new("already-handled"),
                Err(e) => store_error(e),
            },
            "discard" => match self.link.discard_dead(key) {
                Ok(true) => Phrase::new("discarded"),
                Ok(false) => Phrase::new("already-handled"),
                Err(e) => store_error(e),
            },
            _ => Phrase::new("not-available"),
        }
    }

    fn set_out_of_service(&self, on: bool, reason: &str) {
        self.health.set_out_of_service(on.then_some(reason));
    }
}

/// Why the backend refused an entry, from the stored "STATUS code: message": the HTTP
/// status for hall IT, the words for staff.
fn refusal(last_error: &str) -> Phrase {
    match last_error
        .split_whitespace()
        .next()
        .and_then(|s| s.parse::<u16>().ok())
    {
        Some(status) => Phrase::with("refused-by-hall", status),
        None => Phrase::new("refused-unknown"),
    }
}
