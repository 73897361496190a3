//! `kiosk device probe`: lists the serial, USB printer, input and video devices of this
//! machine with their USB vendor/product/serial ids, and the udev rule line that gives each
//! a stable /dev/hall-kiosk/ name. Reads sysfs, so it needs no extra privileges.

use std::fs;
use std::path::{Path, PathBuf};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Probed {
    pub kind: &'static str,
    pub dev: String,
    pub vendor: Option<String>,
    pub product: Option<String>,
    pub serial: Option<String>,
    pub name: Option<String>,
}

impl Probed {
    /// The udev rule that names this device, for the role a technician picks.
    pub fn rule(&self, role: &str) -> Option<String> {
        let (vendor, product) = (self.vendor.as_ref()?, self.product.as_ref()?);
        let (subsystem, group) = match self.kind {
            "serial" => ("tty", "dialout"),
            "usb-printer" => ("usbmisc", "lp"),
            "input" => ("input", "input"),
            "video" => ("video4linux", "video"),
            _ => return None,
        };
        let serial = self
            .serial
            .as_ref()
            .map(|s| format!(", ATTRS{{serial}}==\"{s}\""))
            .unwrap_or_default();
        Some(format!(
            "SUBSYSTEM==\"{subsystem}\", ATTRS{{idVendor}}==\"{vendor}\", ATTRS{{idProduct}}==\"{product}\"{serial}, SYMLINK+=\"hall-kiosk/{role}\", GROUP=\"{group}\", MODE=\"0660\""
        ))
    }
}

/// Scans /sys/class for the device classes the kiosk uses.
pub fn probe(sys: &Path) -> Vec<Probed> {
    let mut found = Vec::new();
    for (class, kind, prefixes) in [
        ("tty", "serial", &["ttyUSB", "ttyACM", "ttyAMA", "ttyS"][..]),
        ("usbmisc", "usb-printer", &["lp"][..]),
        ("input", "input", &["event"][..]),
        ("video4linux", "video", &["video"][..]),
    ] {
        let Ok(entries) = fs::read_dir(sys.join("class").join(class)) else {
            continue;
        };
        let mut names: Vec<_> = entries
            .flatten()
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|n| prefixes.iter().any(|p| n.starts_with(p)))
            .collect();
        names.sort();
        for name in names {
            let dev_dir = sys.join("class").join(class).join(&name).join("device");
            // Plain on-board ttyS ports without a device link are not real ports.
            if kind == "serial" && name.starts_with("ttyS") && usb_ancestor(&dev_dir).is_none() {
                continue;
            }
            let usb = usb_ancestor(&dev_dir);
            let attr = |a: &str| {
                usb.as_ref()
                    .and_then(|d| fs::read_to_string(d.join(a)).ok())
                    .map(|s| s.trim().to_string())
            };
            let dev = if kind == "usb-printer" {
                format!("/dev/usb/{name}")
            } else if kind == "input" {
                format!("/dev/input/{name}")
            } else {
                format!("/dev/{name}")
            };
            let input_name = (kind == "input")
                .then(|| fs::read_to_string(dev_dir.join("name")).ok())
                .flatten()
                .map(|s| s.trim().to_string());
            found.push(Probed {
                kind,
                dev,
                vendor: attr("idVendor"),
                product: attr("idProduct"),
                serial: attr("serial"),
                name: input_name.or_else(|| attr("product")),
            });
        }
    }
    found
}

/// The nearest USB device directory above a class device (the one holding idVendor).
fn usb_ancestor(dev_dir: &Path) -> Option<PathBuf> {
    let mut dir = fs::canonicalize(dev_dir).ok()?;
    for _ in 0..8 {
        if dir.join("idVendor").exists() {
            return Some(dir);
        }
        dir = dir.parent()?.to_path_buf();
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn usb_serial_device_gets_a_rule_with_its_ids() {
        let sys = tempfile::tempdir().unwrap();
        let usb = sys.path().join("devices/usb1/1-1");
        let tty = usb.join("1-1:1.0/ttyUSB0");
        fs::create_dir_all(&tty).unwrap();
        fs::write(usb.join("idVendor"), "1a86\n").unwrap();
        fs::write(usb.join("idProduct"), "7523\n").unwrap();
        fs::write(usb.join("serial"), "A1B2\n").unwrap();
        fs::write(usb.join("product"), "USB Serial\n").unwrap();
        let class = sys.path().join("class/tty/ttyUSB0");
        fs::create_dir_all(&class).unwrap();
        std::os::unix::fs::symlink(usb.join("1-1:1.0"), class.join("device")).unwrap();

        let found = probe(sys.path());
        assert_eq!(found.len(), 1);
        let d = &found[0];
        assert_eq!(d.dev, "/dev/ttyUSB0");
        assert_eq!(d.vendor.as_deref(), Some("1a86"));
        assert_eq!(
            d.rule("idcard").unwrap(),
            "SUBSYSTEM==\"tty\", ATTRS{idVendor}==\"1a86\", ATTRS{idProduct}==\"7523\", ATTRS{serial}==\"A1B2\", SYMLINK+=\"hall-kiosk/idcard\", GROUP=\"dialout\", MODE=\"0660\""
        );
    }

    #[test]
    fn a_machine_without_devices_gives_an_empty_list() {
        let sys = tempfile::tempdir().unwrap();
        assert!(probe(sys.path()).is_empty());
    }
}
