//! The panel's backlight through sysfs (`/sys/class/backlight/NAME`): brightness set by
//! staff, and off while the screen rests after hours. HDMI screens have none; the kiosk
//! then rests with a black page alone.

use std::io;
use std::path::{Path, PathBuf};

#[derive(Debug, Clone)]
pub struct Backlight {
    dir: PathBuf,
    max: u32,
}

impl Backlight {
    /// The backlight `setting` names (`display.backlight`): "none", "auto" (the first under
    /// `sys`/class/backlight, if any) or a path. `sys` is "/sys" on a device.
    pub fn find(setting: &str, sys: &Path) -> Option<io::Result<Backlight>> {
        let dir = match setting {
            "none" => return None,
            "auto" => {
                let mut dirs: Vec<PathBuf> = std::fs::read_dir(sys.join("class/backlight"))
                    .ok()?
                    .filter_map(|e| e.ok().map(|e| e.path()))
                    .collect();
                dirs.sort();
                dirs.into_iter().next()?
            }
            path => PathBuf::from(path),
        };
        Some(Backlight::open(&dir))
    }

    pub fn open(dir: &Path) -> io::Result<Backlight> {
        let max = read_u32(&dir.join("max_brightness"))?;
        if max == 0 {
            return Err(io::Error::new(
                io::ErrorKind::InvalidData,
                "max_brightness is 0",
            ));
        }
        Ok(Backlight {
            dir: dir.to_owned(),
            max,
        })
    }

    /// Sets the brightness; never fully dark (1 % at least), since an unlit kiosk that is
    /// open looks broken.
    pub fn set_percent(&self, percent: u8) -> io::Result<()> {
        let level = (u64::from(self.max) * u64::from(percent.clamp(1, 100)) / 100).max(1);
        std::fs::write(self.dir.join("brightness"), level.to_string())
    }

    /// Switches the backlight off (resting) or on. Panels without `bl_power` go to
    /// brightness 0 and back to `percent`.
    pub fn set_power(&self, on: bool, percent: u8) -> io::Result<()> {
        let bl_power = self.dir.join("bl_power");
        if bl_power.exists() {
            // FB_BLANK_UNBLANK = 0, FB_BLANK_POWERDOWN = 4
            std::fs::write(bl_power, if on { "0" } else { "4" })
        } else if on {
            self.set_percent(percent)
        } else {
            std::fs::write(self.dir.join("brightness"), "0")
        }
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }
}

fn read_u32(path: &Path) -> io::Result<u32> {
    std::fs::read_to_string(path)?.trim().parse().map_err(|e| {
        io::Error::new(
            io::ErrorKind::InvalidData,
            format!("{}: {e}", path.display()),
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn panel(with_power: bool) -> (tempfile::TempDir, PathBuf) {
        let sys = tempfile::tempdir().unwrap();
        let dir = sys.path().join("class/backlight/10-0045");
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("max_brightness"), "255\n").unwrap();
        std::fs::write(dir.join("brightness"), "255\n").unwrap();
        if with_power {
            std::fs::write(dir.join("bl_power"), "0\n").unwrap();
        }
        (sys, dir)
    }

    fn read(p: &Path) -> String {
        std::fs::read_to_string(p).unwrap().trim().to_string()
    }

    #[test]
    fn auto_finds_the_panel_and_percent_scales_to_its_range() {
        let (sys, dir) = panel(false);
        let b = Backlight::find("auto", sys.path()).unwrap().unwrap();
        assert_eq!(b.dir(), dir);
        b.set_percent(50).unwrap();
        assert_eq!(read(&dir.join("brightness")), "127");
        b.set_percent(0).unwrap();
        assert_eq!(
            read(&dir.join("brightness")),
            "2",
            "never fully dark while open"
        );
        assert!(Backlight::find("none", sys.path()).is_none());
        let empty = tempfile::tempdir().unwrap();
        assert!(
            Backlight::find("auto", empty.path()).is_none(),
            "HDMI: no backlight"
        );
    }

    #[test]
    fn resting_uses_bl_power_where_there_is_one_else_brightness_zero() {
        let (_sys, dir) = panel(true);
        let b = Backlight::open(&dir).unwrap();
        b.set_power(false, 80).unwrap();
        assert_eq!(read(&dir.join("bl_power")), "4");
        b.set_power(true, 80).unwrap();
        assert_eq!(read(&dir.join("bl_power")), "0");

        let (_sys, dir) = panel(false);
        let b = Backlight::open(&dir).unwrap();
        b.set_power(false, 80).unwrap();
        assert_eq!(read(&dir.join("brightness")), "0");
        b.set_power(true, 80).unwrap();
        assert_eq!(read(&dir.join("brightness")), "204");
    }

    #[test]
    fn a_broken_backlight_is_an_error_not_a_panic() {
        let sys = tempfile::tempdir().unwrap();
        let dir = sys.path().join("class/backlight/x");
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("max_brightness"), "lots").unwrap();
        assert!(Backlight::find("auto", sys.path()).unwrap().is_err());
        std::fs::write(dir.join("max_brightness"), "0").unwrap();
        assert!(Backlight::open(&dir).is_err());
    }
}
