//! What every device simulator shares: a stable device path in a temporary directory that
//! points at the current pseudo-terminal. A simulator can then be unplugged and plugged back
//! in behind the same path the driver opens, as a USB device comes back under its udev name.

use std::io;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU32, Ordering};

use serialport::{SerialPort, TTYPort};

static NEXT: AtomicU32 = AtomicU32::new(0);

pub struct PtyDevice {
    dir: PathBuf,
    link: PathBuf,
}

impl PtyDevice {
    /// A fresh directory for simulator `kind` ("printer"), holding the device path `name`.
    pub fn new(kind: &str, name: &str) -> io::Result<PtyDevice> {
        let dir = std::env::temp_dir().join(format!(
            "hall-kiosk-{kind}-sim-{}-{}",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::Relaxed)
        ));
        std::fs::create_dir_all(&dir)?;
        Ok(PtyDevice {
            link: dir.join(name),
            dir,
        })
    }

    /// The device path a driver opens.
    pub fn path(&self) -> &Path {
        &self.link
    }

    /// A new pty pair, with the device path pointing at its slave: (master, slave).
    pub fn plug(&self) -> io::Result<(TTYPort, TTYPort)> {
        let (master, slave) = TTYPort::pair().map_err(io::Error::from)?;
        let target = slave
            .name()
            .ok_or_else(|| io::Error::other("pty without a name"))?;
        let _ = std::fs::remove_file(&self.link);
        std::os::unix::fs::symlink(&target, &self.link)?;
        Ok((master, slave))
    }

    /// The device path vanishes, as when the cable is pulled.
    pub fn unplug(&self) {
        let _ = std::fs::remove_file(&self.link);
    }
}

impl Drop for PtyDevice {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}
