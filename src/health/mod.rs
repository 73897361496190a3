//! The kiosk's health: what its parts last reported, what that means, and who is told.
//!
//! - [`board`]: the status board the device tasks and the desk write ([`HealthBoard`]);
//! - [`assess`]: pure rules from the board, the printer and the link to a lamp and alerts
//!   (one place for "offline numbers low", printer condition to level, clock skew);
//! - [`monitor`]: applies an assessment every few seconds (lamps, heartbeat, metrics);
//! - [`metrics`]: counts for hall IT (OpenMetrics);
//! - [`staff_desk`]: the staff screen's status lines and actions ([`LiveStaff`]).

pub mod assess;
pub mod board;
pub mod metrics;
pub mod monitor;
pub mod staff_desk;

pub use board::HealthBoard;
pub use metrics::Metrics;
pub use monitor::Monitor;
pub use staff_desk::LiveStaff;
