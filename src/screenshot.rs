//! Headless rendering of any screen to PNG with Slint's software renderer, through the
//! public platform API, so `kiosk screenshot` needs no display and no GPU.

use std::path::Path;
use std::rc::Rc;

use slint::platform::software_renderer::{
    MinimalSoftwareWindow, PremultipliedRgbaColor, RepaintBufferType,
};
use slint::platform::{Platform, WindowAdapter};
use slint::PhysicalSize;

use crate::app::{screens, Kiosk, UiOptions};
use crate::platform::config::{Locale, Orientation};

#[derive(Debug, Clone)]
pub struct ScreenshotOptions {
    pub screen: String,
    pub locale: Locale,
    pub elderly: bool,
    pub width: u32,
    pub height: u32,
    pub ui: UiOptions,
}

#[derive(Debug, thiserror::Error)]
pub enum ScreenshotError {
    #[error(transparent)]
    UnknownScreen(#[from] screens::UnknownScreen),
    #[error("the UI could not be created: {0}")]
    Platform(#[from] slint::PlatformError),
    #[error("cannot write {path}: {source}")]
    Write {
        path: String,
        source: std::io::Error,
    },
    #[error("PNG encoding failed: {0}")]
    Png(#[from] png::EncodingError),
}

struct Headless {
    window: Rc<MinimalSoftwareWindow>,
}

impl Platform for Headless {
    fn create_window_adapter(&self) -> Result<Rc<dyn WindowAdapter>, slint::PlatformError> {
        Ok(self.window.clone())
    }
}

/// An RGBA frame.
pub struct Frame {
    pub width: u32,
    pub height: u32,
    pub rgba: Vec<u8>,
}

/// Renders one screen. Must be the first Slint use in the process (it installs the
/// headless platform).
pub fn render(opts: &ScreenshotOptions) -> Result<Frame, ScreenshotError> {
    let window = MinimalSoftwareWindow::new(RepaintBufferType::NewBuffer);
    slint::platform::set_platform(Box::new(Headless {
        window: window.clone(),
    }))
    .map_err(|e| slint::PlatformError::Other(e.to_string()))?;
    let mut ui = opts.ui.clone();
    ui.locale = opts.locale;
    ui.elderly_default = opts.elderly;
    // The same picture on every run and every machine (the x86 and ARM builds are compared).
    ui.fixed_clock = Some(time::macros::datetime!(2026-11-24 09:41 +08:00));
    ui.orientation = if opts.width > opts.height {
        Orientation::Landscape
    } else {
        Orientation::Portrait
    };
    let kiosk = Kiosk::new(ui)?;
    screens::show(&kiosk, &opts.screen)?;
    window.set_size(PhysicalSize::new(opts.width, opts.height));
    use slint::ComponentHandle;
    kiosk.window().show()?;
    slint::platform::update_timers_and_animations();
    let mut pixels = vec![PremultipliedRgbaColor::default(); (opts.width * opts.height) as usize];
    window.request_redraw();
    window.draw_if_needed(|renderer| {
        renderer.render(&mut pixels, opts.width as usize);
    });
    let rgba = pixels
        .iter()
        .flat_map(|p| {
            // Un-premultiply; the window background is opaque so alpha is 255 in practice.
            let a = p.alpha.max(1) as u16;
            let un = |c: u8| ((c as u16 * 255 + a / 2) / a).min(255) as u8;
            [un(p.red), un(p.green), un(p.blue), p.alpha]
        })
        .collect();
    kiosk.window().hide()?;
    Ok(Frame {
        width: opts.width,
        height: opts.height,
        rgba,
    })
}

pub fn write_png(frame: &Frame, path: &Path) -> Result<(), ScreenshotError> {
    let file = std::fs::File::create(path).map_err(|e| ScreenshotError::Write {
        path: path.display().to_string(),
        source: e,
    })?;
    let mut enc = png::Encoder::new(std::io::BufWriter::new(file), frame.width, frame.height);
    enc.set_color(png::ColorType::Rgba);
    enc.set_depth(png::BitDepth::Eight);
    let mut writer = enc.write_header()?;
    writer.write_image_data(&frame.rgba)?;
    writer.finish()?;
    Ok(())
}
