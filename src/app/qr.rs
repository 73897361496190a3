//! QR codes drawn on screen (a ticket to photograph when the printer is out of paper).

use qrcode::{EcLevel, QrCode};
use slint::{Image, Rgb8Pixel, SharedPixelBuffer};

/// Renders `payload` as a QR code image with a quiet zone, `scale` pixels per module.
/// A payload too long for a QR code gives an empty image rather than an error: the number
/// on screen is what matters.
pub fn qr_image(payload: &str, scale: u32) -> Image {
    let Ok(code) = QrCode::with_error_correction_level(payload.as_bytes(), EcLevel::M) else {
        return Image::default();
    };
    let modules = code.width() as u32;
    let quiet = 4;
    let size = (modules + 2 * quiet) * scale;
    let mut buffer = SharedPixelBuffer::<Rgb8Pixel>::new(size, size);
    let colors = code.to_colors();
    let pixels = buffer.make_mut_slice();
    for y in 0..size {
        for x in 0..size {
            let (mx, my) = (x / scale, y / scale);
            let dark = mx >= quiet
                && my >= quiet
                && mx < quiet + modules
                && my < quiet + modules
                && colors[((my - quiet) * modules + (mx - quiet)) as usize] == qrcode::Color::Dark;
            let v = if dark { 0 } else { 255 };
            pixels[(y * size + x) as usize] = Rgb8Pixel { r: v, g: v, b: v };
        }
    }
    Image::from_rgb8(buffer)
}
