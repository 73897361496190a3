//! Synthetic camera frames: QR codes rendered with the `qrcode` crate, then placed, rotated,
//! blurred, washed out and made noisy the way a phone behind the kiosk glass looks. Used by
//! the tests, the benchmarks and the demo camera; deterministic (seeded noise).

use qrcode::bits::Bits;
use qrcode::{EcLevel, QrCode, Version};

use super::frames::Frame;

/// The QR code of `payload` in byte mode (so GBK bytes stay GBK, never re-encoded as Kanji),
/// error correction M, smallest version that fits. `None` when it does not fit in version 40.
pub fn qr_code(payload: &[u8]) -> Option<QrCode> {
    (1..=40).find_map(|v| {
        let mut bits = Bits::new(Version::Normal(v));
        bits.push_byte_data(payload).ok()?;
        bits.push_terminator(EcLevel::M).ok()?;
        QrCode::with_bits(bits, EcLevel::M).ok()
    })
}

/// A plain frame of one grey level.
pub fn blank(width: usize, height: usize, grey: u8) -> Frame {
    Frame {
        width,
        height,
        luma: vec![grey; width * height],
    }
}

/// The code of `payload` drawn black on white, `module_px` pixels a module, with the
/// 4-module quiet zone the standard asks for.
pub fn render(payload: &[u8], module_px: usize) -> Option<Frame> {
    let code = qr_code(payload)?;
    let n = code.width();
    let colors = code.to_colors();
    let side = (n + 8) * module_px;
    let mut f = blank(side, side, 255);
    for my in 0..n {
        for mx in 0..n {
            if colors[my * n + mx] == qrcode::Color::Dark {
                for y in 0..module_px {
                    let row = ((my + 4) * module_px + y) * side;
                    let x0 = row + (mx + 4) * module_px;
                    f.luma[x0..x0 + module_px].fill(0);
                }
            }
        }
    }
    Some(f)
}

/// Copies `src` into `dst` with its top-left corner at (x, y), clipped to `dst`.
pub fn paste(dst: &mut Frame, src: &Frame, x: usize, y: usize) {
    for sy in 0..src.height {
        let dy = y + sy;
        if dy >= dst.height {
            break;
        }
        let w = src.width.min(dst.width.saturating_sub(x));
        let d0 = dy * dst.width + x;
        dst.luma[d0..d0 + w].copy_from_slice(&src.luma[sy * src.width..sy * src.width + w]);
    }
}

fn sample(f: &Frame, x: f32, y: f32, background: u8) -> u8 {
    if x < 0.0 || y < 0.0 || x > (f.width - 1) as f32 || y > (f.height - 1) as f32 {
        return background;
    }
    let (x0, y0) = (x as usize, y as usize);
    let (x1, y1) = ((x0 + 1).min(f.width - 1), (y0 + 1).min(f.height - 1));
    let (fx, fy) = (x - x0 as f32, y - y0 as f32);
    let p = |xx: usize, yy: usize| f32::from(f.luma[yy * f.width + xx]);
    let top = p(x0, y0) * (1.0 - fx) + p(x1, y0) * fx;
    let bot = p(x0, y1) * (1.0 - fx) + p(x1, y1) * fx;
    (top * (1.0 - fy) + bot * fy).round() as u8
}

/// Resized to `width` x `height` by area averaging (a code further from the camera).
pub fn resize(f: &Frame, width: usize, height: usize) -> Frame {
    let mut out = blank(width, height, 0);
    if f.width == 0 || f.height == 0 {
        return out;
    }
    for y in 0..height {
        let y0 = y * f.height / height;
        let y1 = ((y + 1) * f.height / height).clamp(y0 + 1, f.height);
        for x in 0..width {
            let x0 = x * f.width / width;
            let x1 = ((x + 1) * f.width / width).clamp(x0 + 1, f.width);
            let mut sum = 0u32;
            for yy in y0..y1 {
                sum += f.luma[yy * f.width + x0..yy * f.width + x1]
                    .iter()
                    .map(|&v| u32::from(v))
                    .sum::<u32>();
            }
            out.luma[y * width + x] = (sum / ((y1 - y0) * (x1 - x0)) as u32) as u8;
        }
    }
    out
}

