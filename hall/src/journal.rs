//! The journal's MESSAGE_IDs of the kiosk's events, so hall IT can filter them
//! (`journalctl MESSAGE_ID=...`) and alert on them whatever the text says. They never
//! change once published (README, "Logs"); a new kind of event gets a new id.

/// Something staff or hall IT must look at: a device offline, the backend refusing the
/// kiosk, a store that cannot save, a staff lockout.
pub const ALERT: &str = "43f9c8e12b564d32848be18784c1490d";
/// What staff did on the kiosk: signing in and out, tests, out of service, restarts.
pub const AUDIT: &str = "2777bb45b5284bda888b73b36af4e05e";
/// The kiosk started and shows its home screen.
pub const STARTED: &str = "a54cdfca57fd4f198e4ffc3a95385aed";
/// The kiosk cannot serve at all (broken config, store that cannot open): the screen shows
/// the fault page.
pub const FAULT: &str = "d30cde3c81a84b43a3d38b769e532786";
