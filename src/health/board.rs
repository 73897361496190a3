//! The status board: what the device tasks and the desk last reported, read by the
//! monitor, the staff screen and the heartbeat. One lock, taken only inside these methods
//! and never across an `.await`.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard};

/// A device's last report.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum DeviceState {
    /// Nothing reported since start-up.
    #[default]
    Unknown,
    Ready,
    /// The driver's reason, for staff (never a citizen's data).
    Offline(String),
}

impl DeviceState {
    pub fn is_offline(&self) -> bool {
        matches!(self, DeviceState::Offline(_))
    }

    /// The word for the heartbeat and metrics.
    pub fn code(&self) -> &'static str {
        match self {
            DeviceState::Unknown => "unknown",
            DeviceState::Ready => "ready",
            DeviceState::Offline(_) => "offline",
        }
    }
}

/// Device health as the device tasks last reported it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Health {
    pub reader: DeviceState,
    pub scanner: DeviceState,
    /// Staff took the kiosk out of service, with the reason's code.
    pub out_of_service: Option<String>,
    /// A citizen's help call is open.
    pub help: Option<HelpCall>,
    /// The cabinet's paper-low sensor (for printers that report no near-end of their own).
    pub paper_low_sensor: bool,
    /// Five wrong staff PINs locked staff mode: someone is trying PINs.
    pub staff_locked: bool,
    /// The backend is reached over plain HTTP (`backend.allow_insecure_http`): a lab
    /// setting, told to the hall in the heartbeat so it is never left on by mistake.
    pub insecure_backend: bool,
    /// Unix ms of the last card read and the last scan: staff check a device by using it.
    pub last_read_ms: Option<i64>,
    pub last_scan_ms: Option<i64>,
}

/// An open help call.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HelpCall {
    /// Its number at the backend; None while it waits to be sent.
    pub request_no: Option<String>,
    /// Unix ms when the citizen called.
    pub since_ms: i64,
}

/// The board, shared by the tasks that write it and the readers.
#[derive(Clone)]
pub struct HealthBoard {
    inner: Arc<Mutex<Health>>,
    /// Where "out of service" is kept, so a kiosk the watchdog restarts stays out of
    /// service until staff put it back.
    out_of_service_file: PathBuf,
}

impl HealthBoard {
    /// A board for the kiosk whose data lives in `data_dir`; it starts out of service if
    /// staff left it so before a restart.
    pub fn new(data_dir: &Path) -> HealthBoard {
        let out_of_service_file = data_dir.join("out-of-service");
        let kept = std::fs::read_to_string(&out_of_service_file)
            .ok()
            .map(|r| r.trim().to_string());
        HealthBoard {
            inner: Arc::new(Mutex::new(Health {
                out_of_service: kept,
                ..Health::default()
            })),
            out_of_service_file,
        }
    }

    fn lock(&self) -> MutexGuard<'_, Health> {
        self.inner.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// A copy of everything, for one assessment or one status screen.
    pub fn snapshot(&self) -> Health {
        self.lock().clone()
    }

    pub fn set_reader(&self, state: DeviceState) {
        self.lock().reader = state;
    }

    pub fn set_scanner(&self, state: DeviceState) {
        self.lock().scanner = state;
    }

    pub fn card_read(&self, at_ms: i64) {
        self.lock().last_read_ms = Some(at_ms);
    }

    pub fn code_scanned(&self, at_ms: i64) {
        self.lock().last_scan_ms = Some(at_ms);
    }

    pub fn set_paper_low_sensor(&self, low: bool) {
        self.lock().paper_low_sensor = low;
    }

    pub fn set_staff_locked(&self, on: bool) {
        self.lock().staff_locked = on;
    }

    pub fn set_insecure_backend(&self, on: bool) {
        self.lock().insecure_backend = on;
    }

    /// The reason code staff gave when they took the kiosk out of service, if they did.
    pub fn out_of_service(&self) -> Option<String> {
        self.lock().out_of_service.clone()
    }

    /// Takes the kiosk out of service (Some(reason)) or back (None), here and on disk.
    pub fn set_out_of_service(&self, reason: Option<&str>) {
        self.lock().out_of_service = reason.map(str::to_string);
        let file = &self.out_of_service_file;
        let done = match reason {
            Some(r) => std::fs::write(file, r),
            None => std::fs::remove_file(file).or_else(|e| match e.kind() {
                std::io::ErrorKind::NotFound => Ok(()),
                _ => Err(e),
            }),
        };
        if let Err(e) = done {
            tracing::warn!(file = %file.display(), "out-of-service state not kept across a restart: {e}");
        }
    }

    pub fn help(&self) -> Option<HelpCall> {
        self.lock().help.clone()
    }

    /// A citizen called for help at `at_ms`; any earlier call is replaced.
    pub fn help_called(&self, at_ms: i64) {
        self.lock().help = Some(HelpCall {
            request_no: None,
            since_ms: at_ms,
        });
    }

    /// The backend gave the open call its number.
    pub fn help_numbered(&self, request_no: &str) {
        if let Some(h) = self.lock().help.as_mut() {
            h.request_no = Some(request_no.to_string());
        }
    }

    /// Ends the open call; returns its backend number, if it had one.
    pub fn help_ended(&self) -> Option<String> {
        self.lock().help.take().and_then(|h| h.request_no)
    }

    /// Ends the call only if it is still the one numbered `request_no` (staff cleared it
    /// at the backend while no newer call was made). Returns whether it did.
    pub fn help_cleared(&self, request_no: &str) -> bool {
        let mut h = self.lock();
        if h.help.as_ref().and_then(|c| c.request_no.as_deref()) == Some(request_no) {
            h.help = None;
            return true;
        }
        false
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn out_of_service_is_kept_on_disk_until_staff_put_the_kiosk_back() {
        let dir = tempfile::tempdir().unwrap();
        let board = HealthBoard::new(dir.path());
        assert_eq!(board.out_of_service(), None);
        board.set_out_of_service(Some("printer"));
        assert_eq!(
            HealthBoard::new(dir.path()).out_of_service().as_deref(),
            Some("printer")
        );
        board.set_out_of_service(None);
        assert_eq!(HealthBoard::new(dir.path()).out_of_service(), None);
    }

    #[test]
    fn a_help_call_cleared_at_the_backend_ends_only_if_no_newer_call_replaced_it() {
        let dir = tempfile::tempdir().unwrap();
        let board = HealthBoard::new(dir.path());
        board.help_called(1);
        board.help_numbered("H1");
        board.help_called(2);
        board.help_numbered("H2");
        assert!(
            !board.help_cleared("H1"),
            "an older call's clearing is stale"
        );
        assert!(board.help().is_some());
        assert!(board.help_cleared("H2"));
        assert_eq!(board.help(), None);
        assert_eq!(board.help_ended(), None);
    }
}
