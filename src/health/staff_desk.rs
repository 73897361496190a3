//! What staff see and do on a running kiosk: the status of each device and of the link to
//! the hall, and the actions behind the staff screen's buttons.

use hall_link::HallLink;

use super::assess::{clock_skewed, offline_numbers_low, printer_level};
use super::board::{DeviceState, HealthBoard};
use crate::domain::{Level, StaffActions, StatusLine};
use crate::printing::{Known, PrintService};
use crate::tasks::Tasks;

pub struct LiveStaff {
    pub link: HallLink,
    pub printer: Option<PrintService>,
    pub health: HealthBoard,
    pub tasks: Tasks,
    pub kiosk_id: String,
}

fn device_line(code: &str, state: &DeviceState, last_use: (&str, Option<i64>)) -> StatusLine {
    let (level, mut detail) = match state {
        DeviceState::Unknown => (Level::Unknown, "未报告 (no report yet)".to_string()),
        DeviceState::Ready => (Level::Ok, "正常 (ready)".to_string()),
        DeviceState::Offline(why) => (Level::Fault, format!("脱机 (offline): {why}")),
    };
    if let (what, Some(ms)) = last_use {
        detail.push_str(&format!(" · {what} {}", ago(Some(ms))));
    }
    StatusLine {
        name: code.into(),
        level,
        detail,
    }
}

/// The printer's line, from what it last said.
fn printer_line(known: Known) -> StatusLine {
    let (level, detail) = match known {
        Known::Never => (Level::Unknown, "not asked yet".to_string()),
        Known::Condition(c) => (printer_level(c), format!("{} ({})", c.zh(), c.en())),
        Known::Unreachable(kind) => (Level::Fault, format!("脱机 / {kind}")),
    };
    StatusLine {
        name: "printer".into(),
        level,
        detail,
    }
}

fn ago(ms: Option<i64>) -> String {
    match ms {
        None => "never".into(),
        Some(ms) => {
            let now = hall_link::clock::now_ms();
            let s = ((now - ms) / 1000).max(0);
            if s < 120 {
                format!("{s} s ago")
            } else {
                format!("{} min ago", s / 60)
            }
        }
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
                detail: "未配置 (not configured)".into(),
            }),
        }
        let health = self.health.snapshot();
        lines.push(device_line(
            "idcard",
            &health.reader,
            ("last read", health.last_read_ms),
        ));
        lines.push(device_line(
            "scanner",
            &health.scanner,
            ("last scan", health.last_scan_ms),
        ));
        let s = self.link.status();
        lines.push(StatusLine {
            name: "backend".into(),
            level: if s.auth_failed {
                Level::Fault
            } else if clock_skewed(s.clock_skew_s) {
                Level::Warn
            } else if s.online {
                Level::Ok
            } else {
                Level::Warn
            },
            detail: if s.auth_failed {
                "令牌被拒绝 (token refused): check backend.token_file".into()
            } else {
                format!(
                    "{} · last answer {} · clock {} · catalog {} confirmed {}",
                    if s.online {
                        "在线 (online)"
                    } else {
                        "离线 (offline)"
                    },
                    ago(s.last_contact_ms),
                    s.clock_skew_s.map_or("-".into(), |k| format!("{k:+} s")),
                    s.catalog_version.as_deref().unwrap_or("-"),
                    ago(s.catalog_fetched_ms)
                )
            },
        });
        lines.push(StatusLine {
            name: "outbox".into(),
            level: if s.outbox.dead > 0 {
                Level::Fault
            } else if s.outbox.pending > 0 {
                Level::Warn
            } else {
                Level::Ok
            },
            detail: format!(
                "{} waiting · {} refused by the backend",
                s.outbox.pending, s.outbox.dead
            ),
        });
        if let Some(why) = s.store_failing.as_ref().or(s.store_recreated.as_ref()) {
            lines.push(StatusLine {
                name: "database".into(),
                level: Level::Fault,
                detail: why.clone(),
            });
        }
        if let Some(help) = &health.help {
            lines.push(StatusLine {
                name: "help".into(),
                level: Level::Warn,
                detail: format!(
                    "{} · {}",
                    help.request_no
                        .as_deref()
                        .unwrap_or("待发送 (not sent yet)"),
                    ago(Some(help.since_ms))
                ),
            });
        }
        let left: Vec<String> = s
            .offline_left
            .iter()
            .map(|(c, n)| format!("{c}: {n}"))
            .collect();
        lines.push(StatusLine {
            name: "offline-numbers".into(),
            level: if offline_numbers_low(&s.offline_left) {
                Level::Warn
            } else {
                Level::Ok
            },
            detail: if left.is_empty() {
                "none reserved".into()
            } else {
                left.join(" · ")
            },
        });
        lines
    }

    fn act(&self, action: &str) -> String {
        let no_printer = || "未配置打印机 (no printer configured)".to_string();
        match action {
            "test-print" => match &self.printer {
                None => no_printer(),
                Some(p) => match p.test_page(&self.kiosk_id) {
                    Ok(_) => "测试页已打印 (test page printed)".into(),
                    Err(e) => format!("未打印 (not printed): {e}"),
                },
            },
            "paper-replaced" => match &self.printer {
                None => no_printer(),
                Some(p) => match p.poll() {
                    Known::Condition(c) => {
                        format!("打印机 (printer): {} ({})", c.zh(), c.en())
                    }
                    other => format!("打印机 (printer): {other:?}"),
                },
            },
            "reprint" => match &self.printer {
                None => no_printer(),
                Some(p) => match p.reprint_last() {
                    None => "今天还没有打印过号票 (no ticket printed yet)".into(),
                    Some(Ok(_)) => "已补打上一张号票 (last ticket reprinted)".into(),
                    Some(Err(e)) => format!("未打印 (not printed): {e}"),
                },
            },
            "flush" => {
                let link = self.link.clone();
                self.tasks.spawn(async move {
                    if let Err(e) = link.flush().await {
                        tracing::warn!("flush: {e}");
                    }
                });
                "正在发送 (sending queued items)".into()
            }
            other => format!("{other}: ?"),
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

    fn dead_letters(&self) -> Vec<(String, String, String)> {
        self.link
            .dead_letters()
            .unwrap_or_default()
            .into_iter()
            .map(|e| (e.key.to_string(), e.kind, e.last_error.unwrap_or_default()))
            .collect()
    }

    fn dead_letter(&self, key: &str, action: &str) -> String {
        let Ok(key) = uuid::Uuid::parse_str(key) else {
            return format!("? {key}");
        };
        use hall_link::Revived;
        let handled = "该条目已处理 (already handled)".to_string();
        let store_error = |e: hall_link::store::StoreError| format!("存储错误 (store error): {e}");
        match action {
            "retry" => match self.link.retry_dead(key) {
                Ok(Revived::Pending) => "已重新排队发送 (queued to send again)".into(),
                Ok(Revived::Voided) => {
                    "取号请求已过时，已作废 (request too old: voided instead)".into()
                }
                Ok(Revived::NotDead) => handled,
                Err(e) => store_error(e),
            },
            "discard" => match self.link.discard_dead(key) {
                Ok(true) => "已放弃，留档备查 (discarded, kept for audit)".into(),
                Ok(false) => handled,
                Err(e) => store_error(e),
            },
            _ => format!("? {action}"),
        }
    }

    fn set_out_of_service(&self, on: bool, reason: &str) {
        self.health.set_out_of_service(on.then_some(reason));
    }
}
