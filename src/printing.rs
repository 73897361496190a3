//! The kiosk's receipt printer as the flows use it: what goes on each slip, what the citizen
//! is told when it does not print, and what staff are told about paper.
//!
//! Calls block on the printer's wire (the job, then one status round trip to confirm it; a
//! full status check before the job too when the printer's status is not known), so the
//! runtime runs them on tokio's blocking pool, never on the UI thread.

use std::sync::{Arc, Mutex, MutexGuard};

use kiosk_drivers::printer::layout::{
    self, AppointmentSlip, ChecklistSlip, Job, Material, PaymentSlip, ReceiptSlip, TicketSlip,
    TicketTibetan,
};
use kiosk_drivers::printer::{Condition, PrintError, PrintReport, Profile, ReceiptPrinter};

use crate::domain::catalog::GuideItem;
use crate::domain::{ComplaintKind, IssuedTicket, PrintOutcome, TicketNames};

/// Why a staff print (test page, reprint) did not print.
#[derive(Debug, thiserror::Error)]
pub enum StaffPrintError {
    #[error("layout: {0}")]
    Layout(#[from] layout::LayoutError),
    #[error(transparent)]
    Printer(#[from] PrintError),
}

/// What the kiosk last learnt of its printer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Known {
    Never,
    Condition(Condition),
    /// The wire failed or the printer did not answer; the error's kind.
    Unreachable(&'static str),
}

struct Inner {
    printer: Mutex<Box<dyn ReceiptPrinter>>,
    profile: Profile,
    hall: String,
    offset: time::UtcOffset,
    /// The hall's public site, for the guide's QR code on a checklist.
    public_url: String,
    known: Mutex<Known>,
    /// The last ticket printed, for staff's "reprint" (tickets carry no personal data).
    last_ticket: Mutex<Option<Job>>,
}

#[derive(Clone)]
pub struct PrintService {
    inner: Arc<Inner>,
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

impl PrintService {
    pub fn new(
        printer: Box<dyn ReceiptPrinter>,
        profile: Profile,
        hall: String,
        offset: time::UtcOffset,
        public_url: String,
    ) -> PrintService {
        PrintService {
            inner: Arc::new(Inner {
                printer: Mutex::new(printer),
                profile,
                hall,
                offset,
                public_url,
                known: Mutex::new(Known::Never),
                last_ticket: Mutex::new(None),
            }),
        }
    }

    fn stamp(&self, t: time::OffsetDateTime) -> String {
        t.to_offset(self.inner.offset)
            .format(time::macros::format_description!(
                "[year]-[month]-[day] [hour]:[minute]"
            ))
            .unwrap_or_default()
    }

    fn now(&self) -> String {
        self.stamp(hall_link::clock::now_utc())
    }

    /// Records what the printer said, and tells staff when it changed for the worse.
    fn learn(&self, now: Known) {
        let mut known = lock(&self.inner.known);
        if *known == now {
            return;
        }
        match &now {
            Known::Condition(Condition::Ready) => {
                tracing::info!(target: "alert", message_id = hall_link::journal::ALERT, "receipt printer ready")
            }
            Known::Condition(c) => tracing::warn!(
                target: "alert", message_id = hall_link::journal::ALERT,
                condition = c.as_str(),
                "receipt printer: {} ({})",
                c.zh(),
                c.en()
            ),
            Known::Unreachable(kind) => {
                tracing::warn!(target: "alert", message_id = hall_link::journal::ALERT, kind = *kind, "receipt printer unreachable")
            }
            Known::Never => {}
        }
        *known = now;
    }

    fn learn_error(&self, e: &PrintError) {
        match e {
            PrintError::NotReady(s) => self.learn(Known::Condition(s.condition())),
            other => self.learn(Known::Unreachable(other.kind())),
        }
    }

    /// Prints a job; never panics, never prints a refused job later (the driver withdraws a
    /// job that its confirmation finds the printer unable to print).
    pub fn print(&self, job: &Job) -> Result<PrintReport, PrintError> {
        let result = lock(&self.inner.printer).print(job);
        match &result {
            Ok(r) => self.learn(Known::Condition(r.after.unwrap_or(r.before).condition())),
            Err(e) => {
                tracing::warn!(job = job.kind, error = %e, "not printed");
                self.learn_error(e);
            }
        }
        result
    }

    fn outcome(&self, job: Result<Job, layout::LayoutError>) -> PrintOutcome {
        let job = match job {
            Ok(j) => j,
            Err(e) => {
                tracing::error!(error = %e, "slip layout failed");
                return PrintOutcome::PrinterOffline;
            }
        };
        match self.print(&job) {
            // Paper ran out during the slip: its end may be missing, so the citizen also
            // gets it on screen.
            Ok(r) if r.maybe_incomplete() => PrintOutcome::PaperOut,
            Ok(r) if r.paper_low() => PrintOutcome::PrintedPaperLow,
            Ok(_) => PrintOutcome::Printed,
            Err(e) if e.is_paper_out() => PrintOutcome::PaperOut,
            Err(_) => PrintOutcome::PrinterOffline,
        }
    }

    /// Asks the printer how it is (the status screen, and a periodic check so staff hear
    /// of paper running low before a citizen meets it).
    pub fn poll(&self) -> Known {
        let result = lock(&self.inner.printer).status();
        match result {
            Ok(s) => self.learn(Known::Condition(s.condition())),
            Err(e) => self.learn_error(&e),
        }
        self.known()
    }

    pub fn known(&self) -> Known {
        lock(&self.inner.known).clone()
    }

    pub fn ticket(&self, t: &IssuedTicket, names: &TicketNames) -> PrintOutcome {
        let slip = TicketSlip {
            hall: self.inner.hall.clone(),
            category: names.category.clone(),
            number: t.ticket_no.clone(),
            waiting_ahead: Some(t.waiting_ahead),
            wait_minutes: (t.est_wait_min > 0).then_some(t.est_wait_min),
            windows: names.windows.clone(),
            issued_at: self.stamp(t.issued_at),
            follow_url: (!t.track_url.is_empty()).then(|| t.track_url.clone()),
            offline: t.offline,
            priority: t
                .priority
                .map(|p| p.slip_label().to_string())
                .unwrap_or_default(),
            appointment: t
                .appointment
                .as_ref()
                .map(|(item, slot)| format!("{item} {slot}")),
            tibetan: names.tibetan.as_ref().map(|b| TicketTibetan {
                hall: b.hall.clone(),
                category: b.category.clone(),
            }),
        };
        let job = layout::ticket(self.inner.profile, &slip);
        if let Ok(j) = &job {
            *lock(&self.inner.last_ticket) = Some(j.clone());
        }
        self.outcome(job)
    }

    /// Reprints a ticket the citizen already holds, known by its number only (the
    /// backend's one-ticket-per-person answer): no queue figures, marked 补打, today's
    /// follow link.
    pub fn reprint_held(&self, ticket_no: &str, names: &TicketNames) -> PrintOutcome {
        let today = hall_link::clock::now_utc()
            .to_offset(self.inner.offset)
            .date();
        let date = format!(
            "{:04}{:02}{:02}",
            today.year(),
            u8::from(today.month()),
            today.day()
        );
        let slip = TicketSlip {
            hall: self.inner.hall.clone(),
            category: names.category.clone(),
            number: ticket_no.to_string(),
            waiting_ahead: None,
            wait_minutes: None,
            windows: names.windows.clone(),
            issued_at: self.now(),
            follow_url: Some(format!(
                "{}/track/t/{date}/{ticket_no}",
                self.inner.public_url
            )),
            offline: false,
            priority: "补打".into(),
            appointment: None,
            tibetan: names.tibetan.as_ref().map(|b| TicketTibetan {
                hall: b.hall.clone(),
                category: b.category.clone(),
            }),
        };
        self.outcome(layout::ticket(self.inner.profile, &slip))
    }

    /// An appointment slip; the hall's name and the time of booking are put in here.
    pub fn appointment(&self, mut slip: AppointmentSlip) -> PrintOutcome {
        slip.hall = self.inner.hall.clone();
        slip.booked_at = self.now();
        self.outcome(layout::appointment(self.inner.profile, &slip))
    }

    /// A payment slip; the hall's name is put in here.
    pub fn payment(&self, mut slip: PaymentSlip) -> PrintOutcome {
        slip.hall = self.inner.hall.clone();
        self.outcome(layout::payment(self.inner.profile, &slip))
    }

    pub fn checklist(&self, item: &GuideItem, windows: &str) -> PrintOutcome {
        let materials = item
            .materials
            .iter()
            .map(|m| {
                let mut note = Vec::new();
                if !m.required {
                    note.push("如有则提供".to_string());
                }
                if let Some(shared) = &m.shared {
                    note.push(format!("免提交：{shared}"));
                } else if m.waivable {
                    note.push(format!(
                        "可容缺受理{}",
                        m.commitment
                            .as_ref()
                            .map(|c| format!("：{c}"))
                            .unwrap_or_default()
                    ));
                }
                Material {
                    name: m.name.clone(),
                    originals: if m.shared.is_some() { 0 } else { m.original },
                    copies: if m.shared.is_some() { 0 } else { m.copies },
                    note: note.join("；"),
                }
            })
            .collect();
        let slip = ChecklistSlip {
            hall: self.inner.hall.clone(),
            item: item.name.clone(),
            materials,
            hand_in: windows.to_string(),
            printed_at: self.now(),
            guide_url: Some(format!("{}/guide/{}", self.inner.public_url, item.code)),
        };
        self.outcome(layout::checklist(self.inner.profile, &slip))
    }

    /// The slip of a complaint or suggestion: its number to quote, nothing personal.
    pub fn complaint(
        &self,
        complaint_no: &str,
        kind: ComplaintKind,
        provisional: bool,
    ) -> PrintOutcome {
        let (title, item) = kind.slip_words();
        let slip = ReceiptSlip {
            hall: self.inner.hall.clone(),
            title: title.into(),
            receipt_no: complaint_no.to_string(),
            item: item.into(),
            applicant: String::new(),
            submitted_at: self.now(),
            progress_url: None,
            note: if provisional {
                "网络恢复后自动提交，编号为本机临时编号。工作人员将尽快与您联系。也可拨打 12345 政务服务便民热线。".into()
            } else {
                "工作人员将尽快与您联系，请保留本回执。也可拨打 12345 政务服务便民热线。".into()
            },
        };
        self.outcome(layout::receipt(self.inner.profile, &slip))
    }

    /// The receipt of a self-service submission: its number, the item, the applicant
    /// masked, and a QR code to follow it.
    pub fn submission(
        &self,
        receipt_no: &str,
        item: &str,
        applicant_masked: &str,
        qr: &str,
        provisional: bool,
    ) -> PrintOutcome {
        let slip = ReceiptSlip {
            hall: self.inner.hall.clone(),
            title: "受理回执".into(),
            receipt_no: receipt_no.to_string(),
            item: item.to_string(),
            applicant: applicant_masked.to_string(),
            submitted_at: self.now(),
            progress_url: Some(qr.to_string()),
            note: if provisional {
                "网络暂不可用，申请已保存在本机，恢复后自动提交；扫码即可查询。".into()
            } else {
                String::new()
            },
        };
        self.outcome(layout::receipt(self.inner.profile, &slip))
    }

    pub fn test_page(&self, kiosk_id: &str) -> Result<PrintReport, StaffPrintError> {
        let job = layout::test_page(
            self.inner.profile,
            kiosk_id,
            &self.stamp(hall_link::clock::now_utc()),
        )?;
        Ok(self.print(&job)?)
    }

    /// Reprints the last ticket (staff, after a jam); None when there was none.
    pub fn reprint_last(&self) -> Option<Result<PrintReport, PrintError>> {
        let job = lock(&self.inner.last_ticket).clone()?;
        Some(self.print(&job))
    }
}