/// Rotated by `degrees` about its centre (bilinear), on a canvas grown to hold all of it.
pub fn rotate(f: &Frame, degrees: f32, background: u8) -> Frame {
    let (s, c) = degrees.to_radians().sin_cos();
    let (w, h) = (f.width as f32, f.height as f32);
    let nw = (w * c.abs() + h * s.abs()).ceil() as usize;
    let nh = (w * s.abs() + h * c.abs()).ceil() as usize;
    let (cx, cy) = (w / 2.0, h / 2.0);
    let (ncx, ncy) = (nw as f32 / 2.0, nh as f32 / 2.0);
    let mut out = blank(nw, nh, background);
    for y in 0..nh {
        for x in 0..nw {
            let (dx, dy) = (x as f32 - ncx, y as f32 - ncy);
            let sx = dx * c + dy * s + cx;
            let sy = -dx * s + dy * c + cy;
            out.luma[y * nw + x] = sample(f, sx, sy, background);
        }
    }
    out
}

/// Box blur of the given radius applied three times: close to a Gaussian (an out-of-focus
/// camera).
pub fn blur(f: &Frame, radius: usize) -> Frame {
    let mut cur = f.clone();
    for _ in 0..3 {
        cur = box_pass(&cur, radius, true);
        cur = box_pass(&cur, radius, false);
    }
    cur
}

fn box_pass(f: &Frame, r: usize, horizontal: bool) -> Frame {
    let (w, h) = (f.width, f.height);
    let mut out = f.clone();
    let (outer, inner) = if horizontal { (h, w) } else { (w, h) };
    let idx = |o: usize, i: usize| if horizontal { o * w + i } else { i * w + o };
    for o in 0..outer {
        for i in 0..inner {
            let lo = i.saturating_sub(r);
            let hi = (i + r).min(inner - 1);
            let sum: u32 = (lo..=hi).map(|k| u32::from(f.luma[idx(o, k)])).sum();
            out.luma[idx(o, i)] = (sum / (hi - lo + 1) as u32) as u8;
        }
    }
    out
}

/// Grey levels squeezed into `lo..=hi` (a washed-out screen behind glass).
pub fn contrast(f: &Frame, lo: u8, hi: u8) -> Frame {
    let span = f32::from(hi.saturating_sub(lo));
    Frame {
        luma: f
            .luma
            .iter()
            .map(|&v| (f32::from(lo) + f32::from(v) * span / 255.0).round() as u8)
            .collect(),
        ..f.clone()
    }
}

/// Uniform noise of +/- `amplitude` grey levels, from a fixed seed.
pub fn noise(f: &Frame, amplitude: u8, seed: u64) -> Frame {
    let mut state = seed | 1;
    let amp = i32::from(amplitude);
    Frame {
        luma: f
            .luma
            .iter()
            .map(|&v| {
                // xorshift64: reproducible without a rand dependency.
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                let d = (state % (2 * amp as u64 + 1)) as i32 - amp;
                (i32::from(v) + d).clamp(0, 255) as u8
            })
            .collect(),
        ..f.clone()
    }
}

/// A `width` x `height` mid-grey scene with the code of `payload` (modules of `module_px`)
/// centred in it: the frame a camera sees when a phone is held up.
pub fn scene(width: usize, height: usize, payload: &[u8], module_px: usize) -> Option<Frame> {
    let code = render(payload, module_px)?;
    let mut f = blank(width, height, 150);
    paste(
        &mut f,
        &code,
        width.saturating_sub(code.width) / 2,
        height.saturating_sub(code.height) / 2,
    );
    Some(f)
}

/// Writes a frame as an 8-bit greyscale PNG.
pub fn save_png(f: &Frame, path: &std::path::Path) -> image::ImageResult<()> {
    let img = image::GrayImage::from_raw(f.width as u32, f.height as u32, f.luma.clone())
        .ok_or_else(|| {
            image::ImageError::Parameter(image::error::ParameterError::from_kind(
                image::error::ParameterErrorKind::DimensionMismatch,
            ))
        })?;
    img.save(path)
}
