//! Logging with tracing: to journald when started by systemd (`JOURNAL_STREAM` is set),
//! readable text on stderr otherwise. Alerts, staff actions and start-up carry the stable
//! MESSAGE_IDs of [`hall_link::journal`]. `RUST_LOG` wins over the config's `log.level`.

use tracing_subscriber::{fmt, prelude::*, EnvFilter};

pub fn init(config_level: Option<&str>) {
    let filter = EnvFilter::try_from_default_env()
        .or_else(|_| EnvFilter::try_new(config_level.unwrap_or("info")))
        .unwrap_or_else(|_| EnvFilter::new("info"));
    let registry = tracing_subscriber::registry().with(filter);
    if std::env::var_os("JOURNAL_STREAM").is_some() {
        if let Ok(journald) = tracing_journald::layer() {
            // Fields keep their own names (`message_id` is journald's MESSAGE_ID, which hall
            // IT filter on), and every line is hall-kiosk's whatever the binary is called.
            let journald = journald
                .with_field_prefix(None)
                .with_syslog_identifier("hall-kiosk".into());
            let _ = registry.with(journald).try_init();
            return;
        }
    }
    let _ = registry
        .with(fmt::layer().with_writer(std::io::stderr).with_target(false))
        .try_init();
}
