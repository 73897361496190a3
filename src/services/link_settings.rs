//! The one builder of the hall link's settings: the kiosk, the demo and every CLI command
//! call it, so a setting (client certificate, CA file, public URL) holds everywhere.

use std::time::Duration;

use hall_link::LinkSettings;

use crate::platform::config::{Config, ConfigError};

/// The link settings of `config`, with its token read from `backend.token_file`.
pub fn link_settings(config: &Config) -> Result<LinkSettings, ConfigError> {
    let token = config.read_token()?;
    let mut s = LinkSettings::new(
        &config.kiosk.id,
        &config.backend.url,
        &token,
        config.kiosk.data_dir.clone(),
    );
    s.public_base = config.kiosk.public_url.trim_end_matches('/').to_string();
    s.timeout = Duration::from_millis(config.backend.timeout_ms);
    s.ca_file = config.backend.ca_file.clone();
    s.ca_only = config.backend.ca_only;
    s.pin_sha256 = config.pin_sha256();
    s.client_cert = config
        .backend
        .client_cert
        .clone()
        .zip(config.backend.client_key.clone());
    s.hall_utc_offset = config.utc_offset();
    s.retention = hall_link::Retention {
        keep_done_ms: i64::from(config.retention.delivered_days) * 24 * 3600 * 1000,
        max_bytes: u64::from(config.retention.max_store_mb.max(1)) * 1024 * 1024,
    };
    Ok(s)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::OpenOptionsExt;

    #[test]
    fn every_backend_setting_of_the_config_reaches_the_link() {
        let dir = tempfile::tempdir().unwrap();
        let token = dir.path().join("token");
        std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(0o600)
            .open(&token)
            .and_then(|mut f| std::io::Write::write_all(&mut f, b"t0ken\n"))
            .unwrap();
        let text = crate::platform::config::DEMO
            .replace(
                "url = \"http://127.0.0.1:0/kiosk/v1\"",
                &format!(
                    "url = \"https://zwfw.xiahe.gov.cn/kiosk/v1\"\ntoken_file = \"{}\"\nca_file = \"/etc/hall-kiosk/ca.pem\"\nclient_cert = \"/etc/hall-kiosk/kiosk.crt\"\nclient_key = \"/etc/hall-kiosk/kiosk.key\"",
                    token.display()
                ),
            )
            .replace(
                "public_url = \"https://hall.example.gov.cn\"",
                "public_url = \"https://zwfw.xiahe.gov.cn/\"",
            );
        let config = Config::parse(&text, std::path::Path::new("kiosk.toml")).unwrap();
        let s = link_settings(&config).unwrap();
        assert_eq!(s.token, "t0ken");
        assert_eq!(s.public_base, "https://zwfw.xiahe.gov.cn");
        assert_eq!(
            s.client_cert,
            Some((
                "/etc/hall-kiosk/kiosk.crt".into(),
                "/etc/hall-kiosk/kiosk.key".into()
            ))
        );
        assert_eq!(s.ca_file, Some("/etc/hall-kiosk/ca.pem".into()));
        assert_eq!(s.timeout, Duration::from_millis(config.backend.timeout_ms));
    }
}
